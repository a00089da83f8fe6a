package io.github.fl4j.compression;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bernoulli ("lazy") compression: with probability p send the whole vector scaled by 1/p, otherwise send nothing.
 *
 * <p><b>Definition.</b> \(\mathcal{C}(x) = x/p\) with probability p, else 0 (one draw {@code rng.nextBoolean(p)} per call).
 *
 * <p><b>Class.</b> Unbiased with \(\omega = 1/p - 1\) (\(\mathbb{E} \lVert \mathcal{C}(x) \rVert^2 = \lVert x \rVert^2 / p\)),
 * independent of d. Source: the lazy
 * aggregation / random-skip operator of e.g. Mishchenko et al. "ProxSkip" and Condat et al.
 *
 * <p><b>Bits:</b> {@code b d + 1} when sent (dense values, b = 32 for float32 or 64 for float64, plus a 1-bit "sent"
 * flag), {@code 1} when not sent (the flag alone, so that the receiver can tell "nothing" from a lost message).
 * Expected bits p b d + 1.
 *
 * <p>Immutable and thread-safe.
 */
public final class BernoulliCompressor implements Compressor {
    private final double p;

    /** Lazy compression with send probability p in (0, 1]. */
    public BernoulliCompressor(double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in (0, 1], was " + p);
        }
        this.p = p;
    }

    /** The send probability. */
    public double p() {
        return p;
    }

    @Override
    public String name() {
        return "bernoulli(" + Vectors.fmt(p) + ")";
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        Vectors.checkDimension(dimension);
        return CompressionClass.unbiased(1.0 / p - 1.0);
    }

    @Override
    public long compress(INDArray x, INDArray out, RandomStream rng) {
        int d = Vectors.check(x, out);
        boolean sent = rng.nextBoolean(p);
        double c = sent ? 1.0 / p : 0.0;
        int xo = (int) x.offset();
        int oo = (int) out.offset();
        if (x.dataType() == DataType.DOUBLE) {
            DoubleBuffer xb = Tensors.doubleView(x);
            DoubleBuffer ob = Tensors.doubleView(out);
            if (!sent) {
                Vectors.fillZero(ob, oo, d);
            } else {
                double[] buf = Scratch.chunks().d;
                for (int base = 0; base < d; base += Scratch.CHUNK) {
                    int len = Math.min(Scratch.CHUNK, d - base);
                    xb.get(xo + base, buf, 0, len);
                    for (int j = 0; j < len; j++) {
                        buf[j] = c * buf[j];
                    }
                    ob.put(oo + base, buf, 0, len);
                }
            }
        } else {
            FloatBuffer xb = Tensors.floatView(x);
            FloatBuffer ob = Tensors.floatView(out);
            float cf = (float) c;
            if (!sent) {
                Vectors.fillZero(ob, oo, d);
            } else {
                float[] buf = Scratch.chunks().f;
                for (int base = 0; base < d; base += Scratch.CHUNK) {
                    int len = Math.min(Scratch.CHUNK, d - base);
                    xb.get(xo + base, buf, 0, len);
                    for (int j = 0; j < len; j++) {
                        buf[j] = cf * buf[j];
                    }
                    ob.put(oo + base, buf, 0, len);
                }
            }
        }
        return sent ? (long) Vectors.valueBits(x) * d + 1 : 1;
    }

    @Override
    public String toString() {
        return name();
    }
}
