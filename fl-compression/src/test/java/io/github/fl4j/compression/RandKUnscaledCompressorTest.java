package io.github.fl4j.compression;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.tensor.Precision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Rand-K without scaling, k = 5: contract and the shared-seed index set. */
class RandKUnscaledCompressorTest extends CompressorContractTest {
    private static final int K = RandKScaledCompressorTest.K;

    @Override
    protected Compressor compressor() {
        return Compressors.randKUnscaled(K);
    }

    /** RandKCompressor javadoc: alpha = k/d. */
    @Override
    protected CompressionClass expectedClass(int d) {
        return CompressionClass.contractive((double) Math.min(K, d) / d);
    }

    /** b k values + a 32-bit seed. */
    @Override
    protected long expectedBits(int d, Precision p, INDArray x, INDArray decoded) {
        return (long) p.bits() * Math.min(K, d) + 32;
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void keepsTheSeededSetUnscaled(Precision p) {
        RandKScaledCompressorTest.checkSupport(compressor(), p, 1.0);
    }
}
