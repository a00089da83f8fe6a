package io.github.fl4j.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressed;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Top-K with k = 3: contract plus hand examples, ties and a full-sort oracle. */
class TopKCompressorTest extends CompressorContractTest {
    private static final int K = 3;

    @Override
    protected Compressor compressor() {
        return Compressors.topK(K);
    }

    /** TopKCompressor javadoc: alpha = k/d with k = min(3, d). */
    @Override
    protected CompressionClass expectedClass(int d) {
        return CompressionClass.contractive((double) Math.min(K, d) / d);
    }

    /** TopKCompressor javadoc: b k values + min(k ceil(log2 d), d) index bits. */
    @Override
    protected long expectedBits(int d, Precision p, INDArray x, INDArray decoded) {
        long k = Math.min(K, d);
        return p.bits() * k + Math.min(k * ceilLog2(d), d);
    }

    /** The oracle: indices sorted by decreasing |x|, ties by increasing index, first k kept. */
    static double[] fullSortTopK(double[] x, int k) {
        Integer[] idx = new Integer[x.length];
        for (int i = 0; i < x.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> -Math.abs(x[i])).thenComparingInt(i -> i));
        double[] out = new double[x.length];
        for (int i = 0; i < k; i++) {
            out[idx[i]] = x[idx[i]];
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void handExample(Precision p) {
        // The brief's example: (3, -5, 1, 5), k = 2 keeps -5 (index 1) and 5 (index 3).
        // Bits: 2 values * b + min(2 * ceil(log2 4) = 4, 4) = 4 index bits -> 68 (float32), 132 (float64).
        Compressed c = Compressors.topK(2).compress(vec(p, 3, -5, 1, 5), new RandomStream(0));
        assertArrayEquals(new double[] {0, -5, 0, 5}, values(c.decoded()), 0.0);
        assertEquals(p == Precision.FLOAT32 ? 68 : 132, c.bits());
        // values-only (EF21 code's convention): 2 * 32 for every precision (a float64 run used to count 2 * 64,
        // while the README promised the paper's 32 bits per value).
        assertEquals(64, Compressors.topK(2).valuesOnly().compress(vec(p, 3, -5, 1, 5), new RandomStream(0))
                .bits());
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void tiesGoToTheLowerIndex(Precision p) {
        Compressor top2 = Compressors.topK(2);
        assertArrayEquals(new double[] {1, 1, 0, 0, 0},
                values(top2.compress(vec(p, 1, 1, 1, 1, 1), new RandomStream(0)).decoded()), 0.0);
        assertArrayEquals(new double[] {2, -2, 0, 0},
                values(top2.compress(vec(p, 2, -2, 2, 1), new RandomStream(0)).decoded()), 0.0);
        assertArrayEquals(new double[] {0, -2, 3, 0},
                values(top2.compress(vec(p, 1, -2, 3, 2), new RandomStream(0)).decoded()), 0.0);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void exactlyKKeptAndEqualsFullSortWithManyTies(Precision p) {
        RandomStream r = new RandomStream(123);
        for (int trial = 0; trial < 200; trial++) {
            int d = 1 + r.nextInt(300);
            int k = 1 + r.nextInt(d);
            double[] xv = new double[d];
            for (int j = 0; j < d; j++) {
                int v = r.nextInt(7) - 3; // many ties, including in magnitude across signs
                xv[j] = v == 0 ? 4 : v;  // no zeros, so "kept" is observable as non-zero
            }
            double[] got = values(Compressors.topK(k).compress(vec(p, xv), new RandomStream(0)).decoded());
            assertEquals(k, Arrays.stream(got).filter(v -> v != 0).count(), "kept, d = " + d + ", k = " + k);
            assertArrayEquals(fullSortTopK(xv, k), got, 0.0, "d = " + d + ", k = " + k);
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void equalsFullSortOnLargeGaussian(Precision p) {
        for (int d : new int[] {10_000, 100_003}) {
            INDArray x = gaussian(p, d, d);
            double[] xv = values(x);
            for (int k : new int[] {1, d / 100, d / 2, d}) {
                assertArrayEquals(fullSortTopK(xv, k),
                        values(Compressors.topK(k).compress(x, new RandomStream(0)).decoded()), 0.0,
                        "d = " + d + ", k = " + k);
            }
        }
    }

    @Test
    void selectMatchesSortOnAdversarialInputs() {
        RandomStream r = new RandomStream(5);
        int n = 5000;
        float[][] inputs = new float[5][n];
        for (int i = 0; i < n; i++) {
            inputs[0][i] = 1f;                       // all equal
            inputs[1][i] = i;                        // sorted
            inputs[2][i] = n - i;                    // reversed
            inputs[3][i] = (i % 2 == 0) ? i : n - i; // organ-pipe-like
            inputs[4][i] = r.nextInt(3);             // few distinct values
        }
        for (float[] in : inputs) {
            float[] sorted = in.clone();
            Arrays.sort(sorted);
            for (int target : new int[] {0, 1, n / 2, n - 2, n - 1}) {
                assertEquals(sorted[target], TopKCompressor.select(in.clone(), n, target));
                double[] dd = new double[n];
                for (int i = 0; i < n; i++) {
                    dd[i] = in[i];
                }
                assertEquals(sorted[target], TopKCompressor.select(dd, n, target), 0.0);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void smallKKeepsTheFullSortCoordinatesAcrossChunksAndInPlace(Precision p) {
        // the one-pass path for k <= SMALL_K on vectors longer than a chunk (4096) but below the sampled path's
        // 16384: ties of the largest magnitude on both sides of the chunk boundary, signed zeros, and out == x
        RandomStream r = new RandomStream(31);
        for (int d : new int[] {4095, 4097, 9000}) {
            double[] xv = new double[d];
            for (int j = 0; j < d; j++) {
                xv[j] = r.nextInt(7) - 3; // -3 .. 3: many equal magnitudes
            }
            xv[4094] = -0.0;
            for (int k = 1; k <= TopKCompressor.SMALL_K; k++) {
                double[] expected = fullSortTopK(xv, k);
                assertArrayEquals(expected,
                        values(Compressors.topK(k).compress(vec(p, xv), new RandomStream(0)).decoded()), 0.0,
                        "d = " + d + ", k = " + k);
                INDArray x = vec(p, xv);
                Compressors.topK(k).compress(x, x, new RandomStream(0));
                assertArrayEquals(expected, values(x), 0.0, "in place, d = " + d + ", k = " + k);
            }
        }
        double[] zeros = new double[300]; // fewer non-zeros than k: k coordinates kept, the zeros among them
        zeros[7] = -2;
        zeros[200] = 2;
        assertArrayEquals(fullSortTopK(zeros, 5),
                values(Compressors.topK(5).compress(vec(p, zeros), new RandomStream(0)).decoded()), 0.0);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void everySmallKEqualsFullSort(Precision p) {
        // the one-pass path for k <= SMALL_K, on vectors with many ties across signs
        RandomStream r = new RandomStream(77);
        for (int trial = 0; trial < 60; trial++) {
            int d = 1 + r.nextInt(200);
            double[] xv = new double[d];
            for (int j = 0; j < d; j++) {
                int v = r.nextInt(5) - 2;
                xv[j] = v == 0 ? 3 : v;
            }
            for (int k = 1; k <= Math.min(d, TopKCompressor.SMALL_K); k++) {
                assertArrayEquals(fullSortTopK(xv, k),
                        values(Compressors.topK(k).compress(vec(p, xv), new RandomStream(0)).decoded()), 0.0,
                        "d = " + d + ", k = " + k);
            }
        }
    }

    @Test
    void fractionRoundsHalfUpWithAtLeastOne() {
        // k = max(1, round(0.01 d)): d = 49 -> round(0.49) = 0 -> 1; d = 150 -> round(1.5) = 2;
        // d = 250 -> round(2.5) = 3; d = 10^6 -> 10^4.
        TopKCompressor c = Compressors.topK(0.01);
        assertEquals(1, c.k(49));
        assertEquals(2, c.k(150));
        assertEquals(3, c.k(250));
        assertEquals(10_000, c.k(1_000_000));
        assertEquals(1.0 / 49, c.compressionClass(49).parameter(), 1e-15);
        // Fixed k larger than d is capped at d.
        assertEquals(5, Compressors.topK(10).k(5));
    }

    @Test
    void bitsUseTheSmallerOfIndicesAndMask() {
        // d = 8, k = 4: indices 4 * 3 = 12 > mask 8 -> 4 * 32 + 8 = 136.
        assertEquals(136, Compressors.topK(4).bits(8, 32));
        // d = 10^6, k = 10^4: indices 10^4 * 20 = 2e5 < 10^6 -> 32e4 + 2e5 = 520000.
        assertEquals(520_000, Compressors.topK(0.01).bits(1_000_000, 32));
        // values only: 32 k.
        assertEquals(320_000, Compressors.topK(0.01).valuesOnly().bits(1_000_000, 32));
        assertEquals(320_000, Compressors.topK(0.01).valuesOnly().bits(1_000_000, 64)); // 32 per value in float64 too
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Compressors.topK(0));
        assertThrows(IllegalArgumentException.class, () -> Compressors.topK(1.5));
        assertThrows(IllegalArgumentException.class, () -> Compressors.topK(0.0));
        assertThrows(IllegalArgumentException.class,
                () -> Compressors.topK(1).compress(vec(Precision.FLOAT32, 1, 2), vec(Precision.FLOAT64, 0, 0),
                        new RandomStream(0)));
        assertThrows(IllegalArgumentException.class,
                () -> Compressors.topK(1).compress(vec(Precision.FLOAT32, 1, 2), vec(Precision.FLOAT32, 0),
                        new RandomStream(0)));
    }
}
