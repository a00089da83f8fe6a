package io.github.fl4j.core.data;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Class labels of classification datasets as plain {@code int} arrays, for partitioners and reports.
 *
 * <p>A classification {@link Dataset} stores its labels as a [m, 1] column of class indices 0..k-1 in the dataset's
 * floating-point type; {@link #classIndices} reads that column straight from the backing buffer (no ND4J op) and
 * checks that every value is an exact non-negative integer. Stateless and thread-safe.
 */
public final class Labels {
    private Labels() {
    }

    /**
     * The class index of every row of {@code d}, in row order.
     *
     * @param d a dataset whose labels are class indices (exact integers {@code >= 0} stored as floats)
     * @return an array of length {@code d.size()}
     * @throws IllegalArgumentException if {@code d} is null, or a label is not an integer {@code >= 0} (the message
     *                                  names the row and the value)
     */
    public static int[] classIndices(Dataset d) {
        if (d == null) {
            throw new IllegalArgumentException("dataset must not be null");
        }
        INDArray y = d.labels();
        int m = d.size();
        int[] out = new int[m];
        if (m == 0) {
            return out;
        }
        long offset = y.offset();
        long stride = y.stride(0);
        if (y.dataType() == DataType.DOUBLE) {
            DoubleBuffer b = y.data().asNioDouble();
            for (int r = 0; r < m; r++) {
                out[r] = toClass(b.get((int) (offset + r * stride)), r);
            }
        } else {
            FloatBuffer b = y.data().asNioFloat();
            for (int r = 0; r < m; r++) {
                out[r] = toClass(b.get((int) (offset + r * stride)), r);
            }
        }
        return out;
    }

    /**
     * The number of classes implied by {@code labels}: the largest label plus one (0 for an empty array).
     *
     * @throws IllegalArgumentException if {@code labels} is null or holds a negative value
     */
    public static int classCount(int[] labels) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        int max = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("labels[" + i + "] must be >= 0, was " + labels[i]);
            }
            max = Math.max(max, labels[i]);
        }
        return max + 1;
    }

    /**
     * The number of samples of each class.
     *
     * @param labels  class indices
     * @param classes k; every label must be in [0, k)
     * @return an array of length k
     * @throws IllegalArgumentException if a label is outside [0, classes) (naming its position and value) or
     *                                  {@code classes < 1}
     */
    public static int[] histogram(int[] labels, int classes) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, was " + classes);
        }
        int[] h = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("labels[" + i + "] must be in [0, " + classes + "), was " + c);
            }
            h[c]++;
        }
        return h;
    }

    private static int toClass(double v, int row) {
        if (!(v >= 0) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("label of row " + row + " must be a class index (an integer >= 0), was "
                    + v);
        }
        return (int) v;
    }
}
