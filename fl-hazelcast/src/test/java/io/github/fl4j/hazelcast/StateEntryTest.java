package io.github.fl4j.hazelcast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The state map's entry format and the rule a task reads its state by, on hand-made entries: a = {1, 2}, b = {7}.
 */
class StateEntryTest {
    private static final byte[] A = {1, 2};
    private static final byte[] B = {7};

    @Test
    void layoutIsFormatRoundLengthStateLengthPrevious() {
        // 1 | 3 | 2 | 1 2 | 1 | 7  (big-endian ints)
        assertArrayEquals(new byte[] {1, 0, 0, 0, 3, 0, 0, 0, 2, 1, 2, 0, 0, 0, 1, 7}, StateEntry.encode(3, A, B));
        // driver-written: round 0, no previous state (-1)
        assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 1, 7, -1, -1, -1, -1}, StateEntry.encode(0, B, null));
    }

    @Test
    void aTaskReadsTheCurrentStateAfterAnEarlierRoundAndThePreviousOneInTheRoundThatWroteIt() {
        byte[] e = StateEntry.encode(3, A, B);
        assertArrayEquals(A, StateEntry.before(e, 4, 9), "round 4 after a write of round 3: the current state");
        assertArrayEquals(B, StateEntry.before(e, 3, 9), "round 3 again (a rerun): the state before round 3");
        assertNull(StateEntry.before(null, 3, 9), "no entry: the initial state");
        assertNull(StateEntry.before(StateEntry.encode(3, A, null), 3, 9), "a rerun of a first participation");
        assertArrayEquals(B, StateEntry.before(StateEntry.encode(0, B, null), 1, 9), "a driver-written state");
        IllegalStateException x = assertThrows(IllegalStateException.class, () -> StateEntry.before(e, 2, 9));
        assertTrue(x.getMessage().contains("client 9") && x.getMessage().contains("round 3"), x.getMessage());
    }

    @Test
    void aSecondWriteInTheSameRoundLeavesTheSameEntry() {
        byte[] old = StateEntry.encode(2, B, null);
        byte[] once = StateEntry.write(old, 5, A, 9);
        assertArrayEquals(StateEntry.encode(5, A, B), once, "keeps the state before round 5");
        assertArrayEquals(once, StateEntry.write(once, 5, A, 9), "idempotent");
        assertEquals(5, StateEntry.round(once));
        assertArrayEquals(A, StateEntry.current(once));
        assertArrayEquals(B, StateEntry.previous(once));
        assertArrayEquals(StateEntry.encode(6, B, A), StateEntry.write(once, 6, B, 9), "the next round keeps A");
    }

    @Test
    void aCorruptEntryIsRefusedWithItsSize() {
        IllegalStateException x = assertThrows(IllegalStateException.class, () -> StateEntry.current(new byte[] {
            2, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1}));
        assertTrue(x.getMessage().contains("format byte 1") && x.getMessage().contains("13 bytes"), x.getMessage());
        assertThrows(IllegalStateException.class, () -> StateEntry.current(new byte[] {
            1, 0, 0, 0, 0, 0, 0, 0, 9, -1, -1, -1, -1}));
    }
}
