package io.github.fl4j.experiments.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.fl4j.algorithms.fedau.FedAu;
import io.github.fl4j.experiments.mnist.MnistFedAvgSetup;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.PartitionReport;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.participation.BernoulliParticipation;
import io.github.fl4j.core.participation.CyclicParticipation;
import io.github.fl4j.core.participation.MarkovParticipation;
import io.github.fl4j.core.participation.ParticipationProbabilities;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grid file's data-dependent axes: label-correlated participation, MLP models, FedAU variants, MNIST splits. */
class GridSpecDataTest {
    private static final FederatedDataset SYNTHETIC = SyntheticFedProx.builder().alpha(1).beta(1).clients(40).build()
            .generate(new SeedTree(3).stream(Purpose.DATA_GENERATION));

    /**
     * bernoulli-labels:PBAR:PMIN:ALPHAP gives exactly ParticipationProbabilities.correlatedWithLabels of the run's
     * label histograms with the run seed's PARTICIPATION stream: the same rates for every strategy of a seed (common
     * random numbers), other rates for another seed.
     */
    @Test
    void labelCorrelatedRatesComeFromTheRunSeed() {
        Grid.ParticipationFactory f = GridSpec.participation("participation[0]", "bernoulli-labels:0.2:0.05:0.5");
        double[] p7 = ((BernoulliParticipation) f.create(SYNTHETIC, 7)).probabilities();
        double[] expected = ParticipationProbabilities.correlatedWithLabels(PartitionReport.of(SYNTHETIC, 10)
                .histograms(), 0.5, 0.2, 0.05, new SeedTree(7).stream(Purpose.PARTICIPATION));
        assertArrayEquals(expected, p7, 0.0);
        assertArrayEquals(p7, ((BernoulliParticipation) f.create(SYNTHETIC, 7)).probabilities(), 0.0);
        assertFalse(Arrays.equals(p7, ((BernoulliParticipation) f.create(SYNTHETIC, 8)).probabilities()));
        assertTrue(Arrays.stream(p7).min().orElseThrow() >= 0.05);
        // defaults are FedAU's: pBar 0.1, pMin 0.02, alphaP 0.1
        double[] d = ((BernoulliParticipation) GridSpec.participation("p", "bernoulli-labels").create(SYNTHETIC, 7))
                .probabilities();
        assertArrayEquals(ParticipationProbabilities.correlatedWithLabels(PartitionReport.of(SYNTHETIC, 10)
                .histograms(), 0.1, 0.1, 0.02, new SeedTree(7).stream(Purpose.PARTICIPATION)), d, 0.0);
        assertInstanceOf(MarkovParticipation.class,
                GridSpec.participation("p", "markov-labels:0.05").create(SYNTHETIC, 7));
        assertInstanceOf(CyclicParticipation.class,
                GridSpec.participation("p", "cyclic-labels:100:0.1:0.02:0.1").create(SYNTHETIC, 7));
    }

    @Test
    void badParticipationSpecsNameFieldAndValue() {
        for (String bad : new String[] {"markov-labels", "bernoulli-labels:0.1:0.02", "cyclic-labels:0",
                "poisson-labels:0.1", "bernoulli-labels:0.1:0.02:-1"}) {
            String m = assertThrows(IllegalArgumentException.class,
                    () -> GridSpec.participation("participation[3]", bad)).getMessage();
            assertTrue(m.contains("participation[3]") && m.contains(bad), m);
        }
    }

    /** mlp:20,10 on 60 features and 10 classes: 60*20+20 + 20*10+10 + 10*10+10 parameters. */
    @Test
    void mlpModel() {
        int f = SYNTHETIC.featureCount();
        assertEquals(f * 20 + 20 + 20 * 10 + 10 + 10 * 10 + 10,
                GridSpec.model(TextNode.valueOf("mlp:20,10")).apply(SYNTHETIC).dimension());
        assertEquals(f * 5 + 5 + 5 * 3 + 3, GridSpec.model(TextNode.valueOf("mlp:5:3")).apply(SYNTHETIC).dimension());
        assertEquals(f * 10 + 10, GridSpec.model(TextNode.valueOf("softmax")).apply(SYNTHETIC).dimension());
        for (String bad : new String[] {"mlp", "mlp:20,x", "mlp:0", "cnn"}) {
            String m = assertThrows(IllegalArgumentException.class,
                    () -> GridSpec.model(TextNode.valueOf(bad))).getMessage();
            assertTrue(m.contains("model") && m.contains(bad), m);
        }
    }

    @Test
    void fedAuVariants() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        FedAu mifa = (FedAu) GridSpec.strategy("strategies.MIFA",
                mapper.readTree("{\"algorithm\": \"fedau\", \"aggregation\": \"mifa\"}")).get();
        assertEquals(FedAu.Aggregation.MIFA, mifa.aggregation());
        FedAu k50 = (FedAu) GridSpec.strategy("strategies.K50",
                mapper.readTree("{\"algorithm\": \"fedau\", \"cutoff\": 50}")).get();
        assertEquals(FedAu.Aggregation.ADAPTIVE, k50.aggregation());
        assertEquals(50, k50.cutoff());
        FedAu clipped = (FedAu) GridSpec.strategy("strategies.Clipped",
                mapper.readTree("{\"algorithm\": \"fedau\", \"clip\": 10}")).get();
        assertEquals(10.0, clipped.training().maxGradientNorm());
        String c = assertThrows(IllegalArgumentException.class, () -> GridSpec.strategy("strategies.C",
                mapper.readTree("{\"algorithm\": \"fedavg\", \"clip\": 0}"))).getMessage();
        assertTrue(c.contains("strategies.C.clip") && c.contains("0"), c);
        String m = assertThrows(IllegalArgumentException.class, () -> GridSpec.strategy("strategies.Known",
                mapper.readTree("{\"algorithm\": \"fedau\", \"aggregation\": \"known\"}"))).getMessage();
        assertTrue(m.contains("strategies.Known.aggregation") && m.contains("known"), m);
    }

    @Test
    void mnistWithoutTheFolderFailsAtParseTimeNamingTheFolder() {
        String json = """
                {"strategies": {"FedAvg": "fedavg"}, "participation": ["uniform:10"],
                 "heterogeneity": ["mnist:iid"], "model": "softmax", "seeds": 1, "rounds": 5,
                 "targetAccuracy": 0.5, "output": "out", "data": "no-such-folder"}
                """;
        String m = assertThrows(IllegalArgumentException.class, () -> GridSpec.parse(json, Path.of("/tmp")))
                .getMessage();
        assertTrue(m.contains("heterogeneity[0]") && m.contains("mnist:iid") && m.contains("/tmp/no-such-folder/mnist"),
                m);
        for (String bad : new String[] {"mnist", "mnist:dirichlet", "mnist:dirichlet:0", "mnist:iid:0",
                "mnist:shards:10:2"}) {
            String e = assertThrows(IllegalArgumentException.class, () -> GridSpec.parse(
                    json.replace("mnist:iid", bad), Path.of("/tmp"))).getMessage();
            assertTrue(e.contains("heterogeneity[0]") && e.contains(bad), e);
        }
    }

    /**
     * "data" may name the folder holding mnist/ or the four files themselves: tiny hand-written IDX files (2 training
     * images of 1 x 2 pixels with labels 3, 8; 1 test image with label 5) are read from the folder itself.
     */
    @Test
    void mnistSourceReadsAFolderThatHoldsTheFilesThemselves(@TempDir Path tmp) throws IOException {
        Files.write(tmp.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2,
            0, (byte) 255, 10, 20});
        Files.write(tmp.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 3, 8});
        Files.write(tmp.resolve("t10k-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2,
            1, 2});
        Files.write(tmp.resolve("t10k-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 5});
        GridSpec.MnistSource direct = new GridSpec.MnistSource(tmp);
        direct.require("heterogeneity[0]", "mnist:iid");
        assertEquals(2, direct.train().size());
        assertEquals(1, direct.test().size());
        assertArrayEquals(new int[] {3, 8}, direct.trainLabels());
        // the usual layout: data names the folder that holds mnist/
        Path parent = Files.createDirectories(tmp.resolve("parent"));
        Path mnist = Files.createDirectories(parent.resolve("mnist"));
        for (String n : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte"}) {
            Files.copy(tmp.resolve(n), mnist.resolve(n));
        }
        GridSpec.MnistSource nested = new GridSpec.MnistSource(parent);
        nested.require("heterogeneity[0]", "mnist:iid");
        assertArrayEquals(new int[] {3, 8}, nested.trainLabels());
    }

    /**
     * With ../shared/data present: every split covers the 60,000 training images exactly once, per seed the same
     * (determinism), and another seed gives another split. Skipped without the data.
     */
    @Test
    void mnistSplits() {
        Optional<Path> dir = MnistFedAvgSetup.defaultDataDir();
        Assumptions.assumeTrue(dir.isPresent(), "shared/data/mnist not found beside the project; skipping");
        GridSpec.MnistSource mnist = new GridSpec.MnistSource(dir.get().getParent());
        for (String spec : new String[] {"mnist:iid:50", "mnist:dirichlet:0.3:50", "mnist:fedau:0.1:50",
                "mnist:shards:50"}) {
            Function<Long, FederatedDataset> h = GridSpec.heterogeneity("heterogeneity[0]", spec, mnist);
            FederatedDataset a = h.apply(1L);
            assertEquals(50, a.clientCount(), spec);
            assertEquals(60_000, a.totalSize(), spec);
            assertEquals(10_000, a.test().size(), spec);
            assertArrayEquals(a.clientSizes(), h.apply(1L).clientSizes(), spec);
            if (!spec.startsWith("mnist:iid") && !spec.startsWith("mnist:shards")) {
                assertFalse(Arrays.equals(a.clientSizes(), h.apply(2L).clientSizes()), spec);
            }
        }
    }
}
