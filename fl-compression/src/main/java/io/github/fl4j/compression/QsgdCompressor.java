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
 * QSGD, random dithering with s levels (Alistarh, Grubic, Li, Tomioka, Vojnovic, "QSGD: Communication-Efficient SGD
 * via Gradient Quantization and Encoding", NeurIPS 2017).
 *
 * <p><b>Definition.</b> \(\mathcal{C}(x)_j = \lVert x \rVert_2 \operatorname{sign}(x_j)\, \xi_j / s\), where with
 * \(r = s |x_j| / \lVert x \rVert_2\) and \(l = \lfloor r \rfloor\), \(\xi_j = l + 1\) with probability \(r - l\)
 * and \(l\) otherwise (one uniform draw per coordinate, in index order, whatever x_j).
 * C(0) = 0. Computed in double, rounded once to the vector's precision.
 *
 * <p><b>Class.</b> Unbiased with \(\omega = \min(d/s^2, \sqrt{d}/s)\) (Alistarh et al., Lemma 3.1).
 *
 * <p><b>Bits</b> (naive fixed-length encoding): {@code b + d (1 + ceil(log2(s + 1)))}: the norm as one value of the
 * vector's precision (b = 32 for float32, 64 for float64), and per coordinate one sign bit plus the level
 * xi_j in {0..s} in ceil(log2(s+1)) bits. The Elias coding of the paper is shorter; the flpytorch code counts
 * {@code 32 + d (1 + ceil(log2 s))}, which cannot represent level s.
 *
 * <p>Immutable and thread-safe; no allocation.
 */
public final class QsgdCompressor implements Compressor {
    private final int s;

    /** QSGD with {@code s >= 1} levels. */
    public QsgdCompressor(int s) {
        if (s < 1) {
            throw new IllegalArgumentException("levels s must be >= 1, was " + s);
        }
        this.s = s;
    }

    /** The number of levels s. */
    public int levels() {
        return s;
    }

    /** The bits of the encoding: {@code valueBits + d (1 + ceil(log2(s + 1)))}. */
    public long bits(long dimension, int valueBits) {
        return valueBits + dimension * (1 + Vectors.indexBits(s + 1L));
    }

    @Override
    public String name() {
        return "qsgd(s=" + s + ")";
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        int d = Vectors.checkDimension(dimension);
        return CompressionClass.unbiased(Math.min((double) d / ((double) s * s), Math.sqrt(d) / s));
    }

    @Override
    public long compress(INDArray x, INDArray out, RandomStream rng) {
        int d = Vectors.check(x, out);
        int xo = (int) x.offset();
        int oo = (int) out.offset();
        if (x.dataType() == DataType.DOUBLE) {
            DoubleBuffer xb = Tensors.doubleView(x);
            DoubleBuffer ob = Tensors.doubleView(out);
            double[] buf = Scratch.chunks().d;
            double[] uniforms = Scratch.chunks().d2;
            double sq = 0;
            for (int base = 0; base < d; base += Scratch.CHUNK) {
                int len = Math.min(Scratch.CHUNK, d - base);
                xb.get(xo + base, buf, 0, len);
                for (int j = 0; j < len; j++) {
                    double v = buf[j];
                    sq += v * v; // in index order: the same sum as an element-by-element loop
                }
            }
            double norm = Math.sqrt(sq);
            double scale = s / norm;
            double step = norm / s;
            for (int base = 0; base < d; base += Scratch.CHUNK) {
                int len = Math.min(Scratch.CHUNK, d - base);
                xb.get(xo + base, buf, 0, len);
                rng.nextDoubles(uniforms, 0, len); // the same draws as one nextDouble() per element
                for (int j = 0; j < len; j++) {
                    double v = buf[j];
                    double u = uniforms[j];
                    buf[j] = norm > 0 ? Math.copySign(level(Math.abs(v) * scale, u) * step, v) : 0.0;
                }
                ob.put(oo + base, buf, 0, len);
            }
        } else {
            FloatBuffer xb = Tensors.floatView(x);
            FloatBuffer ob = Tensors.floatView(out);
            float[] buf = Scratch.chunks().f;
            double[] uniforms = Scratch.chunks().d2;
            double sq = 0;
            for (int base = 0; base < d; base += Scratch.CHUNK) {
                int len = Math.min(Scratch.CHUNK, d - base);
                xb.get(xo + base, buf, 0, len);
                for (int j = 0; j < len; j++) {
                    double v = buf[j];
                    sq += v * v; // in index order: the same sum as an element-by-element loop
                }
            }
            double norm = Math.sqrt(sq);
            double scale = s / norm;
            double step = norm / s;
            for (int base = 0; base < d; base += Scratch.CHUNK) {
                int len = Math.min(Scratch.CHUNK, d - base);
                xb.get(xo + base, buf, 0, len);
                rng.nextDoubles(uniforms, 0, len); // the same draws as one nextDouble() per element
                for (int j = 0; j < len; j++) {
                    float v = buf[j];
                    double u = uniforms[j];
                    buf[j] = norm > 0 ? (float) Math.copySign(level(Math.abs(v) * scale, u) * step, v) : 0f;
                }
                ob.put(oo + base, buf, 0, len);
            }
        }
        return bits(d, Vectors.valueBits(x));
    }

    /** The stochastic level xi in {0..s} for r = s|x_j|/||x|| and a uniform u in [0, 1). */
    private int level(double r, double u) {
        int l = (int) r;
        if (l >= s) {
            return s; // r can exceed s by rounding only
        }
        return l + NaturalCompressor.below(u, r - l); // u < r - l, without a branch
    }

    @Override
    public String toString() {
        return name();
    }
}
