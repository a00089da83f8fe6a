package io.github.fl4j.experiments.grid;

import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.time.TimeReport;
import java.util.Arrays;
import java.util.List;

/**
 * The reports of one finished run (truncated at the uplink budget when there is one). A timed run (a grid with a
 * system axis) has one report per server version (a round, for synchronous strategies) in the round form
 * ({@link #roundReport(TimeReport)}) and, beside it, the version's virtual time and staleness counts.
 *
 * @param key     the run
 * @param reports its rounds (server versions), in order
 * @param timings  the virtual time and staleness of each report, in the same order; empty when untimed
 * @param epsilons the privacy loss epsilon after each report, in the same order (NaN for a non-private run of a
 *                 grid with a privacy axis); empty when the grid has no privacy axis
 * @param loaded   true when read from a previous invocation's run file instead of executed
 * @param diverged null for a run that finished; for a run that failed (a non-finite loss or update, a client
 *                 error: a {@code SimulationException}) the reason, and {@code reports} then holds the rounds
 *                 completed before the failure (possibly none)
 */
public record RunResult(RunKey key, List<RoundReport> reports, List<Timing> timings, List<Double> epsilons,
                        boolean loaded, String diverged) {

    /**
     * Copies the lists.
     *
     * @throws IllegalArgumentException when there are timings or epsilons but not one per report
     */
    public RunResult {
        if (diverged != null && diverged.isBlank()) {
            throw new IllegalArgumentException("a diverged run needs its reason, was '" + diverged + "'");
        }
        reports = List.copyOf(reports);
        timings = List.copyOf(timings);
        epsilons = List.copyOf(epsilons);
        if (!timings.isEmpty() && timings.size() != reports.size()) {
            throw new IllegalArgumentException("a timed run needs one timing per report, had " + timings.size()
                    + " for " + reports.size() + " reports");
        }
        if (!epsilons.isEmpty() && epsilons.size() != reports.size()) {
            throw new IllegalArgumentException("a run of a grid with a privacy axis needs one epsilon per report, had "
                    + epsilons.size() + " for " + reports.size() + " reports");
        }
    }

    /** A run that finished (not diverged). */
    public RunResult(RunKey key, List<RoundReport> reports, List<Timing> timings, List<Double> epsilons,
                     boolean loaded) {
        this(key, reports, timings, epsilons, loaded, null);
    }

    /** True when the run failed before its last round ({@link #diverged()} gives the reason). */
    public boolean isDiverged() {
        return diverged != null;
    }

    /** The same run marked as loaded from its run file. */
    RunResult asLoaded() {
        return new RunResult(key, reports, timings, epsilons, true, diverged);
    }

    /** A run of a grid without a privacy axis. */
    public RunResult(RunKey key, List<RoundReport> reports, List<Timing> timings, boolean loaded) {
        this(key, reports, timings, List.of(), loaded);
    }

    /** The privacy loss epsilon after the last report (NaN when not private or without a privacy axis). */
    public double finalEpsilon() {
        return epsilons.isEmpty() ? Double.NaN : epsilons.get(epsilons.size() - 1);
    }

    /** An untimed run. */
    public RunResult(RunKey key, List<RoundReport> reports, boolean loaded) {
        this(key, reports, List.of(), loaded);
    }

    /**
     * What a server version adds to its round report in a simulation with time.
     *
     * @param time            the virtual time at which the version was made, seconds
     * @param stalenessCounts how many of the version's applied uploads had staleness 0, 1, 2, ... (no trailing
     *                        zeros; empty when none arrived)
     * @param wastedUpdates   sessions whose work was lost since the start (failed, offline, too stale, late)
     */
    public record Timing(double time, long[] stalenessCounts, long wastedUpdates) {

        /** Copies the counts. */
        public Timing {
            stalenessCounts = stalenessCounts.clone();
        }

        /** The timing part of a version report. */
        public static Timing of(TimeReport r) {
            return new Timing(r.time(), r.stalenessCounts(), r.wastedUpdates());
        }

        /** The counts (a copy). */
        @Override
        public long[] stalenessCounts() {
            return stalenessCounts.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Timing t && Double.compare(time, t.time) == 0
                    && Arrays.equals(stalenessCounts, t.stalenessCounts) && wastedUpdates == t.wastedUpdates;
        }

        @Override
        public int hashCode() {
            return Double.hashCode(time) * 31 * 31 + Arrays.hashCode(stalenessCounts) * 31
                    + Long.hashCode(wastedUpdates);
        }

        @Override
        public String toString() {
            return "Timing[time=" + time + ", stalenessCounts=" + Arrays.toString(stalenessCounts)
                    + ", wastedUpdates=" + wastedUpdates + "]";
        }
    }

    /**
     * A version report in the round form: round = version, participants = uploads applied since the previous
     * version, and its losses, accuracy, bits and wall times.
     */
    public static RoundReport roundReport(TimeReport r) {
        return new RoundReport(Math.toIntExact(r.version()), r.arrivals(), r.trainLoss(), r.testLoss(),
                r.testAccuracy(), r.uplinkBits(), r.downlinkBits(), r.cumulativeUplink(), r.cumulativeDownlink(),
                r.wallNanos(), r.evalNanos());
    }

    /** True for a run on the virtual clock. */
    public boolean timed() {
        return !timings.isEmpty();
    }

    /** The virtual time of the last report (NaN when untimed). */
    public double finalTime() {
        return timings.isEmpty() ? Double.NaN : timings.get(timings.size() - 1).time();
    }

    /**
     * The virtual time of the first evaluated report whose test accuracy is at least {@code target}; NaN when none
     * or untimed.
     */
    public double timeReaching(double target) {
        if (timings.isEmpty()) {
            return Double.NaN;
        }
        for (int i = 0; i < reports.size(); i++) {
            RoundReport r = reports.get(i);
            if (r.evaluated() && r.testAccuracy() >= target) {
                return timings.get(i).time();
            }
        }
        return Double.NaN;
    }

    /** How many applied uploads of the whole run had staleness 0, 1, 2, ... (empty when untimed). */
    public long[] stalenessHistogram() {
        long[] h = new long[0];
        for (Timing t : timings) {
            long[] c = t.stalenessCounts;
            if (c.length > h.length) {
                h = Arrays.copyOf(h, c.length);
            }
            for (int i = 0; i < c.length; i++) {
                h[i] += c[i];
            }
        }
        return h;
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
