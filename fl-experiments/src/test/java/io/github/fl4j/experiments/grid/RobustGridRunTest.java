package io.github.fl4j.experiments.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid's aggregator and attack axes with the real robust aggregators and the Byzantine wrapper, on IID data (one
 * Synthetic client's samples split over 10 clients, so every honest update points the same way): 30 % of the clients
 * upload -10 times their update; the mean collapses, the coordinate median and Krum do not.
 */
class RobustGridRunTest {

    static FederatedDataset iid(long seed) {
        FederatedDataset one = SyntheticFedProx.builder().alpha(0).beta(0).clients(1).fixedSamples(1500).build()
                .generate(new SeedTree(seed).stream(Purpose.DATA_GENERATION));
        return Partitioners.iid(one.client(0), one.test(), 10, new SeedTree(seed).stream(Purpose.PARTITION));
    }

    @Test
    void theMedianAndKrumResistAScalingAttackThatBreaksTheMean(@TempDir Path dir) throws Exception {
        GridResult r = Grid.builder()
                .strategy("FedAvg", AveragingStrategy.of(agg -> {
                    FedAvg.Builder b = FedAvg.builder().localSteps(5, 10).localLearningRate(0.1);
                    return (agg == null ? b : b.aggregator(agg)).build();
                }))
                .defaultAggregator("mean").aggregator("median", RobustComponents.median())
                .aggregator("krum:3", RobustComponents.krum(3))
                .attack("none", AttackSetting.none()).attack("scale:-10:0.3", RobustComponents.attack("scale", -10, 0.3))
                .participation("all", Participation.all()).heterogeneity("iid", RobustGridRunTest::iid)
                .model(d -> new SoftmaxRegression(d.featureCount(), 10)).seeds(1).rounds(15).targetAccuracy(0.5)
                .output(dir.resolve("out")).parallelism(2).plots(false).progress(false).build().run();
        Map<String, Double> acc = new HashMap<>();
        for (RunResult run : r.runs()) {
            acc.put(run.key().aggregator() + "|" + run.key().attack(), run.finalAccuracy());
        }
        assertEquals(6, acc.size(), acc.toString());
        double clean = acc.get("mean|none");
        assertTrue(clean > 0.5, "FedAvg learns without the attack: " + acc);
        assertTrue(acc.get("mean|scale:-10:0.3") < clean - 0.3, "the attack breaks the mean: " + acc);
        assertTrue(acc.get("median|scale:-10:0.3") > clean - 0.1, "the median resists: " + acc);
        assertTrue(acc.get("krum:3|scale:-10:0.3") > clean - 0.1, "Krum resists: " + acc);
        String summary = Files.readString(dir.resolve("out/summary.csv"));
        assertTrue(summary.contains("median") && summary.contains("scale:-10:0.3"), summary);
    }

    /** The privacy axis builds DP-FedAvg from the strategy's local training; its epsilon reaches the summary. */
    @Test
    void privateRunsReportTheirEpsilon(@TempDir Path dir) throws Exception {
        GridResult r = Grid.builder()
                .strategy("FedAvg", AveragingStrategy.of(agg -> {
                    FedAvg.Builder b = FedAvg.builder().localSteps(5, 10).localLearningRate(0.1);
                    return (agg == null ? b : b.aggregator(agg)).build();
                }, io.github.fl4j.algorithms.local.LocalTraining.steps(5, 10), 0.1))
                .privacy("none", PrivacySetting.none()).privacy("dp", RobustComponents.privacy(1.0, 0.5, 0.5, 0))
                .participation("bernoulli:0.5", n -> Participation.bernoulli(filled(n, 0.5)))
                .heterogeneity("iid", RobustGridRunTest::iid)
                .model(d -> new SoftmaxRegression(d.featureCount(), 10)).seeds(1).rounds(5).targetAccuracy(0.5)
                .output(dir.resolve("out")).parallelism(2).plots(false).progress(false).build().run();
        double expected = new io.github.fl4j.core.privacy.RdpAccountant().compose(0.5, 1.0, 5).epsilon(1e-5).epsilon();
        for (RunResult run : r.runs()) {
            double eps = run.reports().get(run.reports().size() - 1).epsilon();
            if (run.key().privacy().equals("dp")) {
                assertEquals(expected, eps, 1e-12, "epsilon after 5 rounds at q 0.5, z 1, delta 1e-5");
            } else {
                assertTrue(Double.isNaN(eps));
            }
        }
        String summary = Files.readString(dir.resolve("out/summary.csv"));
        assertTrue(summary.contains("final_epsilon"), summary);
    }

    static double[] filled(int n, double p) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, p);
        return a;
    }

    /** A fedavg strategy with secureAggregation: its protocol messages show in the grid's uplink bits. */
    @Test
    void secureAggregationCostsShowInTheGrid(@TempDir Path dir) throws Exception {
        String json = """
                {
                  "strategies": {
                    "FedAvg": {"algorithm": "fedavg", "localSteps": 2, "batch": 5, "lr": 0.1},
                    "FedAvg+SecAgg": {"algorithm": "fedavg", "localSteps": 2, "batch": 5, "lr": 0.1,
                                      "secureAggregation": "32:16:100"}
                  },
                  "participation": ["all"],
                  "heterogeneity": ["synthetic:1:1:8"],
                  "model": "softmax",
                  "seeds": [1], "rounds": 3, "targetAccuracy": 0.5, "output": "%s"
                }
                """.formatted(dir.resolve("out").toString().replace("\\", "/"));
        GridResult r = GridSpec.parse(json, dir).plots(false).progress(false).build().run();
        Map<String, RunResult> runs = new HashMap<>();
        r.runs().forEach(run -> runs.put(run.key().strategy(), run));
        long plain = runs.get("FedAvg").reports().get(2).cumulativeUplink();
        long secure = runs.get("FedAvg+SecAgg").reports().get(2).cumulativeUplink();
        assertTrue(secure > plain, "secure aggregation adds protocol bits: " + secure + " vs " + plain);
        assertEquals(runs.get("FedAvg").finalAccuracy(), runs.get("FedAvg+SecAgg").finalAccuracy(), 0.05,
                "the same model up to fixed-point rounding");
        String bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> GridSpec.parse(json.replace("32:16:100", "32:x"), dir).build()).getMessage();
        assertTrue(bad.contains("strategies.FedAvg+SecAgg.secureAggregation") && bad.contains("32:x"), bad);
    }
}
