package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Interrupting the thread that runs a simulation stops it at the next round with a cancellation that names the round,
 * for any thread count (with one thread it used to go on; with two it died with an IllegalStateException).
 */
class CancellationTest {

    @Test
    void anInterruptStopsTheRunBeforeTheNextRound() {
        for (int threads : new int[] {1, 2}) {
            List<Integer> seen = new ArrayList<>();
            RoundListener interruptAfterThree = new RoundListener() {
                @Override
                public void onRound(RoundReport report) {
                    seen.add(report.round());
                    if (report.round() == 3) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            Simulation<?, ?> sim = SimulationTest.sim(0.5, 10, 2)
                    .config(SimulationConfig.builder().rounds(10).clientsPerRound(2).threads(threads).seed(5)
                            .precision(io.github.fl4j.core.tensor.Precision.FLOAT64).build())
                    .listener(interruptAfterThree).build();
            RunCancelledException e = assertThrows(RunCancelledException.class, sim::run);
            assertTrue(Thread.interrupted(), "the interrupt flag stays set (cleared here)");
            assertEquals(4, e.round(), threads + " threads");
            assertTrue(e.getMessage().contains("before round 4") && e.getMessage().contains("seed 5"), e.getMessage());
            assertEquals(List.of(1, 2, 3), seen);
        }
    }
}
