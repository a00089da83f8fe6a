package io.github.fl4j.algorithms.secagg;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoding of a masked secure-aggregation input: a vector of elements of Z_{2^b}, each sent in b bits. The values
 * cross as float64 numbers (exact for b &lt;= 53) and are checked to be integers in [0, 2^b).
 *
 * <p>Bits: {@code length * b}. Lossless; draws nothing. Immutable and thread-safe.
 */
public final class ModularEncoding implements Compressor {
    private final int modulusBits;

    /** The encoding of Z_{2^b}, b in [1, 53]. */
    public ModularEncoding(int modulusBits) {
        if (modulusBits < 1 || modulusBits > 53) {
            throw new IllegalArgumentException("modulusBits must be in [1, 53], was " + modulusBits);
        }
        this.modulusBits = modulusBits;
    }

    /** b. */
    public int modulusBits() {
        return modulusBits;
    }

    @Override
    public String name() {
        return "mod2^" + modulusBits;
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        return CompressionClass.lossless();
    }

    /**
     * Copies x and returns {@code x.length() * b}.
     *
     * @throws IllegalArgumentException if a value is not an integer in [0, 2^b), naming the coordinate
     */
    @Override
    public long compress(INDArray x, INDArray out, RandomStream rng) {
        double[] v = Tensors.toDoubleArray(x);
        double bound = Math.scalb(1.0, modulusBits);
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0 && v[i] < bound && v[i] == Math.rint(v[i]))) {
                throw new IllegalArgumentException("coordinate " + i + " must be an integer in [0, 2^" + modulusBits
                        + "), was " + v[i]);
            }
        }
        Tensors.copy(x, out);
        return x.length() * modulusBits;
    }

    @Override
    public String toString() {
        return name();
    }
}
