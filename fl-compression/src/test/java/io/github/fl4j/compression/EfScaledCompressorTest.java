package io.github.fl4j.compression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressed;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** QSGD(s = 2) scaled by 1/(omega + 1) for EF21 (Richtarik et al., NeurIPS 2021). */
class EfScaledCompressorTest extends CompressorContractTest {
    private final Compressor ef = Compressors.scaledForEf(Compressors.qsgd(2));

    @Override
    protected Compressor compressor() {
        return ef;
    }

    private static double omega(int d) {
        return Math.min(d / 4.0, Math.sqrt(d) / 2);
    }

    /** EfScaledCompressor javadoc: alpha = 1/(omega + 1). */
    @Override
    protected CompressionClass expectedClass(int d) {
        return CompressionClass.contractive(1 / (omega(d) + 1));
    }

    /** The bits of QSGD(2): b + 3 d. */
    @Override
    protected long expectedBits(int d, Precision p, INDArray x, INDArray decoded) {
        return p.bits() + 3L * d;
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void equalsUnbiasedOutputDividedByOmegaPlusOne(Precision p) {
        int d = 64; // omega = min(16, 4) = 4 -> factor 1/5
        INDArray x = gaussian(p, d, 2);
        Compressed q = Compressors.qsgd(2).compress(x, new RandomStream(8));
        Compressed s = ef.compress(x, new RandomStream(8));
        double[] qv = values(q.decoded());
        double[] sv = values(s.decoded());
        for (int j = 0; j < d; j++) {
            assertEquals(qv[j] / 5, sv[j], 1e-6 * Math.abs(qv[j]));
        }
        assertEquals(q.bits(), s.bits());
    }

    @Test
    void rejectsBiasedAndKeepsLossless() {
        assertThrows(IllegalArgumentException.class, () -> Compressors.scaledForEf(Compressors.topK(3)));
        assertEquals(CompressionClass.lossless(), Compressors.scaledForEf(Compressors.identity()).compressionClass(5));
        // Scaled Rand-K: omega = d/k - 1 -> alpha = k/d.
        assertEquals(0.1, Compressors.scaledForEf(Compressors.randK(10)).compressionClass(100).parameter(), 1e-15);
    }
}
