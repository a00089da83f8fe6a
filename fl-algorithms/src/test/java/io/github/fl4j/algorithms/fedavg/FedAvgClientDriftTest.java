package io.github.fl4j.algorithms.fedavg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The client-drift fixed point of FedAvg (docs/algorithms/fedavg.md). With f_n(x) = (1/2)(x - b_n)^T A_n (x - b_n),
 * full participation, eta_g = 1, equal weights and K local full-gradient steps of size eta, one round maps
 * x to (1/N) sum_n [(I - eta A_n)^K x + M_n b_n] with M_n = I - (I - eta A_n)^K, whose fixed point is
 *
 * <pre>  x_FedAvg = (sum_n M_n)^{-1} sum_n M_n b_n,   while x* = (sum_n A_n)^{-1} sum_n A_n b_n. </pre>
 *
 * A least-squares client with rows X_n and targets y_n is exactly such a quadratic, with A_n = X_n^T X_n / m_n and
 * b_n = A_n^{-1} X_n^T y_n / m_n (plus a constant). FedAvg must reach x_FedAvg to 1e-9 in float64.
 */
class FedAvgClientDriftTest {

    private static double[] runFedAvg(FederatedDataset data, int dim, int k, double eta, int rounds) {
        FedAvg alg = FedAvg.builder().localTraining(LocalTraining.fullBatchSteps(k)).localLearningRate(eta)
                .weighting(WeightedMean.Weighting.UNIFORM).build();
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(data.clientCount())
                .evalEvery(0).seed(9).precision(Precision.FLOAT64).build();
        return Tensors.toDoubleArray(Simulation.builder(alg).config(cfg).model(new LeastSquares(dim)).data(data)
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, dim)).build().run().finalParameters());
    }

    private static RealVector fedAvgFixedPoint(List<RealMatrix> a, List<RealVector> b, int k, double eta) {
        int d = b.get(0).getDimension();
        RealMatrix sumM = MatrixUtils.createRealMatrix(d, d);
        RealVector sumMb = new ArrayRealVector(d);
        for (int n = 0; n < a.size(); n++) {
            RealMatrix step = MatrixUtils.createRealIdentityMatrix(d).subtract(a.get(n).scalarMultiply(eta));
            RealMatrix m = MatrixUtils.createRealIdentityMatrix(d).subtract(step.power(k));
            sumM = sumM.add(m);
            sumMb = sumMb.add(m.operate(b.get(n)));
        }
        return new LUDecomposition(sumM).getSolver().solve(sumMb);
    }

    /** 1-D, A = (1, 10), b = (1, -1), eta = 0.05 (the 1-D table of docs/algorithms/fedavg.md). */
    @ParameterizedTest
    @ValueSource(ints = {1, 10, 50})
    void oneDimensionalTableOfTheSpec(int k) {
        double s = Math.sqrt(10);
        // client 0: one row a = 1, y = 1: f = (1/2)(x - 1)^2; client 1: a = sqrt(10), y = -sqrt(10): f = 5 (x + 1)^2.
        FederatedDataset data = new FederatedDataset(List.of(
                new Dataset(Nd4j.createFromArray(new double[][] {{1}}), Nd4j.createFromArray(new double[][] {{1}})),
                new Dataset(Nd4j.createFromArray(new double[][] {{s}}), Nd4j.createFromArray(new double[][] {{-s}}))),
                new Dataset(Nd4j.createFromArray(new double[][] {{1}}), Nd4j.createFromArray(new double[][] {{1}})));
        double[] x = runFedAvg(data, 1, k, 0.05, 400);
        // Closed form in 1-D: M_n = 1 - (1 - eta A_n)^K.
        double m0 = 1 - Math.pow(1 - 0.05, k);
        double m1 = 1 - Math.pow(1 - 0.5, k);
        double expected = (m0 * 1 + m1 * -1) / (m0 + m1);
        assertEquals(expected, x[0], 1e-9);
        // The reference simulated values, to its 5 printed digits.
        double table = k == 1 ? -0.81818 : k == 10 ? -0.42688 : -0.04001;
        assertEquals(table, x[0], 5e-6);
    }

    /** d = 5, 10 heterogeneous clients, eta = 0.5 / L (the 5-D setting of docs/algorithms/fedavg.md). */
    @ParameterizedTest
    @ValueSource(ints = {1, 10, 50})
    void fiveDimensionalRandomQuadratics(int k) {
        int d = 5;
        int clients = 10;
        int rows = 12;
        RandomStream rng = new RandomStream(20240917L);
        List<Dataset> parts = new ArrayList<>();
        List<RealMatrix> as = new ArrayList<>();
        List<RealVector> bs = new ArrayList<>();
        double lMax = 0;
        for (int n = 0; n < clients; n++) {
            double scale = 0.5 + 1.5 * n / (clients - 1); // heterogeneous curvature: A_n scales with scale^2
            double[][] x = new double[rows][d];
            double[] y = new double[rows];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < d; j++) {
                    x[i][j] = scale * rng.nextGaussian();
                }
                y[i] = 3 * rng.nextGaussian() + n;
            }
            RealMatrix xm = new Array2DRowRealMatrix(x);
            RealMatrix a = xm.transpose().multiply(xm).scalarMultiply(1.0 / rows);
            RealVector b = new LUDecomposition(a).getSolver()
                    .solve(xm.transpose().operate(new ArrayRealVector(y)).mapDivide(rows));
            as.add(a);
            bs.add(b);
            for (double ev : new EigenDecomposition(a).getRealEigenvalues()) {
                lMax = Math.max(lMax, ev);
            }
            double[][] yc = new double[rows][1];
            for (int i = 0; i < rows; i++) {
                yc[i][0] = y[i];
            }
            parts.add(new Dataset(Nd4j.createFromArray(x), Nd4j.createFromArray(yc)));
        }
        FederatedDataset data = new FederatedDataset(parts, parts.get(0));
        double eta = 0.5 / lMax;
        int rounds = k == 1 ? 3000 : k == 10 ? 600 : 200;
        double[] x = runFedAvg(data, d, k, eta, rounds);
        RealVector expected = fedAvgFixedPoint(as, bs, k, eta);
        for (int j = 0; j < d; j++) {
            assertEquals(expected.getEntry(j), x[j], 1e-9, "coordinate " + j);
        }
        // x* = (sum A_n)^{-1} sum A_n b_n; FedAvg's point equals it for K = 1 and is biased for K > 1.
        RealMatrix sumA = MatrixUtils.createRealMatrix(d, d);
        RealVector sumAb = new ArrayRealVector(d);
        for (int n = 0; n < clients; n++) {
            sumA = sumA.add(as.get(n));
            sumAb = sumAb.add(as.get(n).operate(bs.get(n)));
        }
        RealVector xStar = new LUDecomposition(sumA).getSolver().solve(sumAb);
        double gap = expected.getDistance(xStar);
        if (k == 1) {
            assertEquals(0, gap, 1e-9);
        } else {
            assertTrue(gap > 1e-3, "FedAvg's fixed point should be biased for K = " + k + ", gap " + gap);
        }
    }
}
