package io.github.fl4j.core.data;

import io.github.fl4j.core.tensor.Precision;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable sparse matrix in compressed sparse row (CSR) form, float32 or float64, held in Java arrays: row i has
 * the entries {@code values[k]} in columns {@code columns[k]} for {@code k} in {@code [rowPointers[i],
 * rowPointers[i+1])}, columns strictly increasing within a row (so no entry is stored twice). Absent entries are 0.
 *
 * <p>Memory: {@code 4 (m + 1) + (4 + b) nnz} bytes for b-byte values, against {@code b m p} dense: a9a (32,561 x 123,
 * 11.3% non-zero) is 5.4 MB in float64 CSR and 32 MB dense. It is the feature store of a sparse {@link Dataset}; the
 * datasets of clients and minibatches are row ranges or index lists into one shared matrix, never copies.
 *
 * <p>The arrays are exposed for the models' kernels ({@link #rowPointers()}, {@link #columns()},
 * {@link #doubleValues()} / {@link #floatValues()}) without copying: callers must not modify them.
 */
public final class CsrMatrix {
    private final int rows;
    private final int cols;
    private final int[] rowPointers;
    private final int[] columns;
    private final double[] doubles;
    private final float[] floats;
    private final boolean unitValues;

    private CsrMatrix(int rows, int cols, int[] rowPointers, int[] columns, double[] doubles, float[] floats) {
        this.rows = rows;
        this.cols = cols;
        this.rowPointers = rowPointers;
        this.columns = columns;
        this.doubles = doubles;
        this.floats = floats;
        this.unitValues = allOnes(doubles, floats);
    }

    private static boolean allOnes(double[] doubles, float[] floats) {
        if (doubles != null) {
            for (double v : doubles) {
                if (v != 1.0) {
                    return false;
                }
            }
            return true;
        }
        for (float v : floats) {
            if (v != 1.0f) {
                return false;
            }
        }
        return true;
    }

    /**
     * A float64 matrix from its CSR arrays, used as given (not copied; the caller must not modify them afterwards).
     *
     * @param rows        m, {@code >= 0}
     * @param cols        p, {@code >= 1}
     * @param rowPointers m + 1 non-decreasing offsets from 0 to nnz
     * @param columns     nnz column indices in [0, p), strictly increasing within each row
     * @param values      nnz finite values
     * @throws IllegalArgumentException naming the row, entry and value at fault
     */
    public static CsrMatrix ofDoubles(int rows, int cols, int[] rowPointers, int[] columns, double[] values) {
        check(rows, cols, rowPointers, columns, values == null ? -1 : values.length);
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                throw new IllegalArgumentException("value of entry " + k + " (row " + rowOf(rowPointers, k)
                        + ", column " + columns[k] + ") must be finite, was " + values[k]);
            }
        }
        return new CsrMatrix(rows, cols, rowPointers, columns, values, null);
    }

    /** A float32 matrix from its CSR arrays, as {@link #ofDoubles}. */
    public static CsrMatrix ofFloats(int rows, int cols, int[] rowPointers, int[] columns, float[] values) {
        check(rows, cols, rowPointers, columns, values == null ? -1 : values.length);
        for (int k = 0; k < values.length; k++) {
            if (!Float.isFinite(values[k])) {
                throw new IllegalArgumentException("value of entry " + k + " (row " + rowOf(rowPointers, k)
                        + ", column " + columns[k] + ") must be finite, was " + values[k]);
            }
        }
        return new CsrMatrix(rows, cols, rowPointers, columns, null, values);
    }

    /**
     * The CSR form of a dense [m, p] matrix (float32 or float64): every entry that is not 0 (or -0) is kept.
     */
    public static CsrMatrix fromDense(INDArray dense) {
        if (dense == null || dense.rank() != 2) {
            throw new IllegalArgumentException("dense must be a matrix [m, p], was "
                    + (dense == null ? "null" : Arrays.toString(dense.shape())));
        }
        Precision precision = Precision.of(dense.dataType());
        int m = (int) dense.rows();
        int p = (int) dense.columns();
        double[] v = dense.dup('c').data().asDouble();
        int nnz = 0;
        for (double e : v) {
            if (e != 0.0) {
                nnz++;
            }
        }
        int[] ptr = new int[m + 1];
        int[] col = new int[nnz];
        double[] val = new double[nnz];
        int k = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                double e = v[i * p + j];
                if (e != 0.0) {
                    col[k] = j;
                    val[k++] = e;
                }
            }
            ptr[i + 1] = k;
        }
        CsrMatrix d = ofDoubles(m, p, ptr, col, val);
        return precision == Precision.FLOAT64 ? d : d.as(Precision.FLOAT32);
    }

    private static void check(int rows, int cols, int[] rowPointers, int[] columns, int values) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, was " + rows);
        }
        if (cols < 1) {
            throw new IllegalArgumentException("cols must be >= 1, was " + cols);
        }
        if (rowPointers == null || columns == null || values < 0) {
            throw new IllegalArgumentException("rowPointers, columns and values must not be null");
        }
        if (rowPointers.length != rows + 1) {
            throw new IllegalArgumentException("rowPointers must have rows + 1 = " + (rows + 1) + " entries, had "
                    + rowPointers.length);
        }
        if (columns.length != values) {
            throw new IllegalArgumentException("columns and values must have the same length, were "
                    + columns.length + " and " + values);
        }
        if (rowPointers[0] != 0 || rowPointers[rows] != values) {
            throw new IllegalArgumentException("rowPointers must run from 0 to nnz = " + values + ", ran from "
                    + rowPointers[0] + " to " + rowPointers[rows]);
        }
        for (int i = 0; i < rows; i++) {
            int from = rowPointers[i];
            int to = rowPointers[i + 1];
            if (to < from) {
                throw new IllegalArgumentException("rowPointers must be non-decreasing: rowPointers[" + (i + 1)
                        + "] = " + to + " < rowPointers[" + i + "] = " + from);
            }
            int prev = -1;
            for (int k = from; k < to; k++) {
                int c = columns[k];
                if (c < 0 || c >= cols) {
                    throw new IllegalArgumentException("row " + i + ": column index must be in [0, " + cols
                            + "), was " + c);
                }
                if (c == prev) {
                    throw new IllegalArgumentException("row " + i + ": duplicate column index " + c);
                }
                if (c < prev) {
                    throw new IllegalArgumentException("row " + i + ": column indices must be strictly increasing, "
                            + c + " after " + prev);
                }
                prev = c;
            }
        }
    }

    private static int rowOf(int[] rowPointers, int k) {
        int i = Arrays.binarySearch(rowPointers, k);
        if (i < 0) {
            return -i - 2;
        }
        while (i + 1 < rowPointers.length && rowPointers[i + 1] == k) {
            i++;
        }
        return i;
    }

    /** Number of rows m. */
    public int rows() {
        return rows;
    }

    /** Number of columns p. */
    public int cols() {
        return cols;
    }

    /** Number of stored entries. */
    public int nonZeros() {
        return columns.length;
    }

    /** The stored entries of rows [from, to). */
    public long nonZeros(int from, int to) {
        return rowPointers[to] - rowPointers[from];
    }

    /** Stored entries over m p (0 for an empty matrix). */
    public double density() {
        return rows == 0 ? 0.0 : columns.length / ((double) rows * cols);
    }

    /** The precision of the values. */
    public Precision precision() {
        return doubles != null ? Precision.FLOAT64 : Precision.FLOAT32;
    }

    /** The m + 1 row offsets (shared, do not modify). */
    public int[] rowPointers() {
        return rowPointers;
    }

    /** The column index of each entry (shared, do not modify). */
    public int[] columns() {
        return columns;
    }

    /** The values of a float64 matrix (shared, do not modify); null for float32. */
    public double[] doubleValues() {
        return doubles;
    }

    /** The values of a float32 matrix (shared, do not modify); null for float64. */
    public float[] floatValues() {
        return floats;
    }

    /** The value of entry k as a double. */
    public double value(int k) {
        return doubles != null ? doubles[k] : floats[k];
    }

    /**
     * Whether every stored value is exactly 1 (binary features, as in a9a, w8a, mushrooms and most one-hot encoded
     * LIBSVM files; true for a matrix without stored entries). The models' row kernels then read only the column
     * indices: {@code 1 * x_j = x_j} and {@code c * 1 = c} exactly, so the results are the same bits with a third of
     * the bytes per entry.
     */
    public boolean unitValues() {
        return unitValues;
    }

    /** Bytes of the three arrays (row pointers, columns, values). */
    public long bytes() {
        return 4L * rowPointers.length + (4L + (doubles != null ? 8 : 4)) * columns.length;
    }

    /**
     * This matrix in the given precision (itself when it already has it): the structure arrays are shared, the values
     * converted (each rounded once from double to float32, or widened exactly).
     */
    public CsrMatrix as(Precision precision) {
        if (precision == null) {
            throw new IllegalArgumentException("precision must not be null");
        }
        if (precision == precision()) {
            return this;
        }
        if (precision == Precision.FLOAT32) {
            float[] f = new float[doubles.length];
            for (int k = 0; k < f.length; k++) {
                f[k] = (float) doubles[k];
            }
            return new CsrMatrix(rows, cols, rowPointers, columns, null, f);
        }
        double[] d = new double[floats.length];
        for (int k = 0; k < d.length; k++) {
            d[k] = floats[k];
        }
        return new CsrMatrix(rows, cols, rowPointers, columns, d, null);
    }

    /**
     * The dense [n, p] c-order matrix of the given rows of this matrix ({@code rowIndex == null}: rows
     * {@code from .. from + n - 1}), in this precision.
     */
    public INDArray toDense(int from, int n, int[] rowIndex) {
        INDArray out = Nd4j.create(precision().dataType(), n, cols);
        if (n == 0) {
            return out;
        }
        if (doubles != null) {
            java.nio.DoubleBuffer b = out.data().asNioDouble();
            for (int i = 0; i < n; i++) {
                int r = rowIndex == null ? from + i : rowIndex[i];
                for (int k = rowPointers[r]; k < rowPointers[r + 1]; k++) {
                    b.put(i * cols + columns[k], doubles[k]);
                }
            }
        } else {
            java.nio.FloatBuffer b = out.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                int r = rowIndex == null ? from + i : rowIndex[i];
                for (int k = rowPointers[r]; k < rowPointers[r + 1]; k++) {
                    b.put(i * cols + columns[k], floats[k]);
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "CsrMatrix[" + rows + " x " + cols + ", " + columns.length + " non-zeros, " + precision() + "]";
    }
}
