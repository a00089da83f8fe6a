package io.github.fl4j.experiments.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.async.FedBuff;
import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.fedprox.FedProx;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.time.Devices;
import io.github.fl4j.core.time.Dropouts;
import io.github.fl4j.core.time.Schedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small grid with a system axis: a synchronous and an asynchronous strategy, two systems, two seeds. */
class TimedGridTest {
    private static final int ROUNDS = 6;

    private static FederatedDataset data(long seed) {
        return SyntheticFedProx.builder().alpha(1).beta(1).clients(6).dimension(8).classes(3).maxSamples(40).build()
                .generate(new SeedTree(seed).stream(Purpose.DATA_GENERATION));
    }

    /** FedAvg and FedBuff (2 local steps of batch 5; FedBuff with K = 2 and 3 sessions in flight). */
    private static Grid.Builder strategies(Path out) {
        return Grid.builder()
                .strategy("FedAvg", () -> FedAvg.builder().localSteps(2, 5).localLearningRate(0.05).build())
                .asyncStrategy("FedBuff", () -> FedBuff.builder().localSteps(2, 5).localLearningRate(0.05)
                        .bufferSize(2).build(), Schedule.closed(3))
                .participation("uniform:3", Participation.uniform(3))
                .heterogeneity("synthetic", TimedGridTest::data)
                .model((FederatedDataset d) -> new SoftmaxRegression(d.featureCount(), 3))
                .seeds(1, 2).rounds(ROUNDS).targetAccuracy(0.3).parallelism(2).output(out).progress(false);
    }

    /** Equal devices, and slow log-normal devices with 5% dropouts and a 1 s deadline for FedAvg's rounds. */
    private static Grid.Builder tiny(Path out) {
        return strategies(out)
                .system("equal", SystemSetting.equal())
                .system("slow", SystemSetting.of(Devices.logNormal(20, 1.0, 1e4, 1.0, Double.POSITIVE_INFINITY, 0))
                        .withDropout(Dropouts.probability(0.05)).withRounds(Schedule.rounds().deadline(1.0)));
    }

    @Test
    void timedGridWritesTimesTimeToTargetAndPlots(@TempDir Path dir) throws Exception {
        GridResult r = tiny(dir).build().run();
        assertEquals(2 * 2 * 2, r.runs().size());
        assertTrue(r.timed());
        assertEquals(new RunKey("FedAvg", "identity", "uniform:3", "synthetic", "equal", 1), r.runs().get(0).key());
        for (RunResult run : r.runs()) {
            assertTrue(run.timed());
            assertEquals(run.reports().size(), run.timings().size());
            double prev = 0;
            for (RunResult.Timing t : run.timings()) {
                assertTrue(t.time() >= prev && Double.isFinite(t.time()), run.key() + ": " + t);
                prev = t.time();
            }
            assertTrue(run.finalTime() > 0);
            assertFalse(Double.isNaN(run.finalAccuracy()));
            long applied = run.reports().stream().mapToLong(RoundReport::participants).sum();
            assertEquals(applied, java.util.Arrays.stream(run.stalenessHistogram()).sum(), run.key().toString());
            if (run.key().strategy().equals("FedAvg")) {
                assertTrue(run.stalenessHistogram().length <= 1, "rounds accept only staleness 0");
            }
        }
        // FedBuff has stale updates with 3 sessions in flight and K = 2
        assertTrue(r.runs().stream().filter(x -> x.key().strategy().equals("FedBuff"))
                .anyMatch(x -> x.stalenessHistogram().length > 1));

        Path file = dir.resolve("runs/FedBuff__identity__uniform-3__synthetic__slow-seed2.csv");
        List<String> lines = Files.readAllLines(file);
        assertEquals(RunFiles.TIMED_HEADER, lines.get(0));
        assertEquals(1 + ROUNDS, lines.size());
        int firstTimed = io.github.fl4j.core.sim.CsvReportWriter.HEADER.split(",").length;
        assertTrue(lines.get(1).split(",", -1)[firstTimed].matches("[0-9.E-]+"), lines.get(1));

        List<String> summary = Files.readAllLines(dir.resolve("summary.csv"));
        assertEquals(GridReports.TIMED_SUMMARY_HEADER, summary.get(0));
        assertEquals(1 + 4, summary.size());
        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("| system |") && md.contains("virtual s to target") && md.contains("final virtual s"),
                md);
        for (GridResult.CellSummary s : r.summaries()) {
            assertEquals(s.reached(), s.timeToTarget().n(), s.cell().toString());
            assertEquals(2, s.finalTime().n());
        }
        // time to target is the virtual time of the round that first reached it
        RunResult first = r.runs().get(0);
        RoundReport hit = first.firstReaching(0.3);
        if (hit != null) {
            assertEquals(first.timings().get(first.reports().indexOf(hit)).time(), first.timeReaching(0.3));
        }
        List<String> rounds = Files.readAllLines(dir.resolve("rounds.csv"));
        assertEquals("strategy,compressor,participation,heterogeneity,system,seed," + RunFiles.TIMED_HEADER,
                rounds.get(0));
        assertEquals(1 + 8 * ROUNDS, rounds.size());
        for (String sys : List.of("equal", "slow")) {
            for (String kind : List.of("accuracy-rounds", "accuracy-uplink", "accuracy-time", "staleness")) {
                Path png = dir.resolve(kind + "__uniform-3__synthetic__" + sys + ".png");
                assertTrue(Files.size(png) > 0, png.toString());
            }
        }
    }

    @Test
    void reloadingRunFilesGivesIdenticalResults(@TempDir Path dir) throws Exception {
        GridResult first = tiny(dir).plots(false).build().run();
        String summary = withoutWall(Files.readAllLines(dir.resolve("summary.csv")), 2);
        GridResult again = tiny(dir).plots(false).build().run();
        assertEquals(0, again.executedRuns());
        for (int i = 0; i < first.runs().size(); i++) {
            RunResult a = first.runs().get(i);
            RunResult b = again.runs().get(i);
            assertFalse(a.loaded());
            assertTrue(b.loaded());
            assertEquals(a.key(), b.key());
            assertEquals(a.reports().stream().map(RoundReport::withoutTimings).toList(),
                    b.reports().stream().map(RoundReport::withoutTimings).toList());
            assertEquals(a.timings(), b.timings());
            assertArrayEquals(a.stalenessHistogram(), b.stalenessHistogram());
        }
        assertEquals(summary, withoutWall(Files.readAllLines(dir.resolve("summary.csv")), 2));
    }

    /**
     * With equal devices and rounds that wait for all, a timed synchronous run computes what the round engine
     * computes (same participants, bits, losses and accuracies), and each round lasts the slowest session's samples
     * processed (1 sample per second): here 2 local steps of at most 5 samples, so at most 10 s.
     */
    @Test
    void equalSystemMatchesTheUntimedGrid(@TempDir Path dir) {
        GridResult timed = Grid.builder()
                .strategy("FedAvg", () -> FedAvg.builder().localSteps(2, 5).localLearningRate(0.05).build())
                .participation("uniform:3", Participation.uniform(3)).heterogeneity("synthetic", TimedGridTest::data)
                .model((FederatedDataset d) -> new SoftmaxRegression(d.featureCount(), 3)).seeds(1, 2)
                .rounds(ROUNDS).targetAccuracy(0.3).output(dir.resolve("timed")).progress(false).plots(false)
                .system("equal", SystemSetting.equal()).build().run();
        GridResult untimed = Grid.builder()
                .strategy("FedAvg", () -> FedAvg.builder().localSteps(2, 5).localLearningRate(0.05).build())
                .participation("uniform:3", Participation.uniform(3)).heterogeneity("synthetic", TimedGridTest::data)
                .model((FederatedDataset d) -> new SoftmaxRegression(d.featureCount(), 3)).seeds(1, 2)
                .rounds(ROUNDS).targetAccuracy(0.3).output(dir.resolve("untimed")).progress(false).plots(false)
                .build().run();
        assertFalse(untimed.timed());
        for (int i = 0; i < 2; i++) {
            RunResult t = timed.runs().get(i);
            RunResult u = untimed.runs().get(i);
            assertEquals(u.reports().stream().map(RoundReport::withoutTimings).toList(),
                    t.reports().stream().map(RoundReport::withoutTimings).toList());
            double prev = 0;
            for (RunResult.Timing x : t.timings()) {
                assertTrue(x.time() - prev > 0 && x.time() - prev <= 10, x.toString());
                assertEquals(Math.rint(x.time()), x.time(), "whole samples at 1 sample per second");
                prev = x.time();
            }
        }
        assertTrue(Files.isRegularFile(dir.resolve("untimed/runs/FedAvg__identity__uniform-3__synthetic-seed1.csv")));
        assertTrue(Files.isRegularFile(
                dir.resolve("timed/runs/FedAvg__identity__uniform-3__synthetic__equal-seed1.csv")));
    }

    /**
     * Common random numbers under time: FedAvg and FedProx do the same local work and send the same bits, so on the
     * same seed they meet the same devices, dropouts and deadline cuts: the same participants and round times.
     */
    @Test
    void strategiesOfASeedMeetTheSameSystem(@TempDir Path dir) {
        GridResult r = Grid.builder()
                .strategy("FedAvg", () -> FedAvg.builder().localSteps(2, 5).localLearningRate(0.05).build())
                .strategy("FedProx", () -> FedProx.builder().localSteps(2, 5).localLearningRate(0.05)
                        .proximalWeight(0.1).build())
                .participation("uniform:4", Participation.uniform(4)).heterogeneity("synthetic", TimedGridTest::data)
                .model((FederatedDataset d) -> new SoftmaxRegression(d.featureCount(), 3)).seeds(1, 2).rounds(8)
                .output(dir).progress(false).plots(false)
                .system("slow", SystemSetting.of(Devices.logNormal(20, 1.0, 1e4, 1.0, Double.POSITIVE_INFINITY, 0))
                        .withDropout(Dropouts.probability(0.2)).withRounds(Schedule.rounds().deadline(0.8)))
                .build().run();
        for (int seed = 0; seed < 2; seed++) {
            RunResult avg = r.runs().get(seed);
            RunResult prox = r.runs().get(2 + seed);
            assertEquals(avg.key().seed(), prox.key().seed());
            assertEquals(avg.timings(), prox.timings());
            assertEquals(avg.reports().stream().map(RoundReport::participants).toList(),
                    prox.reports().stream().map(RoundReport::participants).toList());
        }
        assertTrue(r.runs().get(0).timings().get(7).wastedUpdates() > 0, "the deadline and dropouts waste work");
    }

    @Test
    void aTimedRunRefusesAnUntimedFile(@TempDir Path dir) throws Exception {
        RunKey timed = new RunKey("s", "c", "p", "h", "sys", 1);
        Path f = dir.resolve(timed.fileName());
        RunFiles.write(f, new RunResult(new RunKey("s", "c", "p", "h", 1),
                List.of(new RoundReport(1, 1, 1, 1, 0.5, 8, 8, 8, 8, 0, 0)), false));
        String m = assertThrows(IllegalStateException.class, () -> RunFiles.read(timed, f)).getMessage();
        assertTrue(m.contains(f.toString()) && m.contains("virtual_time"), m);
    }

    @Test
    void virtualTimeBudgetStopsAndEvaluatesTheLastVersion(@TempDir Path dir) {
        GridResult r = strategies(dir).plots(false).rounds(1000).evalEvery(1000).maxVirtualTime(120)
                .system("equal", SystemSetting.equal()).build().run();
        for (RunResult run : r.runs()) {
            assertTrue(run.reports().size() < 1000);
            assertTrue(run.finalTime() <= 120, run.key() + " " + run.finalTime());
            assertTrue(run.reports().get(run.reports().size() - 1).evaluated(), run.key().toString());
            assertFalse(Double.isNaN(run.finalAccuracy()));
        }
    }

    @Test
    void invalidCombinationsFailClearly(@TempDir Path dir) {
        String m = assertThrows(IllegalArgumentException.class, () -> strategies(dir).build()).getMessage();
        assertTrue(m.contains("[FedBuff]") && m.contains("system axis"), m);
        m = assertThrows(IllegalArgumentException.class, () -> tiny(dir)
                .participation("bernoulli", Participation.all()).build()).getMessage();
        assertTrue(m.contains("at most one participation") && m.contains("[uniform:3, bernoulli]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> tiny(dir).system("-", SystemSetting.equal()))
                .getMessage();
        assertTrue(m.contains("reserved"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Grid.builder()
                .asyncStrategy("A", () -> FedBuff.builder().build(), Schedule.rounds())).getMessage();
        assertTrue(m.contains("'A'") && m.contains("rounds(wait for all)"), m);
        m = assertThrows(IllegalArgumentException.class, () -> SystemSetting.equal()
                .withRounds(Schedule.closed(2))).getMessage();
        assertTrue(m.contains("closed(concurrency 2)"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Grid.builder()
                .strategy("FedAvg", () -> FedAvg.builder().build()).maxVirtualTime(10)
                .participation("all", Participation.all()).heterogeneity("s", TimedGridTest::data)
                .model((FederatedDataset d) -> new SoftmaxRegression(d.featureCount(), 3)).seeds(1)
                .output(dir).build()).getMessage();
        assertTrue(m.contains("maxVirtualTime needs a system axis"), m);
    }

    /** Over-selection draws m of the idle clients uniformly: it takes m from uniform:M and refuses other patterns. */
    @Test
    void overSelectionNeedsUniformParticipation(@TempDir Path dir) {
        SystemSetting over = SystemSetting.equal().withRounds(Schedule.rounds().overSelection(1.5));
        GridResult ok = Grid.builder()
                .strategy("FedAvg", () -> FedAvg.builder().localSteps(2, 5).localLearningRate(0.05).build())
                .participation("uniform:2", Participation.uniform(2)).heterogeneity("synthetic", TimedGridTest::data)
                .model((FederatedDataset d) -> new SoftmaxRegression(d.featureCount(), 3)).seeds(1).rounds(3)
                .output(dir.resolve("ok")).progress(false).plots(false).system("over", over).build().run();
        for (RoundReport rep : ok.runs().get(0).reports()) {
            assertEquals(2, rep.participants(), "closes at the m-th of ceil(1.5 m) = 3 arrivals");
        }
        Grid.GridException e = assertThrows(Grid.GridException.class, () -> Grid.builder()
                .strategy("FedAvg", () -> FedAvg.builder().localSteps(2, 5).localLearningRate(0.05).build())
                .participation("bern", Participation.bernoulli(new double[] {.5, .5, .5, .5, .5, .5}))
                .heterogeneity("synthetic", TimedGridTest::data)
                .model((FederatedDataset d) -> new SoftmaxRegression(d.featureCount(), 3)).seeds(1).rounds(3)
                .output(dir.resolve("bad")).progress(false).plots(false).system("over", over).build().run());
        assertTrue(e.getMessage().contains("'over'") && e.getMessage().contains("uniform:M or all")
                && e.getMessage().contains("'bern'"), e.getMessage());
    }

    @Test
    void stalenessColumnRoundTrips() {
        assertEquals("0:3;2:5", RunFiles.staleness(new long[] {3, 0, 5}));
        assertEquals("", RunFiles.staleness(new long[] {0, 0}));
        assertArrayEquals(new long[] {3, 0, 5}, RunFiles.parseStaleness("0:3;2:5"));
        assertArrayEquals(new long[0], RunFiles.parseStaleness(""));
        assertThrows(IllegalArgumentException.class, () -> RunFiles.parseStaleness("2:1;1:1"));
        assertThrows(IllegalArgumentException.class, () -> RunFiles.parseStaleness("0:0"));
        assertThrows(IllegalArgumentException.class, () -> RunFiles.parseStaleness("3"));
        assertArrayEquals(new double[] {0.5, 0.5}, GridReports.stalenessShares(new long[] {1, 1, 2}, 2, 2));
    }

    /**
     * Seeds evaluated at different times: A at 1, 3, 5 (0.2, 0.4, 0.6), B at 2, 4, 6 (0.1, 0.3, 0.5). Over [2, 5]
     * (the range both cover), the mean of their latest accuracies: 0.15, 0.25, 0.35, 0.45.
     */
    @Test
    void accuracyOverTimeAveragesTheSeedsLatestEvaluations() {
        RunResult a = evaluatedAt(new double[] {1, 3, 5}, new double[] {0.2, 0.4, 0.6});
        RunResult b = evaluatedAt(new double[] {2, 4, 6}, new double[] {0.1, 0.3, 0.5});
        double[][] c = GridReports.meanOverTime(List.of(a, b));
        assertArrayEquals(new double[] {2, 3, 4, 5}, c[0]);
        assertArrayEquals(new double[] {0.15, 0.25, 0.35, 0.45}, c[1], 1e-12);
    }

    private static RunResult evaluatedAt(double[] times, double[] accuracies) {
        List<RoundReport> reports = new java.util.ArrayList<>();
        List<RunResult.Timing> timings = new java.util.ArrayList<>();
        for (int i = 0; i < times.length; i++) {
            reports.add(new RoundReport(i + 1, 1, 1, 1, accuracies[i], 8, 8, 8L * (i + 1), 8L * (i + 1), 0, 0));
            timings.add(new RunResult.Timing(times[i], new long[] {1}, 0));
        }
        return new RunResult(new RunKey("s", "c", "p", "h", "sys", 1), reports, timings, false);
    }

    private static String withoutWall(List<String> lines, int columns) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            int i = l.length();
            for (int k = 0; k < columns; k++) {
                i = l.lastIndexOf(',', i - 1);
            }
            sb.append(l, 0, i).append('\n');
        }
        return sb.toString();
    }
}
