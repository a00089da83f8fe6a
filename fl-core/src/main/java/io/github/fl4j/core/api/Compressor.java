package io.github.fl4j.core.api;

import io.github.fl4j.core.random.RandomStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A compression operator C on flat vectors, as the communication-compression papers define them, together with the
 * exact size of the encoding a real implementation would send.
 *
 * <p>{@link #compress(INDArray, INDArray, RandomStream)} writes the <em>decoded</em> vector C(x) into a caller-owned
 * buffer and returns the number of bits of the encoding; it draws randomness only from {@code rng} (a stream the
 * engine keys by direction, round and client). It must not modify {@code x}. Each implementation documents its bit
 * formula in its javadoc, and a test checks it.
 *
 * <p>Implementations must be thread-safe (one instance serves all clients); per-call scratch lives on the stack or in
 * per-thread buffers.
 */
public interface Compressor {

    /** A short name for reports, e.g. "topk(0.01)". */
    String name();

    /** The operator's class on vectors of the given dimension (omega or alpha may depend on d). */
    CompressionClass compressionClass(long dimension);

    /**
     * Encodes {@code x}, writes the decoded C(x) into {@code out} and returns the exact number of bits of the encoding.
     *
     * @param x   the vector to send (not modified)
     * @param out caller-owned buffer of the same length and type, overwritten
     * @param rng the only randomness the operator may use
     * @return bits of the encoding
     */
    long compress(INDArray x, INDArray out, RandomStream rng);

    /** Convenience form that allocates the output: returns C(x) with its bit count. */
    default Compressed compress(INDArray x, RandomStream rng) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.length());
        long bits = compress(x, out, rng);
        return new Compressed(out, bits);
    }
}
