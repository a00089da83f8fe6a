package io.github.fl4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchmarkEnvironmentTest {
    @Test
    void cpuShareSplitsTheMachinesTimeIntoStealAndOtherProcesses() {
        // counters: user nice system idle iowait irq softirq steal (ticks of 10 ms), this JVM's CPU ns
        long[] before = {1000, 0, 500, 9000, 100, 0, 0, 50, 0};
        // 1,000 ticks pass: 300 user + 100 system busy, 350 idle + 50 iowait, 200 steal; this JVM used 2 s (200
        // ticks) of the 400 busy ones, so other processes 200: 20 % each
        long[] now = {1300, 0, 600, 9350, 150, 0, 0, 250, 2_000_000_000L};
        assertEquals("steal 20%, other processes 20%", BenchmarkEnvironment.cpuShare(before, now));
    }

    @Test
    void cpuShareIsEmptyWithoutCountersOrWithoutElapsedTicks() {
        long[] t = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertEquals("", BenchmarkEnvironment.cpuShare(null, t));
        assertEquals("", BenchmarkEnvironment.cpuShare(t, null));
        assertEquals("", BenchmarkEnvironment.cpuShare(t, t.clone()));
    }

    @Test
    void cpuTimesReadsThisMachineWhereThereIsProcStat() {
        long[] t = BenchmarkEnvironment.cpuTimes();
        if (!java.nio.file.Files.exists(java.nio.file.Path.of("/proc/stat"))) {
            assertEquals(null, t);
            return;
        }
        assertTrue(t != null && t[3] > 0, "idle ticks counted");
        long spin = 0;
        long end = System.nanoTime() + 50_000_000L;
        while (System.nanoTime() < end) {
            spin++;
        }
        String share = BenchmarkEnvironment.cpuShareSince(t);
        assertTrue(share.isEmpty() || share.matches("steal \\d+%, other processes \\d+%"), share + " " + spin);
    }
}
