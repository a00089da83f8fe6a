package io.github.fl4j.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressed;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** QSGD(s = 2) after scaled Rand-K (k = 5): unbiased o unbiased. */
class ComposedCompressorTest extends CompressorContractTest {
    private final Compressor composed = Compressors.compose(Compressors.qsgd(2), Compressors.randK(5));

    @Override
    protected Compressor compressor() {
        return composed;
    }

    /** ComposedCompressor javadoc: omega = (omega_qsgd + 1)(omega_randk + 1) - 1. */
    @Override
    protected CompressionClass expectedClass(int d) {
        double wq = Math.min(d / 4.0, Math.sqrt(d) / 2);
        double wr = (double) d / Math.min(5, d) - 1;
        return CompressionClass.unbiased((wq + 1) * (wr + 1) - 1);
    }

    /** Convention: the outer (QSGD, s = 2) encoding of the inner output: b + d (1 + ceil(log2 3)) = b + 3 d. */
    @Override
    protected long expectedBits(int d, Precision p, INDArray x, INDArray decoded) {
        return p.bits() + 3L * d;
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void equalsOuterOfInnerWithOneStream(Precision p) {
        INDArray x = gaussian(p, 200, 6);
        for (long seed = 0; seed < 5; seed++) {
            RandomStream rng = new RandomStream(seed);
            Compressed mid = Compressors.randK(5).compress(x, rng);
            Compressed expected = Compressors.qsgd(2).compress(mid.decoded(), rng);
            Compressed got = composed.compress(x, new RandomStream(seed));
            assertArrayEquals(values(expected.decoded()), values(got.decoded()), 0.0);
            assertEquals(expected.bits(), got.bits());
        }
    }

    @Test
    void classRules() {
        // Lossless on either side: the other's class.
        assertEquals(CompressionClass.contractive(0.3),
                Compressors.compose(Compressors.identity(), Compressors.topK(3)).compressionClass(10));
        assertEquals(CompressionClass.unbiased(0.125),
                Compressors.compose(Compressors.natural(), Compressors.identity()).compressionClass(10));
        // Contractive o unbiased: no general guarantee.
        assertEquals(CompressionClass.Kind.BIASED,
                Compressors.compose(Compressors.topK(3), Compressors.randK(5)).compressionClass(10).kind());
        // natural o randK(5) on d = 10: (1/8 + 1)(10/5) - 1 = 1.25.
        assertEquals(1.25, Compressors.compose(Compressors.natural(), Compressors.randK(5))
                .compressionClass(10).parameter(), 1e-15);
    }
}
