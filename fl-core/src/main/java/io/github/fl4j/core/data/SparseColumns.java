package io.github.fl4j.core.data;

import java.util.Arrays;

/**
 * The column-major (CSC) index of a sparse dataset's rows: for column j, the samples that have an entry in it, in
 * increasing sample order, with their values. Entry k of column j is sample {@link #samplesOfEntries()}{@code [k]}
 * (a position 0 .. m-1 in the dataset, not a row of the shared matrix) with value {@link #value(int) value(k)}, for k
 * in {@code [pointers[j], pointers[j+1])}.
 *
 * <p><b>Why.</b> A full pass of a linear model computes the margins {@code t = A x} and the gradient
 * {@code g = A^T c}. Row by row, {@code g} is a scatter {@code g[col] += c_i a_ij}: when consecutive rows share
 * columns (as one-hot features do), each update waits for the previous one to the same address, and rows of varying
 * length make every loop exit a guess. Column by column both products run without either: {@code t[i] += a_ij x_j}
 * updates distinct samples within a column, and {@code g_j = sum_i a_ij c_i} is one accumulator per column, four
 * columns side by side ({@link #order()} lists the non-empty columns longest first, so the four have similar
 * lengths). Visiting the columns in increasing order and each column's samples in increasing order adds exactly the
 * terms the row kernels add, in the same order, so both give the same bits (and the same bits as the dense kernels).
 *
 * <p><b>Memory.</b> {@code 4 (p + 1) + 4 nnz + 4 q} bytes plus the values in column order ({@code b nnz} for b-byte
 * values; none when every stored value is 1, {@link #unitValues()}), where q is the number of non-empty columns: for
 * a client of a9a in float64 (1,628 rows, about 22,600 stored ones) about 91 KB next to the shared CSR matrix's
 * rows. {@link Dataset#sparseColumns()} builds it once and keeps it with the dataset.
 *
 * <p>The arrays are exposed for the models' kernels without copying: callers must not modify them.
 */
public final class SparseColumns {
    private final int samples;
    private final int cols;
    private final int[] pointers;
    private final int[] rows;
    private final double[] doubles;
    private final float[] floats;
    private final boolean unitValues;
    private final int[] order;
    private volatile LaneIndex lanes;

    private SparseColumns(int samples, int cols, int[] pointers, int[] rows, double[] doubles, float[] floats,
                          boolean unitValues, int[] order) {
        this.samples = samples;
        this.cols = cols;
        this.pointers = pointers;
        this.rows = rows;
        this.doubles = doubles;
        this.floats = floats;
        this.unitValues = unitValues;
        this.order = order;
    }

    /**
     * The column index of {@code m} rows of {@code a}: sample i is row {@code from + i}, or row {@code index[i]} when
     * {@code index} is not null. Time O(nnz + p + q log q); the values are copied in column order unless they are all
     * 1.
     */
    static SparseColumns of(CsrMatrix a, int from, int[] index, int m) {
        int p = a.cols();
        int[] ptr = a.rowPointers();
        int[] col = a.columns();
        int[] pointers = new int[p + 1];
        long total = 0;
        for (int i = 0; i < m; i++) {
            int r = index == null ? from + i : index[i];
            total += ptr[r + 1] - ptr[r];
            for (int k = ptr[r], end = ptr[r + 1]; k < end; k++) {
                pointers[col[k] + 1]++;
            }
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a column index holds fewer than 2^31 entries, this dataset has "
                    + total);
        }
        for (int j = 0; j < p; j++) {
            pointers[j + 1] += pointers[j];
        }
        int nnz = (int) total;
        boolean unit = a.unitValues();
        double[] dv = a.doubleValues();
        float[] fv = a.floatValues();
        int[] rows = new int[nnz];
        double[] doubles = !unit && dv != null ? new double[nnz] : null;
        float[] floats = !unit && dv == null ? new float[nnz] : null;
        int[] next = Arrays.copyOf(pointers, p);
        for (int i = 0; i < m; i++) {
            int r = index == null ? from + i : index[i];
            for (int k = ptr[r], end = ptr[r + 1]; k < end; k++) {
                int at = next[col[k]]++;
                rows[at] = i;
                if (doubles != null) {
                    doubles[at] = dv[k];
                } else if (floats != null) {
                    floats[at] = fv[k];
                }
            }
        }
        return new SparseColumns(m, p, pointers, rows, doubles, floats, unit, longestFirst(pointers, p));
    }

    /** The non-empty columns by entry count, longest first (ties: lower column first). */
    private static int[] longestFirst(int[] pointers, int p) {
        int q = 0;
        for (int j = 0; j < p; j++) {
            if (pointers[j + 1] > pointers[j]) {
                q++;
            }
        }
        // sort (count, column) pairs packed into longs: count descending, column ascending
        long[] keys = new long[q];
        int n = 0;
        for (int j = 0; j < p; j++) {
            int count = pointers[j + 1] - pointers[j];
            if (count > 0) {
                keys[n++] = ((long) (Integer.MAX_VALUE - count) << 32) | j;
            }
        }
        Arrays.sort(keys);
        int[] order = new int[q];
        for (int k = 0; k < q; k++) {
            order[k] = (int) keys[k];
        }
        return order;
    }

    /** m, the number of samples (rows of the dataset). */
    public int samples() {
        return samples;
    }

    /** p, the number of columns. */
    public int cols() {
        return cols;
    }

    /** Stored entries. */
    public int nonZeros() {
        return pointers[cols];
    }

    /** Column j's entries are {@code [pointers[j], pointers[j+1])} (length p + 1; shared, do not modify). */
    public int[] pointers() {
        return pointers;
    }

    /** The sample (0 .. m-1) of each entry, increasing within a column (shared, do not modify). */
    public int[] samplesOfEntries() {
        return rows;
    }

    /** The float64 values in column order, or null (float32 values, or {@link #unitValues()}). */
    public double[] doubleValues() {
        return doubles;
    }

    /** The float32 values in column order, or null (float64 values, or {@link #unitValues()}). */
    public float[] floatValues() {
        return floats;
    }

    /** True when every stored value is exactly 1; then no values are kept (and none need be read). */
    public boolean unitValues() {
        return unitValues;
    }

    /** The value of entry k (1 for a matrix of ones). */
    public double value(int k) {
        return unitValues ? 1.0 : doubles != null ? doubles[k] : floats[k];
    }

    /** The non-empty columns, longest first, ties by column (shared, do not modify). */
    public int[] order() {
        return order;
    }

    /** Bytes of the arrays this index holds, its lane layout ({@link #lanes(int)}) included once built. */
    public long bytes() {
        LaneIndex l = lanes;
        long b = 4L * (cols + 1) + 4L * rows.length + 4L * order.length + (l == null ? 0 : l.bytes());
        if (doubles != null) {
            b += 8L * doubles.length;
        } else if (floats != null) {
            b += 4L * floats.length;
        }
        return b;
    }

    /**
     * The entries laid out for SIMD gathers over {@code lanes} lanes ({@link LaneIndex}), built on the first call in
     * O(nnz + m + p) time and kept with this index (one layout: a call with another lane count replaces it).
     * Thread-safe: concurrent first calls may each build it, and all get equal layouts.
     *
     * @throws IllegalArgumentException if {@code lanes} is not in [1, 64]
     */
    public LaneIndex lanes(int lanes) {
        LaneIndex l = this.lanes;
        if (l == null || l.lanes() != lanes) {
            l = LaneIndex.of(this, lanes);
            this.lanes = l;
        }
        return l;
    }

    /** The layout {@link #lanes(int)} built last, or null when it has not been called. */
    public LaneIndex lanesIfBuilt() {
        return lanes;
    }

    @Override
    public String toString() {
        return "SparseColumns[" + samples + " x " + cols + ", " + nonZeros() + " entries"
                + (unitValues ? ", all ones" : doubles != null ? ", float64" : ", float32") + "]";
    }
}
