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
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SoftmaxRegressionTest extends ModelContractTest {
    private static final int CLASSES = 3;

    @Override
    protected Model model() {
        return new SoftmaxRegression(FEATURES, CLASSES);
    }

    @Override
    protected Model regularizedModel() {
        return new SoftmaxRegression(FEATURES, CLASSES, 0.2);
    }

    @Override
    protected Dataset batch(RandomStream rng, int m) {
        INDArray a = gaussianMatrix(rng, m, FEATURES);
        INDArray y = Nd4j.create(DataType.DOUBLE, m, 1);
        for (int i = 0; i < m; i++) {
            y.putScalar(i, 0, rng.nextInt(CLASSES));
        }
        return new Dataset(a, y);
    }

    @Override
    protected Evaluation evaluateInChunks(Model model, INDArray params, Dataset data, int chunkRows) {
        return ((SoftmaxRegression) model).evaluate(params, data, chunkRows);
    }

    @Test
    void dimensionIsPTimesKPlusK() {
        // FedProx's Synthetic data: p = 60, k = 10, so d = 60*10 + 10 = 610
        SoftmaxRegression model = new SoftmaxRegression(60, 10);
        assertEquals(610, model.dimension());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.loss(
                Tensors.zeros(Precision.FLOAT32, 600),
                new Dataset(Nd4j.create(DataType.FLOAT, 2, 60), Nd4j.create(DataType.FLOAT, 2, 1))));
        assertEquals("params length must be 610 (dimension), was 600", e.getMessage());
    }

    @Test
    void atZeroTheLossIsLogKAndTheGradientIsPMinusY() {
        // p = 2, k = 3, A = I (2x2), labels (0, 2). At zero parameters every logit is 0, so P = 1/3 everywhere and
        // loss = -log(1/3) = log 3. G = (P - Y)/m with m = 2:
        //   row 0: (1/3 - 1, 1/3, 1/3)/2 = (-1/3, 1/6, 1/6);   row 1: (1/3, 1/3, 1/3 - 1)/2 = (1/6, 1/6, -1/3)
        // grad_W = A^T G = G (A = I), flattened row-major: (-1/3, 1/6, 1/6, 1/6, 1/6, -1/3)
        // grad_b = column sums of G = (-1/3 + 1/6, 1/6 + 1/6, 1/6 - 1/3) = (-1/6, 1/3, -1/6)
        // accuracy: all logits tie, so the prediction is class 0 for both rows; labels (0, 2): accuracy 1/2
        for (Precision p : Precision.values()) {
            Model model = new SoftmaxRegression(2, 3);
            Dataset b = new Dataset(Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}}),
                    Nd4j.createFromArray(new double[][] {{0}, {2}})).as(p);
            INDArray x = Tensors.zeros(p, 9);
            INDArray g = Tensors.zeros(p, 9);
            double tol = p == Precision.FLOAT64 ? 1e-15 : 1e-7;
            assertEquals(Math.log(3), model.lossAndGradient(x, b, g), tol);
            assertArrayEquals(new double[] {-1.0 / 3, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, -1.0 / 3,
                -1.0 / 6, 1.0 / 3, -1.0 / 6}, Tensors.toDoubleArray(g), tol);
            Evaluation e = model.evaluate(x, b);
            assertEquals(Math.log(3), e.loss(), tol);
            assertEquals(0.5, e.accuracy(), 0.0);
        }
    }

    @Test
    void handComputedTwoClassExampleWithRegulariser() {
        // p = 1, k = 2, a = 1, label 0, W = (0, ln 3), b = (0, 0): logits (0, ln 3), P = (1, 3)/4 = (1/4, 3/4).
        // cross-entropy = -log(1/4) = log 4 = 1.3862943611198906; with lambda = 0.5 the loss adds
        // (0.5/2) (ln 3)^2 = 0.25 * 1.0986122886681098^2 = 0.3017372402031455 (bias not regularised).
        // P - Y = (1/4 - 1, 3/4) = (-3/4, 3/4); grad_W = a (P - Y) + lambda W = (-0.75, 0.75 + 0.5 ln 3),
        // grad_b = (P - Y) = (-0.75, 0.75).
        Model model = new SoftmaxRegression(1, 2, 0.5);
        double ln3 = Math.log(3);
        INDArray x = Nd4j.createFromArray(0.0, ln3, 0.0, 0.0);
        Dataset b = new Dataset(Nd4j.createFromArray(new double[][] {{1}}), Nd4j.createFromArray(new double[][] {{0}}));
        INDArray g = Tensors.zeros(Precision.FLOAT64, 4);
        assertEquals(1.3862943611198906 + 0.3017372402031455, model.lossAndGradient(x, b, g), 1e-15);
        assertArrayEquals(new double[] {-0.75, 0.75 + 0.5 * ln3, -0.75, 0.75}, Tensors.toDoubleArray(g), 1e-15);
        // the evaluation loss has no regulariser; the prediction is class 1 (logit ln 3 > 0), the label 0
        Evaluation e = model.evaluate(x, b);
        assertEquals(1.3862943611198906, e.loss(), 1e-15);
        assertEquals(0.0, e.accuracy(), 0.0);
    }

    @Test
    void theRegulariserAddsLambdaWToTheWeightsOnly() {
        // grad f_lambda - grad f_0 = (lambda W, 0) and f_lambda - f_0 = (lambda/2)||W||^2, by the definition
        RandomStream rng = new RandomStream(5);
        double lambda = 0.2;
        Dataset b = batch(rng, 9);
        INDArray x = randomParams(model(), rng, Precision.FLOAT64);
        double[] plain = lossAndGradient(model(), x, b);
        double[] reg = lossAndGradient(regularizedModel(), x, b);
        double[] xs = Tensors.toDoubleArray(x);
        int weights = FEATURES * CLASSES;
        double norm2 = 0;
        for (int j = 0; j < weights; j++) {
            norm2 += xs[j] * xs[j];
            assertEquals(plain[j + 1] + lambda * xs[j], reg[j + 1], 1e-15, "weight " + j);
        }
        for (int c = 0; c < CLASSES; c++) {
            assertEquals(plain[weights + c + 1], reg[weights + c + 1], 0.0, "bias " + c);
        }
        assertEquals(plain[0] + 0.5 * lambda * norm2, reg[0], 1e-14);
    }

    @Test
    void hugeLogitsStayFinite() {
        // p = 1, k = 2, a = 1, label 0, W = (0, 1000): logits (0, 1000); max-shifted:
        // loss = log(e^-1000 + e^0) + 1000 - 0 = 1000 (naive exp(1000) overflows); P = (e^-1000, 1) = (0, 1) in
        // float64, so grad_W = grad_b = P - Y = (-1, 1).
        Model model = new SoftmaxRegression(1, 2);
        INDArray x = Nd4j.createFromArray(0.0, 1000.0, 0.0, 0.0);
        Dataset b = new Dataset(Nd4j.createFromArray(new double[][] {{1}}), Nd4j.createFromArray(new double[][] {{0}}));
        INDArray g = Tensors.zeros(Precision.FLOAT64, 4);
        assertEquals(1000.0, model.lossAndGradient(x, b, g), 0.0);
        assertArrayEquals(new double[] {-1, 1, -1, 1}, Tensors.toDoubleArray(g), 0.0);
    }

    @Test
    void tiesGoToTheLowestClassIndex() {
        // p = 1, k = 3, a = 1, W = (2, 5, 5), b = 0: logits (2, 5, 5), classes 1 and 2 tie; the prediction is 1.
        Model model = new SoftmaxRegression(1, 3);
        INDArray x = Nd4j.createFromArray(2.0, 5.0, 5.0, 0.0, 0.0, 0.0);
        INDArray a = Nd4j.createFromArray(new double[][] {{1}, {1}});
        Evaluation e = model.evaluate(x, new Dataset(a, Nd4j.createFromArray(new double[][] {{1}, {2}})));
        assertEquals(0.5, e.accuracy(), 0.0);
    }

    @Test
    void rejectsLabelsThatAreNotClassIndices() {
        Model model = new SoftmaxRegression(2, 3);
        INDArray a = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {1, 1}, {2, 2}});
        for (double bad : new double[] {3.0, 1.5, -1.0, Double.NaN}) {
            Dataset b = new Dataset(a, Nd4j.createFromArray(new double[][] {{0}, {1}, {2}, {bad}}));
            INDArray x = Tensors.zeros(Precision.FLOAT64, 9);
            INDArray g = Tensors.zeros(Precision.FLOAT64, 9).assign(7);
            String expected = "label at row 3 must be a class index in [0, 3), was " + bad;
            assertEquals(expected,
                    assertThrows(IllegalArgumentException.class, () -> model.lossAndGradient(x, b, g)).getMessage());
            assertTrue(Tensors.toDoubleArray(g)[0] == 7.0 && Tensors.toDoubleArray(g)[8] == 7.0,
                    "gradientOut untouched");
            assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> model.loss(x, b)).getMessage());
            assertEquals(expected,
                    assertThrows(IllegalArgumentException.class, () -> model.evaluate(x, b)).getMessage());
        }
    }

    @Test
    void initialParametersAreZerosByDefault() {
        INDArray out = Tensors.zeros(Precision.FLOAT32, 18).assign(4);
        new SoftmaxRegression(FEATURES, CLASSES).initialParameters(null, out);
        assertArrayEquals(new double[18], Tensors.toDoubleArray(out), 0.0);
    }

    @Test
    void gaussianInitialWeightsFollowTheStreamAndTheBiasIsZero() {
        // RandomStream.fillGaussian's contract: element j = mean + stdDev * (j-th nextGaussian()), in index order.
        // So W[j] = 0.01 * z_j for the first p*k = 15 draws of a stream with the same seed, and b = 0.
        SoftmaxRegression model = new SoftmaxRegression(FEATURES, CLASSES).withInitStdDev(0.01);
        INDArray out = Tensors.zeros(Precision.FLOAT64, 18).assign(4);
        model.initialParameters(new RandomStream(42), out);
        RandomStream same = new RandomStream(42);
        double[] got = Tensors.toDoubleArray(out);
        for (int j = 0; j < 15; j++) {
            assertEquals(0.0 + 0.01 * same.nextGaussian(), got[j], 0.0, "weight " + j);
        }
        for (int c = 15; c < 18; c++) {
            assertEquals(0.0, got[c], 0.0, "bias " + c);
        }
        assertEquals(0.01, model.initStdDev(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> model.initialParameters(null, out));
    }

    @Test
    void rejectsBadConstructorArguments() {
        assertEquals("classes must be >= 2, was 1",
                assertThrows(IllegalArgumentException.class, () -> new SoftmaxRegression(3, 1)).getMessage());
        assertEquals("features must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> new SoftmaxRegression(0, 3)).getMessage());
        assertEquals("lambda must be finite and >= 0, was -1.0",
                assertThrows(IllegalArgumentException.class, () -> new SoftmaxRegression(3, 3, -1.0)).getMessage());
        assertEquals("initStdDev must be finite and >= 0, was NaN", assertThrows(IllegalArgumentException.class,
                () -> new SoftmaxRegression(3, 3).withInitStdDev(Double.NaN)).getMessage());
    }

    @Test
    void mnistSizedEvaluationInChunksMatchesOneChunk() {
        // a 2100 x 784 float32 test set with k = 10 (MNIST's shape): the 1024-row chunks give the one-chunk result
        RandomStream rng = new RandomStream(8);
        SoftmaxRegression model = new SoftmaxRegression(784, 10).withInitStdDev(0.05);
        int n = 2100;
        INDArray a = Nd4j.create(DataType.FLOAT, n, 784);
        rng.fillUniform(a, 0.0, 1.0);
        INDArray y = Nd4j.create(DataType.FLOAT, n, 1);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, 0, rng.nextInt(10));
        }
        Dataset data = new Dataset(a, y);
        INDArray x = Tensors.zeros(Precision.FLOAT32, model.dimension());
        model.initialParameters(rng, x);
        Evaluation chunked = model.evaluate(x, data);
        Evaluation one = model.evaluate(x, data, n);
        assertEquals(one.loss(), chunked.loss(), 1e-6 * one.loss());
        assertEquals(one.accuracy(), chunked.accuracy(), 0.0);
        assertEquals(n, chunked.samples());
    }
}
