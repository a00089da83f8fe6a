package io.github.fl4j.algorithms.scaffold;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.random.RandomStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The client-drift quadratics (docs/algorithms/fedavg.md), as least-squares clients (the same construction as
 * FedAvgClientDriftTest): a client with rows X_n and targets y_n has f_n(x) = (1/2)(x - b_n)^T A_n (x - b_n) + const
 * with A_n = X_n^T X_n / m_n and b_n = A_n^{-1} X_n^T y_n / m_n. Closed forms with commons-math3:
 * x* = (sum A_n)^{-1} sum A_n b_n and FedAvg's fixed point (sum M_n)^{-1} sum M_n b_n, M_n = I - (I - eta A_n)^K.
 */
final class Quadratics {
    final FederatedDataset data;
    final List<RealMatrix> a;
    final List<RealVector> b;
    final double lMax;
    final int dimension;

    private Quadratics(FederatedDataset data, List<RealMatrix> a, List<RealVector> b, double lMax, int dimension) {
        this.data = data;
        this.a = a;
        this.b = b;
        this.lMax = lMax;
        this.dimension = dimension;
    }

    /** 1-D, A = (1, 10), b = (1, -1): client 0 has the row (1) with target 1, client 1 the row (sqrt 10), -sqrt 10. */
    static Quadratics oneDimensional() {
        double s = Math.sqrt(10);
        Dataset c0 = new Dataset(Nd4j.createFromArray(new double[][] {{1}}), Nd4j.createFromArray(new double[][] {{1}}));
        Dataset c1 = new Dataset(Nd4j.createFromArray(new double[][] {{s}}),
                Nd4j.createFromArray(new double[][] {{-s}}));
        List<RealMatrix> a = List.of(MatrixUtils.createRealMatrix(new double[][] {{1}}),
                MatrixUtils.createRealMatrix(new double[][] {{10}}));
        List<RealVector> b = List.of(new ArrayRealVector(new double[] {1}), new ArrayRealVector(new double[] {-1}));
        return new Quadratics(new FederatedDataset(List.of(c0, c1), c0), a, b, 10, 1);
    }

    /** d = 5, 10 clients of 12 rows with heterogeneous curvature (as in FedAvgClientDriftTest). */
    static Quadratics fiveDimensional() {
        int d = 5;
        int clients = 10;
        int rows = 12;
        RandomStream rng = new RandomStream(20240917L);
        List<Dataset> parts = new ArrayList<>();
        List<RealMatrix> as = new ArrayList<>();
        List<RealVector> bs = new ArrayList<>();
        double lMax = 0;
        for (int n = 0; n < clients; n++) {
            double scale = 0.5 + 1.5 * n / (clients - 1);
            double[][] x = new double[rows][d];
            double[][] yc = new double[rows][1];
            double[] y = new double[rows];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < d; j++) {
                    x[i][j] = scale * rng.nextGaussian();
                }
                y[i] = 3 * rng.nextGaussian() + n;
                yc[i][0] = y[i];
            }
            RealMatrix xm = new Array2DRowRealMatrix(x);
            RealMatrix a = xm.transpose().multiply(xm).scalarMultiply(1.0 / rows);
            as.add(a);
            bs.add(new LUDecomposition(a).getSolver()
                    .solve(xm.transpose().operate(new ArrayRealVector(y)).mapDivide(rows)));
            for (double ev : new EigenDecomposition(a).getRealEigenvalues()) {
                lMax = Math.max(lMax, ev);
            }
            parts.add(new Dataset(Nd4j.createFromArray(x), Nd4j.createFromArray(yc)));
        }
        return new Quadratics(new FederatedDataset(parts, parts.get(0)), as, bs, lMax, d);
    }

    /** x* = (sum A_n)^{-1} sum A_n b_n. */
    RealVector optimum() {
        RealMatrix sumA = MatrixUtils.createRealMatrix(dimension, dimension);
        RealVector sumAb = new ArrayRealVector(dimension);
        for (int n = 0; n < a.size(); n++) {
            sumA = sumA.add(a.get(n));
            sumAb = sumAb.add(a.get(n).operate(b.get(n)));
        }
        return new LUDecomposition(sumA).getSolver().solve(sumAb);
    }

    /** FedAvg's fixed point with K full-gradient steps of size eta, full participation, uniform weights. */
    RealVector fedAvgFixedPoint(int k, double eta) {
        RealMatrix sumM = MatrixUtils.createRealMatrix(dimension, dimension);
        RealVector sumMb = new ArrayRealVector(dimension);
        for (int n = 0; n < a.size(); n++) {
            RealMatrix step = MatrixUtils.createRealIdentityMatrix(dimension).subtract(a.get(n).scalarMultiply(eta));
            RealMatrix m = MatrixUtils.createRealIdentityMatrix(dimension).subtract(step.power(k));
            sumM = sumM.add(m);
            sumMb = sumMb.add(m.operate(b.get(n)));
        }
        return new LUDecomposition(sumM).getSolver().solve(sumMb);
    }
}
