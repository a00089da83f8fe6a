package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SmoothnessConstantsTest {

    private static Dataset data(double[][] a) {
        double[][] y = new double[a.length][1];
        for (int i = 0; i < a.length; i++) {
            y[i][0] = i % 2 == 0 ? 1 : -1;
        }
        return new Dataset(Nd4j.createFromArray(a), Nd4j.createFromArray(y));
    }

    private static double[][] gaussian(RandomStream rng, int m, int p, double mean) {
        double[][] a = new double[m][p];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                a[i][j] = mean + rng.nextGaussian();
            }
        }
        return a;
    }

    /** The eigen-decomposition of A^T A / m by commons-math3 (Householder + QL), as the reference. */
    private static EigenDecomposition gram(double[][] a) {
        RealMatrix m = new Array2DRowRealMatrix(a, false);
        return new EigenDecomposition(m.transpose().multiply(m).scalarMultiply(1.0 / a.length));
    }

    private static double largest(EigenDecomposition e) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : e.getRealEigenvalues()) {
            max = Math.max(max, v);
        }
        return max;
    }

    @Test
    void diagonalCaseByHand() {
        // A = diag(3, 1, 2) (m = 3): A^T A / m = diag(9, 1, 4) / 3, lambda_max = 3.
        // least squares: L = 3; logistic with EF21's regulariser, lambda = 0.1: L = 3/4 + 2 * 0.1 = 0.95
        Dataset d = data(new double[][] {{3, 0, 0}, {0, 1, 0}, {0, 0, 2}});
        assertEquals(3.0, SmoothnessConstants.largestEigenvalueOfGram(d), 3e-12);
        assertEquals(3.0, SmoothnessConstants.leastSquares(d), 3e-12);
        assertEquals(0.95, SmoothnessConstants.logistic(d, 0.1), 1e-12);
        // by the model's regulariser: none 3/4, L2 3/4 + lambda, non-convex 3/4 + 2 lambda
        assertEquals(0.75, SmoothnessConstants.logistic(new LogisticRegression(3), d), 1e-12);
        assertEquals(0.85, SmoothnessConstants.logistic(new LogisticRegression(3, 0.1), d), 1e-12);
        assertEquals(0.95, SmoothnessConstants.logistic(LogisticRegression.nonConvex(3, 0.1), d), 1e-12);
        // float32 data: the same (every entry is exact in float32, the iteration runs in float64)
        assertEquals(3.0, SmoothnessConstants.largestEigenvalueOfGram(d.as(Precision.FLOAT32)), 3e-12);
    }

    @Test
    void twoClientSummaryByHand() {
        // client 0: A_0 = diag(3, 1) (m_0 = 2):  A^T A / 2 = diag(9, 1)/2, lambda_max = 4.5, L_0 = 4.5/4 + 0.2 = 1.325
        // client 1: A_1 = [[0,2],[0,2],[1,0],[1,0]] (m_1 = 4): A^T A = diag(2, 8), /4 = diag(0.5, 2), lambda_max = 2,
        //           L_1 = 2/4 + 0.2 = 0.7
        // whole (6 rows): A^T A = diag(9 + 2, 1 + 8) = diag(11, 9), /6: lambda_max = 11/6, L = 11/24 + 0.2
        // L_AM = (1.325 + 0.7)/2 = 1.0125;  L_QM = sqrt((1.325^2 + 0.7^2)/2) = sqrt(1.1228125)
        List<Dataset> clients = List.of(data(new double[][] {{3, 0}, {0, 1}}),
                data(new double[][] {{0, 2}, {0, 2}, {1, 0}, {1, 0}}));
        SmoothnessConstants.Summary s = SmoothnessConstants.logistic(clients, 0.1);
        assertArrayEquals(new double[] {1.325, 0.7}, s.perClient(), 1e-12);
        assertEquals(2, s.clientCount());
        assertEquals(1.0125, s.arithmeticMean(), 1e-12);
        assertEquals(Math.sqrt(1.1228125), s.quadraticMean(), 1e-12);
        assertEquals(11.0 / 24 + 0.2, s.whole(), 1e-12);
        assertEquals(1.325, s.max(), 1e-12);
        assertTrue(s.whole() <= s.arithmeticMean() && s.arithmeticMean() <= s.quadraticMean());
        SmoothnessConstants.Summary ls = SmoothnessConstants.leastSquares(clients);
        assertArrayEquals(new double[] {4.5, 2.0}, ls.perClient(), 1e-11);
        assertEquals(11.0 / 6, ls.whole(), 1e-11);
        // the same through a FederatedDataset
        SmoothnessConstants.Summary fd = SmoothnessConstants.logistic(
                new FederatedDataset(clients, clients.get(0)), 0.1);
        assertArrayEquals(s.perClient(), fd.perClient(), 0.0);
        assertEquals(s.whole(), fd.whole(), 0.0);
    }

    @Test
    void matchesCommonsMathOnRandomMatrices() {
        // shapes: tall, square, wide (rank-deficient Gram: p > m), and a non-centred one (a dominant mean direction,
        // as for LibSVM's non-negative features); float64 and float32 (the float32-rounded matrix is the reference)
        int[][] shapes = {{30, 6}, {8, 8}, {5, 12}, {200, 40}, {40, 3}};
        RandomStream rng = new RandomStream(77);
        for (int[] shape : shapes) {
            for (double mean : new double[] {0.0, 0.7}) {
                double[][] a = gaussian(rng, shape[0], shape[1], mean);
                Dataset d = data(a);
                double expected = largest(gram(a));
                SmoothnessConstants.PowerIteration r = SmoothnessConstants.powerIteration(List.of(d),
                        SmoothnessConstants.DEFAULT_TOLERANCE, SmoothnessConstants.DEFAULT_MAX_ITERATIONS,
                        new RandomStream(SmoothnessConstants.START_SEED));
                String what = shape[0] + "x" + shape[1] + " mean " + mean + ": " + r;
                assertTrue(r.converged(), what);
                assertEquals(expected, r.eigenvalue(), 1e-9 * expected, what);
                assertEquals(r.eigenvalue(), SmoothnessConstants.largestEigenvalueOfGram(d), 0.0, what);

                Dataset d32 = d.as(Precision.FLOAT32);
                double[][] a32 = new double[shape[0]][];
                for (int i = 0; i < shape[0]; i++) {
                    a32[i] = Tensors.toDoubleArray(d32.features().getRow(i));
                }
                double expected32 = largest(gram(a32));
                assertEquals(expected32, SmoothnessConstants.largestEigenvalueOfGram(d32), 1e-9 * expected32, what);
            }
        }
    }

    @Test
    void stackedBlocksEqualTheConcatenatedMatrix() {
        RandomStream rng = new RandomStream(78);
        double[][] all = gaussian(rng, 23, 7, 0.3);
        List<Dataset> blocks = new ArrayList<>();
        int[] cuts = {0, 5, 6, 17, 23};
        for (int b = 0; b + 1 < cuts.length; b++) {
            double[][] part = new double[cuts[b + 1] - cuts[b]][];
            System.arraycopy(all, cuts[b], part, 0, part.length);
            blocks.add(data(part));
        }
        double expected = largest(gram(all));
        assertEquals(expected, SmoothnessConstants.largestEigenvalueOfGram(blocks), 1e-9 * expected);
        SmoothnessConstants.Summary s = SmoothnessConstants.leastSquares(blocks);
        assertEquals(expected, s.whole(), 1e-9 * expected);
        for (int b = 0; b < blocks.size(); b++) {
            double[][] part = new double[cuts[b + 1] - cuts[b]][];
            System.arraycopy(all, cuts[b], part, 0, part.length);
            double e = largest(gram(part));
            assertEquals(e, s.client(b), 1e-9 * e, "block " + b);
        }
    }

    @Test
    void featureViewsAndLargeFloat32DataInChunks() {
        // a float32 feature matrix of 3000 x 400 (1.2M elements: more than one 2^20-element chunk), and a view with a
        // row stride: both give the float64 reference of the same values
        RandomStream rng = new RandomStream(79);
        INDArray big = Nd4j.create(DataType.FLOAT, 3000, 400);
        rng.fillUniform(big, 0.0, 1.0);
        INDArray y = Nd4j.ones(DataType.FLOAT, 3000, 1);
        Dataset d = new Dataset(big, y);
        double expected = SmoothnessConstants.largestEigenvalueOfGram(d.as(Precision.FLOAT64));
        assertEquals(expected, SmoothnessConstants.largestEigenvalueOfGram(d), 1e-10 * expected);
        // uniform [0,1) entries: A^T A / m ~ 1/4 * ones * ones^T + (1/12) I, so lambda_max ~ p/4 + 1/12 = 100.08
        assertEquals(100.08, expected, 1.0);

        INDArray wide = Nd4j.create(DataType.DOUBLE, 50, 9);
        rng.fillGaussian(wide, 0.0, 1.0);
        INDArray view = wide.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 8));
        Dataset viewed = new Dataset(view, Nd4j.ones(DataType.DOUBLE, 50, 1));
        double[][] dense = view.dup('c').toDoubleMatrix();
        double e = largest(gram(dense));
        assertEquals(e, SmoothnessConstants.largestEigenvalueOfGram(viewed), 1e-9 * e);
    }

    @Test
    void theLogisticConstantBoundsTheGradientAndIsAttainedAtZero() {
        // Lipschitz bound: ||grad f(x) - grad f(z)|| <= L ||x - z|| for random pairs; and the bound is tight at x = 0
        // along the top eigenvector q of A^T A (the Hessian there is A^T A/(4m) + 2 lambda I, sigma'(0) = 1/4,
        // r''(0) = 2 lambda), so (grad f(h q) - grad f(-h q)) / (2h) = L q up to O(h^2).
        RandomStream rng = new RandomStream(80);
        double lambda = 0.1;
        double[][] a = gaussian(rng, 40, 6, 0.2);
        Dataset d = data(a);
        LogisticRegression model = LogisticRegression.nonConvex(6, lambda);
        double l = SmoothnessConstants.logistic(d, lambda);
        for (int trial = 0; trial < 20; trial++) {
            INDArray x = Tensors.zeros(Precision.FLOAT64, 6);
            INDArray z = Tensors.zeros(Precision.FLOAT64, 6);
            rng.fillGaussian(x, 0.0, 1.0);
            rng.fillGaussian(z, 0.0, 1.0);
            double ratio = Tensors.norm2(sub(grad(model, x, d), grad(model, z, d)))
                    / Tensors.norm2(x.sub(z));
            assertTrue(ratio <= l, "trial " + trial + ": " + ratio + " > L = " + l);
        }
        RealVector q = topEigenvector(gram(a));
        double h = 1e-4;
        INDArray plus = Nd4j.createFromArray(q.mapMultiply(h).toArray());
        INDArray minus = Nd4j.createFromArray(q.mapMultiply(-h).toArray());
        double curvature = Tensors.norm2(sub(grad(model, plus, d), grad(model, minus, d))) / (2 * h);
        assertEquals(l, curvature, 1e-6 * l);
    }

    @Test
    void powerIterationReportsItsIterationsAndNonConvergence() {
        RandomStream rng = new RandomStream(81);
        Dataset d = data(gaussian(rng, 30, 10, 0.0));
        SmoothnessConstants.PowerIteration one = SmoothnessConstants.powerIteration(List.of(d), 1e-12, 1,
                new RandomStream(1));
        assertFalse(one.converged());
        assertEquals(1, one.iterations());
        SmoothnessConstants.PowerIteration full = SmoothnessConstants.powerIteration(List.of(d), 1e-12, 10_000,
                new RandomStream(1));
        assertTrue(full.converged());
        assertTrue(one.eigenvalue() <= full.eigenvalue(), "the Rayleigh quotient increases");
        // a zero matrix: 0
        Dataset zero = new Dataset(Nd4j.zeros(DataType.DOUBLE, 4, 3), Nd4j.ones(DataType.DOUBLE, 4, 1));
        assertEquals(0.0, SmoothnessConstants.largestEigenvalueOfGram(zero), 0.0);
    }

    @Test
    void rejectsBadArguments() {
        Dataset d = data(new double[][] {{1, 0}, {0, 1}});
        Dataset three = data(new double[][] {{1, 0, 0}});
        assertEquals("lambda must be finite and >= 0, was -1.0", assertThrows(IllegalArgumentException.class,
                () -> SmoothnessConstants.logistic(d, -1.0)).getMessage());
        assertEquals("clients must hold at least one data set, was empty", assertThrows(
                IllegalArgumentException.class, () -> SmoothnessConstants.logistic(List.of(), 0.1)).getMessage());
        assertEquals("clients[1] feature count must be 2 (that of clients[0]), was 3", assertThrows(
                IllegalArgumentException.class, () -> SmoothnessConstants.logistic(List.of(d, three), 0.1))
                .getMessage());
        assertEquals("data must not be null", assertThrows(IllegalArgumentException.class,
                () -> SmoothnessConstants.largestEigenvalueOfGram((Dataset) null)).getMessage());
        assertEquals("blocks[0] must hold at least one sample, was empty", assertThrows(
                IllegalArgumentException.class, () -> SmoothnessConstants.largestEigenvalueOfGram(d.rows(new int[0])))
                .getMessage());
        assertEquals("data feature count must be 3 (the model's), was 2", assertThrows(IllegalArgumentException.class,
                () -> SmoothnessConstants.logistic(new LogisticRegression(3), d)).getMessage());
        assertEquals("maxIterations must be >= 1, was 0", assertThrows(IllegalArgumentException.class,
                () -> SmoothnessConstants.powerIteration(List.of(d), 1e-12, 0, new RandomStream(1))).getMessage());
        assertEquals("tolerance must be finite and >= 0, was NaN", assertThrows(IllegalArgumentException.class,
                () -> SmoothnessConstants.powerIteration(List.of(d), Double.NaN, 5, new RandomStream(1)))
                .getMessage());
    }

    private static INDArray grad(LogisticRegression model, INDArray x, Dataset d) {
        INDArray g = Tensors.zeros(Precision.FLOAT64, model.dimension());
        model.lossAndGradient(x, d, g);
        return g;
    }

    private static INDArray sub(INDArray a, INDArray b) {
        return a.sub(b);
    }

    private static RealVector topEigenvector(EigenDecomposition e) {
        double[] values = e.getRealEigenvalues();
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return e.getEigenvector(best);
    }
}
