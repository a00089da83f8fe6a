package io.github.fl4j.algorithms.ef;

import static io.github.fl4j.algorithms.ef.EfTestProblems.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationException;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** EF21 (docs/algorithms/ef21.md): the contract under full participation, reductions, warm-up, step sizes. */
class Ef21Test extends AlgorithmContractTest {
    private static final int D = 5;

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return Ef21.builder().learningRate(0.1).build();
    }

    /** A contractive uplink (Top-30%), so that the error-feedback state is not trivially zero. */
    @Override
    protected io.github.fl4j.core.api.Compressor uplinkCompressor() {
        return io.github.fl4j.compression.Compressors.topK(0.3);
    }

    /** EF21 proper needs every client in every round: the contract problem's 10 clients, all per round. */
    @Override
    protected SimulationConfig config(int threads) {
        return SimulationConfig.builder().rounds(6).clientsPerRound(10).threads(threads).seed(2024).evalEvery(2)
                .build();
    }

    private static INDArray x0() {
        INDArray x = Nd4j.zeros(DataType.DOUBLE, D);
        for (int j = 0; j < D; j++) {
            x.putScalar(j, 1.0 - 0.25 * j);
        }
        return x;
    }

    /** Reduction: EF21 with the identity compressor is gradient descent bit for bit (40 rounds). */
    @Test
    void identityCompressorIsGradientDescentBitForBit() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(4, D, 7, 1);
        LeastSquares model = new LeastSquares(D);
        double gamma = 0.05;
        for (int rounds : new int[] {1, 40}) {
            INDArray ef = EfTestProblems.run(Ef21.builder().learningRate(gamma).build(), model, data,
                    IdentityCompressor.INSTANCE, x0(), rounds);
            INDArray gd = EfTestProblems.gradientDescent(model, data, x0(), gamma, rounds);
            assertArrayEquals(bits(gd), bits(ef), "after " + rounds + " rounds");
        }
    }

    /**
     * With g_i^0 = grad f_i(x^0) the first iterate equals GD's first step. Over Top-1 in d = 5 the
     * EXACT first message takes R = ceil(1/alpha) = 5 warm-up rounds at x^0 (x unchanged in rounds 1..4); the sums
     * of the sparse pieces may be added in another order than GD's, hence 1e-15 relative instead of bits.
     */
    @Test
    void exactFirstMessageOverTopKGivesGdFirstStepAfterTheWarmUp() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(3, D, 6, 2);
        LeastSquares model = new LeastSquares(D);
        double gamma = 0.05;
        INDArray gd = EfTestProblems.gradientDescent(model, data, x0(), gamma, 1);
        for (int rounds = 1; rounds < D; rounds++) {
            INDArray ef = EfTestProblems.run(Ef21.builder().learningRate(gamma).build(), model, data,
                    new TestTopK(1), x0(), rounds);
            assertArrayEquals(bits(x0()), bits(ef), "x must stay at x^0 during warm-up round " + rounds);
        }
        INDArray ef = EfTestProblems.run(Ef21.builder().learningRate(gamma).build(), model, data, new TestTopK(1),
                x0(), D);
        double[] a = Tensors.toDoubleArray(gd);
        double[] b = Tensors.toDoubleArray(ef);
        for (int j = 0; j < D; j++) {
            assertEquals(a[j], b[j], 1e-15 * Math.max(1, Math.abs(a[j])), "coordinate " + j);
        }
    }

    /** Warm-up rounds: R = ceil(d/K) for Top-K (alpha = K/d), 1 for identity and for COMPRESSED. */
    @Test
    void warmupRounds() {
        assertEquals(5, EfCommon.warmupRounds(FirstMessage.EXACT, new TestTopK(1), 5));
        assertEquals(4, EfCommon.warmupRounds(FirstMessage.EXACT, new TestTopK(3), 10));
        assertEquals(34, EfCommon.warmupRounds(FirstMessage.EXACT, new TestTopK(3), 100));
        assertEquals(1, EfCommon.warmupRounds(FirstMessage.EXACT, IdentityCompressor.INSTANCE, 100));
        assertEquals(1, EfCommon.warmupRounds(FirstMessage.COMPRESSED, new TestTopK(1), 100));
    }

    /** First round with a COMPRESSED first message: g_i^0 = C(grad f_i(x^0)); x^1 = x^0 - gamma mean_i C(...). */
    @Test
    void compressedFirstMessageSendsTopKOfTheGradient() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(3, D, 6, 3);
        LeastSquares model = new LeastSquares(D);
        double gamma = 0.1;
        INDArray expected = x0();
        INDArray gi = Nd4j.zeros(DataType.DOUBLE, D);
        INDArray ci = Nd4j.zeros(DataType.DOUBLE, D);
        INDArray g = Nd4j.zeros(DataType.DOUBLE, D);
        for (int i = 0; i < 3; i++) {
            model.lossAndGradient(x0(), data.client(i), gi);
            new TestTopK(2).compress(gi, ci, null);
            Tensors.axpy(1.0 / 3, ci, g);
        }
        Tensors.axpy(-gamma, g, expected);
        INDArray ef = EfTestProblems.run(Ef21.builder().learningRate(gamma).firstMessage(FirstMessage.COMPRESSED)
                .build(), model, data, new TestTopK(2), x0(), 1);
        assertArrayEquals(bits(expected), bits(ef));
    }

    /** EF21 with Top-1 converges on a least-squares problem at a multiple of the theoretical step size. */
    @Test
    void topOneConvergesAtTheoryStepSize() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(4, D, 8, 4);
        LeastSquares model = new LeastSquares(D);
        var constants = io.github.fl4j.core.model.SmoothnessConstants.leastSquares(data.clients());
        double gamma = Ef21.theoryStepSize(constants, 1.0 / D, Ef21.MeanRule.QUADRATIC, 4);
        INDArray xStar = EfTestProblems.gradientDescent(model, data, x0(), 1.0 / constants.whole(), 5000);
        INDArray ef = EfTestProblems.run(Ef21.builder().learningRate(gamma).build(), model, data, new TestTopK(1),
                x0(), 1500);
        Tensors.axpy(-1, xStar, ef);
        assertTrue(Tensors.norm2(ef) < 1e-6, "||x - x*|| = " + Tensors.norm2(ef));
    }

    /**
     * EF21 paper (Richtarik et al., NeurIPS 2021), Theorem 1 (proof): at gamma <= 1/(L + Ltilde sqrt(beta/theta)) the
     * Lyapunov function Phi^t = f(x^t) - f* + gamma/(2 theta) G^t, G^t = (1/n) sum_i ||g_i^t - grad f_i(x^t)||^2, obeys
     * Phi^{t+1} <= Phi^t - (gamma/2) ||grad f(x^t)||^2 (descent lemma for f, Young for the compressed shift, and the
     * step-size condition that cancels the ||x^{t+1} - x^t||^2 terms). Checked along the library's own trajectory: the
     * test records x^t from {@link io.github.fl4j.core.sim.RoundListener#onServerModel}, replays the client shifts
     * g_i^{t+1} = g_i^t + Top1(grad f_i(x^{t+1}) - g_i^t) from g_i^0 = grad f_i(x^0) (FirstMessage.EXACT), and
     * asserts (a) every recorded step is x^{t+1} = x^t - gamma (1/n) sum_i g_i^t to 1e-12 (the algorithm as stated in
     * 5.2), (b) the inequality above at every t with slack 1e-12 Phi^0, (c) x stays at x^0 through the first d - 1
     * warm-up rounds of Top-1 (the d-th completes g_i^0 and takes the first step). 4 clients, d = 5, 8 rows each,
     * float64, multiplier 1, 301 steps. The check has teeth: at multiplier 8 the inequality fails at t = 0
     * (Phi 4.98 -> 8.49, measured).
     */
    @Test
    void lyapunovFunctionDecreasesAtTheTheoryStepSize() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(4, D, 8, 4);
        LeastSquares model = new LeastSquares(D);
        int n = data.clientCount();
        var constants = io.github.fl4j.core.model.SmoothnessConstants.leastSquares(data.clients());
        double alpha = 1.0 / D;
        double theta = 1 - Math.sqrt(1 - alpha);
        double gamma = Ef21.theoryStepSize(constants, alpha, Ef21.MeanRule.QUADRATIC, 1);
        int warm = D;
        int rounds = warm + 300;
        java.util.List<double[]> xs = new java.util.ArrayList<>();
        io.github.fl4j.core.sim.RoundListener record = new io.github.fl4j.core.sim.RoundListener() {
            @Override
            public void onServerModel(int round, INDArray x) {
                xs.add(Tensors.toDoubleArray(x));
            }

            @Override
            public void onRound(io.github.fl4j.core.sim.RoundReport report) {
            }
        };
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(n).threads(1).seed(11)
                .evalEvery(rounds).precision(Precision.FLOAT64).build();
        Simulation.builder(Ef21.builder().learningRate(gamma).build()).config(cfg).model(model).data(data)
                .uplinkCompressor(new TestTopK(1)).initialParameters(x0()).listener(record).build().run();
        assertEquals(rounds, xs.size());

        double[] x0 = Tensors.toDoubleArray(x0());
        for (int r = 0; r < warm - 1; r++) {
            assertArrayEquals(x0, xs.get(r), 0.0, "warm-up round " + (r + 1) + " moved x");
        }
        double fStar = meanLoss(model, data,
                EfTestProblems.gradientDescent(model, data, x0(), 1.0 / constants.whole(), 20000));
        double[][] g = new double[n][];
        for (int i = 0; i < n; i++) {
            g[i] = gradient(model, data, i, x0);
        }
        double[] x = x0;
        double phi = meanLoss(model, data, Nd4j.createFromArray(x)) - fStar; // G^0 = 0: g_i^0 = grad f_i(x^0)
        double phi0 = phi;
        for (int t = 0; t <= rounds - warm; t++) {
            double[] gradF = new double[D];
            double[] gMean = new double[D];
            for (int i = 0; i < n; i++) {
                double[] gi = gradient(model, data, i, x);
                for (int j = 0; j < D; j++) {
                    gradF[j] += gi[j] / n;
                    gMean[j] += g[i][j] / n;
                }
            }
            double[] next = xs.get(warm - 1 + t);
            for (int j = 0; j < D; j++) {
                assertEquals(x[j] - gamma * gMean[j], next[j], 1e-12 * (1 + Math.abs(next[j])),
                        "step " + t + ", coordinate " + j);
            }
            double shift = 0; // G^{t+1} after the clients' Top-1 updates at x^{t+1}
            for (int i = 0; i < n; i++) {
                double[] gi = gradient(model, data, i, next);
                int best = 0;
                for (int j = 1; j < D; j++) {
                    if (Math.abs(gi[j] - g[i][j]) > Math.abs(gi[best] - g[i][best])) {
                        best = j;
                    }
                }
                g[i][best] = gi[best];
                for (int j = 0; j < D; j++) {
                    shift += (g[i][j] - gi[j]) * (g[i][j] - gi[j]) / n;
                }
            }
            double phiNext = meanLoss(model, data, Nd4j.createFromArray(next)) - fStar + gamma / (2 * theta) * shift;
            double descent = gamma / 2 * dot(gradF, gradF);
            assertTrue(phiNext <= phi - descent + 1e-12 * phi0,
                    "t = " + t + ": Phi " + phi + " -> " + phiNext + ", required decrease " + descent);
            phi = phiNext;
            x = next;
        }
        assertTrue(phi < 1e-3 * phi0, "Phi " + phi0 + " -> " + phi);
    }

    private static double meanLoss(LeastSquares model, FederatedDataset data, INDArray x) {
        double f = 0;
        for (int i = 0; i < data.clientCount(); i++) {
            f += model.loss(x, data.client(i)) / data.clientCount();
        }
        return f;
    }

    private static double[] gradient(LeastSquares model, FederatedDataset data, int client, double[] x) {
        INDArray out = Nd4j.zeros(DataType.DOUBLE, D);
        model.lossAndGradient(Nd4j.createFromArray(x), data.client(client), out);
        return Tensors.toDoubleArray(out);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    /**
     * EF21 paper, Theorem 1: gamma = 1/(L + Ltilde sqrt(beta/theta)); alpha = 1 gives 1/L. Numbers computed by hand.
     */
    @Test
    void theoryStepSize() {
        assertEquals(0.5, Ef21.theoryStepSize(2, 7, 1.0), 0);
        // alpha = 0.75: sqrt(1 - alpha) = 0.5, theta = 0.5, beta = 0.25/0.5 = 0.5, sqrt(beta/theta) = 1
        assertEquals(1.0 / (2 + 3), Ef21.theoryStepSize(2, 3, 0.75), 1e-15);
        // alpha = 0.36: sqrt(0.64) = 0.8, theta = 0.2, beta = 0.64/0.2 = 3.2, sqrt(16) = 4
        assertEquals(1.0 / (1 + 2 * 4), Ef21.theoryStepSize(1, 2, 0.36), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ef21.theoryStepSize(1, 1, 0));
        assertTrue(e.getMessage().contains("alpha must be in (0, 1], was 0.0"), e.getMessage());
    }

    /** An unscaled unbiased uplink is rejected when the simulation is built, naming both. */
    @Test
    void unbiasedCompressorIsRejectedAtBuildTime() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(2, D, 3, 5);
        SimulationConfig cfg = SimulationConfig.builder().rounds(1).clientsPerRound(2).precision(Precision.FLOAT64)
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Simulation.builder(Ef21.builder().learningRate(0.1).build()).config(cfg)
                        .model(new LeastSquares(D)).data(data).uplinkCompressor(EfTestProblems.unbiased(3)).build());
        assertTrue(e.getMessage().contains("EF21") && e.getMessage().contains("test-randk-unscaled"), e.getMessage());
    }

    @Test
    void builderNamesBadFields() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ef21.builder().build()).getMessage()
                .contains("learningRate must be > 0 and finite, was NaN"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Ef21.builder().learningRate(0.1).minibatch(-2).build()).getMessage().contains("was -2"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Ef21.builder().learningRate(0.1).smoothnessWeights(new double[] {1, -1}).build())
                .getMessage().contains("smoothnessWeights[1] must be > 0 and finite, was -1.0"));
    }

    /** Without partialParticipation(true), a round with absent clients is an error naming the round. */
    @Test
    void partialParticipationNeedsTheOption() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(4, D, 3, 6);
        SimulationConfig cfg = SimulationConfig.builder().rounds(2).clientsPerRound(2).precision(Precision.FLOAT64)
                .build();
        SimulationException e = assertThrows(SimulationException.class,
                () -> Simulation.builder(Ef21.builder().learningRate(0.1).build()).config(cfg)
                        .model(new LeastSquares(D)).data(data).build().run());
        assertTrue(e.getMessage().contains("round 1 had 2 of 4"), e.getMessage());
        SimulationResult<?> ok = Simulation.builder(Ef21.builder().learningRate(0.1).partialParticipation(true)
                .build()).config(cfg).model(new LeastSquares(D)).data(data).build().run();
        assertEquals(2, ok.reports().size());
    }

    /**
     * EF21-W with equal L_i is EF21 (w_i = 1/n, 1/(n w_i) = 1: identical behaviour when all L_i are
     * equal), bit for bit; with unequal L_i and identity it is still GD (to rounding: g = sum w_i grad/(n w_i)).
     */
    @Test
    void weightedVariant() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(4, D, 6, 7);
        LeastSquares model = new LeastSquares(D);
        INDArray plain = EfTestProblems.run(Ef21.builder().learningRate(0.05).build(), model, data, new TestTopK(2),
                x0(), 30);
        INDArray w = EfTestProblems.run(Ef21.builder().learningRate(0.05).smoothnessWeights(new double[] {2, 2, 2, 2})
                .build(), model, data, new TestTopK(2), x0(), 30);
        assertArrayEquals(bits(plain), bits(w));
        INDArray wId = EfTestProblems.run(Ef21.builder().learningRate(0.05).smoothnessWeights(new double[] {1, 2, 3, 9})
                .build(), model, data, IdentityCompressor.INSTANCE, x0(), 30);
        INDArray gd = EfTestProblems.gradientDescent(model, data, x0(), 0.05, 30);
        assertArrayEquals(Tensors.toDoubleArray(gd), Tensors.toDoubleArray(wId), 1e-12);
    }
}
