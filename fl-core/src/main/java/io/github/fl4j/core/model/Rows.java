package io.github.fl4j.core.model;

import io.github.fl4j.core.data.CsrMatrix;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Row kernels of the built-in models over the feature rows of a batch, dense or sparse, float32 or float64: the two
 * operations a full gradient of a generalised linear model needs per row, {@code a_i . x} ({@link #dot}) and
 * {@code g += c a_i} ({@link #axpy}), so that a model computes {@code X^T s(X w)} in ONE pass over the rows (the row is
 * still in the L1 cache for the axpy), with plain Java loops and no allocation (instances are per-thread and reset
 * per call).
 *
 * <p><b>Summation order, and why dense and sparse agree exactly.</b> {@link #dot} sums the products of column j into
 * lane {@code j mod 8} in increasing j, then adds the eight lanes as {@code ((l0 + l1) + (l2 + l3)) + ((l4 + l5) +
 * (l6 + l7))}: eight independent chains keep the floating-point adder busy (one chain is latency-bound at a quarter
 * of the speed). A sparse row uses the same lanes for its stored entries. The dense form adds, in addition, a product
 * {@code 0 * x_j = +-0} for each absent entry; a lane starts at +0 and, in round-to-nearest, a sum of finite values
 * that starts at +0 is never -0 ({@code +0 + -0 = +0}, {@code v + -v = +0}), so adding +-0 leaves every partial sum
 * unchanged. {@link #axpy} adds {@code c a_ij} to {@code g_j} in row order in both forms, with the same argument for
 * the dense zeros. Hence, for finite x, <b>a dense and a sparse batch holding the same values give bit-identical
 * dot products and gradient accumulations</b>, in float64 and in float32 (float32 values are widened: a product of two
 * float32 numbers is exact in double, and the lanes accumulate in double).
 */
abstract class Rows {
    /** Number of rows of the batch. */
    int rows;
    /** Number of columns p. */
    int cols;

    /** {@code a_i . x} in the lane order of the class comment. */
    abstract double dot(int i, double[] x);

    /** {@code g_j += c a_ij} for every stored (or, dense, every) j of row i. */
    abstract void axpy(int i, double c, double[] g);

    /**
     * Softmax logits: {@code z[c] += sum_j a_ij w[j k + c]} for c in [0, k), in increasing j (w row-major [p, k]).
     */
    abstract void logits(int i, double[] w, int k, double[] z);

    /** {@code gw[j k + c] += a_ij gc[c]} for every stored (or, dense, every) j of row i and c in [0, k). */
    abstract void outer(int i, double[] gc, int k, double[] gw);

    /** Bytes of feature storage one pass over all rows reads (values, plus column indices and row pointers). */
    abstract long bytesPerPass();

    /** Forgets the batch (so a per-thread instance does not keep its memory alive). */
    abstract void clear();

    static double combine(double s0, double s1, double s2, double s3, double s4, double s5, double s6, double s7) {
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** One thread's reusable row accessors, one per kind. */
    static final class Set {
        private final DenseDouble denseDouble = new DenseDouble();
        private final DenseFloat denseFloat = new DenseFloat();
        private final SparseDouble sparseDouble = new SparseDouble();
        private final SparseFloat sparseFloat = new SparseFloat();

        /**
         * The rows of {@code batch}, valid until the next call on this thread; the caller keeps {@code batch}
         * reachable while it uses them, and calls {@link Rows#clear()} when done.
         */
        Rows of(Dataset batch) {
            if (batch.isSparse()) {
                CsrMatrix a = batch.sparseFeatures();
                SparseRows r = a.doubleValues() != null ? sparseDouble : sparseFloat;
                r.reset(a, batch.sparseRowFrom(), batch.sparseRowIndex(), batch.size());
                if (r == sparseDouble) {
                    sparseDouble.values = a.doubleValues();
                } else {
                    sparseFloat.values = a.floatValues();
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

    abstract static class DenseRows extends Rows {
        int base;
        int ld;

        void reset(int m, int p, int base, int ld) {
            this.rows = m;
            this.cols = p;
            this.base = base;
            this.ld = ld;
        }

        @Override
        long bytesPerPass() {
            return (long) rows * cols * (this instanceof DenseDouble ? 8 : 4);
        }
    }

    static final class DenseDouble extends DenseRows {
        DoubleBuffer buffer;
        private double[][] slots = new double[0][];
        private int[] loaded = new int[0];

        /**
         * Row i copied into a heap array (one bulk copy, at memory speed; the row then sits in L1 for the dot, the
         * axpy that follows it and any further use), so that the loops run on a plain array, which the JIT compiles
         * without per-element buffer checks and vectorises where the order allows (the axpy). Rows go to slot
         * {@code i mod slots}: a block of {@link Kernels#BLOCK} rows stays loaded between its margins and its
         * gradient updates (one slot when rows are longer than 4096 values).
         */
        private double[] load(int i) {
            int slot = i & (slots.length - 1); // 16 or 1 slots
            double[] row = slots[slot];
            if (loaded[slot] != i) {
                buffer.get(base + i * ld, row, 0, cols);
                loaded[slot] = i;
            }
            return row;
        }

        @Override
        void reset(int m, int p, int base, int ld) {
            super.reset(m, p, base, ld);
            int n = p <= 4096 ? Kernels.BLOCK : 1;
            if (slots.length != n || slots[0].length < p) {
                slots = new double[n][p];
                loaded = new int[n];
            }
            java.util.Arrays.fill(loaded, -1);
        }

        @Override
        double dot(int i, double[] x) {
            double[] a = load(i);
            int p = cols;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int j = 0;
            for (; j + 8 <= p; j += 8) {
                s0 += a[j] * x[j];
                s1 += a[j + 1] * x[j + 1];
                s2 += a[j + 2] * x[j + 2];
                s3 += a[j + 3] * x[j + 3];
                s4 += a[j + 4] * x[j + 4];
                s5 += a[j + 5] * x[j + 5];
                s6 += a[j + 6] * x[j + 6];
                s7 += a[j + 7] * x[j + 7];
            }
            int r = p - j;
            if (r > 0) {
                s0 += a[j] * x[j];
            }
            if (r > 1) {
                s1 += a[j + 1] * x[j + 1];
            }
            if (r > 2) {
                s2 += a[j + 2] * x[j + 2];
            }
            if (r > 3) {
                s3 += a[j + 3] * x[j + 3];
            }
            if (r > 4) {
                s4 += a[j + 4] * x[j + 4];
            }
            if (r > 5) {
                s5 += a[j + 5] * x[j + 5];
            }
            if (r > 6) {
                s6 += a[j + 6] * x[j + 6];
            }
            return combine(s0, s1, s2, s3, s4, s5, s6, s7);
        }

        @Override
        void axpy(int i, double c, double[] g) {
            double[] a = load(i);
            int p = cols;
            for (int j = 0; j < p; j++) {
                g[j] += c * a[j];
            }
        }

        @Override
        void logits(int i, double[] w, int k, double[] z) {
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
        void outer(int i, double[] gc, int k, double[] gw) {
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
            buffer = null;
            java.util.Arrays.fill(loaded, -1);
        }
    }

    static final class DenseFloat extends DenseRows {
        FloatBuffer buffer;
        private float[][] slots = new float[0][];
        private int[] loaded = new int[0];

        /**
         * Row i copied into a heap array (one bulk copy, at memory speed; the row then sits in L1 for the dot, the
         * axpy that follows it and any further use), so that the loops run on a plain array, which the JIT compiles
         * without per-element buffer checks and vectorises where the order allows (the axpy). Rows go to slot
         * {@code i mod slots}: a block of {@link Kernels#BLOCK} rows stays loaded between its margins and its
         * gradient updates (one slot when rows are longer than 4096 values).
         */
        private float[] load(int i) {
            int slot = i & (slots.length - 1); // 16 or 1 slots
            float[] row = slots[slot];
            if (loaded[slot] != i) {
                buffer.get(base + i * ld, row, 0, cols);
                loaded[slot] = i;
            }
            return row;
        }

        @Override
        void reset(int m, int p, int base, int ld) {
            super.reset(m, p, base, ld);
            int n = p <= 4096 ? Kernels.BLOCK : 1;
            if (slots.length != n || slots[0].length < p) {
                slots = new float[n][p];
                loaded = new int[n];
            }
            java.util.Arrays.fill(loaded, -1);
        }

        @Override
        double dot(int i, double[] x) {
            float[] a = load(i);
            int p = cols;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int j = 0;
            for (; j + 8 <= p; j += 8) {
                s0 += a[j] * x[j];
                s1 += a[j + 1] * x[j + 1];
                s2 += a[j + 2] * x[j + 2];
                s3 += a[j + 3] * x[j + 3];
                s4 += a[j + 4] * x[j + 4];
                s5 += a[j + 5] * x[j + 5];
                s6 += a[j + 6] * x[j + 6];
                s7 += a[j + 7] * x[j + 7];
            }
            int r = p - j;
            if (r > 0) {
                s0 += a[j] * x[j];
            }
            if (r > 1) {
                s1 += a[j + 1] * x[j + 1];
            }
            if (r > 2) {
                s2 += a[j + 2] * x[j + 2];
            }
            if (r > 3) {
                s3 += a[j + 3] * x[j + 3];
            }
            if (r > 4) {
                s4 += a[j + 4] * x[j + 4];
            }
            if (r > 5) {
                s5 += a[j + 5] * x[j + 5];
            }
            if (r > 6) {
                s6 += a[j + 6] * x[j + 6];
            }
            return combine(s0, s1, s2, s3, s4, s5, s6, s7);
        }

        @Override
        void axpy(int i, double c, double[] g) {
            float[] a = load(i);
            int p = cols;
            for (int j = 0; j < p; j++) {
                g[j] += c * a[j];
            }
        }

        @Override
        void logits(int i, double[] w, int k, double[] z) {
            float[] a = load(i);
            for (int j = 0; j < cols; j++) {
                double v = a[j];
                int o = j * k;
                for (int c = 0; c < k; c++) {
                    z[c] += v * w[o + c];
                }
            }
        }

        @Override
        void outer(int i, double[] gc, int k, double[] gw) {
            float[] a = load(i);
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
            buffer = null;
            java.util.Arrays.fill(loaded, -1);
        }
    }

    // ----------------------------------------------------------------------------------------------------- sparse

    abstract static class SparseRows extends Rows {
        int[] pointers;
        int[] columns;
        int from;
        int[] index;
        final double[] lanes = new double[8];

        void reset(CsrMatrix a, int from, int[] index, int m) {
            this.pointers = a.rowPointers();
            this.columns = a.columns();
            this.from = from;
            this.index = index;
            this.rows = m;
            this.cols = a.cols();
        }

        final int row(int i) {
            return index == null ? from + i : index[i];
        }

        @Override
        long bytesPerPass() {
            long nnz = 0;
            for (int i = 0; i < rows; i++) {
                int r = row(i);
                nnz += pointers[r + 1] - pointers[r];
            }
            return nnz * (4 + (this instanceof SparseDouble ? 8 : 4)) + 4L * (rows + 1)
                    + (index == null ? 0 : 4L * rows);
        }

        @Override
        void clear() {
            pointers = null;
            columns = null;
            index = null;
        }
    }

    static final class SparseDouble extends SparseRows {
        double[] values;

        @Override
        double dot(int i, double[] x) {
            int r = row(i);
            int[] col = columns;
            double[] v = values;
            double[] l = lanes;
            l[0] = 0;
            l[1] = 0;
            l[2] = 0;
            l[3] = 0;
            l[4] = 0;
            l[5] = 0;
            l[6] = 0;
            l[7] = 0;
            for (int k = pointers[r], end = pointers[r + 1]; k < end; k++) {
                int j = col[k];
                l[j & 7] += v[k] * x[j];
            }
            return combine(l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7]);
        }

        @Override
        void axpy(int i, double c, double[] g) {
            int r = row(i);
            int[] col = columns;
            double[] v = values;
            for (int k = pointers[r], end = pointers[r + 1]; k < end; k++) {
                g[col[k]] += c * v[k];
            }
        }

        @Override
        void logits(int i, double[] w, int k, double[] z) {
            int r = row(i);
            for (int e = pointers[r], end = pointers[r + 1]; e < end; e++) {
                double v = values[e];
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
                double v = values[e];
                int o = columns[e] * k;
                for (int c = 0; c < k; c++) {
                    gw[o + c] += v * gc[c];
                }
            }
        }

        @Override
        void clear() {
            super.clear();
            values = null;
        }
    }

    static final class SparseFloat extends SparseRows {
        float[] values;

        @Override
        double dot(int i, double[] x) {
            int r = row(i);
            int[] col = columns;
            float[] v = values;
            double[] l = lanes;
            l[0] = 0;
            l[1] = 0;
            l[2] = 0;
            l[3] = 0;
            l[4] = 0;
            l[5] = 0;
            l[6] = 0;
            l[7] = 0;
            for (int k = pointers[r], end = pointers[r + 1]; k < end; k++) {
                int j = col[k];
                l[j & 7] += v[k] * x[j];
            }
            return combine(l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7]);
        }

        @Override
        void axpy(int i, double c, double[] g) {
            int r = row(i);
            int[] col = columns;
            float[] v = values;
            for (int k = pointers[r], end = pointers[r + 1]; k < end; k++) {
                g[col[k]] += c * v[k];
            }
        }

        @Override
        void logits(int i, double[] w, int k, double[] z) {
            int r = row(i);
            for (int e = pointers[r], end = pointers[r + 1]; e < end; e++) {
                double v = values[e];
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
                double v = values[e];
                int o = columns[e] * k;
                for (int c = 0; c < k; c++) {
                    gw[o + c] += v * gc[c];
                }
            }
        }

        @Override
        void clear() {
            super.clear();
            values = null;
        }
    }
}
