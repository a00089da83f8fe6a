package io.github.fl4j.experiments.grid;

import io.github.fl4j.core.sim.RoundReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every run of a grid, in grid order, and the per-cell summaries.
 *
 * @param runs           the runs (heterogeneity, system, participation, strategy, compressor, seed order)
 * @param targetAccuracy the target accuracy of the grid
 */
public record GridResult(List<RunResult> runs, double targetAccuracy) {

    /** Copies the runs. */
    public GridResult {
        runs = List.copyOf(runs);
    }

    /** The runs of each cell, in grid order. */
    public Map<RunKey.Cell, List<RunResult>> byCell() {
        Map<RunKey.Cell, List<RunResult>> m = new LinkedHashMap<>();
        for (RunResult r : runs) {
            m.computeIfAbsent(r.key().cell(), c -> new ArrayList<>()).add(r);
        }
        return m;
    }

    /** The summary of every cell, in grid order. */
    public List<CellSummary> summaries() {
        List<CellSummary> out = new ArrayList<>();
        for (Map.Entry<RunKey.Cell, List<RunResult>> e : byCell().entrySet()) {
            out.add(CellSummary.of(e.getKey(), e.getValue(), targetAccuracy));
        }
        return out;
    }

    /** True when the runs are simulations with time (the grid has a system axis). */
    public boolean timed() {
        return !runs.isEmpty() && runs.get(0).key().timed();
    }

    /** True when the grid has an aggregator axis. */
    public boolean aggregatorAxis() {
        return !runs.isEmpty() && !RunKey.NONE.equals(runs.get(0).key().aggregator());
    }

    /** True when the grid has an attack axis. */
    public boolean attackAxis() {
        return !runs.isEmpty() && !RunKey.NONE.equals(runs.get(0).key().attack());
    }

    /** True when the grid has a privacy axis (its reports carry the privacy loss epsilon). */
    public boolean privacyAxis() {
        return !runs.isEmpty() && runs.get(0).key().privacyAxis();
    }

    /** The runs that diverged, in grid order. */
    public List<RunResult> divergedRuns() {
        return runs.stream().filter(RunResult::isDiverged).toList();
    }

    /** Number of runs executed in this invocation (the others were loaded from run files). */
    public long executedRuns() {
        return runs.stream().filter(r -> !r.loaded()).count();
    }

    /**
     * The summary of one cell over its seeds.
     *
     * @param cell           the cell
     * @param seeds          number of seeds
     * @param finalAccuracy  final test accuracy
     * @param tailAccuracy   mean test accuracy over the last 10% of the rounds ({@link RunResult#tailAccuracy})
     * @param roundsToTarget first round reaching the target, over the seeds that reached it
     * @param bitsToTarget   cumulative uplink bits at that round, over the seeds that reached it
     * @param timeToTarget   virtual time in seconds at that round, over the seeds that reached it (n = 0 when
     *                       untimed)
     * @param finalTime      virtual time in seconds of the last round (n = 0 when untimed)
     * @param finalEpsilon   the privacy loss epsilon after the last round (n = 0 when not private)
     * @param reached        number of seeds that reached the target (among the runs that did not diverge)
     * @param diverged       number of seeds whose run diverged; the statistics are over the other runs (a diverged
     *                       run's accuracy before it failed is no final figure)
     * @param wallSeconds    wall time of a run in seconds
     */
    public record CellSummary(RunKey.Cell cell, int seeds, Stats finalAccuracy, Stats tailAccuracy,
                              Stats roundsToTarget, Stats bitsToTarget, Stats timeToTarget, Stats finalTime,
                              Stats finalEpsilon, int reached, int diverged, Stats wallSeconds) {

        static CellSummary of(RunKey.Cell cell, List<RunResult> all, double target) {
            List<RunResult> runs = all.stream().filter(r -> !r.isDiverged()).toList();
            int n = runs.size();
            double[] acc = new double[n];
            double[] tail = new double[n];
            double[] rounds = new double[n];
            double[] bits = new double[n];
            double[] wall = new double[n];
            double[] time = new double[n];
            double[] end = new double[n];
            double[] eps = new double[n];
            int reached = 0;
            for (int i = 0; i < n; i++) {
                RunResult r = runs.get(i);
                acc[i] = r.finalAccuracy();
                tail[i] = r.tailAccuracy();
                RoundReport hit = r.firstReaching(target);
                rounds[i] = hit == null ? Double.NaN : hit.round();
                bits[i] = hit == null ? Double.NaN : hit.cumulativeUplink();
                reached += hit == null ? 0 : 1;
                wall[i] = r.wallSeconds();
                time[i] = r.timeReaching(target);
                end[i] = r.finalTime();
                eps[i] = r.finalEpsilon();
            }
            return new CellSummary(cell, all.size(), Stats.of(acc), Stats.of(tail), Stats.of(rounds), Stats.of(bits),
                    Stats.of(time), Stats.of(end), Stats.of(eps), reached, all.size() - n, Stats.of(wall));
        }
    }
}
