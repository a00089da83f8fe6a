package io.github.fl4j.benchmarks.grid;

import io.github.fl4j.core.sim.RoundReport;
import java.util.List;

/**
 * The reports of one finished run (truncated at the uplink budget when there is one).
 *
 * @param key     the run
 * @param reports its rounds, in order
 * @param loaded  true when read from a previous invocation's run file instead of executed
 */
public record RunResult(RunKey key, List<RoundReport> reports, boolean loaded) {

    public RunResult {
        reports = List.copyOf(reports);
    }

    /** Test accuracy of the last evaluated round (NaN if none). */
    public double finalAccuracy() {
        for (int i = reports.size() - 1; i >= 0; i--) {
            if (reports.get(i).evaluated()) {
                return reports.get(i).testAccuracy();
            }
        }
        return Double.NaN;
    }

    /** The first evaluated round whose test accuracy is at least {@code target}, or null. */
    public RoundReport firstReaching(double target) {
        for (RoundReport r : reports) {
            if (r.evaluated() && r.testAccuracy() >= target) {
                return r;
            }
        }
        return null;
    }

    /** Wall time of the run in seconds (sum of round times). */
    public double wallSeconds() {
        long s = 0;
        for (RoundReport r : reports) {
            s += r.wallNanos();
        }
        return s / 1e9;
    }
}
