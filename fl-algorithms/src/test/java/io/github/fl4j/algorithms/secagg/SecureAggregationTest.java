package io.github.fl4j.algorithms.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.DeclaredCompressor;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationException;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.api.Test;

/** Secure aggregation: exact sums with and without dropouts, cancelling masks, the fixed point, the bit formula. */
class SecureAggregationTest {
    private static final int D = 37;

    private static Masking.Streams streams(SeedTree seeds, int round) {
        return (purpose, key) -> seeds.stream(purpose, round, key);
    }

    /** n distinct increasing ids out of 0..3n. */
    private static int[] participants(RandomStream rng, int n) {
        return rng.sampleWithoutReplacement(3 * n, n);
    }

    @Test
    void pairwiseMasksCancel() {
        for (long seed = 1; seed <= 5; seed++) {
            SeedTree seeds = new SeedTree(seed);
            RandomStream rng = seeds.stream(Purpose.LOCAL, 0, 0);
            int n = 3 + rng.nextInt(18);
            int[] p = participants(rng, n);
            long m = (1L << 32) - 1;
            long[] sum = new long[D];
            for (int u : p) {
                long[] y = new long[D];
                for (int v : p) {
                    if (v != u) {
                        Masking.add(y, seeds.stream(Purpose.SECAGG_PAIR_MASK, 7, Masking.pairKey(u, v)),
                                u < v ? 1 : -1, m);
                    }
                }
                for (int j = 0; j < D; j++) {
                    sum[j] = (sum[j] + y[j]) & m;
                }
            }
            assertArrayEquals(new long[D], sum, "seed " + seed + ", n = " + n);
        }
    }

    @Test
    void unmaskedSumEqualsThePlainFixedPointSumWithAndWithoutDropouts() {
        FixedPoint fp = new FixedPoint(32, 16, 8);
        for (long seed = 1; seed <= 12; seed++) {
            for (boolean withDropouts : new boolean[] {false, true}) {
                SeedTree seeds = new SeedTree(seed);
                RandomStream rng = seeds.stream(Purpose.LOCAL, withDropouts ? 1 : 0, 0);
                int n = 3 + (int) ((seed - 1) * 17 / 11);
                int[] p = participants(rng, n);
                boolean[] drop = new boolean[n];
                int dropped = 0;
                if (withDropouts) {
                    // at least one, at most n - 1
                    for (int i = 0; i < n; i++) {
                        drop[i] = rng.nextBoolean(0.3);
                    }
                    drop[rng.nextInt(n)] = true;
                    drop[0] = false;
                    for (boolean b : drop) {
                        dropped += b ? 1 : 0;
                    }
                }
                long[] plain = new long[D];
                long[] masked = new long[D];
                int[] survivors = new int[n - dropped];
                int[] gone = new int[dropped];
                for (int i = 0, a = 0, g = 0; i < n; i++) {
                    long[] x = new long[D];
                    for (int j = 0; j < D; j++) {
                        x[j] = fp.encode(rng.nextGaussian(0, 3));
                    }
                    long[] y = x.clone();
                    Masking.mask(y, p[i], p, streams(seeds, 3), 32);
                    if (drop[i]) {
                        gone[g++] = p[i];
                        continue;
                    }
                    survivors[a++] = p[i];
                    for (int j = 0; j < D; j++) {
                        plain[j] = (plain[j] + x[j]) & fp.mask();
                        masked[j] = (masked[j] + y[j]) & fp.mask();
                    }
                }
                Masking.unmask(masked, survivors, gone, streams(seeds, 3), 32);
                assertArrayEquals(plain, masked, "seed " + seed + ", n = " + n + ", dropped " + dropped);
            }
        }
    }

    @Test
    void fixedPointRoundTripIsWithinHalfAStep() {
        RandomStream rng = new SeedTree(3).stream(Purpose.LOCAL);
        for (int k : new int[] {0, 8, 16, 24}) {
            FixedPoint fp = new FixedPoint(48, k, 100);
            for (int i = 0; i < 10_000; i++) {
                double v = rng.nextGaussian(0, 20);
                v = Math.max(-100, Math.min(100, v));
                assertTrue(Math.abs(fp.decode(fp.encode(v)) - v) <= Math.scalb(1.0, -(k + 1)), v + " at k " + k);
            }
        }
        FixedPoint fp = new FixedPoint(32, 16, 8);
        assertEquals(8.0, fp.decode(fp.encode(1e9)));
        assertEquals(-8.0, fp.decode(fp.encode(-1e9)));
        assertTrue(fp.clips(8.5) && !fp.clips(8.0));
        assertEquals(-3.25, fp.decode((fp.encode(-1.25) + fp.encode(-2.0)) & fp.mask()));
        assertThrows(IllegalArgumentException.class, () -> fp.checkSumFits(5000, 10));
        fp.checkSumFits(4000, 10);
    }

    private static FederatedDataset data(int clients) {
        return SyntheticFedProx.builder().clients(clients).dimension(10).classes(3).fixedSamples(30).build()
                .generate(new SeedTree(7).stream(Purpose.DATA_GENERATION));
    }

    private static SimulationConfig config(int rounds, int perRound, int threads, Precision precision) {
        return SimulationConfig.builder().rounds(rounds).clientsPerRound(perRound).threads(threads).seed(2024)
                .evalEvery(rounds).precision(precision).build();
    }

    private static FedAvg fedAvg(WeightedMean.Weighting w) {
        return FedAvg.builder().localSteps(3, 8).localLearningRate(0.1).weighting(w).build();
    }

    private static <S, C> SimulationResult<S> run(io.github.fl4j.core.api.FederatedAlgorithm<S, C> alg,
                                                  SimulationConfig cfg, int clients) {
        return Simulation.builder(alg).config(cfg).model(new SoftmaxRegression(10, 3)).data(data(clients)).build()
                .run();
    }

    @Test
    void ledgerBitsEqualTheFormula() {
        for (int perRound : new int[] {3, 8, 20}) {
            SecAggParams params = SecAggParams.builder().dropoutProbability(0.2).thresholdFraction(0.3).build();
            SimulationConfig cfg = config(5, perRound, 2, Precision.FLOAT32);
            SimulationResult<?> r = run(SecureAggregation.wrap(fedAvg(WeightedMean.Weighting.UNIFORM), params), cfg,
                    25);
            long d = new SoftmaxRegression(10, 3).dimension();
            int dropped = SecAggLedger.check(r.reports(), r.ledger(), params, cfg.seed(), d, 32 * d, 1);
            if (perRound == 20) {
                assertTrue(dropped > 0, "some clients dropped");
            }
            SecureAggregation.State<?> st = (SecureAggregation.State<?>) r.serverState();
            assertEquals(dropped, st.dropped());
        }
    }

    @Test
    void theWorkedExampleOfTheDocs() {
        SecAggParams p = SecAggParams.defaults();
        assertEquals(35_024_000L, p.roundUplinkBits(100, 0, 7850));
        assertEquals(25_120_000L + 12_729_600L, 100L * 32 * 7850 + p.roundDownlinkProtocolBits(100, 0));
        assertEquals(704, p.encryptedShareBits());
    }

    /**
     * One round, float64, no clipping: every coordinate of the wrapped model is within 2^-(k+1) of plain FedAvg's
     * (the mean of values each rounded by at most 2^-(k+1)), plus 1e-12 for the floating-point sums.
     */
    @Test
    void wrappedFedAvgEqualsPlainFedAvgUpToTheRounding() {
        for (WeightedMean.Weighting w : WeightedMean.Weighting.values()) {
            int k = 16;
            SecAggParams params = SecAggParams.builder().fractionalBits(k).clipRange(w
                    == WeightedMean.Weighting.SAMPLE_COUNT ? 1000 : 8).modulusBits(48).build();
            SimulationConfig cfg = config(1, 6, 1, Precision.FLOAT64);
            SimulationResult<FedAvg.ServerState> plain = run(fedAvg(w), cfg, 10);
            SimulationResult<SecureAggregation.State<FedAvg.ServerState>> sec = run(SecureAggregation.wrap(fedAvg(w),
                    params), cfg, 10);
            double[] a = Tensors.toDoubleArray(plain.finalParameters());
            double[] b = Tensors.toDoubleArray(sec.finalParameters());
            double bound = Math.scalb(1.0, -(k + 1)) + 1e-12;
            double worst = 0;
            for (int j = 0; j < a.length; j++) {
                worst = Math.max(worst, Math.abs(a[j] - b[j]));
            }
            assertTrue(worst <= bound, w + ": " + worst + " > " + bound);
            assertTrue(worst > 0, "the fixed point rounds");
            assertEquals(0, sec.serverState().clipped());
            // several rounds stay close (no tight bound: local SGD propagates the rounding)
            SimulationConfig cfg5 = config(5, 6, 1, Precision.FLOAT64);
            double[] a5 = Tensors.toDoubleArray(run(fedAvg(w), cfg5, 10).finalParameters());
            double[] b5 = Tensors.toDoubleArray(run(SecureAggregation.wrap(fedAvg(w), params), cfg5, 10)
                    .finalParameters());
            assertArrayEquals(a5, b5, 5 * 4 * bound);
        }
    }

    @Test
    void clippedCoordinatesAreCountedBySecureSum() {
        SecAggParams params = SecAggParams.builder().clipRange(1e-3).build();
        SimulationResult<SecureAggregation.State<FedAvg.ServerState>> r = run(SecureAggregation.wrap(
                fedAvg(WeightedMean.Weighting.UNIFORM), params), config(2, 4, 1, Precision.FLOAT32), 10);
        assertTrue(r.serverState().clipped() > 0);
        assertTrue(r.serverState().clipped() <= 2L * 4 * new SoftmaxRegression(10, 3).dimension());
    }

    @Test
    void sameBitsForOneAndTwoThreads() {
        SecAggParams params = SecAggParams.builder().dropoutProbability(0.25).thresholdFraction(0.2).build();
        var alg = SecureAggregation.wrap(fedAvg(WeightedMean.Weighting.SAMPLE_COUNT), params);
        SimulationResult<?> one = run(alg, config(4, 7, 1, Precision.FLOAT32), 12);
        SimulationResult<?> two = run(alg, config(4, 7, 2, Precision.FLOAT32), 12);
        assertEquals(one.finalParameters(), two.finalParameters());
        assertEquals(one.ledger().entries(), two.ledger().entries());
        assertEquals(one.ledger().totalBits(Direction.UPLINK), two.ledger().totalBits(Direction.UPLINK));
    }

    @Test
    void tooFewSurvivorsFailTheRoundClearly() {
        SecAggParams params = SecAggParams.builder().dropoutProbability(1.0).build();
        SimulationException e = assertThrows(SimulationException.class, () -> run(SecureAggregation.wrap(
                fedAvg(WeightedMean.Weighting.UNIFORM), params), config(2, 4, 1, Precision.FLOAT32), 10));
        assertTrue(e.getMessage().startsWith("round 1, server"), e.getMessage());
        assertTrue(e.getMessage().contains("0 of 4 participants survived") && e.getMessage().contains("t = 3"),
                e.getMessage());
    }

    @Test
    void refusesALossyUplinkAndBadParameters() {
        var alg = SecureAggregation.wrap(fedAvg(WeightedMean.Weighting.UNIFORM), SecAggParams.defaults());
        assertThrows(IllegalArgumentException.class, () -> Simulation.builder(alg)
                .config(config(1, 3, 1, Precision.FLOAT32)).model(new SoftmaxRegression(10, 3)).data(data(5))
                .uplinkCompressor(new DeclaredCompressor("topk", CompressionClass.contractive(0.1))).build());
        assertEquals("modulusBits must be in [8, 53], was 64", assertThrows(IllegalArgumentException.class,
                () -> SecAggParams.builder().modulusBits(64).build()).getMessage());
        assertEquals("thresholdFraction must be in [0, 1), was 1.0", assertThrows(IllegalArgumentException.class,
                () -> SecAggParams.builder().thresholdFraction(1).build()).getMessage());
        assertEquals(3, SecAggParams.defaults().threshold(4));
        assertEquals(1, SecAggParams.defaults().threshold(1));
    }
}
