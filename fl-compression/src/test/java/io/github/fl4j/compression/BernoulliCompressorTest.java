package io.github.fl4j.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressed;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Lazy compression with p = 0.3. */
class BernoulliCompressorTest extends CompressorContractTest {
    private static final double P = 0.3;

    @Override
    protected Compressor compressor() {
        return Compressors.bernoulli(P);
    }

    /** omega = 1/p - 1 (BernoulliCompressor javadoc). */
    @Override
    protected CompressionClass expectedClass(int d) {
        return CompressionClass.unbiased(1 / P - 1);
    }

    /** b d + 1 when sent (x is Gaussian, so a sent message is non-zero), 1 when not. */
    @Override
    protected long expectedBits(int d, Precision p, INDArray x, INDArray decoded) {
        boolean sent = Arrays.stream(values(decoded)).anyMatch(v -> v != 0);
        return sent ? (long) p.bits() * d + 1 : 1;
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void sendsXOverPWithProbabilityP(Precision p) {
        INDArray x = vec(p, 1, -2, 3);
        double[] sentValue = new double[3];
        for (int j = 0; j < 3; j++) {
            double xj = new double[] {1, -2, 3}[j];
            sentValue[j] = p == Precision.FLOAT32 ? (float) (1 / P) * (float) xj : (1 / P) * xj;
        }
        int n = 4000;
        int sent = 0;
        RandomStream rng = new RandomStream(77);
        for (int i = 0; i < n; i++) {
            Compressed c = compressor().compress(x, rng);
            if (c.bits() == 1) {
                assertArrayEquals(new double[3], values(c.decoded()), 0.0);
            } else {
                assertEquals(3L * p.bits() + 1, c.bits());
                assertArrayEquals(sentValue, values(c.decoded()), 0.0);
                sent++;
            }
        }
        // Binomial(4000, 0.3): sd = sqrt(4000 * 0.21) = 29; 5 sd = 145.
        assertTrue(Math.abs(sent - P * n) <= 145, "sent " + sent);
    }

    @org.junit.jupiter.api.Test
    void rejectsBadP() {
        assertThrows(IllegalArgumentException.class, () -> Compressors.bernoulli(0));
        assertThrows(IllegalArgumentException.class, () -> Compressors.bernoulli(1.5));
        assertThrows(IllegalArgumentException.class, () -> Compressors.bernoulli(Double.NaN));
    }
}
