package io.github.fl4j.algorithms.fedspeed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * FedSpeed on the heterogeneous client-drift quadratics (docs/algorithms/fedspeed.md): d = 5, N = 10 least-squares
 * clients f_n(x) = (1/(2 m_n)) ||X_n x - y_n||^2 = (1/2)(x - b_n)^T A_n (x - b_n) + const with A_n = X_n^T X_n / m_n,
 * full-gradient local steps, eta_l = 0.5 / L (L the largest eigenvalue over the A_n), K = 20, float64. The problem is
 * generated exactly as in FedAvgClientDriftTest (same seed), so x* = (sum A_n)^{-1} sum A_n b_n and FedAvg's fixed
 * point (sum M_n)^{-1} sum M_n b_n, M_n = I - (I - eta A_n)^K, are computed in closed form with commons-math3.
 */
class FedSpeedQuadraticsTest {
    private static final int D = 5;
    private static final int CLIENTS = 10;
    private static final int ROWS = 12;
    private static final int K = 20;

    private static final FederatedDataset DATA;
    private static final RealVector X_STAR;
    private static final RealVector X_FEDAVG;
    private static final double ETA;

    static {
        RandomStream rng = new RandomStream(20240917L);
        List<Dataset> parts = new ArrayList<>();
        List<RealMatrix> as = new ArrayList<>();
        List<RealVector> bs = new ArrayList<>();
        double lMax = 0;
        for (int n = 0; n < CLIENTS; n++) {
            double scale = 0.5 + 1.5 * n / (CLIENTS - 1);
            double[][] x = new double[ROWS][D];
            double[] y = new double[ROWS];
            for (int i = 0; i < ROWS; i++) {
                for (int j = 0; j < D; j++) {
                    x[i][j] = scale * rng.nextGaussian();
                }
                y[i] = 3 * rng.nextGaussian() + n;
            }
            RealMatrix xm = new Array2DRowRealMatrix(x);
            RealMatrix a = xm.transpose().multiply(xm).scalarMultiply(1.0 / ROWS);
            as.add(a);
            bs.add(new LUDecomposition(a).getSolver()
                    .solve(xm.transpose().operate(new ArrayRealVector(y)).mapDivide(ROWS)));
            for (double ev : new EigenDecomposition(a).getRealEigenvalues()) {
                lMax = Math.max(lMax, ev);
            }
            double[][] yc = new double[ROWS][1];
            for (int i = 0; i < ROWS; i++) {
                yc[i][0] = y[i];
            }
            parts.add(new Dataset(Nd4j.createFromArray(x), Nd4j.createFromArray(yc)));
        }
        DATA = new FederatedDataset(parts, parts.get(0));
        ETA = 0.5 / lMax;
        RealMatrix sumA = MatrixUtils.createRealMatrix(D, D);
        RealVector sumAb = new ArrayRealVector(D);
        RealMatrix sumM = MatrixUtils.createRealMatrix(D, D);
        RealVector sumMb = new ArrayRealVector(D);
        for (int n = 0; n < CLIENTS; n++) {
            sumA = sumA.add(as.get(n));
            sumAb = sumAb.add(as.get(n).operate(bs.get(n)));
            RealMatrix step = MatrixUtils.createRealIdentityMatrix(D).subtract(as.get(n).scalarMultiply(ETA));
            RealMatrix m = MatrixUtils.createRealIdentityMatrix(D).subtract(step.power(K));
            sumM = sumM.add(m);
            sumMb = sumMb.add(m.operate(bs.get(n)));
        }
        X_STAR = new LUDecomposition(sumA).getSolver().solve(sumAb);
        X_FEDAVG = new LUDecomposition(sumM).getSolver().solve(sumMb);
    }

    private static <S, C> SimulationResult<S> run(FederatedAlgorithm<S, C> alg, int rounds, int perRound,
                                                   long seed) {
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(perRound).evalEvery(0)
                .seed(seed).precision(Precision.FLOAT64).build();
        return Simulation.builder(alg).config(cfg).model(new LeastSquares(D)).data(DATA)
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, D)).build().run();
    }

    private static double distanceToOptimum(SimulationResult<?> r) {
        return new ArrayRealVector(Tensors.toDoubleArray(r.finalParameters())).getDistance(X_STAR);
    }

    private static FedSpeed.Builder rhoZero() {
        return FedSpeed.builder().localTraining(LocalTraining.fullBatchSteps(K)).localLearningRate(ETA).rho(0);
    }

    /**
     * Full participation, rho = 0, lamb = 0.1 (lambda = 10), all-client rule: FedSpeed
     * reaches x* (a reference simulation's error 8e-15, on its own random quadratics, where FedAvg stays 1.03 away; on
     * this problem FedAvg's closed-form fixed point is 0.22 away). The error here shrinks by about 1.4% per round
     * (6.2e-8 after 1000 rounds, 4.7e-11 after 1500, 3.8e-14 after 2000, measured); we run 2000 rounds and assert
     * 1e-13.
     */
    @Test
    void fullParticipationReachesTheOptimumWhereFedAvgDoesNot() {
        double fedAvgGap = X_FEDAVG.getDistance(X_STAR);
        assertTrue(fedAvgGap > 0.1, "FedAvg's fixed point should be biased, gap " + fedAvgGap);
        double err = distanceToOptimum(run(rhoZero().lamb(0.1).build(), 2000, CLIENTS, 1));
        System.out.printf("FedSpeed full participation, lamb 0.1: |x - x*| = %.3g, FedAvg's fixed point %.3g away%n",
                err, fedAvgGap);
        assertTrue(err < 1e-13, "error " + err);
    }

    /**
     * Under full participation the two server rules are the same map (mean over all N = mean over S), so the paper's
     * participants-only rule also reaches x*. lamb = 1 converges faster (1.4e-15 after 500 rounds, measured); we
     * assert 1e-13 (the reference's machine-precision regime).
     */
    @ParameterizedTest
    @EnumSource(FedSpeed.ServerRule.class)
    void fullParticipationReachesTheOptimumWithEitherRule(FedSpeed.ServerRule rule) {
        double err = distanceToOptimum(run(rhoZero().lamb(1).serverRule(rule).build(), 500, CLIENTS, 1));
        assertTrue(err < 1e-13, rule + ": error " + err);
    }

    /**
     * 3 of 10 clients per round, rho = 0, all-client dual averaging. A reference simulation:
     * lamb = 0.1 gives 4e-8 after 4000 rounds, and lamb in {0.5, 1, 2} machine precision. Here (measured) lamb = 0.1
     * gives 3.4e-4 after 1500 rounds, 5.4e-6 after 2500 and 7.6e-9 after 4000; we run its 4000 rounds and
     * assert 1e-7 (FedAvg's bias is 0.22). lamb = 1 gives 1.3e-15 after 1000 rounds; we assert 1e-13.
     */
    @Test
    void partialParticipationWithAllClientDualAveragingGetsClose() {
        double err = distanceToOptimum(run(rhoZero().lamb(0.1).build(), 4000, 3, 5));
        System.out.printf("FedSpeed 3 of 10, all-client rule, lamb 0.1: |x - x*| = %.3g%n", err);
        assertTrue(err < 1e-7, "lamb 0.1: error " + err);
        double err1 = distanceToOptimum(run(rhoZero().lamb(1).build(), 1000, 3, 5));
        System.out.printf("FedSpeed 3 of 10, all-client rule, lamb 1: |x - x*| = %.3g%n", err1);
        assertTrue(err1 < 1e-13, "lamb 1: error " + err1);
    }

    /**
     * Adding the SAM perturbation (rho = 0.05, alpha = 0.5; full participation, lamb 0.1)
     * moves the limit slightly, to 5.7e-3 from x* on a reference simulation's quadratics, because SAM changes the
     * objective (the merged gradient is g + alpha rho A_n g / ||g|| on a quadratic, which vanishes only where g does
     * not). Measured on this problem: the iterate is a fixed point (rounds 2000 and 3000 agree to 1e-13) at 6.47e-3
     * from x*. We assert a fixed point (1e-10) between 1e-3 and 2e-2 from x*: rho ignored would give 1e-13, a broken
     * ascent step anything.
     */
    @Test
    void samPerturbationMovesTheLimitSlightly() {
        FedSpeed sam = FedSpeed.builder().localTraining(LocalTraining.fullBatchSteps(K)).localLearningRate(ETA)
                .rho(0.05).alpha(0.5).lamb(0.1).build();
        SimulationResult<?> r2000 = run(sam, 2000, CLIENTS, 1);
        SimulationResult<?> r3000 = run(sam, 3000, CLIENTS, 1);
        double drift = new ArrayRealVector(Tensors.toDoubleArray(r2000.finalParameters()))
                .getDistance(new ArrayRealVector(Tensors.toDoubleArray(r3000.finalParameters())));
        double err = distanceToOptimum(r3000);
        System.out.printf("FedSpeed rho 0.05, alpha 0.5: |x - x*| = %.3g, |x_3000 - x_2000| = %.3g%n", err, drift);
        assertTrue(drift < 1e-10, "not a fixed point: moved " + drift);
        assertTrue(err > 1e-3 && err < 2e-2, "distance to x* " + err);
    }

    /**
     * With 3 of 10 clients the participants-only rule does not converge (it oscillates 4-7 away for lamb in
     * {0.5, 1, 2} in a reference simulation); here with lamb = 1 it ends 2.65 away after 600 rounds (measured), and we
     * assert it stays at least 1e-2 away.
     */
    @Test
    void partialParticipationWithParticipantsOnlyDoesNotConverge() {
        SimulationResult<?> r = run(rhoZero().lamb(1).serverRule(FedSpeed.ServerRule.PARTICIPANTS_ONLY).build(),
                600, 3, 5);
        double err = distanceToOptimum(r);
        System.out.printf("FedSpeed 3 of 10, participants-only rule: |x - x*| = %.3g%n", err);
        assertTrue(err > 1e-2, "error " + err);
    }

    /**
     * Reduction identity: with rho = 0 (or alpha = 0) the merged gradient is g1, and withoutProx()
     * drops the prox term and the correction, so x_hat_n = y_K and both server rules are x^t + mean_S (y_K - x^t):
     * FedAvg with uniform weights, bit for bit (same minibatch stream, same BLAS calls in the same order). Checked
     * with minibatches (B = 5 of 12 rows, so the last batch of an epoch is short) and 3 of 10 clients per round.
     */
    @ParameterizedTest
    @EnumSource(FedSpeed.ServerRule.class)
    void withoutAscentAndProxItIsFedAvgBitForBit(FedSpeed.ServerRule rule) {
        LocalTraining training = LocalTraining.steps(7, 5);
        FedAvg fedAvg = FedAvg.builder().localTraining(training).localLearningRate(ETA)
                .weighting(WeightedMean.Weighting.UNIFORM).build();
        long[] expected = bits(run(fedAvg, 40, 3, 17).finalParameters());
        for (double[] rhoAlpha : new double[][] {{0, 0}, {0, 0.5}, {0.3, 0}}) {
            FedSpeed fs = FedSpeed.builder().localTraining(training).localLearningRate(ETA).rho(rhoAlpha[0])
                    .alpha(rhoAlpha[1]).withoutProx().serverRule(rule).build();
            assertArrayEquals(expected, bits(run(fs, 40, 3, 17).finalParameters()),
                    "rho = " + rhoAlpha[0] + ", alpha = " + rhoAlpha[1]);
        }
    }

    private static long[] bits(org.nd4j.linalg.api.ndarray.INDArray x) {
        double[] v = Tensors.toDoubleArray(x);
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
        }
        return out;
    }
}
