package io.github.fl4j.compression;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Argument checks and small helpers shared by the operators of this package (package-private).
 *
 * <p>All operators read and write the backing NIO buffers of contiguous float32/float64 vectors, indexed from
 * {@code offset()}.
 */
final class Vectors {
    /** A chunk of float zeros (never written). */
    private static final float[] ZERO_FLOATS = new float[Scratch.CHUNK];
    /** A chunk of double zeros (never written). */
    private static final double[] ZERO_DOUBLES = new double[Scratch.CHUNK];

    private Vectors() {
    }

    /** Sets {@code b[off .. off + n)} to +0 by bulk puts of a zero chunk. */
    static void fillZero(FloatBuffer b, int off, int n) {
        for (int base = 0; base < n; base += Scratch.CHUNK) {
            b.put(off + base, ZERO_FLOATS, 0, Math.min(Scratch.CHUNK, n - base));
        }
    }

    /** Sets {@code b[off .. off + n)} to +0 by bulk puts of a zero chunk. */
    static void fillZero(DoubleBuffer b, int off, int n) {
        for (int base = 0; base < n; base += Scratch.CHUNK) {
            b.put(off + base, ZERO_DOUBLES, 0, Math.min(Scratch.CHUNK, n - base));
        }
    }

    /**
     * Checks that {@code x} and {@code out} are contiguous float32/float64 vectors of the same length and type, and
     * returns the length d.
     *
     * @throws IllegalArgumentException naming the bad argument
     */
    static int check(INDArray x, INDArray out) {
        if (x == null || out == null) {
            throw new IllegalArgumentException("x and out must not be null");
        }
        DataType t = x.dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            throw new IllegalArgumentException("x must be FLOAT or DOUBLE, was " + t);
        }
        if (out.dataType() != t) {
            throw new IllegalArgumentException("out must have the type of x (" + t + "), was " + out.dataType());
        }
        if (out.length() != x.length()) {
            throw new IllegalArgumentException("out must have the length of x (" + x.length() + "), was "
                    + out.length());
        }
        if (x.length() < 1 || x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("vector length must be in [1, " + Integer.MAX_VALUE + "], was "
                    + x.length());
        }
        requireContiguous(x, "x");
        requireContiguous(out, "out");
        return (int) x.length();
    }

    private static void requireContiguous(INDArray a, String what) {
        // A 1-D view of consecutive elements reports ordering 'f' in ND4J M2.1; what matters is unit stride.
        boolean contiguous = a.rank() <= 1 ? a.length() <= 1 || a.stride(0) == 1
                : a.ordering() == 'c' && a.elementWiseStride() == 1;
        if (!contiguous) {
            throw new IllegalArgumentException(what + " must be contiguous, was a strided view of shape "
                    + java.util.Arrays.toString(a.shape()));
        }
    }

    /** Checks a dimension argument of {@code compressionClass}. */
    static int checkDimension(long d) {
        if (d < 1 || d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dimension must be in [1, " + Integer.MAX_VALUE + "], was " + d);
        }
        return (int) d;
    }

    /** Bits of one value of the vector's precision: 32 for float32, 64 for float64. */
    static int valueBits(INDArray x) {
        return x.dataType() == DataType.DOUBLE ? 64 : 32;
    }

    /** ceil(log2 d) for d >= 1 (0 for d = 1): the bits of one index into a vector of length d. */
    static int indexBits(long d) {
        return d <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(d - 1);
    }

    /** k for a fraction of d: max(1, round(fraction * d)), at most d. */
    static int kOf(double fraction, int d) {
        long k = Math.round(fraction * d);
        return (int) Math.max(1, Math.min(d, k));
    }

    /** Validates a fraction in (0, 1]. */
    static double checkFraction(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], was " + fraction);
        }
        return fraction;
    }

    /** Validates k >= 1. */
    static int checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, was " + k);
        }
        return k;
    }

    /** Formats a fraction for names: 0.01 -> "0.01". */
    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
