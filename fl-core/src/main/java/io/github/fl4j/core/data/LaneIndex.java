package io.github.fl4j.core.data;

import java.util.Arrays;

/**
 * A sparse dataset's entries laid out for SIMD gathers: {@code w} columns (or {@code w} rows) side by side, one per
 * lane, so that one vector instruction reads the next entry of each of them. Built from a {@link SparseColumns} by
 * {@link SparseColumns#lanes(int)}, for the models' vector kernels (the incubating Vector API, when the JVM runs with
 * it); nothing here depends on that API.
 *
 * <p><b>Column groups</b> (for the gradient {@code g_j = sum_i a_ij c_i}). The non-empty columns, longest first
 * ({@link SparseColumns#order()}), are taken {@code w} at a time. Group q holds columns
 * {@code columnOfLane()[q w + l]} for lanes l in [0, w) ({@code -1} for the lanes of the last group that no column
 * fills) and {@code columnLength()[q]} steps, the length of its first (longest) column. Step t of group q is at
 * {@code columnStart()[q] + t w}: lane l holds the sample of the t-th entry of its column, and its value in
 * {@link #columnValues()} (null when every stored value is 1), or, past the column's end, the pad: sample
 * {@link #samples()} with value 0. A kernel that reads its coefficients at index {@code samples()} from a slot holding
 * +0 adds +0 for a pad, which changes no partial sum (a chain that starts at +0 is never -0 in round-to-nearest), so
 * each lane adds exactly the column's terms in sample order: the bits of the scalar column kernels.
 *
 * <p><b>Row groups</b> (for the margins {@code t_i = a_i . x}). The samples, shortest row first (ties in sample
 * order), are taken {@code w} at a time; group q holds samples {@code rowOfLane()[q w + l]} ({@code -1} past the last
 * sample) and {@code rowLength()[q]} steps, its longest row's length. When {@code w} does not divide the number of
 * samples, the {@code samples() mod w} shortest rows are taken out of that order and make the last, partial group
 * (the kernels run it lane by lane, so it should be short). Step t of group q is at
 * {@code rowStart()[q] + t w}: lane l holds the t-th column of its row in increasing column order, with its value in
 * {@link #rowValues()}, or the pad: column {@link #cols()} with value 0 (a kernel reads x at index {@code cols()}
 * from a slot holding +0). Sorting by length keeps the padding small (w8a: 1.4 % more slots than entries).
 *
 * <p><b>Memory.</b> About {@code 8 nnz} bytes for the two index arrays plus the padding (w8a, 8 lanes: 13 % more
 * column slots than entries, 1.4 % more row slots), and twice that again in double values unless every stored value
 * is 1. The arrays are shared: callers must not modify them.
 *
 * <p><b>Ranges.</b> Every sample index is in {@code [0, samples()]} and every column index in {@code [0, cols()]}
 * (the last being the pad), and every group's steps lie inside its arrays: each index is used to index an array of
 * that size while the layout is built, so a layout with any other value cannot be made. The vector kernels rely on
 * this when the Vector API's own bounds checks are turned off.
 */
public final class LaneIndex {
    private final int lanes;
    private final int samples;
    private final int cols;
    private final int[] columnOfLane;
    private final int[] columnStart;
    private final int[] columnLength;
    private final int[] columnSamples;
    private final double[] columnValues;
    private final int[] rowOfLane;
    private final int[] rowStart;
    private final int[] rowLength;
    private final int[] rowColumns;
    private final double[] rowValues;

    private LaneIndex(int lanes, SparseColumns a) {
        this.lanes = lanes;
        this.samples = a.samples();
        this.cols = a.cols();
        int[] ptr = a.pointers();
        int[] smp = a.samplesOfEntries();
        boolean unit = a.unitValues();
        // column groups, longest column first
        int[] order = a.order();
        int groups = (order.length + lanes - 1) / lanes;
        columnOfLane = new int[groups * lanes];
        Arrays.fill(columnOfLane, -1);
        System.arraycopy(order, 0, columnOfLane, 0, order.length);
        columnStart = new int[groups];
        columnLength = new int[groups];
        long slots = 0;
        for (int q = 0; q < groups; q++) {
            int j = order[q * lanes];
            columnStart[q] = (int) Math.min(slots, Integer.MAX_VALUE);
            columnLength[q] = ptr[j + 1] - ptr[j];
            slots += (long) columnLength[q] * lanes;
        }
        columnSamples = new int[checkedSlots(slots)];
        columnValues = unit ? null : new double[columnSamples.length];
        Arrays.fill(columnSamples, samples);
        for (int q = 0; q < groups; q++) {
            for (int l = 0; l < lanes; l++) {
                int j = columnOfLane[q * lanes + l];
                if (j < 0) {
                    continue;
                }
                for (int k = ptr[j], at = columnStart[q] + l; k < ptr[j + 1]; k++, at += lanes) {
                    columnSamples[at] = smp[k];
                    if (columnValues != null) {
                        columnValues[at] = a.value(k);
                    }
                }
            }
        }
        // row groups: the rows' columns in increasing order (a transpose of the column index), shortest row first
        int m = samples;
        int[] rowPtr = new int[m + 1];
        for (int k = 0, nnz = a.nonZeros(); k < nnz; k++) {
            rowPtr[smp[k] + 1]++;
        }
        int longest = 0;
        for (int i = 0; i < m; i++) {
            longest = Math.max(longest, rowPtr[i + 1]);
            rowPtr[i + 1] += rowPtr[i];
        }
        int[] rowCol = new int[a.nonZeros()];
        double[] rowVal = unit ? null : new double[rowCol.length];
        int[] next = Arrays.copyOf(rowPtr, m);
        for (int j = 0; j < cols; j++) {
            for (int k = ptr[j]; k < ptr[j + 1]; k++) {
                int at = next[smp[k]]++;
                rowCol[at] = j;
                if (rowVal != null) {
                    rowVal[at] = a.value(k);
                }
            }
        }
        // a stable counting sort of the samples by row length
        int[] byLength = new int[longest + 2];
        for (int i = 0; i < m; i++) {
            byLength[rowPtr[i + 1] - rowPtr[i] + 1]++;
        }
        for (int len = 0; len <= longest; len++) {
            byLength[len + 1] += byLength[len];
        }
        int rowGroups = (m + lanes - 1) / lanes;
        int[] sorted = new int[m];
        for (int i = 0; i < m; i++) {
            sorted[byLength[rowPtr[i + 1] - rowPtr[i]]++] = i;
        }
        // the m mod w shortest rows go last, into the partial group, which the kernels run lane by lane in scalar
        // code: sorted by length alone, it would hold the longest rows (w8a: up to 114 entries each)
        int partial = m % lanes;
        rowOfLane = new int[rowGroups * lanes];
        Arrays.fill(rowOfLane, -1);
        System.arraycopy(sorted, partial, rowOfLane, 0, m - partial);
        System.arraycopy(sorted, 0, rowOfLane, m - partial, partial);
        rowStart = new int[rowGroups];
        rowLength = new int[rowGroups];
        slots = 0;
        for (int q = 0; q < rowGroups; q++) {
            int len = 0;
            for (int l = 0; l < lanes; l++) {
                int i = rowOfLane[q * lanes + l];
                if (i >= 0) {
                    len = Math.max(len, rowPtr[i + 1] - rowPtr[i]);
                }
            }
            rowStart[q] = (int) Math.min(slots, Integer.MAX_VALUE);
            rowLength[q] = len;
            slots += (long) len * lanes;
        }
        rowColumns = new int[checkedSlots(slots)];
        rowValues = unit ? null : new double[rowColumns.length];
        Arrays.fill(rowColumns, cols);
        for (int q = 0; q < rowGroups; q++) {
            for (int l = 0; l < lanes; l++) {
                int i = rowOfLane[q * lanes + l];
                if (i < 0) {
                    continue;
                }
                for (int k = rowPtr[i], at = rowStart[q] + l; k < rowPtr[i + 1]; k++, at += lanes) {
                    rowColumns[at] = rowCol[k];
                    if (rowValues != null) {
                        rowValues[at] = rowVal[k];
                    }
                }
            }
        }
    }

    private static int checkedSlots(long slots) {
        if (slots > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a lane index holds fewer than 2^31 slots, this dataset needs "
                    + slots);
        }
        return (int) slots;
    }

    /**
     * The lane layout of {@code a} for {@code lanes} lanes (use {@link SparseColumns#lanes(int)}, which keeps it).
     *
     * @throws IllegalArgumentException if {@code lanes} is not in [1, 64], or the padded layout would exceed 2^31 slots
     */
    static LaneIndex of(SparseColumns a, int lanes) {
        if (lanes < 1 || lanes > 64) {
            throw new IllegalArgumentException("lanes must be in [1, 64], was " + lanes);
        }
        return new LaneIndex(lanes, a);
    }

    /** The number of lanes w. */
    public int lanes() {
        return lanes;
    }

    /** The number of samples m (the pad sample of the column groups). */
    public int samples() {
        return samples;
    }

    /** The number of columns p (the pad column of the row groups). */
    public int cols() {
        return cols;
    }

    /** The number of column groups. */
    public int columnGroups() {
        return columnStart.length;
    }

    /** The column of each lane of each column group ({@code -1}: no column). */
    public int[] columnOfLane() {
        return columnOfLane;
    }

    /** The first slot of each column group. */
    public int[] columnStart() {
        return columnStart;
    }

    /** The number of steps of each column group. */
    public int[] columnLength() {
        return columnLength;
    }

    /** The sample of each slot of the column groups ({@link #samples()}: pad). */
    public int[] columnSamples() {
        return columnSamples;
    }

    /** The value of each slot of the column groups (0 for a pad), or null when every stored value is 1. */
    public double[] columnValues() {
        return columnValues;
    }

    /** The number of row groups. */
    public int rowGroups() {
        return rowStart.length;
    }

    /** The sample of each lane of each row group ({@code -1}: no sample). */
    public int[] rowOfLane() {
        return rowOfLane;
    }

    /** The first slot of each row group. */
    public int[] rowStart() {
        return rowStart;
    }

    /** The number of steps of each row group. */
    public int[] rowLength() {
        return rowLength;
    }

    /** The column of each slot of the row groups ({@link #cols()}: pad). */
    public int[] rowColumns() {
        return rowColumns;
    }

    /** The value of each slot of the row groups (0 for a pad), or null when every stored value is 1. */
    public double[] rowValues() {
        return rowValues;
    }

    /** The bytes of this layout's arrays. */
    public long bytes() {
        long b = 4L * (columnOfLane.length + 2L * columnStart.length + columnSamples.length)
                + 4L * (rowOfLane.length + 2L * rowStart.length + rowColumns.length);
        if (columnValues != null) {
            b += 8L * (columnValues.length + rowValues.length);
        }
        return b;
    }

    @Override
    public String toString() {
        return "LaneIndex[" + lanes + " lanes, " + samples + " x " + cols + ", " + columnSamples.length
                + " column slots, " + rowColumns.length + " row slots]";
    }
}
