package io.github.fl4j.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressed;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** (||x||_1/d) sign(x). */
class ScaledSignCompressorTest extends CompressorContractTest {

    @Override
    protected Compressor compressor() {
        return Compressors.scaledSign();
    }

    /** Karimireddy et al. 2019: declared worst case alpha = 1/d. */
    @Override
    protected CompressionClass expectedClass(int d) {
        return CompressionClass.contractive(1.0 / d);
    }

    /** d sign bits + the scale as one value: d + b. */
    @Override
    protected long expectedBits(int d, Precision p, INDArray x, INDArray decoded) {
        return d + p.bits();
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void handExample(Precision p) {
        // x = (1, -2, 0, 3): ||x||_1 / d = 6/4 = 1.5; sign(0) = +1 -> (1.5, -1.5, 1.5, 1.5); bits 4 + b.
        Compressed c = compressor().compress(vec(p, 1, -2, 0, 3), new RandomStream(0));
        assertArrayEquals(new double[] {1.5, -1.5, 1.5, 1.5}, values(c.decoded()), 0.0);
        assertEquals(4 + p.bits(), c.bits());
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void errorIdentity(Precision p) {
        // ||C(x) - x||^2 = ||x||^2 - ||x||_1^2 / d exactly (see the class javadoc).
        INDArray x = gaussian(p, 1000, 4);
        double[] xv = values(x);
        double[] c = values(compressor().compress(x, new RandomStream(0)).decoded());
        double err = 0;
        double l1 = 0;
        for (int j = 0; j < xv.length; j++) {
            err += (c[j] - xv[j]) * (c[j] - xv[j]);
            l1 += Math.abs(xv[j]);
        }
        double expected = squaredNorm(xv) - l1 * l1 / xv.length;
        assertEquals(expected, err, (p == Precision.FLOAT32 ? 1e-4 : 1e-9) * squaredNorm(xv));
    }
}
