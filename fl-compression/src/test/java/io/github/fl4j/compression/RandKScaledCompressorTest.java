package io.github.fl4j.compression;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressed;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Rand-K scaled by d/k, k = 5: contract, the shared-seed index set and the scaling. */
class RandKScaledCompressorTest extends CompressorContractTest {
    static final int K = 5;

    @Override
    protected Compressor compressor() {
        return Compressors.randK(K);
    }

    /** RandKCompressor javadoc: omega = d/k - 1. */
    @Override
    protected CompressionClass expectedClass(int d) {
        return CompressionClass.unbiased((double) d / Math.min(K, d) - 1);
    }

    /** b k values + a 32-bit seed. */
    @Override
    protected long expectedBits(int d, Precision p, INDArray x, INDArray decoded) {
        return (long) p.bits() * Math.min(K, d) + 32;
    }

    /** Checks that the kept set is rng.sampleWithoutReplacement(d, k) of the same seed and the values are c x_j. */
    static void checkSupport(Compressor c, Precision p, double scale) {
        int d = 50;
        INDArray x = gaussian(p, d, 8);
        double[] xv = values(x);
        for (long seed = 0; seed < 20; seed++) {
            Compressed r = c.compress(x, new RandomStream(seed));
            double[] got = values(r.decoded());
            int[] idx = new RandomStream(seed).sampleWithoutReplacement(d, K);
            double[] expected = new double[d];
            for (int j : idx) {
                expected[j] = p == Precision.FLOAT32 ? (float) scale * (float) xv[j] : scale * xv[j];
            }
            for (int j = 0; j < d; j++) {
                assertEquals(expected[j], got[j], 0.0, "seed " + seed + ", j = " + j + ", idx " + Arrays.toString(idx));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void keepsTheSeededSetScaledByDOverK(Precision p) {
        checkSupport(compressor(), p, 50.0 / K);
    }
}
