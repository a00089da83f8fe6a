package io.github.fl4j.core.model;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The shared machinery of the built-in models: argument checks, direct CBLAS calls on the arrays' native memory,
 * element access to backing buffers, and per-thread scratch space.
 *
 * <p>Why direct CBLAS: {@code Nd4j.gemm} runs ND4J's {@code matmul} op, which costs about 10-15 microseconds per call
 * whatever the size (measured on the 2-core reference machine: a [32 x 60] x [60 x 10] float product took 13-15 us
 * through {@code Nd4j.gemm} and 2.1 us through {@code cblas_sgemm}; a [32 x 60] matrix-vector product 11 us against
 * 0.55 us through {@code cblas_sgemv}). The calls here go to the same OpenBLAS library that ND4J itself uses for its
 * level-1 BLAS ({@code openblas_nolapack}), so the thread settings of {@code NativeThreads} apply.
 *
 * <p>Two ND4J conventions matter (verified for ND4J 1.0.0-M2.1 by the models' view tests):
 * <ul>
 *   <li>{@code arr.data().addressPointer()} of a view already points at the view's first element (the view's offset
 *       is applied), so BLAS calls get it unchanged;</li>
 *   <li>{@code arr.data().asNioFloat()} / {@code asNioDouble()} of a view starts at the origin of the whole
 *       underlying allocation, so element {@code i} of a vector is at {@code arr.offset() + i * stride}.</li>
 * </ul>
 *
 * <p>Callers keep their ND4J arrays reachable ({@link java.lang.ref.Reference#reachabilityFence}) until the native
 * calls on their pointers have returned.
 */
final class Kernels {
    /** Rows per chunk when evaluating on a large dataset. */
    static final int EVAL_CHUNK_ROWS = 1024;

    private Kernels() {
    }

    // ---------------------------------------------------------------------------------------------------- checks

    /** True for DOUBLE, false for FLOAT; anything else is rejected. */
    static boolean isDouble(DataType type, String what) {
        if (type == DataType.DOUBLE) {
            return true;
        }
        if (type == DataType.FLOAT) {
            return false;
        }
        throw new IllegalArgumentException(what + " data type must be FLOAT or DOUBLE, was " + type);
    }

    /** Checks a non-empty batch with {@code features} columns and returns its precision (true = double). */
    static boolean checkBatch(Dataset batch, int features, String name) {
        if (batch == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (batch.featureCount() != features) {
            throw new IllegalArgumentException(name + " feature count must be " + features + ", was "
                    + batch.featureCount());
        }
        if (batch.size() < 1) {
            throw new IllegalArgumentException(name + " must hold at least one sample, was empty");
        }
        return isDouble(batch.precision().dataType(), name);
    }

    /**
     * The arguments of {@code initialParameters(rng, out)}: {@code out} a contiguous float32 or float64 vector of
     * {@code dimension} elements and {@code rng} not null; returns {@code out} as a {@link Vec} to fill.
     */
    static Vec initTarget(RandomStream rng, INDArray out, long dimension) {
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        checkVector(out, "out", dimension, isDouble(out.dataType(), "out"), "dimension");
        if (rng == null) {
            throw new IllegalArgumentException("rng must not be null");
        }
        return vector(out, 0);
    }

    /**
     * Checks that {@code a} is a contiguous vector (any shape) of {@code length} elements of the batch's type.
     */
    static void checkVector(INDArray a, String name, long length, boolean dbl, String lengthMeaning) {
        if (a == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (a.length() != length) {
            throw new IllegalArgumentException(name + " length must be " + length + " (" + lengthMeaning + "), was "
                    + a.length());
        }
        DataType expected = dbl ? DataType.DOUBLE : DataType.FLOAT;
        if (a.dataType() != expected) {
            throw new IllegalArgumentException(name + " data type must be " + expected + " (the batch's), was "
                    + a.dataType());
        }
        if (length > 1 && a.elementWiseStride() != 1) {
            throw new IllegalArgumentException(name + " must be a contiguous vector (element-wise stride 1), shape "
                    + Arrays.toString(a.shape()) + " has strides " + Arrays.toString(a.stride()));
        }
    }

    /** Checks an output vector: as {@link #checkVector}, and its memory must not overlap {@code params}. */
    static void checkOutput(INDArray out, String name, long length, boolean dbl, INDArray params) {
        checkVector(out, name, length, dbl, "dimension");
        long bytes = length * (dbl ? 8L : 4L);
        long a = Tensors.nativePointer(out).address();
        long b = Tensors.nativePointer(params).address();
        if (a < b + bytes && b < a + bytes) {
            throw new IllegalArgumentException(name + " must not share memory with params");
        }
    }

    // ------------------------------------------------------------------------------------------------ matrices

    /**
     * A row-major matrix in native memory: element (i, j) at {@code pointer + i * ld + j}. It holds its array strongly
     * only when it is a private copy ({@code copy}); otherwise weakly ({@code source}: descriptors are cached per
     * thread), so callers keep the dataset reachable (a reachability fence on it) while they use the pointer.
     */
    record Matrix(Pointer pointer, int rows, int cols, int ld, INDArray copy,
                  java.lang.ref.WeakReference<INDArray> source) {
        /** The array behind the pointer (the copy, or the batch's own features). */
        INDArray owner() {
            return copy != null ? copy : source.get();
        }

        /** The pointer to row {@code row}. */
        Pointer row(int row, boolean dbl) {
            return at(pointer, dbl, (long) row * ld);
        }
    }

    /**
     * The features of a batch as a row-major matrix (a copy only when the columns are not unit-strided). Without a
     * copy the descriptor is cached per thread, weakly keyed by the features array, so a steady-state call allocates
     * nothing; the caller must keep {@code batch} reachable until its last use of the pointer.
     */
    static Matrix features(Dataset batch) {
        INDArray f = batch.features();
        boolean copy = f.size(1) > 1 && f.stride(1) != 1;
        if (!copy) {
            Matrix cached = MATRICES.get().get(f, 0, 0);
            if (cached != null) {
                return cached;
            }
        } else {
            f = f.dup('c');
        }
        int rows = (int) f.size(0);
        int cols = (int) f.size(1);
        long ld = Math.max(f.stride(0), cols);
        if (ld > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("feature matrix row stride must fit an int, was " + ld);
        }
        if (copy) {
            return new Matrix(Tensors.nativePointer(f), rows, cols, (int) ld, f, null);
        }
        return MATRICES.get().put(f, 0, 0, new Matrix(Tensors.nativePointer(f), rows, cols, (int) ld, null,
                new java.lang.ref.WeakReference<>(f)));
    }

    /**
     * The native pointer to the first element of {@code a} (the view offset is already applied by ND4J), cached per
     * data buffer and thread ({@link Tensors#nativePointer}): shared, so derive new pointers with {@link #at}.
     */
    static Pointer pointer(INDArray a) {
        return Tensors.nativePointer(a);
    }

    /**
     * A pointer {@code elements} elements after {@code base} (base itself when 0). Cached per thread by (base identity,
     * element type, offset), so the per-layer offsets a model asks for on every call allocate nothing after the first
     * (a JavaCPP pointer is about 100 bytes). Shared: never change the result's position.
     */
    static Pointer at(Pointer base, boolean dbl, long elements) {
        if (elements == 0) {
            return base;
        }
        // tagged by the base's position too, so a (never expected) repositioned base cannot hit a stale entry
        long tag = dbl ? -1 - base.position() : base.position();
        WeakSlots<Pointer> cache = OFFSETS.get();
        Pointer p = cache.get(base, elements, tag);
        return p != null ? p : cache.put(base, elements, tag, offsetPointer(base, dbl, elements));
    }

    private static final ThreadLocal<WeakSlots<Pointer>> OFFSETS = ThreadLocal.withInitial(WeakSlots::new);
    private static final ThreadLocal<WeakSlots<Vec>> VECS = ThreadLocal.withInitial(WeakSlots::new);
    private static final ThreadLocal<WeakSlots<Matrix>> MATRICES = ThreadLocal.withInitial(WeakSlots::new);

    /** A new pointer {@code elements} elements after {@code base}, for the offset cache. */
    private static Pointer offsetPointer(Pointer base, boolean dbl, long elements) {
        return dbl ? new DoublePointer(base).position(base.position() + elements)
                : new FloatPointer(base).position(base.position() + elements);
    }

    /**
     * A direct-mapped per-thread cache from (an object, by identity, and two long tags) to a value derived from them:
     * the small wrappers (offset pointers, element accessors, matrix descriptors) that the models would otherwise
     * allocate on every call. Keys are weak, so the cache keeps nothing alive; values must not refer back to their key.
     * A hit allocates nothing; a miss allocates the value and one WeakReference.
     */
    private static final class WeakSlots<V> {
        private static final int SLOTS = 256;
        @SuppressWarnings("unchecked")
        private final java.lang.ref.WeakReference<Object>[] keys = new java.lang.ref.WeakReference[SLOTS];
        private final long[] tagA = new long[SLOTS];
        private final long[] tagB = new long[SLOTS];
        private final Object[] values = new Object[SLOTS];

        private static int slot(Object key, long a, long b) {
            int h = System.identityHashCode(key) * 31 + Long.hashCode(a) * 7 + Long.hashCode(b);
            return (h ^ (h >>> 16)) & (SLOTS - 1);
        }

        /** The cached value for (key, a, b), or null. */
        @SuppressWarnings("unchecked")
        V get(Object key, long a, long b) {
            int s = slot(key, a, b);
            java.lang.ref.WeakReference<Object> k = keys[s];
            return k != null && k.get() == key && tagA[s] == a && tagB[s] == b ? (V) values[s] : null;
        }

        V put(Object key, long a, long b, V v) {
            int s = slot(key, a, b);
            keys[s] = new java.lang.ref.WeakReference<>(key);
            tagA[s] = a;
            tagB[s] = b;
            values[s] = v;
            return v;
        }
    }

    // --------------------------------------------------------------------------------------------------- BLAS

    /**
     * Row-major {@code C <- alpha op(A) op(B) + beta C} with {@code op(A)} of shape [m, k] and {@code op(B)} of shape
     * [k, n].
     */
    static void gemm(boolean dbl, boolean transA, boolean transB, int m, int n, int k, double alpha, Pointer a,
            int lda, Pointer b, int ldb, double beta, Pointer c, int ldc) {
        int ta = transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        if (dbl) {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, alpha, (DoublePointer) a,
                    lda, (DoublePointer) b, ldb, beta, (DoublePointer) c, ldc);
        } else {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, (float) alpha,
                    (FloatPointer) a, lda, (FloatPointer) b, ldb, (float) beta, (FloatPointer) c, ldc);
        }
    }

    /**
     * Row-major matrix-vector product with A of shape [rows, cols]: {@code y <- alpha A x + beta y} (x of length
     * cols, y of length rows), or with {@code trans}, {@code y <- alpha A^T x + beta y} (x of length rows, y of length
     * cols). Unit strides.
     */
    static void gemv(boolean dbl, boolean trans, int rows, int cols, double alpha, Pointer a, int lda, Pointer x,
            double beta, Pointer y) {
        int t = trans ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        if (dbl) {
            openblas_nolapack.cblas_dgemv(openblas_nolapack.CblasRowMajor, t, rows, cols, alpha, (DoublePointer) a,
                    lda, (DoublePointer) x, 1, beta, (DoublePointer) y, 1);
        } else {
            openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasRowMajor, t, rows, cols, (float) alpha,
                    (FloatPointer) a, lda, (FloatPointer) x, 1, (float) beta, (FloatPointer) y, 1);
        }
    }

    /** {@code y <- y + alpha x} over n unit-stride elements. */
    static void axpy(boolean dbl, int n, double alpha, Pointer x, Pointer y) {
        if (dbl) {
            openblas_nolapack.cblas_daxpy(n, alpha, (DoublePointer) x, 1, (DoublePointer) y, 1);
        } else {
            openblas_nolapack.cblas_saxpy(n, (float) alpha, (FloatPointer) x, 1, (FloatPointer) y, 1);
        }
    }

    /** The dot product of n unit-stride elements (accumulated in the array precision by BLAS). */
    static double dot(boolean dbl, int n, Pointer x, Pointer y) {
        if (dbl) {
            return openblas_nolapack.cblas_ddot(n, (DoublePointer) x, 1, (DoublePointer) y, 1);
        }
        return openblas_nolapack.cblas_sdot(n, (FloatPointer) x, 1, (FloatPointer) y, 1);
    }

    // ------------------------------------------------------------------------------------------ element access

    /** Element access to a strided vector in a float or double buffer, with values as doubles. */
    abstract static class Vec {
        abstract double get(int i);

        abstract void set(int i, double v);

        /** {@code out[q] = get(from + q)} for q in [0, n). */
        void get(int from, int n, double[] out) {
            for (int q = 0; q < n; q++) {
                out[q] = get(from + q);
            }
        }

        /** {@code set(from + q, src[q])} for q in [0, n). */
        void set(int from, int n, double[] src) {
            for (int q = 0; q < n; q++) {
                set(from + q, src[q]);
            }
        }
    }

    /** Floats at {@code base + i * stride}. */
    static final class FloatVec extends Vec {
        private final FloatBuffer buffer;
        private final int base;
        private final int stride;

        FloatVec(FloatBuffer buffer, int base, int stride) {
            this.buffer = buffer;
            this.base = base;
            this.stride = stride;
        }

        @Override
        double get(int i) {
            return buffer.get(base + i * stride);
        }

        @Override
        void set(int i, double v) {
            buffer.put(base + i * stride, (float) v);
        }
    }

    /** Doubles at {@code base + i * stride}. */
    static final class DoubleVec extends Vec {
        private final DoubleBuffer buffer;
        private final int base;
        private final int stride;

        DoubleVec(DoubleBuffer buffer, int base, int stride) {
            this.buffer = buffer;
            this.base = base;
            this.stride = stride;
        }

        @Override
        double get(int i) {
            return buffer.get(base + i * stride);
        }

        @Override
        void get(int from, int n, double[] out) {
            if (stride == 1) {
                buffer.get(base + from, out, 0, n);
            } else {
                super.get(from, n, out);
            }
        }

        @Override
        void set(int i, double v) {
            buffer.put(base + i * stride, v);
        }

        @Override
        void set(int from, int n, double[] src) {
            if (stride == 1) {
                buffer.put(base + from, src, 0, n);
            } else {
                super.set(from, n, src);
            }
        }
    }

    /** Element access to a contiguous vector (any shape), starting at element {@code start}. */
    static Vec vector(INDArray a, long start) {
        return access(a, (int) (a.offset() + start), 1);
    }

    /** Element access to a label column [m, 1] (whatever its row stride). */
    static Vec column(INDArray labels) {
        int stride = labels.size(0) > 1 ? (int) labels.stride(0) : 1;
        return access(labels, (int) labels.offset(), stride);
    }

    /** The accessor of (a, base, stride), cached per thread (weakly keyed by the array). */
    private static Vec access(INDArray a, int base, int stride) {
        WeakSlots<Vec> cache = VECS.get();
        Vec v = cache.get(a, base, stride);
        if (v != null) {
            return v;
        }
        v = a.dataType() == DataType.DOUBLE ? new DoubleVec(Tensors.doubleView(a), base, stride)
                : new FloatVec(Tensors.floatView(a), base, stride);
        return cache.put(a, base, stride, v);
    }

    /** Copies the first n elements of a contiguous vector into {@code out[0 .. n)} as doubles. */
    static void copyIn(INDArray a, int n, double[] out) {
        vector(a, 0).get(0, n, out); // float64: one bulk copy, not one buffer call per element
    }

    /** Writes {@code src[0 .. n)} into the first n elements of a contiguous vector (rounded to its type). */
    static void copyOut(double[] src, int n, INDArray a) {
        vector(a, 0).set(0, n, src);
    }

    /** Fills a contiguous vector with zeros (a loop over the buffer; no ND4J op). */
    static void fillZero(INDArray a) {
        Vec v = vector(a, 0);
        int n = (int) a.length();
        for (int i = 0; i < n; i++) {
            v.set(i, 0.0);
        }
    }

    // -------------------------------------------------------------------------------------------------- scratch

    /**
     * One thread's scratch space: a native buffer per precision, grown to the largest size requested so far (never
     * shrunk), and two {@code double[]} work rows. Models keep one per thread in a {@link ThreadLocal}; smaller
     * batches use a prefix of it.
     */
    static final class Scratch {
        private FloatPointer floats;
        private FloatVec floatVec;
        private DoublePointer doubles;
        private DoubleVec doubleVec;
        private double[] rowA = new double[0];
        private double[] rowB = new double[0];
        private double[] rowC = new double[0];
        private double[] rowD = new double[0];
        private double[] labels = new double[0];
        private double[] chunkT = new double[0];
        private double[] chunkC = new double[0];
        private double[] chunkY = new double[0];
        private double[] expK = new double[0];
        private double[] expP = new double[0];
        private double[] expE = new double[0];
        /** Per-block margins, labels and coefficients ({@link #BLOCK} each). */
        final double[] blockT = new double[BLOCK];
        final double[] blockY = new double[BLOCK];
        final double[] blockC = new double[BLOCK];
        /** The thread's reusable row accessors ({@link Rows}). */
        final Rows.Set rows = new Rows.Set();

        /** {@code a} if it holds at least {@code n} doubles, else a new array of n. */
        private static double[] atLeast(double[] a, int n) {
            return a.length < n ? new double[n] : a;
        }

        /** As {@link #atLeast}, a power-of-two length when a new array is needed ({@link Rows#powerOfTwoAtLeast}). */
        private static double[] atLeastPowerOfTwo(double[] a, int n) {
            return a.length < n ? new double[Rows.powerOfTwoAtLeast(n)] : a;
        }

        /** A buffer of at least {@code n} elements of the given precision (contents unspecified). */
        Pointer values(boolean dbl, long n) {
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("scratch size must fit an int, was " + n);
            }
            long size = Math.max(n, 1);
            if (dbl) {
                if (doubles == null || doubles.capacity() < size) {
                    doubles = new DoublePointer(size);
                    doubleVec = new DoubleVec(doubles.asBuffer(), 0, 1);
                }
                return doubles;
            }
            if (floats == null || floats.capacity() < size) {
                floats = new FloatPointer(size);
                floatVec = new FloatVec(floats.asBuffer(), 0, 1);
            }
            return floats;
        }

        /** Element access to the buffer last returned by {@link #values} for this precision. */
        Vec valuesVec(boolean dbl) {
            return dbl ? doubleVec : floatVec;
        }

        /**
         * A work row of at least {@code n + 1} doubles (contents unspecified): the parameters, with one spare slot for
         * the SIMD kernels' pad column ({@link Rows.ColumnRows}).
         */
        double[] rowA(int n) {
            rowA = atLeast(rowA, n + 1);
            return rowA;
        }

        /** Frees both native buffers now (they are allocated again on demand); returns the bytes freed. */
        long free() {
            long bytes = 0;
            if (floats != null) {
                bytes += floats.capacity() * Float.BYTES;
                floats.close();
            }
            if (doubles != null) {
                bytes += doubles.capacity() * Double.BYTES;
                doubles.close();
            }
            floats = null;
            floatVec = null;
            doubles = null;
            doubleVec = null;
            return bytes;
        }

        /**
         * Margins, coefficients and labels of a chunk of rows ({@link Rows#chunk()}): the arrays of one block, or,
         * for a chunk of more than {@link #BLOCK} rows, arrays of at least {@code n} doubles (contents unspecified);
         * the margins' length is a power of two up to 2^30 (the column kernels' masked index, {@link Rows.ColumnRows}).
         */
        double[] chunkT(int n) {
            if (n <= BLOCK) {
                return blockT;
            }
            chunkT = atLeastPowerOfTwo(chunkT, n);
            return chunkT;
        }

        /**
         * See {@link #chunkT}; a chunk of more than {@link #BLOCK} rows gets at least {@code n + 1} doubles, one spare
         * slot for the SIMD kernels' pad sample ({@link Rows.ColumnRows}).
         */
        double[] chunkC(int n) {
            if (n <= BLOCK) {
                return blockC;
            }
            chunkC = atLeast(chunkC, n + 1);
            return chunkC;
        }

        /** See {@link #chunkT}. */
        double[] chunkY(int n) {
            if (n <= BLOCK) {
                return blockY;
            }
            chunkY = atLeast(chunkY, n);
            return chunkY;
        }

        /**
         * The running sum plus the softplus of {@code t[0 .. n)} and, when {@code sigmoid} is not null, the sigmoids
         * into it: {@link #softplusBlock} per block of {@link #BLOCK} in order, the same bits, with the exponentials
         * of the whole chunk computed first ({@link Exp#expOfMinusAbs}, into {@code sigmoid} or this scratch's own
         * row), which lets their arithmetic run as SIMD instructions.
         */
        double softplusChunk(double[] t, int n, double[] sigmoid, double sum) {
            double[] e = sigmoid;
            if (e == null) {
                expE = atLeast(expE, n);
                e = expE;
            }
            expK = atLeast(expK, n);
            expP = atLeast(expP, n);
            Exp.expOfMinusAbs(t, 0, n, e, expK, expP);
            if (n <= BLOCK) {
                return sum + softplusOfExps(t, 0, n, e);
            }
            for (int b = 0; b < n; b += BLOCK) {
                sum += softplusOfExps(t, b, Math.min(BLOCK, n - b), e);
            }
            return sum;
        }

        /**
         * The logistic loss's chunk from the raw margins {@code t[q] = a_q . x} and the labels {@code y[yFrom + q]}
         * (each -1 or +1): returns the running sum plus the softplus of {@code z_q = -y_q t_q} and writes the
         * coefficients {@code c[q] = -y_q sigmoid(z_q) scale}. The same bits as negating {@code t} into {@code z},
         * {@link #softplusChunk}{@code (z, n, c, sum)} and then {@code c[q] = -y_q c[q] scale}, without those two
         * passes: {@code |z_q| = |t_q|} exactly, so the exponentials are taken of the raw margins, and the products
         * by the labels happen inside the softplus pass ({@link #softplusOfLabelled}). {@code t} is left as it was.
         */
        double logisticChunk(double[] t, double[] y, int yFrom, int n, double[] c, double scale, double sum) {
            expK = atLeast(expK, n);
            expP = atLeast(expP, n);
            Exp.expOfMinusAbs(t, 0, n, c, expK, expP);
            if (n <= BLOCK) {
                return sum + softplusOfLabelled(t, y, yFrom, 0, n, c, scale);
            }
            int b = 0;
            if (VectorKernels.ENABLED && n >= VECTOR_TERMS) {
                // every block but the last through the vector terms (a multiple of eight rows); the exponential's
                // scratch is free again and takes the terms of the sums
                int split = (n - 1) / BLOCK * BLOCK;
                expE = atLeast(expE, split);
                VectorKernels.logisticTerms(t, y, yFrom, split, c, scale, expK, expP, expE);
                for (; b < split; b += BLOCK) {
                    sum += softplusOfTerms(expK, expP, expE, t, y, yFrom, b, BLOCK);
                }
            }
            for (; b < n; b += BLOCK) {
                sum += softplusOfLabelled(t, y, yFrom, b, Math.min(BLOCK, n - b), c, scale);
            }
            return sum;
        }

        /** A buffer of at least {@code n} doubles for a batch's labels (contents unspecified). */
        double[] labels(int n) {
            labels = atLeast(labels, n);
            return labels;
        }

        /** A fourth work row of at least {@code n} doubles (contents unspecified). */
        double[] rowD(int n) {
            rowD = atLeast(rowD, n);
            return rowD;
        }

        /** A third work row of at least {@code n} doubles (contents unspecified). */
        double[] rowC(int n) {
            rowC = atLeast(rowC, n);
            return rowC;
        }

        /** A second work row of at least {@code n} doubles (contents unspecified). */
        double[] rowB(int n) {
            rowB = atLeast(rowB, n);
            return rowB;
        }
    }

    // ---------------------------------------------------------------------------------------------------- maths

    /**
     * {@code sum_{q < n} log(1 + exp(t[q]))} without overflow or loss of precision, and, when {@code sigmoid} is not
     * null, {@code sigmoid[q] = 1 / (1 + exp(-t[q]))}, from one {@code exp} and one division per element and ONE
     * {@code log} per block (the log is the most expensive part of a sparse logistic-regression gradient).
     *
     * <p>With {@code e_q = exp(-|t_q|)} in (0, 1] and {@code u_q = 1 + e_q} (rounded),
     * {@code log(1 + exp(t_q)) = max(t_q, 0) + log1p(e_q)} and
     * <pre>
     *   sum_q log1p(e_q) = log(prod_q u_q) - sum_q d_q / u_q + O(2^-106 n),   d_q = (u_q - 1) - e_q,
     * </pre>
     * where {@code d_q} is the rounding error of {@code u_q} (computed exactly: {@code u_q - 1} is exact) and
     * {@code log1p(-d/u) = -d/u} to within {@code 2^-106}. The product is kept as an unevaluated sum {@code hi + lo}:
     * {@code hi} the rounded running product, {@code lo} the running sum of each multiplication's exact error
     * ({@link #productError}, Dekker's algorithm, or one {@code Math.fma} where that is an instruction:
     * {@link #FMA}), so that {@code log(prod u) = log(hi) + lo / hi} to within {@code (lo/hi)^2}. The result is
     * within a few ulps of the exact sum whatever the margins: when every {@code e_q} is below {@code 2^-53},
     * {@code hi = 1} and the result is {@code sum max(t, 0) + sum e_q}. With at most {@link #BLOCK} elements,
     * {@code hi <= 2^16}: no overflow. The sigmoid is {@code 1/u} for {@code t >= 0} and
     * {@code e/u} below. The exponentials come from {@link Exp#exp} (within one ulp, the same bits on every JVM, and
     * inlined where {@code Math.exp} is a call).
     */
    static double softplusBlock(double[] t, int n, double[] sigmoid) {
        return softplusBlock(t, 0, n, sigmoid);
    }

    /**
     * {@link #softplusBlock(double[], int, double[])} of {@code t[from .. from + n)} (sigmoids at the same places; with
     * a null {@code sigmoid} it works in a new array, so loops use {@link Scratch#softplusChunk} instead).
     */
    static double softplusBlock(double[] t, int from, int n, double[] sigmoid) {
        double[] e = sigmoid != null ? sigmoid : new double[from + n];
        for (int q = from; q < from + n; q++) {
            e[q] = Exp.exp(-Math.abs(t[q]));
        }
        return softplusOfExps(t, from, n, e);
    }

    /**
     * {@link #softplusBlock(double[], int, int, double[])} with the exponentials already in {@code e}:
     * {@code e[q] = exp(-|t[q]|)} on entry (as {@link Exp#exp} or {@link Exp#expOfMinusAbs} give them), the sigmoids
     * on return; the same bits.
     */
    static double softplusOfExps(double[] t, int from, int n, double[] e) {
        int end = from + n;
        double linear = 0.0;
        double rounding = 0.0;
        double hi = 1.0;
        double lo = 0.0;
        for (int q = from; q < end; q++) {
            double tq = t[q];
            double eq = e[q];
            double u = 1.0 + eq;
            double r = 1.0 / u;
            // without a branch on the sign: pos is exactly 1 for t > +0 and exactly 0 for t < +0 (and for -0), so
            // pos + (1 - pos) e is exactly 1 or exactly e (the sigmoid is r for t >= 0, e r below) and pos t is
            // max(t, 0) up to the sign of a zero, which changes no partial sum (Math.max costs several instructions
            // for its NaN and signed-zero rules, measured 15-25 % of a sparse w8a gradient)
            double pos = 0.5 + Math.copySign(0.5, tq);
            e[q] = (pos + (1.0 - pos) * eq) * r;
            linear += pos * tq;
            rounding += ((u - 1.0) - eq) * r;
            double h = hi * u;
            lo = lo * u + (FMA ? Math.fma(hi, u, -h) : productError(hi, u, h)); // the same value either way
            hi = h;
        }
        if (linear != linear) {
            linear = positiveParts(t, from, end); // pos t is NaN only for t = -inf (0 times -inf) or a NaN t
        }
        return linear + ((Math.log(hi) + lo / hi) - rounding);
    }

    /**
     * {@link #softplusOfExps} of {@code z_q = -y[yFrom + q] t[q]} over {@code [from, from + n)}, writing
     * {@code e[q] = -y_q sigmoid(z_q) scale} in place of the sigmoid: every operation of {@code softplusOfExps} in the
     * same order on the same values ({@code e[q] = exp(-|t_q|) = exp(-|z_q|)} on entry), so the sum has the same bits,
     * and the coefficient is the product {@code (-y_q sigmoid) scale} rounded as it would be in a pass of its own.
     */
    static double softplusOfLabelled(double[] t, double[] y, int yFrom, int from, int n, double[] e, double scale) {
        int end = from + n;
        double linear = 0.0;
        double rounding = 0.0;
        double hi = 1.0;
        double lo = 0.0;
        for (int q = from; q < end; q++) {
            double minusY = -y[yFrom + q];
            double tq = minusY * t[q];
            double eq = e[q];
            double u = 1.0 + eq;
            double r = 1.0 / u;
            double pos = 0.5 + Math.copySign(0.5, tq); // as in softplusOfExps
            e[q] = minusY * ((pos + (1.0 - pos) * eq) * r) * scale;
            linear += pos * tq;
            rounding += ((u - 1.0) - eq) * r;
            double h = hi * u;
            lo = lo * u + (FMA ? Math.fma(hi, u, -h) : productError(hi, u, h));
            hi = h;
        }
        return labelledBlockSum(linear, rounding, hi, lo, t, y, yFrom, from, end);
    }

    /**
     * The rows from which {@link Scratch#logisticChunk} takes the elementwise part of its pass from the vector kernels
     * ({@link VectorKernels#logisticTerms}) where they run: 64.
     */
    static final int VECTOR_TERMS = 64;

    /**
     * The running sums of {@link #softplusOfLabelled} over {@code [from, from + n)} from their terms, as
     * {@link VectorKernels#logisticTerms} writes them: {@code u[q] = 1 + e_q}, {@code lin[q] = p_q z_q} and
     * {@code rnd[q] = ((u_q - 1) - e_q) r_q} with {@code r_q = 1 / u_q}. Every sum takes the same values in the same
     * order as in {@code softplusOfLabelled}, so the result has its bits ({@code t} and {@code y} are read only when
     * a margin is NaN or infinite, as there).
     */
    static double softplusOfTerms(double[] u, double[] lin, double[] rnd, double[] t, double[] y, int yFrom,
                                  int from, int n) {
        int end = from + n;
        double linear = 0.0;
        double rounding = 0.0;
        double hi = 1.0;
        double lo = 0.0;
        for (int q = from; q < end; q++) {
            double uq = u[q];
            linear += lin[q];
            rounding += rnd[q];
            double h = hi * uq;
            lo = lo * uq + (FMA ? Math.fma(hi, uq, -h) : productError(hi, uq, h));
            hi = h;
        }
        return labelledBlockSum(linear, rounding, hi, lo, t, y, yFrom, from, end);
    }

    /**
     * A labelled block's sum from its running sums, as {@link #softplusOfExps} ends: when the linear part is NaN (a
     * margin z = -y t that is -inf or NaN), it is summed again as {@code max(z, 0)} in order.
     */
    private static double labelledBlockSum(double linear, double rounding, double hi, double lo, double[] t,
                                           double[] y, int yFrom, int from, int end) {
        if (linear != linear) {
            linear = 0.0;
            for (int q = from; q < end; q++) {
                linear += Math.max(-y[yFrom + q] * t[q], 0.0);
            }
        }
        return linear + ((Math.log(hi) + lo / hi) - rounding);
    }

    /** {@code sum max(t[q], 0)} over {@code [from, end)} in order (NaN if a t is NaN, no term for t = -inf). */
    private static double positiveParts(double[] t, int from, int end) {
        double linear = 0.0;
        for (int q = from; q < end; q++) {
            linear += Math.max(t[q], 0.0);
        }
        return linear;
    }

    /**
     * Whether {@code Math.fma} is one machine instruction in this JVM (HotSpot's {@code UseFMA}, on by default where
     * the processor has FMA). {@link #softplusOfExps} then takes a product's exact error from {@code Math.fma}, one
     * instruction in place of the 17 of {@link #productError} (measured 15-20 % faster on the loss-and-sigmoid pass of
     * sparse a9a and w8a); both give the same value, so the results have the same bits whichever runs. Elsewhere
     * (no FMA unit, another JVM, a runtime without {@code jdk.management}) it is false: there {@code Math.fma} can
     * fall back to a software path thousands of times slower.
     */
    static final boolean FMA = fmaIsAnInstruction();

    private static boolean fmaIsAnInstruction() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return vm != null && "true".equals(vm.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false; // not HotSpot, no such option, or no management module: keep Dekker's product
        }
    }

    /** Veltkamp's splitting constant {@code 2^27 + 1}. */
    private static final double SPLIT = 134217729.0;

    /**
     * The exact error {@code a b - p} of the rounded product {@code p = a * b} (Dekker's two-product, by Veltkamp
     * splitting; exact in round-to-nearest when nothing overflows or underflows, which holds for the factors in
     * [1, 2^17] of {@link #softplusBlock}). It is the same value {@code Math.fma(a, b, -p)} gives, without relying on
     * an FMA unit (without one, {@code Math.fma} falls back to a software path thousands of times slower); the block
     * uses it only where {@link #FMA} is false.
     */
    static double productError(double a, double b, double p) {
        double ca = SPLIT * a;
        double ah = ca - (ca - a);
        double al = a - ah;
        double cb = SPLIT * b;
        double bh = cb - (cb - b);
        double bl = b - bh;
        return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    }

    /**
     * Rows per block of the models' one-pass loops: the margins of a block are computed first, then their
     * exp/division (independent across rows, so they overlap in the CPU instead of forming one long latency chain per
     * row) and one log for the block ({@link #softplusBlock}), then the block's gradient update (its rows are still in
     * L1). The block size is part of the result's definition (the loss sums one log per block).
     */
    static final int BLOCK = 16;
}
