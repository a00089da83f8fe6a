package io.github.fl4j.compression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Natural compression. */
class NaturalCompressorTest extends CompressorContractTest {

    @Override
    protected Compressor compressor() {
        return Compressors.natural();
    }

    /** Horvath et al. 2019, Theorem 1: omega = 1/8. */
    @Override
    protected CompressionClass expectedClass(int d) {
        return CompressionClass.unbiased(0.125);
    }

    /** Sign + exponent field: 9 d (float32), 12 d (float64, 11-bit exponent). */
    @Override
    protected long expectedBits(int d, Precision p, INDArray x, INDArray decoded) {
        return (p == Precision.FLOAT32 ? 9L : 12L) * d;
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void supportOnSmallVector(Precision p) {
        // 3 in [2, 4): 4 w.p. (3-2)/2 = 0.5; -0.75 in [0.5, 1): -1 w.p. 0.5; 0.625: 1 w.p. 0.25;
        // 4 and 0 are kept exactly.
        INDArray x = vec(p, 3, -0.75, 0.625, 4, 0);
        RandomStream rng = new RandomStream(3);
        int n = 4000;
        int[] up = new int[3];
        for (int i = 0; i < n; i++) {
            double[] v = values(compressor().compress(x, rng).decoded());
            assertTrue(v[0] == 2 || v[0] == 4, "3 -> " + v[0]);
            assertTrue(v[1] == -0.5 || v[1] == -1, "-0.75 -> " + v[1]);
            assertTrue(v[2] == 0.5 || v[2] == 1, "0.625 -> " + v[2]);
            assertEquals(4.0, v[3], 0.0);
            assertEquals(0.0, v[4], 0.0);
            up[0] += v[0] == 4 ? 1 : 0;
            up[1] += v[1] == -1 ? 1 : 0;
            up[2] += v[2] == 1 ? 1 : 0;
        }
        // Binomial(4000, q): 5 sd = 158 (q = 0.5), 137 (q = 0.25).
        assertTrue(Math.abs(up[0] - 0.5 * n) <= 158, "up0 = " + up[0]);
        assertTrue(Math.abs(up[1] - 0.5 * n) <= 158, "up1 = " + up[1]);
        assertTrue(Math.abs(up[2] - 0.25 * n) <= 137, "up2 = " + up[2]);
    }

    @Test
    void roundingThresholdsAndSubnormals() {
        // 3 rounds up iff u < (3 - 2)/2 = 0.5.
        assertEquals(4.0, NaturalCompressor.round(3.0, 0.49), 0.0);
        assertEquals(2.0, NaturalCompressor.round(3.0, 0.5), 0.0);
        assertEquals(-4f, NaturalCompressor.round(-3f, 0.49), 0f);
        assertEquals(-2f, NaturalCompressor.round(-3f, 0.5), 0f);
        // Subnormal 3 * 2^-1074 lies in [2, 4) * 2^-1074.
        assertEquals(4 * Double.MIN_VALUE, NaturalCompressor.round(3 * Double.MIN_VALUE, 0.0), 0.0);
        assertEquals(2 * Double.MIN_VALUE, NaturalCompressor.round(3 * Double.MIN_VALUE, 0.99), 0.0);
        assertEquals(4 * Float.MIN_VALUE, NaturalCompressor.round(3 * Float.MIN_VALUE, 0.0), 0f);
        // Powers of two are exact whatever u.
        assertEquals(0.25, NaturalCompressor.round(0.25, 0.0), 0.0);
        assertEquals(-0.0, NaturalCompressor.round(-0.0, 0.0), 0.0);
    }
}
