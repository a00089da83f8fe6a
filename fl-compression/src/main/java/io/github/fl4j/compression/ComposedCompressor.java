package io.github.fl4j.compression;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The composition C(x) = outer(inner(x)), e.g. QSGD applied to the output of Rand-K.
 *
 * <p><b>Randomness.</b> inner draws first, then outer, from the same stream.
 *
 * <p><b>Class</b> (see docs/compression.md): if either operator is lossless, the class of the other; if both are
 * unbiased with omega1, omega2, unbiased with omega = (omega1 + 1)(omega2 + 1) - 1 (independent randomness:
 * E||o(i(x))||^2 &le; (omega_o + 1) E||i(x)||^2 &le; (omega_o + 1)(omega_i + 1)||x||^2); in every other case
 * {@link CompressionClass.Kind#BIASED} (no general guarantee).
 *
 * <p><b>Bits</b> (convention): the bits the <em>outer</em> operator reports for encoding inner's decoded output,
 * which is what crosses the wire. This is exact when the outer encoding is self-contained (e.g. Rand-K after QSGD:
 * the k quantised values as floats plus the seed) and an upper bound when the outer encoding could exploit inner's
 * sparsity (e.g. QSGD after Rand-K counts sign and level bits for all d coordinates, including the zeros).
 *
 * <p>Thread-safe if both operators are: the intermediate vector is a per-thread, per-instance buffer allocated
 * once per thread (and again only when the dimension or precision changes).
 */
public final class ComposedCompressor implements Compressor {
    private final Compressor outer;
    private final Compressor inner;
    private final ThreadLocal<INDArray[]> buffers = ThreadLocal.withInitial(() -> new INDArray[2]);

    /** outer after inner. */
    public ComposedCompressor(Compressor outer, Compressor inner) {
        if (outer == null || inner == null) {
            throw new IllegalArgumentException("outer and inner must not be null");
        }
        this.outer = outer;
        this.inner = inner;
    }

    /** The operator applied second. */
    public Compressor outer() {
        return outer;
    }

    /** The operator applied first. */
    public Compressor inner() {
        return inner;
    }

    @Override
    public String name() {
        return "compose(" + outer.name() + "," + inner.name() + ")";
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        CompressionClass o = outer.compressionClass(dimension);
        CompressionClass i = inner.compressionClass(dimension);
        if (o.kind() == CompressionClass.Kind.LOSSLESS) {
            return i;
        }
        if (i.kind() == CompressionClass.Kind.LOSSLESS) {
            return o;
        }
        if (o.kind() == CompressionClass.Kind.UNBIASED && i.kind() == CompressionClass.Kind.UNBIASED) {
            return CompressionClass.unbiased((o.parameter() + 1) * (i.parameter() + 1) - 1);
        }
        return CompressionClass.biased();
    }

    @Override
    public long compress(INDArray x, INDArray out, RandomStream rng) {
        Vectors.check(x, out);
        INDArray mid = intermediate(x.dataType(), x.length());
        inner.compress(x, mid, rng);
        return outer.compress(mid, out, rng);
    }

    private INDArray intermediate(DataType type, long n) {
        INDArray[] b = buffers.get();
        int slot = type == DataType.DOUBLE ? 1 : 0;
        INDArray a = b[slot];
        if (a == null || a.length() != n) {
            a = Nd4j.createUninitialized(type, n);
            b[slot] = a;
        }
        return a;
    }

    @Override
    public String toString() {
        return name();
    }
}
