package io.github.fl4j.experiments.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.compression.Compressors;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.RoundReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridTest {

    private static Grid.Builder tiny(Path out, int parallelism, Map<Long, AtomicInteger> dataCalls) {
        return Grid.builder()
                .strategy("FedAvg", () -> FedAvg.builder().localSteps(2, 5).localLearningRate(0.05).build())
                .strategy("SCAFFOLD", () -> Scaffold.builder().localSteps(2, 5).localLearningRate(0.05).build())
                .participation("uniform:3", Participation.uniform(3))
                .heterogeneity("synthetic", seed -> {
                    if (dataCalls != null) {
                        dataCalls.computeIfAbsent(seed, s -> new AtomicInteger()).incrementAndGet();
                    }
                    return SyntheticFedProx.builder().alpha(1).beta(1).clients(6).dimension(8).classes(3)
                            .maxSamples(40).build().generate(new SeedTree(seed).stream(Purpose.DATA_GENERATION));
                })
                .model((FederatedDataset d) -> new SoftmaxRegression(d.featureCount(), 3))
                .seeds(1, 2).rounds(5).targetAccuracy(0.3).parallelism(parallelism).output(out).progress(false);
    }

    @Test
    void tinyGridWritesAllFilesAndSharesDataPerSeed(@TempDir Path dir) throws Exception {
        Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();
        GridResult r = tiny(dir, 2, calls).build().run();
        assertEquals(4, r.runs().size());
        assertEquals(2, calls.size());
        calls.values().forEach(c -> assertEquals(1, c.get(), "data generated once per (heterogeneity, seed)"));
        for (String f : List.of("rounds.csv", "summary.csv", "summary.md",
                "accuracy-rounds__uniform-3__synthetic.png", "accuracy-uplink__uniform-3__synthetic.png")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        try (var s = Files.list(dir.resolve("runs"))) {
            // each run: its rounds (.csv) and its record (.json: configuration hash, status)
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertEquals(4, names.stream().filter(n -> n.endsWith(".csv")).count(), names.toString());
            assertEquals(4, names.stream().filter(n -> n.endsWith(".json")).count(), names.toString());
            assertEquals(8, names.size(), names.toString());
        }
        assertTrue(Files.isRegularFile(dir.resolve("runs/FedAvg__identity__uniform-3__synthetic-seed2.csv")));
        assertEquals(1 + 4 * 5, Files.readAllLines(dir.resolve("rounds.csv")).size());
        assertEquals(1 + 2, Files.readAllLines(dir.resolve("summary.csv")).size());
        // common random numbers: the same participants and uplink bits per round for both strategies (per vector)
        RunResult fedavg = r.runs().get(0);
        RunResult scaffold = r.runs().get(2);
        assertEquals(fedavg.key().seed(), scaffold.key().seed());
        assertEquals(fedavg.reports().get(0).participants(), scaffold.reports().get(0).participants());
        assertEquals(2 * fedavg.reports().get(0).uplinkBits(), scaffold.reports().get(0).uplinkBits());
    }

    @Test
    void summaryMatchesHandComputation(@TempDir Path dir) {
        GridResult r = tiny(dir, 1, null).plots(false).build().run();
        GridResult.CellSummary s = r.summaries().get(0);
        double a1 = r.runs().get(0).finalAccuracy();
        double a2 = r.runs().get(1).finalAccuracy();
        double mean = (a1 + a2) / 2;
        double sd = Math.abs(a1 - a2) / Math.sqrt(2); // sample sd of two values
        double half = 12.706 * sd / Math.sqrt(2);
        assertEquals(mean, s.finalAccuracy().mean(), 1e-12);
        assertEquals(half, s.finalAccuracy().halfWidth(), 1e-3 * Math.max(half, 1e-9));
        // Stats directly: {1, 3} -> mean 2, sd sqrt(2), half-width 12.706 * sqrt(2) / sqrt(2) = 12.706
        Stats st = Stats.of(1, 3);
        assertEquals(2.0, st.mean(), 0);
        assertEquals(12.706, st.halfWidth(), 1e-3);
        Stats partial = Stats.of(Double.NaN, 5, 7);
        assertEquals(2, partial.n());
        assertEquals(6.0, partial.mean(), 0);
        Stats none = Stats.of(Double.NaN, Double.NaN);
        assertEquals(0, none.n());
        assertTrue(Double.isNaN(none.mean()));
    }

    /**
     * Paired differences by hand: seeds 1..3 with baseline accuracies 0.5, 0.6, 0.7 and the other strategy's 0.6,
     * 0.8, 1.0 give d = 0.1, 0.2, 0.3: mean 0.2, sd 0.1, half-width t_{0.975,2} 0.1 / sqrt(3) = 4.302653 * 0.057735
     * = 0.248414 (the unpaired interval of the two means would be far wider: the seeds' spread cancels).
     */
    @Test
    void pairedDifferencesMatchHandComputation() {
        List<RunResult> runs = new java.util.ArrayList<>();
        double[] base = {0.5, 0.6, 0.7};
        double[] other = {0.6, 0.8, 1.0};
        for (int i = 0; i < 3; i++) {
            runs.add(run("A", i + 1, base[i]));
        }
        for (int i = 0; i < 3; i++) {
            runs.add(run("B", i + 1, other[i]));
        }
        GridResult r = new GridResult(runs, 0.5);
        List<GridReports.Paired> p = GridReports.pairedDifferences(r);
        assertEquals(1, p.size());
        assertEquals("B", p.get(0).cell().strategy());
        assertEquals("A", p.get(0).baseline());
        assertEquals(3, p.get(0).difference().n());
        assertEquals(0.2, p.get(0).difference().mean(), 1e-12);
        assertEquals(0.248414, p.get(0).difference().halfWidth(), 1e-6);
        String md = GridReports.summaryMarkdown(r);
        assertTrue(md.contains("## Paired differences to the baseline"), md);
        assertTrue(md.contains("| B | identity, uniform-3, synthetic | 3 | +0.2000 | [-0.0484, +0.4484] |"), md);
    }

    private static RunResult run(String strategy, long seed, double accuracy) {
        RunKey key = new RunKey(strategy, "identity", "uniform-3", "synthetic", seed);
        io.github.fl4j.core.sim.RoundReport rep = new io.github.fl4j.core.sim.RoundReport(1, 3, 0.5, 0.5, accuracy,
                10, 10, 10, 10, 0, 0);
        return new RunResult(key, List.of(rep), false);
    }

    @Test
    void plotsHaveBandsAndComeAsSvgToo(@TempDir Path dir) throws Exception {
        tiny(dir, 1, null).build().run();
        for (String kind : List.of("accuracy-rounds", "accuracy-uplink")) {
            Path svg = dir.resolve(kind + "__uniform-3__synthetic.svg");
            assertTrue(Files.size(svg) > 0, svg.toString());
            String text = Files.readString(svg);
            assertTrue(text.contains("<svg"), kind);
        }
        // the band: two seeds evaluated every round give an interval at each round
        double[][] curve = GridReports.meanCurve(tiny(dir.resolve("again"), 1, null).plots(false).build().run()
                .byCell().values().iterator().next());
        assertEquals(5, curve.length);
        for (int i = 0; i < curve[0].length; i++) {
            assertTrue(curve[3][i] <= curve[2][i] && curve[2][i] <= curve[4][i], "low <= mean <= high at " + i);
        }
        // neighbouring lines differ in colour, dashes and marker
        GridReports.Style a = GridReports.style(0);
        GridReports.Style b = GridReports.style(1);
        assertTrue(!a.color().equals(b.color()) && !a.stroke().equals(b.stroke()) && !a.marker().equals(b.marker()));
    }

    @Test
    void notReachedIsNaNAndCounted(@TempDir Path dir) throws Exception {
        GridResult r = tiny(dir, 1, null).plots(false).targetAccuracy(1.0).build().run();
        for (GridResult.CellSummary s : r.summaries()) {
            assertEquals(0, s.reached());
            assertTrue(Double.isNaN(s.roundsToTarget().mean()));
            assertTrue(Double.isNaN(s.bitsToTarget().mean()));
        }
        assertTrue(Files.readString(dir.resolve("summary.md")).contains("not reached"));
        assertTrue(Files.readAllLines(dir.resolve("summary.csv")).get(1).contains(",NaN,NaN,NaN,NaN,0,"));
    }

    @Test
    void parallelismDoesNotChangeResults(@TempDir Path dir) {
        GridResult one = tiny(dir.resolve("p1"), 1, null).plots(false).build().run();
        GridResult two = tiny(dir.resolve("p2"), 2, null).plots(false).build().run();
        assertEquals(withoutTimings(one), withoutTimings(two));
        assertEquals(deterministicSummary(dir.resolve("p1")), deterministicSummary(dir.resolve("p2")));
    }

    @Test
    void resumeRunsOnlyMissingRuns(@TempDir Path dir) throws Exception {
        List<RunKey> executed = Collections.synchronizedList(new ArrayList<>());
        tiny(dir, 2, null).plots(false).onExecuted(executed::add).build().run();
        assertEquals(4, executed.size());
        List<String> summary = deterministicSummary(dir);
        String rounds = withoutWall(Files.readAllLines(dir.resolve("rounds.csv")));

        RunKey victim = new RunKey("SCAFFOLD", "identity", "uniform:3", "synthetic", 2);
        Files.delete(dir.resolve("runs").resolve(victim.fileName()));
        executed.clear();
        GridResult again = tiny(dir, 2, null).plots(false).onExecuted(executed::add).build().run();
        assertEquals(List.of(victim), executed);
        assertEquals(1, again.executedRuns());
        assertEquals(summary, deterministicSummary(dir));
        assertEquals(rounds, withoutWall(Files.readAllLines(dir.resolve("rounds.csv"))));

        executed.clear();
        tiny(dir, 1, null).plots(false).onExecuted(executed::add).build().run();
        assertTrue(executed.isEmpty());
    }

    @Test
    void uplinkBudgetStopsReporting(@TempDir Path dir) {
        GridResult full = tiny(dir.resolve("a"), 1, null).plots(false).build().run();
        long perRound = full.runs().get(0).reports().get(0).uplinkBits();
        GridResult r = tiny(dir.resolve("b"), 1, null).plots(false).maxUplinkBits(3 * perRound + 1)
                .compressor("identity", Compressors.identity()).build().run();
        for (RunResult run : r.runs()) {
            assertFalse(run.reports().isEmpty());
            for (RoundReport rep : run.reports()) {
                assertTrue(rep.cumulativeUplink() <= 3 * perRound + 1);
            }
        }
        assertEquals(3, r.runs().get(0).reports().size());
        assertNotEquals(full.runs().get(0).reports().size(), r.runs().get(0).reports().size());
    }

    @Test
    void progressLine() {
        assertEquals("[" + "#".repeat(9) + "-".repeat(21) + "] 12/40 runs, ETA 1m23s", Progress.line(12, 40, 83));
    }

    private static List<List<RoundReport>> withoutTimings(GridResult r) {
        List<List<RoundReport>> out = new ArrayList<>();
        for (RunResult run : r.runs()) {
            out.add(run.reports().stream().map(RoundReport::withoutTimings).toList());
        }
        return out;
    }

    /** summary.csv without the wall-time columns (the last two), which are not reproducible. */
    private static List<String> deterministicSummary(Path dir) {
        try {
            return Files.readAllLines(dir.resolve("summary.csv")).stream()
                    .map(l -> l.substring(0, nthLastComma(l, 2))).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String withoutWall(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            // wall_ms is the column before the last (epsilon)
            sb.append(l, 0, nthLastComma(l, 2)).append(l.substring(nthLastComma(l, 1))).append('\n');
        }
        return sb.toString();
    }

    private static int nthLastComma(String l, int n) {
        int i = l.length();
        for (int k = 0; k < n; k++) {
            i = l.lastIndexOf(',', i - 1);
        }
        return i;
    }

    /**
     * A (heterogeneity, seed) group's data is dropped after its last run: with one thread the runs go group by group
     * (seed 1's two runs, then seed 2's), and while seed 2's last run reports, seed 1's data can be collected.
     */
    @Test
    void dataOfAFinishedGroupIsReleased(@TempDir Path dir) throws Exception {
        Map<Long, java.lang.ref.WeakReference<FederatedDataset>> made = new ConcurrentHashMap<>();
        List<RunKey> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        boolean[] seedOneCollected = {false};
        Grid.Builder b = tiny(dir, 1, null).heterogeneity("synthetic-tracked", seed -> {
            FederatedDataset d = SyntheticFedProx.builder().alpha(1).beta(1).clients(6).dimension(8).classes(3)
                    .maxSamples(40).build().generate(new SeedTree(seed).stream(Purpose.DATA_GENERATION));
            made.put(seed, new java.lang.ref.WeakReference<>(d));
            return d;
        });
        b.onExecuted(k -> {
            order.add(k);
            if (k.heterogeneity().equals("synthetic-tracked") && order.stream()
                    .filter(o -> o.heterogeneity().equals("synthetic-tracked")).count() == 4) {
                for (int i = 0; i < 50 && made.get(1L).get() != null; i++) {
                    System.gc();
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                seedOneCollected[0] = made.get(1L).get() == null;
            }
        });
        b.build().run();
        List<Long> seeds = order.stream().filter(o -> o.heterogeneity().equals("synthetic-tracked"))
                .map(RunKey::seed).toList();
        assertEquals(List.of(1L, 1L, 2L, 2L), seeds, "runs go group by group");
        assertTrue(seedOneCollected[0], "seed 1's data was still reachable during seed 2's last run");
    }
}
