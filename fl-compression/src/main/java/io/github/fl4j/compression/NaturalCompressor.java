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
 * Natural compression (Horvath, Ho, Horvath, Sahu, Canini, Richtarik, "Natural Compression for Distributed Deep
 * Learning", 2019): unbiased stochastic rounding of every coordinate to a signed power of two.
 *
 * <p><b>Definition.</b> For \(x_j \ne 0\) with \(2^a \le |x_j| &lt; 2^{a+1}\):
 * \(\mathcal{C}(x)_j = \operatorname{sign}(x_j)\, 2^a\) with probability \((2^{a+1} - |x_j|) / 2^a\), else
 * \(\operatorname{sign}(x_j)\, 2^{a+1}\). Zeros stay zero; powers of two are kept exactly. One uniform draw
 * per coordinate, in index order, zeros included (so the draw for coordinate j does not depend on x). Computed in
 * the vector's precision, exactly (both candidates are powers of two; the probability is exact in double).
 *
 * <p><b>Class.</b> Unbiased with \(\omega = 1/8\) (Horvath et al., Theorem 1), for every d.
 *
 * <p><b>Bits:</b> {@code 9 d} for float32 vectors: per coordinate one sign bit and the 8-bit binary32 exponent field
 * (the mantissa of a power of two is zero; exponent code 0 encodes zero). For float64 vectors the binary64 exponent
 * field has 11 bits, so {@code 12 d}. Subnormal inputs round to subnormal powers of two, which this 9-bit (12-bit)
 * code does not represent exactly; they do not occur in practice and the count ignores them.
 *
 * <p>Immutable and thread-safe; no allocation.
 */
public final class NaturalCompressor implements Compressor {
    /** The shared instance. */
    public static final NaturalCompressor INSTANCE = new NaturalCompressor();

    private NaturalCompressor() {
    }

    /** Bits of the encoding: {@code 9 d} (float32) or {@code 12 d} (float64). */
    public long bits(long dimension, int valueBits) {
        return dimension * (valueBits == 64 ? 12 : 9);
    }

    @Override
    public String name() {
        return "natural";
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        Vectors.checkDimension(dimension);
        return CompressionClass.unbiased(1.0 / 8.0);
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
            for (int base = 0; base < d; base += Scratch.CHUNK) {
                int len = Math.min(Scratch.CHUNK, d - base);
                xb.get(xo + base, buf, 0, len);
                rng.nextDoubles(uniforms, 0, len); // the same draws as one nextDouble() per element
                for (int j = 0; j < len; j++) {
                    buf[j] = round(buf[j], uniforms[j]);
                }
                ob.put(oo + base, buf, 0, len);
            }
        } else {
            FloatBuffer xb = Tensors.floatView(x);
            FloatBuffer ob = Tensors.floatView(out);
            float[] buf = Scratch.chunks().f;
            double[] uniforms = Scratch.chunks().d2;
            for (int base = 0; base < d; base += Scratch.CHUNK) {
                int len = Math.min(Scratch.CHUNK, d - base);
                xb.get(xo + base, buf, 0, len);
                rng.nextDoubles(uniforms, 0, len); // the same draws as one nextDouble() per element
                for (int j = 0; j < len; j++) {
                    buf[j] = round(buf[j], uniforms[j]);
                }
                ob.put(oo + base, buf, 0, len);
            }
        }
        return bits(d, Vectors.valueBits(x));
    }

    /** Stochastic rounding of v to a power of two, given a uniform u in [0, 1). Package visible for tests. */
    static double round(double v, double u) {
        double a = Math.abs(v);
        if (a == 0 || !Double.isFinite(a)) {
            return v;
        }
        // The largest power of two <= a (also for subnormals: their bit pattern is linear in the value).
        long bits = Double.doubleToRawLongBits(a);
        long exponent = bits & 0x7FF0000000000000L;
        double low = Double.longBitsToDouble(exponent != 0 ? exponent : Long.highestOneBit(bits));
        double pUp = (a - low) / low;
        return Math.copySign(low * (1 + below(u, pUp)), v);
    }

    /** {@link #round(double, double)} for floats. */
    static float round(float v, double u) {
        float a = Math.abs(v);
        if (a == 0 || !Float.isFinite(a)) {
            return v;
        }
        int bits = Float.floatToRawIntBits(a);
        float low = (bits & 0x7F800000) != 0 ? Float.intBitsToFloat(bits & 0x7F800000)
                : Float.intBitsToFloat(Integer.highestOneBit(bits));
        double pUp = ((double) a - low) / low;
        return Math.copySign(low * (1 + below(u, pUp)), v);
    }

    /**
     * 1 if {@code u < p}, else 0, for finite u and p, without a branch (a coin flip mispredicts half the time): the
     * sign of the rounded difference u - p is that of the exact one, and u - p = +0 when u = p.
     */
    static int below(double u, double p) {
        return (int) (Double.doubleToRawLongBits(u - p) >>> 63);
    }

    @Override
    public String toString() {
        return name();
    }
}
