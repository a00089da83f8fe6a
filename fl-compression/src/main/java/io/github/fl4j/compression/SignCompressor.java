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
 * Unscaled sign compression, signSGD's operator (Bernstein, Wang, Azizzadenesheli, Anandkumar, "signSGD: Compressed
 * Optimisation for Non-Convex Problems", ICML 2018): C(x) = sign(x), with sign(x_j) = +1 for x_j >= 0 and -1 for
 * x_j &lt; 0.
 *
 * <p><b>Class.</b> {@link CompressionClass.Kind#BIASED}: neither unbiased nor contractive in general (||sign(x) - x||
 * can exceed ||x|| by any factor when ||x|| is small), so it is not covered by EF/DIANA theory;
 * algorithms that need a guarantee reject it.
 *
 * <p><b>Bits:</b> {@code d} (one sign bit per coordinate). Deterministic; immutable and thread-safe.
 */
public final class SignCompressor implements Compressor {
    /** The shared instance. */
    public static final SignCompressor INSTANCE = new SignCompressor();

    private SignCompressor() {
    }

    @Override
    public String name() {
        return "sign";
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        Vectors.checkDimension(dimension);
        return CompressionClass.biased();
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
            for (int base = 0; base < d; base += Scratch.CHUNK) {
                int len = Math.min(Scratch.CHUNK, d - base);
                xb.get(xo + base, buf, 0, len);
                for (int j = 0; j < len; j++) {
                    buf[j] = Double.longBitsToDouble(ONE_D | negative(buf[j]) << 63);
                }
                ob.put(oo + base, buf, 0, len);
            }
        } else {
            FloatBuffer xb = Tensors.floatView(x);
            FloatBuffer ob = Tensors.floatView(out);
            float[] buf = Scratch.chunks().f;
            for (int base = 0; base < d; base += Scratch.CHUNK) {
                int len = Math.min(Scratch.CHUNK, d - base);
                xb.get(xo + base, buf, 0, len);
                for (int j = 0; j < len; j++) {
                    buf[j] = Float.intBitsToFloat(ONE_F | negative(buf[j]) << 31);
                }
                ob.put(oo + base, buf, 0, len);
            }
        }
        return d;
    }

    private static final int ONE_F = Float.floatToRawIntBits(1f);
    private static final long ONE_D = Double.doubleToRawLongBits(1.0);

    /**
     * 1 if {@code v < 0}, else 0 (also for -0 and NaN), without a branch: v < 0 exactly when its bits, as a signed
     * int, lie in [MIN_VALUE + 1, bits of -infinity]. A data-dependent branch mispredicts on random signs.
     */
    static int negative(float v) {
        int t = Float.floatToRawIntBits(v) - (Integer.MIN_VALUE + 1);
        return ((t - 0x7F800000) >>> 31) & (~t >>> 31);
    }

    /** {@link #negative(float)} for doubles. */
    static long negative(double v) {
        long t = Double.doubleToRawLongBits(v) - (Long.MIN_VALUE + 1);
        return ((t - 0x7FF0000000000000L) >>> 63) & (~t >>> 63);
    }

    @Override
    public String toString() {
        return name();
    }
}
