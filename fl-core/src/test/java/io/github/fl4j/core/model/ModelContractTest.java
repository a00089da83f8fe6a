package io.github.fl4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The contract every {@link Model} must meet (see docs/design.md). An implementation's test extends this
 * class and supplies the model (with {@link #FEATURES} features) and a generator of valid random batches.
 *
 * <ul>
 *   <li>the analytic gradient matches central finite differences in float64 ({@link GradientCheck}, h = 1e-6) to a
 *       maximum relative error below 1e-6, with and without regulariser: with h = 1e-6 the truncation error is
 *       O(h^2) ~ 1e-12 and the cancellation error ~ 1e-16 / 1e-6 = 1e-10 for losses of order 1, so a correct
 *       gradient of order 0.1 shows about 1e-9 while a wrong factor shows about 1e-1;</li>
 *   <li>{@code loss} equals the value returned by {@code lossAndGradient}, bit for bit;</li>
 *   <li>inputs are not modified; float32 agrees with float64 to 1e-5 relative (float32 has a unit roundoff of
 *       6e-8 and the sums here have at most a few dozen terms);</li>
 *   <li>4 threads calling one instance concurrently with different batch sizes get the bits of sequential calls;
 *       batch sizes 32, 7, 32 on one instance give the bits of fresh instances (scratch reuse is invisible);</li>
 *   <li>views with offsets and strides (params, gradient, features, labels) give the results of dense copies;</li>
 *   <li>evaluation in chunks equals evaluation in one chunk to 1e-12 (float64); bad arguments raise
 *       {@link IllegalArgumentException} naming the bad value.</li>
 * </ul>
 */
public abstract class ModelContractTest {
    /** The feature count p of the test problems. */
    protected static final int FEATURES = 5;

    /** The model under test, with {@link #FEATURES} features and no regulariser. */
    protected abstract Model model();

    /** The same model with a positive regulariser, or null when it has none. */
    protected Model regularizedModel() {
        return null;
    }

    /** A float64 batch of {@code m} rows with {@code FEATURES} standard normal features and valid random labels. */
    protected abstract Dataset batch(RandomStream rng, int m);

    /**
     * The model's evaluation with a given chunk size, or null when the implementation does not expose one (the
     * chunking test is then skipped).
     */
    protected Evaluation evaluateInChunks(Model model, INDArray params, Dataset data, int chunkRows) {
        return null;
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** A float64 matrix [m, p] of standard normal draws. */
    protected static INDArray gaussianMatrix(RandomStream rng, int m, int p) {
        INDArray a = Nd4j.create(DataType.DOUBLE, m, p);
        rng.fillGaussian(a, 0.0, 1.0);
        return a;
    }

    /** Parameters with i.i.d. N(0, 0.5^2) coordinates. */
    protected static INDArray randomParams(Model model, RandomStream rng, Precision precision) {
        INDArray x = Tensors.zeros(precision, model.dimension());
        rng.fillGaussian(x, 0.0, 0.5);
        return x;
    }

    /** Loss and gradient, as {loss, g_0, ..., g_{d-1}}. */
    protected static double[] lossAndGradient(Model model, INDArray params, Dataset batch) {
        INDArray g = Tensors.zeros(Precision.of(params.dataType()), model.dimension());
        double loss = model.lossAndGradient(params, batch, g);
        double[] gd = Tensors.toDoubleArray(g);
        double[] out = new double[gd.length + 1];
        out[0] = loss;
        System.arraycopy(gd, 0, out, 1, gd.length);
        return out;
    }

    private static void assertBitwiseEquals(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(actual[i]),
                    what + ": element " + i + " expected " + expected[i] + " was " + actual[i]);
        }
    }

    private static void assertMessageContains(IllegalArgumentException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should contain '" + part + "'");
        }
    }

    // --------------------------------------------------------------------------------------------------- tests

    @Test
    void gradientMatchesCentralFiniteDifferences() {
        for (long seed = 1; seed <= 3; seed++) {
            RandomStream rng = new RandomStream(seed);
            Model model = model();
            Dataset b = batch(rng, 7);
            INDArray x = randomParams(model, rng, Precision.FLOAT64);
            GradientCheck.Result r = GradientCheck.check(model, x, b);
            assertTrue(r.passes(1e-6), "seed " + seed + ": " + r);
            assertEquals(model.dimension(), r.checkedCoordinates());
        }
    }

    @Test
    void regularizedGradientMatchesCentralFiniteDifferences() {
        assumeTrue(regularizedModel() != null, "no regulariser");
        for (long seed = 1; seed <= 3; seed++) {
            RandomStream rng = new RandomStream(100 + seed);
            Model model = regularizedModel();
            Dataset b = batch(rng, 7);
            INDArray x = randomParams(model, rng, Precision.FLOAT64);
            GradientCheck.Result r = GradientCheck.check(model, x, b);
            assertTrue(r.passes(1e-6), "seed " + seed + ": " + r);
        }
    }

    @Test
    void lossEqualsTheValueOfLossAndGradient() {
        for (Precision p : Precision.values()) {
            RandomStream rng = new RandomStream(11);
            Model model = regularizedModel() != null ? regularizedModel() : model();
            Dataset b = batch(rng, 13).as(p);
            INDArray x = randomParams(model, rng, p);
            double[] lg = lossAndGradient(model, x, b);
            assertEquals(Double.doubleToLongBits(lg[0]), Double.doubleToLongBits(model.loss(x, b)), p.toString());
        }
    }

    @Test
    void doesNotModifyItsInputs() {
        for (Precision p : Precision.values()) {
            RandomStream rng = new RandomStream(12);
            Model model = model();
            Dataset b = batch(rng, 9).as(p);
            INDArray x = randomParams(model, rng, p);
            INDArray x0 = x.dup();
            INDArray f0 = b.features().dup();
            INDArray l0 = b.labels().dup();
            lossAndGradient(model, x, b);
            model.loss(x, b);
            model.evaluate(x, b);
            assertEquals(x0, x);
            assertEquals(f0, b.features());
            assertEquals(l0, b.labels());
        }
    }

    @Test
    void float32AgreesWithFloat64() {
        RandomStream rng = new RandomStream(13);
        for (Model model : new Model[] {model(), regularizedModel()}) {
            if (model == null) {
                continue;
            }
            Dataset b64 = batch(rng, 21);
            INDArray x64 = randomParams(model, rng, Precision.FLOAT64);
            Dataset b32 = b64.as(Precision.FLOAT32);
            INDArray x32 = x64.castTo(DataType.FLOAT);
            // compare against the float64 result at the float32-rounded point, so only arithmetic differs
            double[] expected = lossAndGradient(model, x32.castTo(DataType.DOUBLE), b32.as(Precision.FLOAT64));
            double[] actual = lossAndGradient(model, x32, b32);
            assertEquals(expected[0], actual[0], 1e-5 * Math.abs(expected[0]), "loss");
            double scale = 0.0;
            for (int i = 1; i < expected.length; i++) {
                scale = Math.max(scale, Math.abs(expected[i]));
            }
            for (int i = 1; i < expected.length; i++) {
                // relative to the largest component: small components suffer cancellation in any precision
                assertEquals(expected[i], actual[i], 1e-5 * Math.max(Math.abs(expected[i]), scale), "gradient " + i);
            }
            Evaluation e64 = model.evaluate(x32.castTo(DataType.DOUBLE), b32.as(Precision.FLOAT64));
            Evaluation e32 = model.evaluate(x32, b32);
            assertEquals(e64.loss(), e32.loss(), 1e-5 * Math.abs(e64.loss()), "evaluation loss");
            assertEquals(e64.samples(), e32.samples());
        }
    }

    @Test
    void concurrentCallsGiveTheBitsOfSequentialCalls() throws Exception {
        int[] sizes = {32, 7, 1, 19};
        for (Precision p : Precision.values()) {
            Model model = regularizedModel() != null ? regularizedModel() : model();
            RandomStream rng = new RandomStream(14);
            Dataset[] batches = new Dataset[sizes.length];
            double[][] expected = new double[sizes.length][];
            INDArray x = randomParams(model, rng, p);
            for (int t = 0; t < sizes.length; t++) {
                batches[t] = batch(rng, sizes[t]).as(p);
            }
            for (int t = 0; t < sizes.length; t++) {
                expected[t] = lossAndGradient(model, x, batches[t]);
            }
            ExecutorService pool = Executors.newFixedThreadPool(sizes.length);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int t = 0; t < sizes.length; t++) {
                    final int thread = t;
                    results.add(pool.submit(() -> {
                        start.await();
                        INDArray g = Tensors.zeros(p, model.dimension());
                        for (int rep = 0; rep < 100; rep++) {
                            // each thread cycles through all sizes, starting at its own, so scratch sizes change
                            int which = (thread + rep) % sizes.length;
                            double loss = model.lossAndGradient(x, batches[which], g);
                            double[] got = Tensors.toDoubleArray(g);
                            if (Double.doubleToLongBits(loss) != Double.doubleToLongBits(expected[which][0])) {
                                return "thread " + thread + " rep " + rep + ": loss " + loss + " != "
                                        + expected[which][0];
                            }
                            for (int i = 0; i < got.length; i++) {
                                if (Double.doubleToLongBits(got[i])
                                        != Double.doubleToLongBits(expected[which][i + 1])) {
                                    return "thread " + thread + " rep " + rep + ": gradient " + i;
                                }
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<String> f : results) {
                    String failure = f.get(120, TimeUnit.SECONDS);
                    assertEquals(null, failure, p.toString());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void changingBatchSizesReusesScratchCorrectly() {
        for (Precision p : Precision.values()) {
            RandomStream rng = new RandomStream(15);
            Model model = regularizedModel() != null ? regularizedModel() : model();
            INDArray x = randomParams(model, rng, p);
            Dataset big = batch(rng, 32).as(p);
            Dataset small = batch(rng, 7).as(p);
            double[] first = lossAndGradient(model, x, big);
            double[] second = lossAndGradient(model, x, small);
            double[] third = lossAndGradient(model, x, big);
            Model freshBig = regularizedModel() != null ? regularizedModel() : model();
            Model freshSmall = regularizedModel() != null ? regularizedModel() : model();
            assertBitwiseEquals(lossAndGradient(freshBig, x, big), first, p + " batch 32");
            assertBitwiseEquals(lossAndGradient(freshSmall, x, small), second, p + " batch 7 after 32");
            assertBitwiseEquals(first, third, p + " batch 32 after 7");
            assertEquals(Double.doubleToLongBits(freshSmall.loss(x, small)), Double.doubleToLongBits(second[0]));
        }
    }

    @Test
    void viewsWithOffsetsGiveTheResultsOfDenseCopies() {
        for (Precision p : Precision.values()) {
            RandomStream rng = new RandomStream(16);
            Model model = regularizedModel() != null ? regularizedModel() : model();
            int m = 11;
            long d = model.dimension();
            Dataset dense = batch(rng, m).as(p);
            INDArray x = randomParams(model, rng, p);

            // features inside a bigger matrix: rows 2..m+1, columns 3..p+2 (row stride p + 4, offset > 0)
            INDArray bigF = Nd4j.create(p.dataType(), m + 3, FEATURES + 4).assign(99);
            INDArray fView = bigF.get(NDArrayIndex.interval(2, m + 2), NDArrayIndex.interval(3, FEATURES + 3));
            fView.assign(dense.features());
            // labels as column 1 of an [m, 3] matrix (row stride 3)
            INDArray bigL = Nd4j.create(p.dataType(), m, 3).assign(77);
            INDArray lView = bigL.getColumn(1).reshape(m, 1);
            lView.assign(dense.labels());
            Dataset viewed = new Dataset(fView, lView);
            // params and gradient at offsets 3 and 5 of bigger vectors
            INDArray bigX = Nd4j.create(p.dataType(), d + 6).assign(55);
            INDArray xView = bigX.get(NDArrayIndex.interval(3, d + 3));
            xView.assign(x);
            INDArray bigG = Nd4j.create(p.dataType(), d + 9).assign(33);
            INDArray gView = bigG.get(NDArrayIndex.interval(5, d + 5));

            double[] expected = lossAndGradient(model, x, dense);
            double loss = model.lossAndGradient(xView, viewed, gView);
            double[] actual = new double[(int) d + 1];
            actual[0] = loss;
            System.arraycopy(Tensors.toDoubleArray(gView), 0, actual, 1, (int) d);
            for (int i = 0; i < actual.length; i++) {
                assertEquals(expected[i], actual[i], 1e-12 * Math.max(1.0, Math.abs(expected[i])), p + " " + i);
            }
            // the guard cells around the gradient view are untouched
            for (int i = 0; i < 5; i++) {
                assertEquals(33.0, bigG.getDouble(i));
            }
            for (long i = d + 5; i < d + 9; i++) {
                assertEquals(33.0, bigG.getDouble(i));
            }
            Evaluation ev = model.evaluate(x, dense);
            Evaluation evView = model.evaluate(xView, viewed);
            assertEquals(ev.loss(), evView.loss(), 1e-12 * Math.max(1.0, Math.abs(ev.loss())));
            assertEquals(ev.accuracy(), evView.accuracy(), 0.0);
        }
    }

    @Test
    void evaluationInChunksEqualsEvaluationInOneChunk() {
        RandomStream rng = new RandomStream(17);
        Model model = model();
        int n = 2500;
        Dataset data = batch(rng, n);
        INDArray x = randomParams(model, rng, Precision.FLOAT64);
        Evaluation one = evaluateInChunks(model, x, data, n);
        assumeTrue(one != null, "no chunked evaluation hook");
        Evaluation chunked = model.evaluate(x, data); // 1024-row chunks: 3 chunks
        Evaluation small = evaluateInChunks(model, x, data, 7);
        for (Evaluation e : new Evaluation[] {chunked, small}) {
            assertEquals(one.loss(), e.loss(), 1e-12 * Math.abs(one.loss()));
            if (Double.isNaN(one.accuracy())) {
                assertTrue(Double.isNaN(e.accuracy()));
            } else {
                assertEquals(one.accuracy(), e.accuracy(), 1e-12);
            }
            assertEquals(n, e.samples());
        }
        // without a regulariser, the evaluation loss is the model's loss on the whole set
        assertEquals(model.loss(x, data), one.loss(), 1e-12 * Math.abs(one.loss()));
    }

    @Test
    void rejectsParamsOfTheWrongLength() {
        Model model = model();
        long d = model.dimension();
        Dataset b = batch(new RandomStream(18), 4);
        INDArray shortX = Tensors.zeros(Precision.FLOAT64, d - 1);
        INDArray g = Tensors.zeros(Precision.FLOAT64, d);
        String expected = "params length must be " + d + " (dimension), was " + (d - 1);
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradient(shortX, b, g)), expected);
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> model.loss(shortX, b)), expected);
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> model.evaluate(shortX, b)),
                expected);
        INDArray x = Tensors.zeros(Precision.FLOAT64, d);
        INDArray longG = Tensors.zeros(Precision.FLOAT64, d + 2);
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradient(x, b, longG)), "gradientOut length must be " + d, "was " + (d + 2));
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> model.initialParameters(new RandomStream(1), longG)), "length must be " + d);
    }

    @Test
    void rejectsABatchWithTheWrongFeatureCount() {
        Model model = model();
        RandomStream rng = new RandomStream(19);
        Dataset good = batch(rng, 4);
        Dataset wide = new Dataset(gaussianMatrix(rng, 4, FEATURES + 1), good.labels());
        INDArray x = Tensors.zeros(Precision.FLOAT64, model.dimension());
        INDArray g = Tensors.zeros(Precision.FLOAT64, model.dimension());
        String expected = "feature count must be " + FEATURES + ", was " + (FEATURES + 1);
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradient(x, wide, g)), expected);
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> model.loss(x, wide)), expected);
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> model.evaluate(x, wide)), expected);
    }

    @Test
    void rejectsMixedPrecisionsAliasingAndEmptyBatches() {
        Model model = model();
        Dataset b = batch(new RandomStream(20), 4);
        INDArray x32 = Tensors.zeros(Precision.FLOAT32, model.dimension());
        INDArray x = Tensors.zeros(Precision.FLOAT64, model.dimension());
        INDArray g = Tensors.zeros(Precision.FLOAT64, model.dimension());
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradient(x32, b, g)), "params data type must be DOUBLE", "was FLOAT");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradient(x, b, x)), "gradientOut must not share memory with params");
        Dataset empty = b.rows(new int[0]);
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradient(x, empty, g)), "at least one sample");
    }

    @Test
    void initialParametersAreDeterministic() {
        for (Precision p : Precision.values()) {
            Model model = model();
            INDArray a = Tensors.zeros(p, model.dimension()).assign(5);
            INDArray b = Tensors.zeros(p, model.dimension()).assign(-5);
            model.initialParameters(new RandomStream(21), a);
            model.initialParameters(new RandomStream(21), b);
            assertArrayEquals(Tensors.toDoubleArray(a), Tensors.toDoubleArray(b), 0.0);
            assertTrue(Tensors.isFinite(a));
        }
    }
}
