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
 * Scaled sign compression (Karimireddy, Rebjock, Stich, Jaggi, "Error Feedback Fixes SignSGD and other Gradient
 * Compression Schemes", ICML 2019): C(x) = (||x||_1 / d) sign(x).
 *
 * <p><b>Definition.</b> sign(x_j) = +1 for x_j &ge; 0 (zero included, so each sign is one bit) and -1 for x_j &lt; 0.
 * Since \(\sum_j \operatorname{sign}(x_j) x_j = \lVert x \rVert_1\) and \(\lVert \operatorname{sign}(x) \rVert^2 = d\)
 * whatever the convention at zero, \(\lVert \mathcal{C}(x) - x \rVert^2 = \lVert x \rVert^2 - \lVert x \rVert_1^2 / d\)
 * exactly. Deterministic: draws nothing.
 *
 * <p><b>Class.</b> Contractive with the data-dependent
 * \(\alpha(x) = \lVert x \rVert_1^2 / (d \lVert x \rVert_2^2) \ge 1/d\); the declared worst case is \(\alpha = 1/d\) (Karimireddy et al., Lemma 3).
 *
 * <p><b>Bits:</b> {@code d + b}: d sign bits and the scale ||x||_1/d as one value of the vector's precision (b = 32
 * for float32, 64 for float64).
 *
 * <p>Immutable and thread-safe; no allocation.
 */
public final class ScaledSignCompressor implements Compressor {
    /** The shared instance. */
    public static final ScaledSignCompressor INSTANCE = new ScaledSignCompressor();

    private ScaledSignCompressor() {
    }

    @Override
    public String name() {
        return "scaled-sign";
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        return CompressionClass.contractive(1.0 / Vectors.checkDimension(dimension));
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
            double l1 = 0;
            for (int base = 0; base < d; base += Scratch.CHUNK) {
                int len = Math.min(Scratch.CHUNK, d - base);
                xb.get(xo + base, buf, 0, len);
                for (int j = 0; j < len; j++) {
                    l1 += Math.abs(buf[j]); // in index order: the same sum as an element-by-element loop
                }
            }
            double c = l1 / d;
            long cb = Double.doubleToRawLongBits(c);
            for (int base = 0; base < d; base += Scratch.CHUNK) {
                int len = Math.min(Scratch.CHUNK, d - base);
                xb.get(xo + base, buf, 0, len);
                for (int j = 0; j < len; j++) {
                    buf[j] = Double.longBitsToDouble(cb ^ SignCompressor.negative(buf[j]) << 63); // -c or c
                }
                ob.put(oo + base, buf, 0, len);
            }
        } else {
            FloatBuffer xb = Tensors.floatView(x);
            FloatBuffer ob = Tensors.floatView(out);
            float[] buf = Scratch.chunks().f;
            double l1 = 0;
            for (int base = 0; base < d; base += Scratch.CHUNK) {
                int len = Math.min(Scratch.CHUNK, d - base);
                xb.get(xo + base, buf, 0, len);
                for (int j = 0; j < len; j++) {
                    l1 += Math.abs(buf[j]); // in index order: the same sum as an element-by-element loop
                }
            }
            float c = (float) (l1 / d);
            int cb = Float.floatToRawIntBits(c);
            for (int base = 0; base < d; base += Scratch.CHUNK) {
                int len = Math.min(Scratch.CHUNK, d - base);
                xb.get(xo + base, buf, 0, len);
                for (int j = 0; j < len; j++) {
                    buf[j] = Float.intBitsToFloat(cb ^ SignCompressor.negative(buf[j]) << 31); // -c or c
                }
                ob.put(oo + base, buf, 0, len);
            }
        }
        return d + (long) Vectors.valueBits(x);
    }

    @Override
    public String toString() {
        return name();
    }
}
