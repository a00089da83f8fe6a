package io.github.fl4j.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** sign(x): no guarantee (class BIASED). */
class SignCompressorTest extends CompressorContractTest {

    @Override
    protected Compressor compressor() {
        return Compressors.sign();
    }

    /** SignCompressor javadoc: "neither unbiased nor contractive in general". */
    @Override
    protected CompressionClass expectedClass(int d) {
        return CompressionClass.biased();
    }

    /** One bit per coordinate. */
    @Override
    protected long expectedBits(int d, Precision p, INDArray x, INDArray decoded) {
        return d;
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void handExampleAndNotContractive(Precision p) {
        Compressed c = compressor().compress(vec(p, 0.5, -2, 0), new RandomStream(0));
        assertArrayEquals(new double[] {1, -1, 1}, values(c.decoded()), 0.0);
        assertEquals(3, c.bits());
        // x = (0.01): ||sign(x) - x||^2 = 0.99^2 > ||x||^2 = 1e-4, so no alpha in (0, 1] works.
        double v = values(compressor().compress(vec(p, 0.01), new RandomStream(0)).decoded())[0];
        assertEquals(1.0, v, 0.0);
    }

    @Test
    void biasedIsNeitherUnbiasedNorContractive() {
        CompressionClass c = compressor().compressionClass(10);
        assertFalse(c.isContractive());
        assertFalse(c.isUnbiased());
        assertThrows(IllegalArgumentException.class, () -> Compressors.scaledForEf(compressor()));
    }
}
