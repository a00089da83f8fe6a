package io.github.fl4j.core.model;

import io.github.fl4j.core.data.CsrMatrix;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.SparseColumns;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Row kernels of the built-in models over the feature rows of a batch, dense or sparse, float32 or float64: the two
 * operations a full gradient of a generalised linear model needs, the margins {@code a_i . x} of a block of rows
 * ({@link #dots}) and {@code g += sum_i c_i a_i} over the same block ({@link #axpys}), so that a model computes
 * {@code X^T s(X w)} in ONE pass over the rows (a block of {@link Kernels#BLOCK} rows is still in cache for the
 * update), with plain Java loops and no allocation (instances are per-thread and reset per call).
 *
 * <p><b>Summation order, and why dense and sparse agree exactly.</b> Every dot product is the plain sum
 * {@code (((0 + a_i0 x_0) + a_i1 x_1) + ...)} in increasing column order, one chain per row; speed comes from running
 * the chains of several rows side by side (eight dense rows, four sparse rows), which keeps the floating-point adder
 * busy without changing any row's order. The sparse form adds the products of its stored entries only; the dense form
 * adds, in addition, a product {@code 0 * x_j = +-0} for each absent entry. A chain starts at +0 and, in
 * round-to-nearest, a sum of finite values that starts at +0 is never -0 ({@code +0 + -0 = +0}, {@code v + -v = +0}),
 * so adding +-0 leaves every partial sum unchanged. {@link #axpys} adds {@code c_i a_ij} to {@code g_j} in row order in
 * both forms (several dense rows are fused into one sweep over g, each element still receiving its terms in row
 * order), with the same argument for the dense zeros. Hence, for finite x, <b>a dense and a sparse batch holding the
 * same values give bit-identical dot products and gradient accumulations</b>, in float64 and in float32 (float32 values
 * are widened: a product of two float32 numbers is exact in double, and the chains accumulate in double). A sparse
 * matrix whose stored values are all 1 ({@link CsrMatrix#unitValues()}) is read without its values, with the same
 * bits ({@code 1 * x_j = x_j}).
 *
 * <p><b>Column kernels.</b> For a sparse batch passed over again and again (a client's full gradient, an evaluation,
 * a power iteration), {@link ColumnRows} works on the batch's column index ({@link SparseColumns}) instead: all
 * margins by one scatter per column, then the whole gradient by one gather per column. Each margin and each gradient
 * element still receives the same terms in the same order, so the bits are again the same. A model asks
 * {@link #chunk()} how many rows to hand to one {@link #dots} / {@link #axpys} pair.
 */
abstract class Rows {
    /** Number of rows of the batch. */
    int rows;
    /** Number of columns p. */
    int cols;

    /**
     * {@code out[q] = a_{i0+q} . x} for q in [0, n), each the plain sum in increasing column order; n is at most
     * {@link #chunk()}.
     */
    abstract void dots(int i0, int n, double[] x, double[] out);

    /** {@code g += c[q] a_{i0+q}} for q = 0, 1, ..., n - 1 in that order; n is at most {@link #chunk()}. */
    abstract void axpys(int i0, int n, double[] c, double[] g);

    /**
     * The rows a model should hand to one {@link #dots} / {@link #axpys} pair: {@link Kernels#BLOCK} for row
     * kernels (the block is still in cache for the update), all rows for the column kernels ({@link ColumnRows},
     * which pass over columns and are fast only on whole batches). A model loops over chunks, and inside a chunk over
     * blocks of {@link Kernels#BLOCK} for anything whose result depends on the block (the loss's one log per block),
     * so its results do not depend on the chunk size.
     */
    int chunk() {
        return Kernels.BLOCK;
    }

    /**
     * Softmax logits: {@code z[c] += sum_j a_ij w[j k + c]} for c in [0, k), in increasing j (w row-major [p, k]).
     */
    abstract void logits(int i, double[] w, int k, double[] z);

    /** {@code gw[j k + c] += a_ij gc[c]} for every stored (or, dense, every) j of row i and c in [0, k). */
    abstract void outer(int i, double[] gc, int k, double[] gw);

    /** Forgets the batch (so a per-thread instance does not keep its memory alive). */
    abstract void clear();

    /**
     * Four sums side by side: {@code acc[r] += sum_k v[k] x[idx[k]]} over {@code k} in {@code [k_r, e_r)} in increasing
     * k, for r = 0..3 ({@code v[k] = 1} and not read when {@code v} is null), first over the ranges' common length, then
     * each range's remaining entries; every sum is still one chain in its own order. A sparse row's margin (idx: its
     * columns, x: the parameters) and a column's gradient element (idx: its samples, x: the coefficients) are both this.
     */
    static void sum4(int[] idx, double[] v, double[] x, int k0, int e0, int k1, int e1, int k2, int e2, int k3, int e3,
                     double[] acc) {
        int common = Math.min(Math.min(e0 - k0, e1 - k1), Math.min(e2 - k2, e3 - k3));
        double s0 = acc[0];
        double s1 = acc[1];
        double s2 = acc[2];
        double s3 = acc[3];
        if (v == null) {
            for (int t = 0; t < common; t++) {
                s0 += x[idx[k0 + t]];
                s1 += x[idx[k1 + t]];
                s2 += x[idx[k2 + t]];
                s3 += x[idx[k3 + t]];
            }
            for (int k = k0 + common; k < e0; k++) {
                s0 += x[idx[k]];
            }
            for (int k = k1 + common; k < e1; k++) {
                s1 += x[idx[k]];
            }
            for (int k = k2 + common; k < e2; k++) {
                s2 += x[idx[k]];
            }
            for (int k = k3 + common; k < e3; k++) {
                s3 += x[idx[k]];
            }
        } else {
            for (int t = 0; t < common; t++) {
                s0 += v[k0 + t] * x[idx[k0 + t]];
                s1 += v[k1 + t] * x[idx[k1 + t]];
                s2 += v[k2 + t] * x[idx[k2 + t]];
                s3 += v[k3 + t] * x[idx[k3 + t]];
            }
            for (int k = k0 + common; k < e0; k++) {
                s0 += v[k] * x[idx[k]];
            }
            for (int k = k1 + common; k < e1; k++) {
                s1 += v[k] * x[idx[k]];
            }
            for (int k = k2 + common; k < e2; k++) {
                s2 += v[k] * x[idx[k]];
            }
            for (int k = k3 + common; k < e3; k++) {
                s3 += v[k] * x[idx[k]];
            }
        }
        acc[0] = s0;
        acc[1] = s1;
        acc[2] = s2;
        acc[3] = s3;
    }

    /** Whether {@code n} is a power of two (a length the column kernels can mask an index with). */
    static boolean powerOfTwo(int n) {
        return n > 0 && (n & (n - 1)) == 0;
    }

    /**
     * The smallest power of two {@code >= n} for {@code n <= 2^30} (so that an array of it takes a masked index, see
     * {@link ColumnRows#dots}), else {@code n}.
     */
    static int powerOfTwoAtLeast(int n) {
        return n <= 1 ? 1 : n > (1 << 30) ? n : Integer.highestOneBit(n - 1) << 1;
    }

    /** One thread's reusable row accessors, one per kind. */
    static final class Set {
        private final DenseDouble denseDouble = new DenseDouble();
        private final DenseFloat denseFloat = new DenseFloat();
        private final SparseRows sparse = new SparseRows();
        private final ColumnRows columns = new ColumnRows();

        /**
         * The rows of {@code batch}, valid until the next call on this thread; the caller keeps {@code batch}
         * reachable while it uses them, and calls {@link Rows#clear()} when done.
         */
        Rows of(Dataset batch) {
            if (batch.isSparse()) {
                SparseColumns c = batch.hasSparseColumns() ? batch.sparseColumns()
                        : ColumnRows.worthIt(batch) ? batch.sparseColumnsOnReuse() : null;
                SparseRows r = c == null ? sparse : columns;
                r.reset(batch.sparseFeatures(), batch.sparseRowFrom(), batch.sparseRowIndex(), batch.size());
                if (c != null) {
                    columns.index = c;
                }
                return r;
            }
            INDArray f = batch.features();
            int m = (int) f.size(0);
            int p = (int) f.size(1);
            if (p > 1 && f.stride(1) != 1) {
                f = f.dup('c');
            }
            long ld = m > 1 ? f.stride(0) : p;
            if (f.offset() + (m - 1) * ld + p > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("feature matrix must have fewer than 2^31 elements, was "
                        + m + " x " + p);
            }
            if (f.dataType() == DataType.DOUBLE) {
                denseDouble.buffer = Tensors.doubleView(f);
                denseDouble.reset(m, p, (int) f.offset(), (int) ld);
                return denseDouble;
            }
            denseFloat.buffer = Tensors.floatView(f);
            denseFloat.reset(m, p, (int) f.offset(), (int) ld);
            return denseFloat;
        }
    }

    // ------------------------------------------------------------------------------------------------------ dense

    /**
     * Dense rows, each copied into a heap array of doubles when first used (one bulk copy at memory speed, float32
     * widened exactly; the row then sits in L1 for the dot, the update that follows it and any further use), so that
     * the loops run on plain arrays, which the JIT compiles without per-element buffer checks. Rows go to slot
     * {@code i mod slots}: a block of {@link Kernels#BLOCK} rows stays loaded between its margins and its gradient
     * update (one slot when rows are longer than 4096 values).
     */
    abstract static class DenseRows extends Rows {
        int base;
        int ld;
        private double[][] slots = new double[0][];
        private int[] loaded = new int[0];

        void reset(int m, int p, int base, int ld) {
            this.rows = m;
            this.cols = p;
            this.base = base;
            this.ld = ld;
            int n = p <= 4096 ? Kernels.BLOCK : 1;
            if (slots.length != n || slots[0].length < p) {
                slots = new double[n][p];
                loaded = new int[n];
            }
            java.util.Arrays.fill(loaded, -1);
        }

        /** Copies the p values of row i, starting at buffer element {@code at}, into {@code row}. */
        abstract void copyRow(int at, double[] row);

        final double[] load(int i) {
            int slot = i & (slots.length - 1); // 16 or 1 slots
            double[] row = slots[slot];
            if (loaded[slot] != i) {
                copyRow(base + i * ld, row);
                loaded[slot] = i;
            }
            return row;
        }

        @Override
        final void dots(int i0, int n, double[] x, double[] out) {
            int q = 0;
            if (slots.length > 1) { // eight rows side by side (their rows fit the slots together)
                for (; q + 8 <= n; q += 8) {
                    dots8(i0 + q, x, out, q);
                }
            }
            for (; q < n; q++) {
                out[q] = dot1(load(i0 + q), x);
            }
        }

        private void dots8(int i, double[] x, double[] out, int q) {
            double[] a0 = load(i);
            double[] a1 = load(i + 1);
            double[] a2 = load(i + 2);
            double[] a3 = load(i + 3);
            double[] a4 = load(i + 4);
            double[] a5 = load(i + 5);
            double[] a6 = load(i + 6);
            double[] a7 = load(i + 7);
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            double s4 = 0;
            double s5 = 0;
            double s6 = 0;
            double s7 = 0;
            for (int j = 0, p = cols; j < p; j++) {
                double xj = x[j];
                s0 += a0[j] * xj;
                s1 += a1[j] * xj;
                s2 += a2[j] * xj;
                s3 += a3[j] * xj;
                s4 += a4[j] * xj;
                s5 += a5[j] * xj;
                s6 += a6[j] * xj;
                s7 += a7[j] * xj;
            }
            out[q] = s0;
            out[q + 1] = s1;
            out[q + 2] = s2;
            out[q + 3] = s3;
            out[q + 4] = s4;
            out[q + 5] = s5;
            out[q + 6] = s6;
            out[q + 7] = s7;
        }

        private double dot1(double[] a, double[] x) {
            double s = 0;
            for (int j = 0, p = cols; j < p; j++) {
                s += a[j] * x[j];
            }
            return s;
        }

        @Override
        final void axpys(int i0, int n, double[] c, double[] g) {
            int q = 0;
            if (slots.length > 1) {
                for (; q + 4 <= n; q += 4) {
                    axpy4(i0 + q, c[q], c[q + 1], c[q + 2], c[q + 3], g);
                }
            }
            for (; q < n; q++) {
                double[] a = load(i0 + q);
                double cq = c[q];
                for (int j = 0, p = cols; j < p; j++) {
                    g[j] += cq * a[j];
                }
            }
        }

        /** Four rows in one sweep over g; each g_j still receives its four terms in row order. */
        private void axpy4(int i, double c0, double c1, double c2, double c3, double[] g) {
            double[] a0 = load(i);
            double[] a1 = load(i + 1);
            double[] a2 = load(i + 2);
            double[] a3 = load(i + 3);
            for (int j = 0, p = cols; j < p; j++) {
                g[j] = (((g[j] + c0 * a0[j]) + c1 * a1[j]) + c2 * a2[j]) + c3 * a3[j];
            }
        }

        @Override
        final void logits(int i, double[] w, int k, double[] z) {
            double[] a = load(i);
            for (int j = 0; j < cols; j++) {
                double v = a[j];
                int o = j * k;
                for (int c = 0; c < k; c++) {
                    z[c] += v * w[o + c];
                }
            }
        }

        @Override
        final void outer(int i, double[] gc, int k, double[] gw) {
            double[] a = load(i);
            for (int j = 0; j < cols; j++) {
                double v = a[j];
                int o = j * k;
                for (int c = 0; c < k; c++) {
                    gw[o + c] += v * gc[c];
                }
            }
        }

        @Override
        void clear() {
            java.util.Arrays.fill(loaded, -1);
        }
    }

    static final class DenseDouble extends DenseRows {
        DoubleBuffer buffer;

        @Override
        void copyRow(int at, double[] row) {
            buffer.get(at, row, 0, cols);
        }

        @Override
        void clear() {
            super.clear();
            buffer = null;
        }
    }

    static final class DenseFloat extends DenseRows {
        FloatBuffer buffer;
        private float[] staging = new float[0];

        @Override
        void copyRow(int at, double[] row) {
            int p = cols;
            if (staging.length < p) {
                staging = new float[p];
            }
            float[] f = staging;
            buffer.get(at, f, 0, p);
            for (int j = 0; j < p; j++) {
                row[j] = f[j];
            }
        }

        @Override
        void clear() {
            super.clear();
            buffer = null;
        }
    }

    // ----------------------------------------------------------------------------------------------------- sparse

    /**
     * The rows of a {@link CsrMatrix} (a row range or an index list into it): float64 values, float32 values (widened
     * in the loops) or, for a matrix of ones, no values at all.
     */
    static class SparseRows extends Rows {
        int[] pointers;
        int[] columns;
        int from;
        int[] index;
        double[] doubles;
        float[] floats;
        boolean unit;

        void reset(CsrMatrix a, int from, int[] index, int m) {
            this.pointers = a.rowPointers();
            this.columns = a.columns();
            this.doubles = a.doubleValues();
            this.floats = a.floatValues();
            this.unit = a.unitValues();
            this.from = from;
            this.index = index;
            this.rows = m;
            this.cols = a.cols();
        }

        int row(int i) {
            return index == null ? from + i : index[i];
        }

        @Override
        void dots(int i0, int n, double[] x, double[] out) {
            int q = 0;
            if (unit || doubles != null) {
                for (; q + 4 <= n; q += 4) {
                    dots4(i0 + q, x, out, q);
                }
            }
            for (; q < n; q++) {
                out[q] = dot1(row(i0 + q), x);
            }
        }

        /** Four rows side by side ({@link #sum4}), each row still one chain in its own column order. */
        private void dots4(int i, double[] x, double[] out, int q) {
            int r0 = row(i);
            int r1 = row(i + 1);
            int r2 = row(i + 2);
            int r3 = row(i + 3);
            int[] ptr = pointers;
            double[] acc = this.acc;
            java.util.Arrays.fill(acc, 0.0);
            sum4(columns, unit ? null : doubles, x, ptr[r0], ptr[r0 + 1], ptr[r1], ptr[r1 + 1], ptr[r2], ptr[r2 + 1],
                    ptr[r3], ptr[r3 + 1], acc);
            System.arraycopy(acc, 0, out, q, 4);
        }

        /** Scratch of the four-at-a-time kernels ({@link #sum4}): the four sums. */
        final double[] acc = new double[4];

        private double dot1(int r, double[] x) {
            int[] col = columns;
            double s = 0;
            int k = pointers[r];
            int end = pointers[r + 1];
            if (unit) {
                for (; k < end; k++) {
                    s += x[col[k]];
                }
            } else if (doubles != null) {
                double[] v = doubles;
                for (; k < end; k++) {
                    s += v[k] * x[col[k]];
                }
            } else {
                float[] v = floats;
                for (; k < end; k++) {
                    s += v[k] * x[col[k]];
                }
            }
            return s;
        }

        @Override
        void axpys(int i0, int n, double[] c, double[] g) {
            int[] ptr = pointers;
            int[] col = columns;
            for (int q = 0; q < n; q++) {
                int r = row(i0 + q);
                double cq = c[q];
                int end = ptr[r + 1];
                if (unit) {
                    for (int k = ptr[r]; k < end; k++) {
                        g[col[k]] += cq;
                    }
                } else if (doubles != null) {
                    double[] v = doubles;
                    for (int k = ptr[r]; k < end; k++) {
                        g[col[k]] += cq * v[k];
                    }
                } else {
                    float[] v = floats;
                    for (int k = ptr[r]; k < end; k++) {
                        g[col[k]] += cq * v[k];
                    }
                }
            }
        }

        private double value(int k) {
            return unit ? 1.0 : doubles != null ? doubles[k] : floats[k];
        }

        @Override
        void logits(int i, double[] w, int k, double[] z) {
            int r = row(i);
            for (int e = pointers[r], end = pointers[r + 1]; e < end; e++) {
                double v = value(e);
                int o = columns[e] * k;
                for (int c = 0; c < k; c++) {
                    z[c] += v * w[o + c];
                }
            }
        }

        @Override
        void outer(int i, double[] gc, int k, double[] gw) {
            int r = row(i);
            for (int e = pointers[r], end = pointers[r + 1]; e < end; e++) {
                double v = value(e);
                int o = columns[e] * k;
                for (int c = 0; c < k; c++) {
                    gw[o + c] += v * gc[c];
                }
            }
        }

        @Override
        void clear() {
            pointers = null;
            columns = null;
            index = null;
            doubles = null;
            floats = null;
        }
    }

    // ----------------------------------------------------------------------------------------------------- columns

    /**
     * Sparse rows with their column index ({@link SparseColumns}), for passes over the whole batch: {@link #dots} of
     * all rows scatters each column into the margins ({@code t[i] += a_ij x_j}, columns in increasing order, so every
     * margin receives its terms in increasing column order, as in the row kernel), and {@link #axpys} of all rows
     * gathers each column ({@code g_j += sum_i c_i a_ij}, samples in increasing order, as the row kernel adds them),
     * four columns side by side. Same bits as {@link SparseRows} (and the dense kernels). Calls on part of the batch,
     * and the softmax kernels, use the row kernels.
     *
     * <p>The margins' scatter writes {@code out[smp[k] & (out.length - 1)]}: the same element when the length is a
     * power of two (every sample is below it), and a form in which the JIT can prove the index in range, so the loop
     * has no bounds check (10-20 % faster scatter on w8a's clients, measured against the plain index in one process).
     * The models' scratch has such lengths ({@link #powerOfTwoAtLeast}); an output of any other length goes to the row
     * kernels, with the same bits.
     *
     * <p>Where the SIMD kernels run ({@code VectorKernels.ENABLED}), both whole-batch passes go to them instead, over
     * the batch's lane layout ({@link SparseColumns#lanes}), again with the same bits. They need one spare slot each:
     * {@code x.length > p} for the margins and {@code c.length > m} for the gradient; the kernel writes +0 there (the
     * pads' slot). A caller without the spare slot gets the scalar kernels.
     */
    static final class ColumnRows extends SparseRows {
        SparseColumns index;

        /**
         * False when the JVM was started with {@code -Dfl4j.sparse.columnIndex=false}: the models then never build a
         * column index (saving its memory, about 4 bytes per stored entry plus a copy of the values unless they are
         * all 1) and use the row kernels only, with the same results.
         */
        static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("fl4j.sparse.columnIndex"));

        /**
         * Whether the column kernels pay for a batch: enough rows for a whole-batch pass to matter, and columns that
         * are long on average (at least 16 entries), so that the per-column loops, not their setup, take the time.
         */
        static boolean worthIt(Dataset batch) {
            long m = batch.size();
            return ENABLED && m >= 4L * Kernels.BLOCK && batch.storedValues() >= 16L * batch.featureCount();
        }

        @Override
        int chunk() {
            return Math.max(rows, 1);
        }

        @Override
        void dots(int i0, int n, double[] x, double[] out) {
            if (VectorKernels.ENABLED && i0 == 0 && n == rows && x.length > cols) {
                x[cols] = 0.0; // the pad column of the lane layout
                VectorKernels.margins(index.lanes(VectorKernels.LANES), x, out);
                return;
            }
            if (i0 != 0 || n != rows || !powerOfTwo(out.length)) {
                super.dots(i0, n, x, out);
                return;
            }
            java.util.Arrays.fill(out, 0, n, 0.0);
            SparseColumns a = index;
            int[] ptr = a.pointers();
            int[] smp = a.samplesOfEntries();
            int p = a.cols();
            int mask = out.length - 1; // smp[k] & mask == smp[k] < n; in this form the JIT drops the bounds check
            if (a.unitValues()) {
                for (int j = 0; j < p; j++) {
                    double xj = x[j];
                    for (int k = ptr[j], end = ptr[j + 1]; k < end; k++) {
                        out[smp[k] & mask] += xj;
                    }
                }
            } else if (a.doubleValues() != null) {
                double[] v = a.doubleValues();
                for (int j = 0; j < p; j++) {
                    double xj = x[j];
                    for (int k = ptr[j], end = ptr[j + 1]; k < end; k++) {
                        out[smp[k] & mask] += v[k] * xj;
                    }
                }
            } else {
                float[] v = a.floatValues();
                for (int j = 0; j < p; j++) {
                    double xj = x[j];
                    for (int k = ptr[j], end = ptr[j + 1]; k < end; k++) {
                        out[smp[k] & mask] += v[k] * xj;
                    }
                }
            }
        }

        @Override
        void axpys(int i0, int n, double[] c, double[] g) {
            if (i0 != 0 || n != rows) {
                super.axpys(i0, n, c, g);
                return;
            }
            if (VectorKernels.ENABLED && c.length > rows) {
                c[rows] = 0.0; // the pad sample of the lane layout
                VectorKernels.gather(index.lanes(VectorKernels.LANES), c, g);
                return;
            }
            SparseColumns a = index;
            int[] order = a.order();
            int q = 0;
            if (a.unitValues() || a.doubleValues() != null) {
                for (; q + 4 <= order.length; q += 4) {
                    gather4(a, order[q], order[q + 1], order[q + 2], order[q + 3], c, g);
                }
            }
            for (; q < order.length; q++) {
                int j = order[q];
                g[j] = gather1(a, j, c, g[j]);
            }
        }

        /** Four columns' sums side by side ({@link #sum4}), each from its current {@code g_j}, in sample order. */
        private void gather4(SparseColumns a, int j0, int j1, int j2, int j3, double[] c, double[] g) {
            int[] ptr = a.pointers();
            double[] acc = this.acc;
            acc[0] = g[j0];
            acc[1] = g[j1];
            acc[2] = g[j2];
            acc[3] = g[j3];
            sum4(a.samplesOfEntries(), a.unitValues() ? null : a.doubleValues(), c, ptr[j0], ptr[j0 + 1], ptr[j1],
                    ptr[j1 + 1], ptr[j2], ptr[j2 + 1], ptr[j3], ptr[j3 + 1], acc);
            g[j0] = acc[0];
            g[j1] = acc[1];
            g[j2] = acc[2];
            g[j3] = acc[3];
        }

        /** {@code s + sum c_i a_ij} over column j's entries in sample order. */
        private static double gather1(SparseColumns a, int j, double[] c, double s) {
            int[] ptr = a.pointers();
            int[] smp = a.samplesOfEntries();
            int end = ptr[j + 1];
            if (a.unitValues()) {
                for (int k = ptr[j]; k < end; k++) {
                    s += c[smp[k]];
                }
            } else if (a.doubleValues() != null) {
                double[] v = a.doubleValues();
                for (int k = ptr[j]; k < end; k++) {
                    s += c[smp[k]] * v[k];
                }
            } else {
                float[] v = a.floatValues();
                for (int k = ptr[j]; k < end; k++) {
                    s += c[smp[k]] * v[k];
                }
            }
            return s;
        }

        @Override
        void clear() {
            super.clear();
            index = null;
        }
    }
}
