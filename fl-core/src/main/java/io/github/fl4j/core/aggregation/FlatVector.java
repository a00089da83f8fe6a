package io.github.fl4j.core.aggregation;

import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Plain-loop access to the values of one flat float32 or float64 vector through its backing NIO buffer
 * ({@link Tensors#floatView}/{@link Tensors#doubleView}, cached per thread), for the robust aggregators that work
 * coordinate by coordinate or need distances in double precision. Reads and writes go through absolute get/put only.
 * A vector whose elements are not consecutive falls back to element access (slow, but correct). One instance serves
 * one call on one thread.
 */
final class FlatVector {
    /** Coordinates processed per block by the blocked loops (a block of n rows stays in cache). */
    static final int BLOCK = 512;

    private final INDArray array;
    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private final int offset;
    private final int length;

    FlatVector(INDArray a) {
        if (a.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("vector length must be at most " + Integer.MAX_VALUE + ", was "
                    + a.length());
        }
        this.array = a;
        this.length = (int) a.length();
        boolean consecutive = a.rank() <= 1 ? a.length() <= 1 || a.stride(0) == 1
                : a.ordering() == 'c' && a.elementWiseStride() == 1;
        if (!consecutive) {
            floats = null;
            doubles = null;
        } else if (a.dataType() == DataType.FLOAT) {
            floats = Tensors.floatView(a);
            doubles = null;
        } else if (a.dataType() == DataType.DOUBLE) {
            floats = null;
            doubles = Tensors.doubleView(a);
        } else {
            throw new IllegalArgumentException("vector must be FLOAT or DOUBLE, was " + a.dataType());
        }
        this.offset = (int) a.offset();
    }

    /** The vectors of {@code slot} of the uploads, checked against the output's length. */
    static FlatVector[] of(List<Upload> uploads, int slot, INDArray out) {
        if (uploads.isEmpty()) {
            throw new IllegalArgumentException("uploads must not be empty");
        }
        FlatVector[] v = new FlatVector[uploads.size()];
        for (int i = 0; i < v.length; i++) {
            INDArray x = uploads.get(i).vector(slot);
            if (x.length() != out.length()) {
                throw new IllegalArgumentException("upload of client " + uploads.get(i).clientId() + ", slot " + slot
                        + " must have the output's length " + out.length() + ", was " + x.length());
            }
            v[i] = new FlatVector(x);
        }
        return v;
    }

    /** Number of elements. */
    int length() {
        return length;
    }

    /** Element j. */
    double get(int j) {
        if (floats != null) {
            return floats.get(offset + j);
        }
        if (doubles != null) {
            return doubles.get(offset + j);
        }
        return array.getDouble(j);
    }

    /** Copies elements [from, from + len) into {@code dst[dstOff ..]}. */
    void read(int from, int len, double[] dst, int dstOff) {
        if (floats != null) {
            int base = offset + from;
            for (int k = 0; k < len; k++) {
                dst[dstOff + k] = floats.get(base + k);
            }
        } else if (doubles != null) {
            int base = offset + from;
            for (int k = 0; k < len; k++) {
                dst[dstOff + k] = doubles.get(base + k);
            }
        } else {
            for (int k = 0; k < len; k++) {
                dst[dstOff + k] = array.getDouble(from + k);
            }
        }
    }

    /** Writes {@code src[srcOff ..]} into elements [from, from + len), rounding to float32 when the vector is. */
    void write(double[] src, int srcOff, int from, int len) {
        if (floats != null) {
            int base = offset + from;
            for (int k = 0; k < len; k++) {
                floats.put(base + k, (float) src[srcOff + k]);
            }
        } else if (doubles != null) {
            int base = offset + from;
            for (int k = 0; k < len; k++) {
                doubles.put(base + k, src[srcOff + k]);
            }
        } else {
            for (int k = 0; k < len; k++) {
                array.putScalar(from + k, src[srcOff + k]);
            }
        }
    }

    /** Writes a whole double[] of this vector's length. */
    void writeAll(double[] src) {
        write(src, 0, 0, length);
    }

    /**
     * Squared Euclidean distance to {@code v} (a double array of this length), summed in double in index order.
     *
     * @param scratch a buffer of at least {@link #BLOCK} doubles
     */
    double squaredDistanceTo(double[] v, double[] scratch) {
        double s = 0;
        for (int from = 0; from < length; from += BLOCK) {
            int len = Math.min(BLOCK, length - from);
            read(from, len, scratch, 0);
            for (int k = 0; k < len; k++) {
                double e = scratch[k] - v[from + k];
                s += e * e;
            }
        }
        return s;
    }

    /**
     * Squared Euclidean distance to another vector of this length, summed in double in index order.
     *
     * @param a a buffer of at least {@link #BLOCK} doubles
     * @param b another such buffer
     */
    double squaredDistanceTo(FlatVector other, double[] a, double[] b) {
        double s = 0;
        for (int from = 0; from < length; from += BLOCK) {
            int len = Math.min(BLOCK, length - from);
            read(from, len, a, 0);
            other.read(from, len, b, 0);
            for (int k = 0; k < len; k++) {
                double e = a[k] - b[k];
                s += e * e;
            }
        }
        return s;
    }

    /** {@code acc[j] += w * this[j]} for every j. */
    void addScaledTo(double w, double[] acc, double[] scratch) {
        for (int from = 0; from < length; from += BLOCK) {
            int len = Math.min(BLOCK, length - from);
            read(from, len, scratch, 0);
            for (int k = 0; k < len; k++) {
                acc[from + k] += w * scratch[k];
            }
        }
    }
}
