package io.github.fl4j.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/** The resident-memory bound: its formula, the property that tightens it, and the check. */
class NativeMemoryTest {

    @Test
    void recommendedLimitIsTwiceTheHeapPlusOneGibCappedAtNinetyPercentOfMemory() {
        long heap = Runtime.getRuntime().maxMemory();
        long ram = NativeMemory.machineBytes();
        long expected = 2 * heap + (1L << 30);
        if (ram > 0) {
            expected = Math.min(expected, ram / 10 * 9);
        }
        assertEquals(expected, NativeMemory.recommendedLimit());
    }

    @Test
    void configureKeepsAValueThatIsAlreadySet() {
        String before = System.getProperty(NativeMemory.MAX_PHYSICAL_BYTES);
        try {
            System.setProperty(NativeMemory.MAX_PHYSICAL_BYTES, "5g");
            assertEquals("5g", NativeMemory.configure());
            System.clearProperty(NativeMemory.MAX_PHYSICAL_BYTES);
            assertEquals(Long.toString(NativeMemory.recommendedLimit()), NativeMemory.configure());
        } finally {
            if (before == null) {
                System.clearProperty(NativeMemory.MAX_PHYSICAL_BYTES);
            } else {
                System.setProperty(NativeMemory.MAX_PHYSICAL_BYTES, before);
            }
        }
    }

    @Test
    void theOwnPropertyTightensTheLimitAndTheCheckReportsTheSizes() {
        long javacpp = Pointer.maxPhysicalBytes();
        assertTrue(NativeMemory.limit() > 0);
        assertTrue(javacpp <= 0 || NativeMemory.limit() <= javacpp);
        assertNull(NativeMemory.overLimit(), "a test JVM is far below its limit");
        try {
            System.setProperty(NativeMemory.MAX_RESIDENT_BYTES, "1m");
            assertEquals(1L << 20, NativeMemory.limit());
            String over = NativeMemory.overLimit();
            assertTrue(over != null && over.contains("resident against a limit of 1024K (fl4j.maxResidentBytes)")
                    && over.contains("-D" + NativeMemory.MAX_PHYSICAL_BYTES), over);
            System.setProperty(NativeMemory.MAX_RESIDENT_BYTES, "lots");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, NativeMemory::limit);
            assertTrue(e.getMessage().contains("fl4j.maxResidentBytes") && e.getMessage().contains("\"lots\""),
                    e.getMessage());
        } finally {
            System.clearProperty(NativeMemory.MAX_RESIDENT_BYTES);
        }
    }
}
