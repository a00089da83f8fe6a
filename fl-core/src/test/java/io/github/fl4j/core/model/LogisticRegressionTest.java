package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LogisticRegressionTest extends ModelContractTest {

    /** The whole model contract again, with the non-convex regulariser of EF21 as the regularised model. */
    @Nested
    class NonConvexContract extends ModelContractTest {
        @Override
        protected Model model() {
            return LogisticRegression.nonConvex(FEATURES, 0.0);
        }

        @Override
        protected Model regularizedModel() {
            return LogisticRegression.nonConvex(FEATURES, 0.3);
        }

        @Override
        protected Dataset batch(RandomStream rng, int m) {
            return LogisticRegressionTest.this.batch(rng, m);
        }

        @Override
        protected Evaluation evaluateInChunks(Model model, INDArray params, Dataset data, int chunkRows) {
            return ((LogisticRegression) model).evaluate(params, data, chunkRows);
        }
    }

    @Override
    protected Model model() {
        return new LogisticRegression(FEATURES);
    }

    @Override
    protected Model regularizedModel() {
        return new LogisticRegression(FEATURES, 0.3);
    }

    @Override
    protected Dataset batch(RandomStream rng, int m) {
        INDArray a = gaussianMatrix(rng, m, FEATURES);
        INDArray y = Nd4j.create(DataType.DOUBLE, m, 1);
        for (int i = 0; i < m; i++) {
            y.putScalar(i, 0, rng.nextBoolean(0.5) ? 1.0 : -1.0);
        }
        return new Dataset(a, y);
    }

    @Override
    protected Evaluation evaluateInChunks(Model model, INDArray params, Dataset data, int chunkRows) {
        return ((LogisticRegression) model).evaluate(params, data, chunkRows);
    }

    /** A = [[1, 2], [3, -1], [0, 1]], y = [1, -1, 1]. */
    private static Dataset handExample(Precision p) {
        return new Dataset(Nd4j.createFromArray(new double[][] {{1, 2}, {3, -1}, {0, 1}}),
                Nd4j.createFromArray(new double[][] {{1}, {-1}, {1}})).as(p);
    }

    @Test
    void atZeroTheLossIsLog2AndTheGradientIsMinusHalfTheMeanOfYTimesA() {
        // at x = 0 every margin is 0: loss = log(1 + e^0) = log 2 for any data, and sigma(0) = 1/2, so
        // gradient = (1/m) sum_i -y_i a_i / 2. Here sum_i y_i a_i = (1, 2) - (3, -1) + (0, 1) = (-2, 4), m = 3:
        // gradient = -(-2, 4) / 6 = (1/3, -2/3). The regulariser (lambda/2)||x||^2 and its gradient vanish at 0.
        for (double lambda : new double[] {0.0, 0.5}) {
            for (Precision p : Precision.values()) {
                Model model = new LogisticRegression(2, lambda);
                INDArray g = Tensors.zeros(p, 2);
                double loss = model.lossAndGradient(Tensors.zeros(p, 2), handExample(p), g);
                double tol = p == Precision.FLOAT64 ? 1e-15 : 1e-7;
                assertEquals(Math.log(2), loss, tol);
                assertArrayEquals(new double[] {1.0 / 3, -2.0 / 3}, Tensors.toDoubleArray(g), tol);
            }
        }
    }

    @Test
    void handComputedRegularizedLossGradientAndAccuracy() {
        // x = (1, 0), lambda = 0.5. A x = (1, 3, 0); margins y_i a_i.x = (1, -3, 0).
        // loss = (1/3)[log(1+e^-1) + log(1+e^3) + log 2] + (0.5/2) * 1
        //      = (1/3)(0.31326168751822286 + 3.048587351573742 + 0.6931471805599453) + 0.25
        //      = 1.3516654065506366 + 0.25 = 1.6016654065506366   (values from Python's math.log1p/exp)
        // c_i = -y_i sigma(-margin_i) / 3 = (-sigma(-1), +sigma(3), -sigma(0)) / 3
        //     = (-0.2689414213699951, 0.9525741268224334, -0.5) / 3
        // gradient = A^T c + lambda x:
        //   g_0 = (1*(-0.26894...) + 3*0.95257... + 0*(-0.5)) / 3 + 0.5 = 1.3629269863657685
        //   g_1 = (2*(-0.26894...) - 1*0.95257... + 1*(-0.5)) / 3 + 0   = -0.6634856565208078
        Model model = new LogisticRegression(2, 0.5);
        INDArray x = Nd4j.createFromArray(1.0, 0.0);
        INDArray g = Tensors.zeros(Precision.FLOAT64, 2);
        assertEquals(1.6016654065506366, model.lossAndGradient(x, handExample(Precision.FLOAT64), g), 1e-15);
        assertArrayEquals(new double[] {1.3629269863657685, -0.6634856565208078}, Tensors.toDoubleArray(g), 1e-15);
        // evaluation: loss WITHOUT the regulariser = 1.3516654065506366; predictions sign(1, 3, 0) = (+1, +1, +1)
        // (a.x == 0 counts as +1) against labels (1, -1, 1): rows 0 and 2 correct, accuracy 2/3
        Evaluation e = model.evaluate(x, handExample(Precision.FLOAT64));
        assertEquals(1.3516654065506366, e.loss(), 1e-15);
        assertEquals(2.0 / 3, e.accuracy(), 0.0);
        assertEquals(3, e.samples());
    }

    @Test
    void hugeMarginsStayFinite() {
        // a = 1000, x = 1, y = -1: t = -y a.x = 1000, loss = softplus(1000) = 1000 + log1p(e^-1000) = 1000 (the naive
        // log(1 + exp(1000)) overflows to infinity); gradient = -y sigma(1000) a = 1 * 1 * 1000 = 1000.
        // y = +1: t = -1000, loss = log1p(e^-1000) = 0 in float64 (e^-1000 underflows); gradient = -sigma(-1000) * 1000
        // = -0 in float64.
        Model model = new LogisticRegression(1);
        INDArray a = Nd4j.createFromArray(new double[][] {{1000}});
        INDArray x = Nd4j.createFromArray(1.0);
        INDArray g = Tensors.zeros(Precision.FLOAT64, 1);
        Dataset negative = new Dataset(a, Nd4j.createFromArray(new double[][] {{-1}}));
        assertEquals(1000.0, model.lossAndGradient(x, negative, g), 0.0);
        assertEquals(1000.0, g.getDouble(0), 0.0);
        Dataset positive = new Dataset(a, Nd4j.createFromArray(new double[][] {{1}}));
        assertEquals(0.0, model.lossAndGradient(x, positive, g), 0.0);
        assertEquals(0.0, g.getDouble(0), 0.0);
    }

    @Test
    void rejectsLabelsOtherThanPlusOrMinusOne() {
        Model model = new LogisticRegression(2);
        INDArray a = Nd4j.createFromArray(new double[][] {{1, 2}, {3, -1}, {0, 1}});
        for (double bad : new double[] {0.5, 0.0, 2.0, Double.NaN}) {
            Dataset b = new Dataset(a, Nd4j.createFromArray(new double[][] {{1}, {-1}, {bad}}));
            INDArray x = Tensors.zeros(Precision.FLOAT64, 2);
            INDArray g = Tensors.zeros(Precision.FLOAT64, 2).assign(7);
            String expected = "label at row 2 must be -1 or +1, was " + bad;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.lossAndGradient(x, b, g));
            assertEquals(expected, e.getMessage());
            assertArrayEquals(new double[] {7, 7}, Tensors.toDoubleArray(g), 0.0, "gradientOut untouched");
            assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> model.loss(x, b)).getMessage());
            assertEquals(expected,
                    assertThrows(IllegalArgumentException.class, () -> model.evaluate(x, b)).getMessage());
        }
    }

    /**
     * The non-convex regulariser adds exactly {@code lambda sum_k x_k^2/(1+x_k^2)} (in index order) to the loss and
     * {@code 2 lambda x_k/(1+x_k^2)^2} to each gradient element of the unregularised model, bit for bit, in float64
     * (where it is added before the gradient is copied out) and float32 (after), dense and sparse.
     */
    @Test
    void nonConvexRegulariserAddsItsTermsBitForBit() {
        double lambda = 0.37;
        int p = 7;
        RandomStream rng = new RandomStream(21);
        double[][] rows = new double[90][p];
        double[][] labels = new double[90][1];
        for (int i = 0; i < 90; i++) {
            for (int j = 0; j < p; j++) {
                rows[i][j] = rng.nextDouble() < 0.5 ? 0 : rng.nextGaussian();
            }
            labels[i][0] = rng.nextDouble() < 0.5 ? 1 : -1;
        }
        Dataset dense64 = new Dataset(Nd4j.createFromArray(rows), Nd4j.createFromArray(labels));
        Dataset sparse64 = Dataset.sparse(io.github.fl4j.core.data.CsrMatrix.fromDense(Nd4j.createFromArray(rows)),
                Nd4j.createFromArray(labels));
        for (Precision precision : Precision.values()) {
            for (Dataset d : new Dataset[] {dense64.as(precision), sparse64.as(precision)}) {
                INDArray x = Tensors.zeros(precision, p);
                for (int k = 0; k < p; k++) {
                    x.putScalar(k, 3 * rng.nextGaussian());
                }
                INDArray g0 = Tensors.zeros(precision, p);
                INDArray g = Tensors.zeros(precision, p);
                for (int pass = 0; pass < 3; pass++) { // the third pass runs on the column kernels where they apply
                    double loss0 = LogisticRegression.nonConvex(p, 0.0).lossAndGradient(x, d, g0);
                    double loss = LogisticRegression.nonConvex(p, lambda).lossAndGradient(x, d, g);
                    double penalty = 0.0;
                    for (int k = 0; k < p; k++) {
                        double xk = x.getDouble(k);
                        double t = 1.0 + xk * xk;
                        penalty += xk * xk / t;
                        double expected = g0.getDouble(k) + 2.0 * lambda * xk / (t * t);
                        if (precision == Precision.FLOAT32) {
                            expected = (float) expected;
                        }
                        assertEquals(expected, g.getDouble(k), 0.0, precision + " element " + k);
                    }
                    assertEquals(loss0 + lambda * penalty, loss, 0.0, precision + " loss");
                }
            }
        }
    }

    /**
     * A sparse dataset passed over again and again (its column index built, its labels read from the dataset's own
     * copy) checks its labels on every pass as the first pass did, with the same message.
     */
    @Test
    void rejectsBadLabelsOnTheColumnKernelsToo() {
        int m = 200;
        int p = 3;
        double[][] rows = new double[m][p];
        double[][] labels = new double[m][1];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                rows[i][j] = (i + j) % 2; // dense enough for the column kernels (at least 16 entries per column)
            }
            labels[i][0] = i % 3 == 0 ? 1 : -1;
        }
        for (double bad : new double[] {0.0, -2.0, Double.NaN}) {
            labels[150][0] = bad;
            Dataset b = Dataset.sparse(io.github.fl4j.core.data.CsrMatrix.fromDense(Nd4j.createFromArray(rows)),
                    Nd4j.createFromArray(labels));
            Model model = new LogisticRegression(p);
            INDArray x = Tensors.zeros(Precision.FLOAT64, p);
            INDArray g = Tensors.zeros(Precision.FLOAT64, p);
            String expected = "label at row 150 must be -1 or +1, was " + bad;
            for (int pass = 0; pass < 3; pass++) {
                assertEquals(expected, assertThrows(IllegalArgumentException.class,
                        () -> model.lossAndGradient(x, b, g)).getMessage(), "pass " + pass);
                assertEquals(expected, assertThrows(IllegalArgumentException.class,
                        () -> model.evaluate(x, b)).getMessage(), "pass " + pass);
            }
            assertTrue(b.hasSparseColumns(), "the column index was built");
        }
    }

    @Test
    void rejectsBadConstructorArguments() {
        assertEquals("lambda must be finite and >= 0, was -0.1",
                assertThrows(IllegalArgumentException.class, () -> new LogisticRegression(3, -0.1)).getMessage());
        assertEquals("features must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> new LogisticRegression(0)).getMessage());
        assertEquals(0.25, new LogisticRegression(3).withLambda(0.25).lambda(), 0.0);
    }

    @Test
    void initialParametersAreZeros() {
        INDArray out = Tensors.zeros(Precision.FLOAT64, FEATURES).assign(3);
        new LogisticRegression(FEATURES).initialParameters(new RandomStream(1), out);
        assertArrayEquals(new double[FEATURES], Tensors.toDoubleArray(out), 0.0);
        assertTrue(new LogisticRegression(FEATURES).toString().contains("p=5"));
    }

    @Test
    void handComputedNonConvexRegulariser() {
        // x = (0.5, -1), lambda = 0.1, the hand example A = [[1, 2], [3, -1], [0, 1]], y = (1, -1, 1).
        // A x = (-1.5, 2.5, -1); margins y_i a_i.x = (-1.5, -2.5, -1).
        // logistic part = (1/3)[softplus(1.5) + softplus(2.5) + softplus(1)]
        //   = (1/3)(1.7014132779827524 + 2.5788897342925496 + 1.3132616875182228) = 1.8645215665978416
        // r(x) = lambda sum x_k^2/(1 + x_k^2) = 0.1 (0.25/1.25 + 1/2) = 0.1 * 0.7 = 0.07
        // c_i = -y_i sigma(-margin_i)/3 = (-0.2725248253978812, 0.3080472733262522, -0.2436861928766683)
        // A^T c = (0.6516169945808754, -1.0967831169986828)
        // grad r = 2 lambda x_k/(1 + x_k^2)^2 = (0.2 * 0.5/1.5625, 0.2 * (-1)/4) = (0.064, -0.05)
        // (values from Python's math module)
        LogisticRegression model = LogisticRegression.nonConvex(2, 0.1);
        assertEquals(LogisticRegression.Regularizer.NONCONVEX, model.regularizer());
        INDArray x = Nd4j.createFromArray(0.5, -1.0);
        INDArray g = Tensors.zeros(Precision.FLOAT64, 2);
        assertEquals(1.8645215665978416 + 0.07, model.lossAndGradient(x, handExample(Precision.FLOAT64), g), 1e-15);
        assertArrayEquals(new double[] {0.6516169945808754 + 0.064, -1.0967831169986828 - 0.05},
                Tensors.toDoubleArray(g), 1e-15);
        assertEquals(1.8645215665978416 + 0.07, model.loss(x, handExample(Precision.FLOAT64)), 1e-15);
        // the evaluation loss has no regulariser
        assertEquals(1.8645215665978416, model.evaluate(x, handExample(Precision.FLOAT64)).loss(), 1e-15);
    }

    @Test
    void nonConvexRegulariserAddsItsValueAndGradient() {
        // f_nc - f_0 = lambda sum x^2/(1+x^2) and grad f_nc - grad f_0 = 2 lambda x/(1+x^2)^2, coordinate by
        // coordinate, at random points including large |x| (where the regulariser saturates at lambda per coordinate)
        RandomStream rng = new RandomStream(44);
        double lambda = 0.1;
        for (double scale : new double[] {0.1, 1.0, 30.0}) {
            Dataset b = batch(rng, 9);
            INDArray x = Tensors.zeros(Precision.FLOAT64, FEATURES);
            rng.fillGaussian(x, 0.0, scale);
            double[] plain = lossAndGradient(new LogisticRegression(FEATURES), x, b);
            double[] nc = lossAndGradient(LogisticRegression.nonConvex(FEATURES, lambda), x, b);
            double r = 0;
            double[] xs = Tensors.toDoubleArray(x);
            for (int k = 0; k < FEATURES; k++) {
                double t = 1 + xs[k] * xs[k];
                r += xs[k] * xs[k] / t;
                assertEquals(plain[k + 1] + 2 * lambda * xs[k] / (t * t), nc[k + 1], 1e-15, "coordinate " + k);
            }
            assertTrue(r < FEATURES);
            assertEquals(plain[0] + lambda * r, nc[0], 1e-14);
        }
    }

    @Test
    void nonConvexGradientMatchesFiniteDifferencesAtEF21Strength() {
        // lambda = 0.1 as in the EF21 experiments, coordinates around |x| = 1 where r'' changes sign
        LogisticRegression model = LogisticRegression.nonConvex(FEATURES, 0.1);
        for (long seed = 51; seed <= 55; seed++) {
            RandomStream rng = new RandomStream(seed);
            Dataset b = batch(rng, 12);
            INDArray x = Tensors.zeros(Precision.FLOAT64, FEATURES);
            rng.fillGaussian(x, 0.0, 1.5);
            GradientCheck.Result r = GradientCheck.check(model, x, b);
            assertTrue(r.passes(1e-6), "seed " + seed + ": " + r);
        }
    }

    @Test
    void regularizerKindsAndFactories() {
        assertEquals(LogisticRegression.Regularizer.NONE, new LogisticRegression(3).regularizer());
        assertEquals(LogisticRegression.Regularizer.L2, new LogisticRegression(3, 0.5).regularizer());
        assertEquals(LogisticRegression.Regularizer.L2, new LogisticRegression(3).withLambda(0.5).regularizer());
        LogisticRegression nc = LogisticRegression.nonConvex(3, 0.1);
        assertEquals(0.1, nc.lambda(), 0.0);
        assertEquals(LogisticRegression.Regularizer.NONCONVEX, nc.withLambda(0.2).regularizer());
        assertEquals(0.2, nc.withLambda(0.2).lambda(), 0.0);
        assertTrue(nc.toString().contains("NONCONVEX"), nc.toString());
        assertEquals("lambda must be 0 with Regularizer.NONE, was 0.1", assertThrows(IllegalArgumentException.class,
                () -> new LogisticRegression(3, LogisticRegression.Regularizer.NONE, 0.1)).getMessage());
        assertEquals("regularizer must not be null", assertThrows(IllegalArgumentException.class,
                () -> new LogisticRegression(3, null, 0.1)).getMessage());
        assertEquals("lambda must be finite and >= 0, was -0.1", assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.nonConvex(3, -0.1)).getMessage());
        // NONCONVEX with lambda = 0 is the plain model, bit for bit
        RandomStream rng = new RandomStream(45);
        Dataset b = batch(rng, 8);
        INDArray x = randomParams(new LogisticRegression(FEATURES), rng, Precision.FLOAT32);
        assertArrayEquals(lossAndGradient(new LogisticRegression(FEATURES), x, b.as(Precision.FLOAT32)),
                lossAndGradient(LogisticRegression.nonConvex(FEATURES, 0.0), x, b.as(Precision.FLOAT32)), 0.0);
    }
}
