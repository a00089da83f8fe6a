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

    /** Share of the rounds run that {@link #tailAccuracy()} averages over. */
    public static final double TAIL_FRACTION = 0.1;

    /**
     * Mean test accuracy over the evaluated rounds among the last {@link #TAIL_FRACTION} of the rounds run (at least
     * the last evaluated round; NaN if none). Under partial, skewed participation the accuracy of one round swings
     * with who took part last; the tail mean is the steadier figure.
     */
    public double tailAccuracy() {
        if (reports.isEmpty()) {
            return Double.NaN;
        }
        int last = reports.get(reports.size() - 1).round();
        int from = last - (int) Math.ceil(TAIL_FRACTION * last);
        double sum = 0;
        int n = 0;
        for (int i = reports.size() - 1; i >= 0; i--) {
            RoundReport r = reports.get(i);
            if (r.round() <= from && n > 0) {
                break;
            }
            if (r.evaluated()) {
                sum += r.testAccuracy();
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
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
