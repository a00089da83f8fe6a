package io.github.fl4j.core.comm;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The identity operator C(x) = x: the dense encoding, lossless.
 *
 * <p>Bits: {@code d * b}, with b = 32 for float32 and 64 for float64 vectors (no header: the length d is known to both
 * sides). Draws nothing from the random stream. Stateless and thread-safe.
 */
public final class IdentityCompressor implements Compressor {
    /** The shared instance. */
    public static final IdentityCompressor INSTANCE = new IdentityCompressor();

    private IdentityCompressor() {
    }

    @Override
    public String name() {
        return "identity";
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        return CompressionClass.lossless();
    }

    @Override
    public long compress(INDArray x, INDArray out, RandomStream rng) {
        Tensors.copy(x, out);
        return x.length() * Precision.of(x.dataType()).bits();
    }

    @Override
    public String toString() {
        return name();
    }
}
