package io.github.fl4j.algorithms.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.ClientContext;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.participation.BernoulliParticipation;
import io.github.fl4j.core.privacy.RdpAccountant;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.CsvReportWriter;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class DpFedAvgTest {
    private static final Precision P = Precision.FLOAT64;

    private static DpFedAvg.Builder base() {
        return DpFedAvg.builder().localSteps(2, 8).localLearningRate(0.1);
    }

    private static INDArray vec(double... v) {
        INDArray a = Tensors.zeros(P, v.length);
        for (int i = 0; i < v.length; i++) {
            a.putScalar(i, v[i]);
        }
        return a;
    }

    private static AlgorithmSetup setup(int d, int n) {
        return new AlgorithmSetup(d, new int[n], P, IdentityCompressor.INSTANCE, IdentityCompressor.INSTANCE);
    }

    /** One server round on the given uploads, starting from x = 0, with the server's streams of {@code seed}. */
    private static DpFedAvg.ServerState serverRound(DpFedAvg alg, int d, int n, List<Upload> uploads, long seed,
                                                    int round) {
        DpFedAvg.ServerState s = alg.initServerState(Tensors.zeros(P, d), setup(d, n));
        int[] ids = uploads.stream().mapToInt(Upload::clientId).toArray();
        return alg.server().apply(s, uploads, new ServerContext(round, new int[n], ids, new SeedTree(seed), P));
    }

    /**
     * The server's noise has standard deviation z S / (q N) on the average: on zero updates (no participant) x moves
     * by the noise alone; 5 seeds x 20 000 coordinates, mean 0 and standard deviation within 5 standard errors.
     */
    @Test
    void noiseScaleIsZSOverQN() {
        double z = 1.3;
        double s = 2.0;
        double q = 0.1;
        int n = 50;
        int d = 20_000;
        DpFedAvg alg = base().clipNorm(s).noiseMultiplier(z).samplingRate(q).build();
        double sum = 0;
        double sumSq = 0;
        int count = 0;
        for (long seed = 1; seed <= 5; seed++) {
            double[] x = Tensors.toDoubleArray(serverRound(alg, d, n, List.of(), seed, 1).model());
            for (double v : x) {
                sum += v;
                sumSq += v * v;
                count++;
            }
        }
        double expected = z * s / (q * n);
        double mean = sum / count;
        double std = Math.sqrt(sumSq / count - mean * mean);
        assertEquals(0, mean, 5 * expected / Math.sqrt(count), "mean");
        assertEquals(expected, std, 5 * expected / Math.sqrt(2.0 * count), "standard deviation");
    }

    /** Clipping by hand: (3, 4) has norm 5 and becomes (0.6, 0.8) at S = 1; (0.3, 0.4) stays. */
    @Test
    void clippingByHand() {
        INDArray a = vec(3, 4);
        assertEquals(5, DpFedAvg.clip(a, 1), 1e-15);
        assertArrayEquals(new double[] {0.6, 0.8}, Tensors.toDoubleArray(a), 1e-15);
        INDArray b = vec(0.3, 0.4);
        assertEquals(0.5, DpFedAvg.clip(b, 1), 1e-15);
        assertArrayEquals(new double[] {0.3, 0.4}, Tensors.toDoubleArray(b), 0);
    }

    /**
     * The server step by hand, without noise: uploads (0.3, 0.4), (0, 2) and (-1, 0) with S = 1, q = 0.4, N = 10: the
     * server clips (0, 2) to (0, 1) (a client's upload can exceed S after a lossy channel), sums to (-0.7, 1.4) and
     * divides by q N = 4. Adaptive clipping with bits +1/2, +1/2, -1/2 (two of three unclipped), gamma = 0.5, eta_C =
     * 0.2: bbar = 0.5 / 4 + 0.5 = 0.625, C = 1 exp(-0.2 (0.625 - 0.5)) = exp(-0.025).
     */
    @Test
    void serverStepAndAdaptiveClipByHand() {
        DpFedAvg alg = base().clipNorm(1).noiseMultiplier(0).samplingRate(0.4).adaptiveClipping(0.5, 0.2, 0).build();
        List<Upload> ups = List.of(new Upload(1, 1, Message.of(vec(0.3, 0.4), vec(0.5))),
                new Upload(4, 1, Message.of(vec(0, 2), vec(0.5))), new Upload(7, 1, Message.of(vec(-1, 0), vec(-0.5))));
        DpFedAvg.ServerState s = serverRound(alg, 2, 10, ups, 1, 1);
        assertArrayEquals(new double[] {-0.175, 0.35}, Tensors.toDoubleArray(s.model()), 1e-15);
        assertEquals(Math.exp(-0.025), s.clipNorm(), 1e-15);
        assertEquals(1, s.rounds());
        assertEquals(Math.exp(-0.025), DpFedAvg.nextClipNorm(1, 0.625, 0.5, 0.2), 0);
        // the broadcast carries C as a second vector of length 1
        Message down = alg.server().broadcast(s, new ServerContext(2, new int[10], new int[0], new SeedTree(1), P));
        assertEquals(2, down.size());
        assertEquals(Math.exp(-0.025), down.vector(1).getDouble(0), 0);
    }

    /** z_Delta = (z^-2 - (2 sigma_b)^-2)^-1/2: z = 1, sigma_b = 1 gives 1 / sqrt(3/4). */
    @Test
    void adaptiveUpdateNoiseMultiplier() {
        assertEquals(1 / Math.sqrt(0.75), DpFedAvg.updateNoiseMultiplier(1, 1), 1e-15);
        DpFedAvg alg = base().clipNorm(1).noiseMultiplier(1).samplingRate(0.1).adaptiveClipping(0.5, 0.2, 1).build();
        assertEquals(1 / Math.sqrt(0.75), alg.updateNoiseMultiplier(), 1e-15);
        assertEquals(1, alg.noiseMultiplier());
    }

    /**
     * The client clips its update to the C it received and reports whether it was within C as +-1/2: with a huge C
     * the update is unclipped and the bit +1/2; with C a tenth of that norm the upload has norm C and the bit -1/2.
     */
    @Test
    void clientClipsAndSendsItsBit() {
        DpFedAvg alg = base().clipNorm(1).noiseMultiplier(1).samplingRate(0.4).adaptiveClipping(0.5, 0.2, 1).build();
        double[] huge = clientUpload(alg, 1e9);
        double norm = norm(huge, huge.length - 1);
        assertEquals(0.5, huge[huge.length - 1]);
        double[] small = clientUpload(alg, norm / 10);
        assertEquals(-0.5, small[small.length - 1]);
        assertEquals(norm / 10, norm(small, small.length - 1), 1e-5 * norm);
    }

    private static double norm(double[] v, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += v[i] * v[i];
        }
        return Math.sqrt(s);
    }

    /** The client's upload (Delta, then the bit) for a downlink with clip norm {@code c}, as one array. */
    private static double[] clientUpload(DpFedAvg alg, double c) {
        SoftmaxRegression model = new SoftmaxRegression(10, 3);
        FederatedDataset data = data();
        Precision f = Precision.FLOAT32;
        INDArray x = Tensors.zeros(f, model.dimension());
        INDArray cVec = Tensors.zeros(f, 1);
        cVec.putScalar(0, c);
        Channel up = new Channel(Direction.UPLINK, 1, 0, IdentityCompressor.INSTANCE, new RandomStream(5));
        ClientContext ctx = new ClientContext(0, 1, data.client(0), model, new SeedTree(3), up, f);
        alg.client().train(Message.of(x, cVec), null, ctx);
        Message m = up.message();
        assertEquals(2, m.size());
        double[] delta = Tensors.toDoubleArray(m.vector(0));
        double[] out = java.util.Arrays.copyOf(delta, delta.length + 1);
        out[delta.length] = m.vector(1).getDouble(0);
        return out;
    }

    private static FederatedDataset data() {
        return SyntheticFedProx.builder().clients(10).dimension(10).classes(3).fixedSamples(30).build()
                .generate(new SeedTree(7).stream(Purpose.DATA_GENERATION));
    }

    /** The seed tree's noise is reproducible bit for bit and keyed by the round; SecureRandom's differs every run. */
    @Test
    void sameSeedSameNoiseAndSecureRandomDiffers() {
        DpFedAvg seeded = base().clipNorm(1).noiseMultiplier(1).samplingRate(0.5).build();
        double[] a = Tensors.toDoubleArray(serverRound(seeded, 100, 10, List.of(), 42, 3).model());
        double[] b = Tensors.toDoubleArray(serverRound(seeded, 100, 10, List.of(), 42, 3).model());
        double[] otherRound = Tensors.toDoubleArray(serverRound(seeded, 100, 10, List.of(), 42, 4).model());
        assertArrayEquals(a, b, 0);
        assertFalse(java.util.Arrays.equals(a, otherRound));

        DpFedAvg secure = base().clipNorm(1).noiseMultiplier(1).samplingRate(0.5)
                .noiseSource(NoiseSource.SECURE_RANDOM).build();
        double[] s1 = Tensors.toDoubleArray(serverRound(secure, 100, 10, List.of(), 42, 3).model());
        double[] s2 = Tensors.toDoubleArray(serverRound(secure, 100, 10, List.of(), 42, 3).model());
        assertFalse(java.util.Arrays.equals(s1, s2), "SecureRandom noise must differ between runs");
        assertFalse(java.util.Arrays.equals(a, s1));
        assertTrue(secure.name().contains("secure-random"), secure.name());
    }

    /**
     * Every round report carries the epsilon of the rounds so far (the accountant's, at the configured delta), and
     * the CSV's last column is that epsilon; the run uses Poisson participation at the rate the accountant assumes.
     */
    @Test
    void epsilonInRoundReportsAndCsv(@TempDir Path dir) throws Exception {
        double q = 0.3;
        double z = 1.1;
        DpFedAvg alg = base().clipNorm(0.5).noiseMultiplier(z).samplingRate(q).delta(1e-4).build();
        double[] p = new double[10];
        java.util.Arrays.fill(p, q);
        Path csv = dir.resolve("dp.csv");
        SimulationResult<DpFedAvg.ServerState> r = Simulation.builder(alg)
                .config(SimulationConfig.builder().rounds(6).clientsPerRound(3).seed(9).evalEvery(3).build())
                .model(new SoftmaxRegression(10, 3)).data(data())
                .participation(new BernoulliParticipation(p).allowingEmptyRounds())
                .listener(new CsvReportWriter(csv)).build().run();
        List<String> lines = Files.readAllLines(csv);
        assertTrue(lines.get(0).endsWith(",epsilon"), lines.get(0));
        double prev = 0;
        List<Double> fromCsv = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            fromCsv.add(Double.parseDouble(f[f.length - 1]));
        }
        for (RoundReport rep : r.reports()) {
            double expected = new RdpAccountant().compose(q, z, rep.round()).epsilon(1e-4).epsilon();
            assertEquals(expected, rep.epsilon(), 1e-12 * expected, "round " + rep.round());
            assertEquals(rep.epsilon(), fromCsv.get(rep.round() - 1), 0, "CSV round " + rep.round());
            assertTrue(rep.epsilon() > prev, "epsilon grows");
            prev = rep.epsilon();
        }
        assertEquals(6, r.serverState().rounds());
    }

    /**
     * Local noise: the reported epsilon is the per-client one, T rounds of a Gaussian mechanism with sensitivity 2C
     * and standard deviation z_local C (RDP 2 alpha / z_local^2 per round), tight conversion.
     */
    @Test
    void localNoiseReportsThePerClientEpsilon() {
        DpFedAvg alg = base().clipNorm(1).noiseMultiplier(0).localNoiseMultiplier(4).samplingRate(0.2).delta(1e-5)
                .build();
        DpFedAvg.ServerState s = serverRound(alg, 3, 10, List.of(), 1, 1);
        s = alg.server().apply(s, List.of(), new ServerContext(2, new int[10], new int[0], new SeedTree(1), P));
        double[] orders = RdpAccountant.DEFAULT_ORDERS;
        double[] rdp = new double[orders.length];
        for (int k = 0; k < orders.length; k++) {
            rdp[k] = 2 * 2 * orders[k] / 16;
        }
        double expected = RdpAccountant.epsilon(orders, rdp, 1e-5, RdpAccountant.Conversion.TIGHT).epsilon();
        assertEquals(expected, alg.privacySpent(s), 1e-12);
        assertEquals(0, alg.privacySpent(alg.initServerState(Tensors.zeros(P, 3), setup(3, 10))));
        DpFedAvg none = base().clipNorm(1).noiseMultiplier(0).samplingRate(0.2).build();
        assertEquals(Double.POSITIVE_INFINITY, none.privacySpent(s), "no noise, no privacy");
    }

    /** More noise gives a smaller epsilon for the same rounds; a higher sampling rate a larger one. */
    @Test
    void privacySpentIsMonotone() {
        DpFedAvg.ServerState s = serverRound(base().clipNorm(1).noiseMultiplier(1).samplingRate(0.1).build(), 3, 10,
                List.of(), 1, 1);
        double e = base().clipNorm(1).noiseMultiplier(1).samplingRate(0.1).build().privacySpent(s);
        assertTrue(base().clipNorm(1).noiseMultiplier(2).samplingRate(0.1).build().privacySpent(s) < e);
        assertTrue(base().clipNorm(1).noiseMultiplier(1).samplingRate(0.2).build().privacySpent(s) > e);
    }

    /** Bad settings are refused, naming the field and the value. */
    @Test
    void builderNamesBadFields() {
        assertMessage(() -> base().noiseMultiplier(1).samplingRate(0.1).build(), "clipNorm", "NaN");
        assertMessage(() -> base().clipNorm(1).samplingRate(0.1).build(), "noiseMultiplier", "NaN");
        assertMessage(() -> base().clipNorm(1).noiseMultiplier(-1).samplingRate(0.1).build(), "noiseMultiplier",
                "-1.0");
        assertMessage(() -> base().clipNorm(1).noiseMultiplier(1).samplingRate(1.5).build(), "samplingRate", "1.5");
        assertMessage(() -> base().clipNorm(1).noiseMultiplier(1).samplingRate(0.1).delta(0).build(), "delta", "0.0");
        assertMessage(() -> base().clipNorm(1).noiseMultiplier(1).samplingRate(0.1).adaptiveClipping(1.5, 0.2, 1)
                .build(), "targetQuantile", "1.5");
        assertMessage(() -> base().clipNorm(1).noiseMultiplier(1).samplingRate(0.1).adaptiveClipping(0.5, 0.2, 0.4)
                .build(), "bitNoise", "0.4");
        assertMessage(() -> base().clipNorm(1).noiseMultiplier(1).samplingRate(0.1).adaptiveClipping(0.5, 0.2, 1)
                .localNoiseMultiplier(1).build(), "localNoiseMultiplier", "adaptive");
        assertMessage(() -> base().clipNorm(1).noiseMultiplier(1).samplingRate(0.1).noiseSource(null).build(),
                "noiseSource");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String... parts) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String part : parts) {
            assertTrue(ex.getMessage().contains(part), ex.getMessage());
        }
    }
}
