package io.github.fl4j.core.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The contract every {@link Aggregator} must meet. An aggregator's test extends this class, supplies the aggregator
 * and adds hand-computed examples; a robust aggregator that gives up one of the optional properties overrides its
 * switch. Every check runs on float32 and float64, on a population of N = 6 clients with sample counts
 * (3, 1, 4, 1, 5, 9), d = 13, Gaussian uploads from fixed seeds, and both a partial round (clients 0, 2, 3, 5) and a
 * full round (all six).
 *
 * <ul>
 *   <li>{@code out} is fully overwritten: prefilled with NaN, with 1e30 or with zeros it holds the same finite bits
 *       afterwards, of the uploads' precision;</li>
 *   <li>the uploads (every slot) are not modified;</li>
 *   <li>deterministic: two calls, and a call on equal copies of the uploads, give the same bits;</li>
 *   <li>4 threads sharing the instance give the bits of a sequential call (aggregators keep no mutable fields);</li>
 *   <li>{@code slot} selects the vector: slot 1 of two-vector uploads aggregates exactly as one-vector uploads of
 *       those vectors;</li>
 *   <li>a round without uploads fails with IllegalArgumentException instead of writing anything;</li>
 *   <li>with every client participating, identical uploads u aggregate to u (up to rounding: 1e-6 relative in
 *       float32, 1e-14 in float64);</li>
 *   <li>optional, on by default, with every client participating and the same tolerance: translation equivariance
 *       A(u_n + c) = A(u_n) + c ({@link #translationEquivariant()}), positive scale equivariance A(2 u_n) = 2 A(u_n)
 *       ({@link #scaleEquivariant()}), and the output within the coordinate-wise range [min_n u_n, max_n u_n]
 *       ({@link #withinCoordinateRange()}). Weighted means, coordinate-wise medians and trimmed means, Krum and the
 *       geometric median have all three; clipping at a fixed radius is neither translation nor scale equivariant.</li>
 * </ul>
 */
public abstract class AggregatorContractTest {
    /** The sample counts m_n of the population. */
    protected static final int[] SIZES = {3, 1, 4, 1, 5, 9};
    /** The participants of the partial round. */
    protected static final int[] PARTIAL = {0, 2, 3, 5};
    /** The participants of the full round. */
    protected static final int[] FULL = {0, 1, 2, 3, 4, 5};
    /** The dimension. */
    protected static final int D = 13;

    /** The aggregator under test. */
    protected abstract Aggregator aggregator();

    /** Whether A(u_n + c) = A(u_n) + c when every client participates (default true). */
    protected boolean translationEquivariant() {
        return true;
    }

    /** Whether A(a u_n) = a A(u_n) for a &gt; 0 when every client participates (default true). */
    protected boolean scaleEquivariant() {
        return true;
    }

    /** Whether the output lies coordinate-wise within the uploads' range when every client participates. */
    protected boolean withinCoordinateRange() {
        return true;
    }

    // ---------------------------------------------------------------- helpers

    /** A server context of round 1 for the given participants. */
    protected static ServerContext context(Precision p, int[] participants) {
        return new ServerContext(1, SIZES, participants, new SeedTree(1), p);
    }

    /** Uploads of the participants, {@code vectors} Gaussian d-vectors each (mean 0.5, sd 2), from {@code seed}. */
    protected static List<Upload> uploads(Precision p, int[] participants, int vectors, long seed) {
        RandomStream r = new RandomStream(seed);
        List<Upload> out = new ArrayList<>();
        for (int n : participants) {
            INDArray[] v = new INDArray[vectors];
            for (int i = 0; i < vectors; i++) {
                v[i] = Tensors.zeros(p, D);
                r.fillGaussian(v[i], 0.5, 2);
            }
            out.add(new Upload(n, SIZES[n], Message.of(v)));
        }
        return out;
    }

    /** Uploads whose slot-0 vectors are {@code f} applied to a copy of {@code base}'s. */
    private static List<Upload> mapped(List<Upload> base, java.util.function.UnaryOperator<INDArray> f) {
        List<Upload> out = new ArrayList<>();
        for (Upload u : base) {
            out.add(new Upload(u.clientId(), u.numSamples(), Message.of(f.apply(u.vector(0).dup()))));
        }
        return out;
    }

    /** Aggregates slot {@code slot} into a fresh buffer prefilled with {@code fill}. */
    protected INDArray aggregate(List<Upload> uploads, int slot, Precision p, int[] participants, double fill) {
        INDArray out = Tensors.zeros(p, D);
        out.assign(fill);
        aggregator().aggregate(uploads, slot, out, context(p, participants));
        return out;
    }

    /** The raw bits of a vector's values. */
    protected static long[] bits(INDArray x) {
        double[] v = Tensors.toDoubleArray(x);
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
        }
        return out;
    }

    /** The rounding tolerance of the approximate properties, relative to the scale of the values. */
    protected static double tolerance(Precision p) {
        return p == Precision.FLOAT32 ? 1e-6 : 1e-14;
    }

    private static void assertClose(INDArray expected, INDArray actual, Precision p, String what) {
        double[] e = Tensors.toDoubleArray(expected);
        double[] a = Tensors.toDoubleArray(actual);
        double scale = 1;
        for (double v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int j = 0; j < e.length; j++) {
            assertEquals(e[j], a[j], 8 * tolerance(p) * scale, what + ", coordinate " + j);
        }
    }

    // ---------------------------------------------------------------- the contract

    @ParameterizedTest
    @EnumSource(Precision.class)
    void outputIsFullyOverwritten(Precision p) {
        for (int[] participants : new int[][] {PARTIAL, FULL}) {
            List<Upload> u = uploads(p, participants, 1, 11);
            INDArray fromNaN = aggregate(u, 0, p, participants, Double.NaN);
            assertEquals(p.dataType(), fromNaN.dataType());
            assertTrue(Tensors.isFinite(fromNaN), "a NaN left in out survived: " + fromNaN);
            assertArrayEquals(bits(fromNaN), bits(aggregate(u, 0, p, participants, 1e30)));
            assertArrayEquals(bits(fromNaN), bits(aggregate(u, 0, p, participants, 0.0)));
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void uploadsAreNotModified(Precision p) {
        List<Upload> u = uploads(p, PARTIAL, 2, 12);
        List<long[]> before = new ArrayList<>();
        for (Upload up : u) {
            before.add(bits(up.vector(0)));
            before.add(bits(up.vector(1)));
        }
        aggregate(u, 0, p, PARTIAL, Double.NaN);
        aggregate(u, 1, p, PARTIAL, Double.NaN);
        for (int i = 0; i < u.size(); i++) {
            assertArrayEquals(before.get(2 * i), bits(u.get(i).vector(0)), "upload " + i + ", slot 0");
            assertArrayEquals(before.get(2 * i + 1), bits(u.get(i).vector(1)), "upload " + i + ", slot 1");
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void deterministic(Precision p) {
        List<Upload> u = uploads(p, PARTIAL, 1, 13);
        INDArray a = aggregate(u, 0, p, PARTIAL, 0.0);
        assertArrayEquals(bits(a), bits(aggregate(u, 0, p, PARTIAL, 0.0)), "second call");
        assertArrayEquals(bits(a), bits(aggregate(uploads(p, PARTIAL, 1, 13), 0, p, PARTIAL, 0.0)),
                "equal copies of the uploads");
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void sharedByFourThreadsGivesTheSequentialBits(Precision p) throws Exception {
        List<Upload> u = uploads(p, FULL, 1, 14);
        long[] expected = bits(aggregate(u, 0, p, FULL, 0.0));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int k = 0; k < 32; k++) {
                results.add(pool.submit(() -> bits(aggregate(u, 0, p, FULL, Double.NaN))));
            }
            for (Future<long[]> f : results) {
                assertArrayEquals(expected, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void slotSelectsTheVector(Precision p) {
        List<Upload> two = uploads(p, PARTIAL, 2, 15);
        List<Upload> second = new ArrayList<>();
        for (Upload up : two) {
            second.add(new Upload(up.clientId(), up.numSamples(), Message.of(up.vector(1).dup())));
        }
        assertArrayEquals(bits(aggregate(second, 0, p, PARTIAL, 0.0)), bits(aggregate(two, 1, p, PARTIAL, 0.0)));
    }

    @Test
    void emptyRoundIsRefused() {
        INDArray out = Tensors.zeros(Precision.FLOAT64, D);
        assertThrows(IllegalArgumentException.class,
                () -> aggregator().aggregate(List.of(), 0, out, context(Precision.FLOAT64, new int[0])));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void identicalUploadsAggregateToThatVector(Precision p) {
        INDArray v = uploads(p, new int[] {0}, 1, 16).get(0).vector(0);
        List<Upload> same = new ArrayList<>();
        for (int n : FULL) {
            same.add(new Upload(n, SIZES[n], Message.of(v.dup())));
        }
        assertClose(v, aggregate(same, 0, p, FULL, Double.NaN), p, "identical uploads");
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void translationEquivarianceWhenDeclared(Precision p) {
        if (!translationEquivariant()) {
            return;
        }
        List<Upload> u = uploads(p, FULL, 1, 17);
        INDArray c = Tensors.zeros(p, D);
        new RandomStream(18).fillGaussian(c, 3, 1);
        INDArray expected = aggregate(u, 0, p, FULL, 0.0);
        Tensors.axpy(1.0, c, expected);
        INDArray shifted = aggregate(mapped(u, x -> {
            Tensors.axpy(1.0, c, x);
            return x;
        }), 0, p, FULL, Double.NaN);
        assertClose(expected, shifted, p, "A(u + c) against A(u) + c");
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void scaleEquivarianceWhenDeclared(Precision p) {
        if (!scaleEquivariant()) {
            return;
        }
        List<Upload> u = uploads(p, FULL, 1, 19);
        for (double a : new double[] {2.0, 0.3, 1e3}) {
            INDArray expected = aggregate(u, 0, p, FULL, 0.0);
            Tensors.scale(a, expected);
            INDArray scaled = aggregate(mapped(u, x -> {
                Tensors.scale(a, x);
                return x;
            }), 0, p, FULL, Double.NaN);
            assertClose(expected, scaled, p, "A(" + a + " u) against " + a + " A(u)");
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void outputWithinTheCoordinateRangeWhenDeclared(Precision p) {
        if (!withinCoordinateRange()) {
            return;
        }
        List<Upload> u = uploads(p, FULL, 1, 20);
        double[] out = Tensors.toDoubleArray(aggregate(u, 0, p, FULL, Double.NaN));
        for (int j = 0; j < D; j++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (Upload up : u) {
                lo = Math.min(lo, up.vector(0).getDouble(j));
                hi = Math.max(hi, up.vector(0).getDouble(j));
            }
            double slack = 8 * tolerance(p) * Math.max(1, Math.max(Math.abs(lo), Math.abs(hi)));
            assertTrue(out[j] >= lo - slack && out[j] <= hi + slack,
                    "coordinate " + j + ": " + out[j] + " outside [" + lo + ", " + hi + "]");
        }
    }
}
