package io.github.fl4j.experiments.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.sim.RoundReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Final and tail accuracy of a run, on hand-made reports. */
class RunResultTest {
    private static final RunKey KEY = new RunKey("s", "identity", "all", "h", 1);

    /** Rounds 1..rounds; evaluated every {@code every} rounds with accuracy round / 1000. */
    private static RunResult run(int rounds, int every) {
        List<RoundReport> reports = new ArrayList<>();
        for (int t = 1; t <= rounds; t++) {
            boolean eval = t % every == 0;
            reports.add(new RoundReport(t, 1, 1.0, eval ? 0.5 : Double.NaN, eval ? t / 1000.0 : Double.NaN, 32, 32,
                    32L * t, 32L * t, 1, 0));
        }
        return new RunResult(KEY, reports, false);
    }

    /**
     * 100 rounds evaluated every 5: the last 10% are rounds 91..100, evaluated at 95 and 100, so the tail mean is
     * (0.095 + 0.100)/2 = 0.0975 and the final accuracy 0.100.
     */
    @Test
    void tailMeanOverTheLastTenPercent() {
        RunResult r = run(100, 5);
        assertEquals(0.100, r.finalAccuracy(), 1e-15);
        assertEquals(0.0975, r.tailAccuracy(), 1e-15);
    }

    /**
     * Evaluations sparser than the tail: 100 rounds evaluated every 40 (rounds 40 and 80), none in 91..100, so the
     * tail is the last evaluated round alone: 0.080.
     */
    @Test
    void tailFallsBackToTheLastEvaluation() {
        RunResult r = run(100, 40);
        assertEquals(0.080, r.finalAccuracy(), 1e-15);
        assertEquals(0.080, r.tailAccuracy(), 1e-15);
        assertTrue(Double.isNaN(run(10, 20).tailAccuracy()));
        assertTrue(Double.isNaN(new RunResult(KEY, List.of(), false).tailAccuracy()));
    }
}
