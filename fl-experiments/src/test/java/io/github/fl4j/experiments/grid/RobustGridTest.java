package io.github.fl4j.experiments.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedau.FedAu;
import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The aggregator and attack axes on a tiny grid: 2 strategies x 2 aggregators x 2 attacks x 2 seeds. */
class RobustGridTest {
    private static final int CLIENTS = 10;

    private static FederatedDataset data(long seed) {
        return SyntheticFedProx.builder().alpha(1).beta(1).clients(CLIENTS).dimension(8).classes(3).maxSamples(40)
                .build().generate(new SeedTree(seed).stream(Purpose.DATA_GENERATION));
    }

    private static AveragingStrategy fedAvg() {
        return AveragingStrategy.of(a -> FedAvg.builder().localSteps(2, 5).localLearningRate(0.05).aggregator(a)
                .build(), LocalTraining.steps(2, 5), 0.05);
    }

    private static AveragingStrategy scaffold() {
        return AveragingStrategy.of(a -> Scaffold.builder().localSteps(2, 5).localLearningRate(0.05).aggregator(a)
                .build(), LocalTraining.steps(2, 5), 0.05);
    }

    /** A (non-robust) aggregator with another result than the mean: the upload of the lowest client id. */
    private static final Aggregator FIRST = (uploads, slot, out, ctx) -> out.assign(uploads.get(0).vector(slot));

    private static Grid.Builder base(Path out) {
        return Grid.builder()
                .strategy("FedAvg", fedAvg())
                .strategy("SCAFFOLD", scaffold())
                .participation("uniform:4", Participation.uniform(4))
                .heterogeneity("synthetic", RobustGridTest::data)
                .model((FederatedDataset d) -> new SoftmaxRegression(d.featureCount(), 3))
                .seeds(1, 2).rounds(4).targetAccuracy(0.3).parallelism(2).output(out).progress(false);
    }

    /** Records the Byzantine set each run's attack received, with the honest algorithm's class. */
    private static AttackSetting recording(double fraction, List<String> seen) {
        return AttackSetting.of(fraction, (honest, byzantine) -> {
            seen.add(honest.getClass().getSimpleName() + " " + byzantine);
            return honest;
        }, "recording " + fraction);
    }

    @Test
    void aggregatorAndAttackAxesNameFilesColumnsAndLines(@TempDir Path dir) throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        GridResult r = base(dir).defaultAggregator("mean").aggregator("first", FIRST)
                .attack("none", AttackSetting.none()).attack("rec:0.3", recording(0.3, seen))
                .build().run();
        assertEquals(2 * 2 * 2 * 2, r.runs().size());
        assertEquals(new RunKey("FedAvg", "identity", "uniform:4", "synthetic", RunKey.UNTIMED, "mean", "none",
                RunKey.NONE, 1), r.runs().get(0).key());
        assertTrue(Files.isRegularFile(dir.resolve(
                "runs/FedAvg__identity__uniform-4__synthetic__first__rec-0.3-seed2.csv")));
        assertTrue(Files.isRegularFile(dir.resolve("runs/SCAFFOLD__identity__uniform-4__synthetic__mean__none-seed1.csv")));
        List<String> summary = Files.readAllLines(dir.resolve("summary.csv"));
        assertTrue(summary.get(0).startsWith("strategy,compressor,participation,heterogeneity,aggregator,attack,seeds,"),
                summary.get(0));
        assertEquals(1 + 2 * 2 * 2, summary.size());
        assertTrue(summary.get(1).startsWith("FedAvg,identity,uniform:4,synthetic,mean,none,2,"), summary.get(1));
        assertTrue(Files.readAllLines(dir.resolve("rounds.csv")).get(0)
                .startsWith("strategy,compressor,participation,heterogeneity,aggregator,attack,seed,round,"));
        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("| heterogeneity | aggregator | attack | seeds |"), md);
        assertTrue(md.contains("| FedAvg | identity | uniform:4 | synthetic | first | rec:0.3 | 2 |"), md);
        assertTrue(Files.size(dir.resolve("accuracy-rounds__uniform-4__synthetic.png")) > 0);
        assertEquals("FedAvg / identity / first / rec:0.3", r.runs().get(6).key().cell().label());

        // the Byzantine set of a seed is the same whatever the strategy and aggregator, and 3 of 10 clients
        for (long seed : new long[] {1, 2}) {
            Set<Integer> expected = AttackSetting.byzantineClients(seed, CLIENTS, 0.3);
            assertEquals(3, expected.size());
            assertEquals(2, seen.stream().filter(k -> k.equals("FedAvg " + expected)).count(), seen.toString());
            assertEquals(2, seen.stream().filter(k -> k.equals("Scaffold " + expected)).count(), seen.toString());
        }
        assertEquals(2 * 2 * 2, seen.size(), "one set per (strategy, aggregator, seed): " + seen);
        assertNotEquals(AttackSetting.byzantineClients(1, CLIENTS, 0.3), AttackSetting.byzantineClients(2, CLIENTS, 0.3));
        // a larger fraction keeps the clients of a smaller one
        assertTrue(AttackSetting.byzantineClients(1, CLIENTS, 0.5).containsAll(
                AttackSetting.byzantineClients(1, CLIENTS, 0.3)));

        // the aggregator is used: another rule gives other results
        RunResult mean = r.runs().get(0);
        RunResult uniform = r.runs().get(4);
        assertEquals("first", uniform.key().aggregator());
        assertEquals(mean.key().seed(), uniform.key().seed());
        assertNotEquals(mean.finalAccuracy() + " " + mean.reports().get(3).trainLoss(),
                uniform.finalAccuracy() + " " + uniform.reports().get(3).trainLoss());
    }

    @Test
    void withoutTheAxesTheGridIsUnchanged(@TempDir Path dir) throws Exception {
        GridResult r = base(dir).plots(false).build().run();
        assertEquals(4, r.runs().size());
        assertEquals(new RunKey("FedAvg", "identity", "uniform:4", "synthetic", 1), r.runs().get(0).key());
        assertTrue(Files.isRegularFile(dir.resolve("runs/FedAvg__identity__uniform-4__synthetic-seed1.csv")));
        assertEquals(GridReports.SUMMARY_HEADER, Files.readAllLines(dir.resolve("summary.csv")).get(0));
        // the averaging strategy without an aggregator axis is the plain algorithm: same reports as a supplier
        GridResult plain = Grid.builder()
                .strategy("FedAvg", () -> FedAvg.builder().localSteps(2, 5).localLearningRate(0.05).build())
                .participation("uniform:4", Participation.uniform(4))
                .heterogeneity("synthetic", RobustGridTest::data)
                .model((FederatedDataset d) -> new SoftmaxRegression(d.featureCount(), 3))
                .seeds(1).rounds(4).targetAccuracy(0.3).output(dir.resolve("plain")).plots(false).progress(false)
                .build().run();
        assertEquals(plain.runs().get(0).reports().stream().map(x -> x.withoutTimings()).toList(),
                r.runs().get(0).reports().stream().map(x -> x.withoutTimings()).toList());
    }

    @Test
    void strategiesThatCannotTakeAnAggregatorFailNamingBoth(@TempDir Path dir) {
        Grid.Builder b = base(dir).strategy("FedAU", () -> FedAu.builder().localSteps(2, 5).localLearningRate(0.05)
                .build()).defaultAggregator("mean").aggregator("uniform", WeightedMean.uniform());
        String m = assertThrows(IllegalArgumentException.class, b::build).getMessage();
        assertTrue(m.contains("'FedAU'") && m.contains("'uniform'"), m);
        // its own aggregation alone is fine
        base(dir).strategy("FedAU", () -> FedAu.builder().localSteps(2, 5).localLearningRate(0.05).build())
                .defaultAggregator("mean").build();
        m = assertThrows(IllegalArgumentException.class, () -> base(dir).aggregator("-", WeightedMean.uniform()))
                .getMessage();
        assertTrue(m.contains("reserved") && m.contains("'-'"), m);
        m = assertThrows(IllegalArgumentException.class, () -> base(dir).attack("x", AttackSetting.none())
                .attack("x", AttackSetting.none())).getMessage();
        assertTrue(m.contains("attack name 'x'"), m);
        m = assertThrows(IllegalArgumentException.class, () -> AttackSetting.of(1.0, (a, s) -> a, "all")).getMessage();
        assertTrue(m.contains("(0, 1)") && m.contains("1.0"), m);
    }
}
