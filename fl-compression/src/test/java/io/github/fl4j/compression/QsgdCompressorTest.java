package io.github.fl4j.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressed;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** QSGD with s = 4 levels. */
class QsgdCompressorTest extends CompressorContractTest {
    private static final int S = 4;

    @Override
    protected Compressor compressor() {
        return Compressors.qsgd(S);
    }

    /** Alistarh et al. 2017, Lemma 3.1: omega = min(d/s^2, sqrt(d)/s). */
    @Override
    protected CompressionClass expectedClass(int d) {
        return CompressionClass.unbiased(Math.min(d / 16.0, Math.sqrt(d) / 4));
    }

    /** Naive encoding: b (norm) + d (1 sign + ceil(log2(s + 1)) = 3 level bits) = b + 4 d. */
    @Override
    protected long expectedBits(int d, Precision p, INDArray x, INDArray decoded) {
        return p.bits() + 4L * d;
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void handExampleSupportAndProbabilities(Precision p) {
        // x = (0, 3, -4), ||x|| = 5, s = 4, step ||x||/s = 1.25.
        // x_0 = 0: r = 0 -> always 0.
        // x_1 = 3: r = 12/5 = 2.4 -> level 3 (3.75) w.p. 0.4, level 2 (2.5) w.p. 0.6.
        // x_2 = -4: r = 16/5 = 3.2 -> level 4 (-5) w.p. 0.2, level 3 (-3.75) w.p. 0.8.
        INDArray x = vec(p, 0, 3, -4);
        RandomStream rng = new RandomStream(31);
        int n = 4000;
        int up1 = 0;
        int up2 = 0;
        for (int i = 0; i < n; i++) {
            Compressed c = compressor().compress(x, rng);
            double[] v = values(c.decoded());
            assertEquals(0.0, v[0], 0.0);
            assertTrue(v[1] == 2.5 || v[1] == 3.75, "x_1 -> " + v[1]);
            assertTrue(v[2] == -3.75 || v[2] == -5, "x_2 -> " + v[2]);
            up1 += v[1] == 3.75 ? 1 : 0;
            up2 += v[2] == -5 ? 1 : 0;
            assertEquals(p.bits() + 3 * 4, c.bits());
        }
        // Binomial(4000, q): 5 sd = 5 sqrt(4000 q (1-q)) = 155 (q = 0.4), 127 (q = 0.2).
        assertTrue(Math.abs(up1 - 0.4 * n) <= 155, "up1 = " + up1);
        assertTrue(Math.abs(up2 - 0.2 * n) <= 127, "up2 = " + up2);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void zeroVectorStaysZeroAndOneLevelIsSignTimesNorm(Precision p) {
        assertArrayEquals(new double[3], values(compressor().compress(vec(p, 0, 0, 0), new RandomStream(1))
                .decoded()), 0.0);
        // s = 1, x = (3, -4): r = 0.6, 0.8 -> outputs in {0, 5} and {0, -5}.
        for (long seed = 0; seed < 50; seed++) {
            double[] v = values(Compressors.qsgd(1).compress(vec(p, 3, -4), new RandomStream(seed)).decoded());
            assertTrue(v[0] == 0 || v[0] == 5, "got " + v[0]);
            assertTrue(v[1] == 0 || v[1] == -5, "got " + v[1]);
        }
    }

    @Test
    void omegaAndBitsFormulas() {
        // d = 16, s = 4: min(16/16, 4/4) = 1. d = 100, s = 2: min(25, 5) = 5. d = 4, s = 4: min(0.25, 0.5).
        assertEquals(1.0, Compressors.qsgd(4).compressionClass(16).parameter(), 0.0);
        assertEquals(5.0, Compressors.qsgd(2).compressionClass(100).parameter(), 0.0);
        assertEquals(0.25, Compressors.qsgd(4).compressionClass(4).parameter(), 0.0);
        // s = 1: 1 + ceil(log2 2) = 2 bits per coordinate; s = 255: 1 + 8; s = 256: 1 + 9.
        assertEquals(32 + 2 * 10, Compressors.qsgd(1).bits(10, 32));
        assertEquals(32 + 9 * 10, Compressors.qsgd(255).bits(10, 32));
        assertEquals(32 + 10 * 10, Compressors.qsgd(256).bits(10, 32));
    }
}
