package io.github.fl4j.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressed;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The contract every {@link Compressor} of this module meets (docs/design.md and docs/compression.md).
 * An operator's test extends this class, supplies the operator, its declared class and its bit formula, and adds hand
 * examples. Every check runs on float32 and float64 vectors.
 *
 * <ul>
 *   <li>x is not modified; every element of out is overwritten (out prefilled with NaN, and with 1e30, gives the same
 *       finite result); the same seed gives the same output and bits; 4 threads sharing the instance give the
 *       results of sequential calls;</li>
 *   <li>bits equal the documented formula on d in {1, 2, 3, 7, 8, 100, 1000, 4097};</li>
 *   <li>the declared class equals {@link #expectedClass(int)} (the formula of the operator's javadoc);</li>
 *   <li>statistics over n = {@link #draws()} seeded draws on 3 Gaussian inputs of dimension {@link #dimension()}:
 *     <ul>
 *       <li>unbiased with omega: per coordinate |mean_j - x_j| <= 5 min(s_j, sqrt(omega) ||x||) / sqrt(n) + tol,
 *           s_j the sample standard deviation of C(x)_j. Justification: a z-test; Var(C_j) <= E||C(x) - x||^2 <=
 *           omega ||x||^2 bounds the true standard error by sqrt(omega ||x||^2 / n), and s_j estimates it more
 *           tightly (a 10% bias in natural compression's rounding probability passes the omega bound but fails
 *           this one); with n = 2000 the mean is close to normal (CLT) and a 5-sigma two-sided deviation has
 *           probability about 5.7e-7 per coordinate; the draws are seeded, so the outcome is reproducible;</li>
 *       <li>unbiased: mean ||C(x) - x||^2 <= omega ||x||^2 + 5 s / sqrt(n) + tol, s the sample standard deviation of
 *           the squared errors (one-sided 5-sigma CLT margin);</li>
 *       <li>contractive with alpha: mean ||C(x) - x||^2 <= (1 - alpha) ||x||^2 + 5 s / sqrt(n) + tol (s = 0 for
 *           deterministic operators, so the bound is then checked exactly up to rounding);</li>
 *     </ul>
 *     tol covers rounding of the decoded values: 1e-5 ||x||^2 (float32) or 1e-12 ||x||^2 (float64) for the squared
 *     errors, and 1e-5 |x_j| + 1e-6 ||x|| / 1e-12 for the means.</li>
 * </ul>
 */
public abstract class CompressorContractTest {

    /** The operator under test. */
    protected abstract Compressor compressor();

    /** The class the operator's javadoc declares on dimension d. */
    protected abstract CompressionClass expectedClass(int d);

    /**
     * The bits the operator's javadoc formula gives for input x (dimension d, precision p) and decoded output (for
     * operators whose encoding depends on the random outcome).
     */
    protected abstract long expectedBits(int d, Precision p, INDArray x, INDArray decoded);

    /** Dimension of the statistical checks. */
    protected int dimension() {
        return 40;
    }

    /** Number of draws of the statistical checks. */
    protected int draws() {
        return 2000;
    }

    // ---------------------------------------------------------------- helpers

    /** A contiguous vector with the given values. */
    protected static INDArray vec(Precision p, double... v) {
        INDArray a = Nd4j.createUninitialized(p.dataType(), v.length);
        int off = (int) a.offset();
        if (p == Precision.FLOAT64) {
            DoubleBuffer b = a.data().asNioDouble();
            for (int i = 0; i < v.length; i++) {
                b.put(off + i, v[i]);
            }
        } else {
            FloatBuffer b = a.data().asNioFloat();
            for (int i = 0; i < v.length; i++) {
                b.put(off + i, (float) v[i]);
            }
        }
        return a;
    }

    /** A standard Gaussian vector from a fixed seed. */
    protected static INDArray gaussian(Precision p, int d, long seed) {
        INDArray a = Tensors.zeros(p, d);
        new RandomStream(seed).fillGaussian(a, 0, 1);
        return a;
    }

    /** The values of a vector as doubles. */
    protected static double[] values(INDArray a) {
        return Tensors.toDoubleArray(a);
    }

    /** An output buffer filled with {@code fill}. */
    protected static INDArray filled(Precision p, int d, double fill) {
        INDArray a = Nd4j.createUninitialized(p.dataType(), d);
        a.assign(fill);
        return a;
    }

    /** Compresses with a fresh stream of the given seed into a NaN-filled buffer. */
    protected Compressed run(INDArray x, long seed) {
        INDArray out = filled(Precision.of(x.dataType()), (int) x.length(), Double.NaN);
        long bits = compressor().compress(x, out, new RandomStream(seed));
        return new Compressed(out, bits);
    }

    protected static double squaredNorm(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e * e;
        }
        return s;
    }

    protected static Precision precisionOf(DataType t) {
        return Precision.of(t);
    }

    /** ceil(log2 d), computed as the smallest c with 2^c >= d (independent of the code under test). */
    protected static int ceilLog2(long d) {
        int c = 0;
        while ((1L << c) < d) {
            c++;
        }
        return c;
    }

    // ---------------------------------------------------------------- contract

    @ParameterizedTest
    @EnumSource(Precision.class)
    void doesNotModifyInput(Precision p) {
        for (int d : new int[] {1, 7, 1000}) {
            INDArray x = gaussian(p, d, 11 + d);
            double[] before = values(x);
            run(x, 5);
            assertArrayEquals(before, values(x), 0.0, "x modified, d = " + d);
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void sameSeedSameResult(Precision p) {
        INDArray x = gaussian(p, 300, 3);
        Compressed a = run(x, 42);
        Compressed b = run(x, 42);
        assertArrayEquals(values(a.decoded()), values(b.decoded()), 0.0);
        assertEquals(a.bits(), b.bits());
        Compressed c = compressor().compress(x, new RandomStream(42));
        assertArrayEquals(values(a.decoded()), values(c.decoded()), 0.0, "allocating form differs");
        assertEquals(a.bits(), c.bits());
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void overwritesEveryElementOfOut(Precision p) {
        for (int d : new int[] {1, 5, 257}) {
            INDArray x = gaussian(p, d, 100 + d);
            INDArray nan = filled(p, d, Double.NaN);
            INDArray big = filled(p, d, 1e30);
            compressor().compress(x, nan, new RandomStream(9));
            compressor().compress(x, big, new RandomStream(9));
            double[] a = values(nan);
            for (int j = 0; j < d; j++) {
                assertTrue(Double.isFinite(a[j]), "out[" + j + "] not written, d = " + d);
            }
            assertArrayEquals(a, values(big), 0.0, "result depends on the prior contents of out, d = " + d);
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void bitsMatchFormula(Precision p) {
        for (int d : new int[] {1, 2, 3, 7, 8, 100, 1000, 4097}) {
            INDArray x = gaussian(p, d, 1000 + d);
            for (long seed = 0; seed < 4; seed++) {
                Compressed c = run(x, seed);
                assertEquals(expectedBits(d, p, x, c.decoded()), c.bits(), "bits, d = " + d + ", seed " + seed);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void declaredClassMatchesFormula(Precision p) {
        for (int d : new int[] {1, 10, 1000, 1_000_000}) {
            CompressionClass expected = expectedClass(d);
            CompressionClass actual = compressor().compressionClass(d);
            assertEquals(expected.kind(), actual.kind(), "kind, d = " + d);
            assertEquals(expected.parameter(), actual.parameter(), 1e-12 * Math.max(1, expected.parameter()),
                    "parameter, d = " + d);
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void sharedInstanceIsThreadSafe(Precision p) throws Exception {
        int tasks = 16;
        List<INDArray> xs = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            INDArray x = gaussian(p, 500 + 37 * t, 77 + t);
            xs.add(x);
            expected.add(values(run(x, t).decoded()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> fs = new ArrayList<>();
            for (int rep = 0; rep < 3; rep++) {
                for (int t = 0; t < tasks; t++) {
                    final int task = t;
                    fs.add(pool.submit(() -> values(run(xs.get(task), task).decoded())));
                }
            }
            for (int i = 0; i < fs.size(); i++) {
                assertArrayEquals(expected.get(i % tasks), fs.get(i).get(), 0.0, "task " + (i % tasks));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void statisticsMatchDeclaredClass(Precision p) {
        int d = dimension();
        int n = draws();
        CompressionClass cls = compressor().compressionClass(d);
        double relTol = p == Precision.FLOAT32 ? 1e-5 : 1e-12;
        for (long input = 0; input < 3; input++) {
            INDArray x = gaussian(p, d, 500 + input);
            double[] xv = values(x);
            double nx = squaredNorm(xv);
            double[] sum = new double[d];
            double[] sumSq = new double[d];
            double errSum = 0;
            double errSq = 0;
            RandomStream rng = new RandomStream(9000 + input);
            INDArray out = filled(p, d, Double.NaN);
            for (int i = 0; i < n; i++) {
                compressor().compress(x, out, rng);
                double[] c = values(out);
                double e = 0;
                for (int j = 0; j < d; j++) {
                    sum[j] += c[j];
                    sumSq[j] += c[j] * c[j];
                    e += (c[j] - xv[j]) * (c[j] - xv[j]);
                }
                errSum += e;
                errSq += e * e;
            }
            double meanErr = errSum / n;
            double sdErr = Math.sqrt(Math.max(0, errSq / n - meanErr * meanErr) * n / (n - 1.0));
            double margin = 5 * sdErr / Math.sqrt(n) + relTol * nx;
            if (cls.kind() == CompressionClass.Kind.UNBIASED || cls.kind() == CompressionClass.Kind.LOSSLESS) {
                double omega = cls.parameter();
                for (int j = 0; j < d; j++) {
                    double mean = sum[j] / n;
                    double sj = Math.sqrt(Math.max(0, sumSq[j] / n - mean * mean) * n / (n - 1.0));
                    double se = Math.min(sj, Math.sqrt(omega * nx)) / Math.sqrt(n);
                    assertTrue(Math.abs(mean - xv[j]) <= 5 * se + relTol * Math.abs(xv[j]) + relTol * Math.sqrt(nx),
                            "E[C(x)_" + j + "] = " + mean + " vs x_j = " + xv[j] + " (5 se = " + 5 * se + ")");
                }
                assertTrue(meanErr <= omega * nx + margin,
                        "E||C(x)-x||^2 = " + meanErr + " > omega ||x||^2 = " + omega * nx + " + " + margin);
            }
            if (cls.isContractive()) {
                double alpha = cls.kind() == CompressionClass.Kind.LOSSLESS ? 1 : cls.parameter();
                assertTrue(meanErr <= (1 - alpha) * nx + margin,
                        "E||C(x)-x||^2 = " + meanErr + " > (1-alpha)||x||^2 = " + (1 - alpha) * nx + " + " + margin);
            }
        }
    }
}
