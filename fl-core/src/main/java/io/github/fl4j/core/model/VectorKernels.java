package io.github.fl4j.core.model;

import io.github.fl4j.core.data.LaneIndex;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The column kernels' two passes ({@code Rows.ColumnRows}) as SIMD gathers, eight lanes at a time, through the
 * incubating Vector API ({@code jdk.incubator.vector}), with the bits of the scalar kernels.
 *
 * <p><b>When they run.</b> Only when all of these hold, checked once ({@link #ENABLED}): the JVM was started with
 * {@code --add-modules jdk.incubator.vector}; the processor is x86_64 and the JVM's preferred vector holds at least
 * eight doubles (AVX-512); the system property {@code fl4j.simd} is not {@code false}; and, at first use, the
 * warm-up reached compiled loops that allocate nothing within 10 s (1.1-1.9 s measured, once per JVM). Elsewhere the
 * scalar kernels run and this class's vector code is never loaded. With four lanes (AVX2) the gathers measured no
 * faster than the scalar loops here, so they are not used.
 *
 * <p><b>Margins.</b> {@code t_i = a_i . x}: the rows of {@link io.github.fl4j.core.data.LaneIndex} eight at a time,
 * lane l accumulating row {@code rowOfLane[8 q + l]} by one gather from x per step, in increasing column order from
 * +0. <b>Gradient.</b> {@code g_j += sum_i a_ij c_i}: eight columns at a time, lane l starting from {@code g_j} and
 * adding one gathered coefficient (times the value) per step, in sample order. Each lane adds exactly the terms the
 * scalar kernel adds to its element, in the same order, plus +0 for each pad (x and c hold +0 in their pad slots),
 * and every operation (a product then a sum, never fused) rounds as the scalar one does: the results are
 * bit-identical.
 *
 * <p>Measured on w8a (one thread, 579,586 stored ones, the kernels alone): the gradient 0.45-0.55 ns per entry
 * against 0.62-0.76 scalar, the margins 0.46-0.53 against 0.55-0.65; both passes together 0.68-0.77 of the scalar
 * time (a9a 0.75-0.77), medians of 41 interleaved timings in one process.
 *
 * <p><b>The JIT.</b> Vector API code is fast only once C2 has compiled it with every vector in a register;
 * interpreted or compiled by C1, each vector operation allocates. The loops are therefore warmed up on a synthetic
 * layout when the class is first used, and called through method handles that C2 cannot inline, so that each is
 * compiled on its own (inlined into a model's large method, the gradient loop came out boxed in about one process in
 * three, 2-3x slower than scalar code). Each loop calls nothing and gets its arrays as arguments (see
 * {@code expScaleLoop}).
 *
 * <p>The exponential of the logistic kernels takes its second pass here too ({@code expOfMinusAbs}).
 */
final class VectorKernels {
    /**
     * Milliseconds the warm-up took, -1 if it did not reach allocation-free code, -2 if it did not run (declared
     * before {@link #LANES}, whose initialiser sets it).
     */
    private static long warmUpMillis = -2;

    /** The lanes of the vector kernels: 8 when they run, 0 when they do not. */
    static final int LANES = detect();

    /** Whether the vector kernels run ({@link #LANES} is 8). */
    static final boolean ENABLED = LANES > 0;

    private VectorKernels() {
    }

    private static int detect() {
        if ("false".equalsIgnoreCase(System.getProperty("fl4j.simd", "").trim())) {
            return 0;
        }
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return 0;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return 0;
        }
        try {
            if (Impl.preferredLanes() < Impl.LANES) {
                return 0;
            }
            warmUpMillis = Impl.warmUp(WARM_UP_LIMIT_NANOS);
            return warmUpMillis >= 0 ? Impl.LANES : 0;
        } catch (LinkageError | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Whether the Vector API checks every index of every gather and every load against the array's length (as it
     * does unless the JVM runs with {@code -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0}). The check is two vector
     * comparisons and a branch per gather; without it the kernels measured about 10 % less CPU time per EF21 round on
     * w8a. The loops stay in bounds without it: every index of a {@link LaneIndex} is checked when it is built to be
     * a sample or column of its matrix or the pad, and {@link Impl} checks the lengths of the arrays it is given on
     * every call, so an index can only go wrong if someone writes into the layout's shared arrays.
     */
    static final boolean BOUNDS_CHECKED = boundsChecked();

    private static boolean boundsChecked() {
        try {
            return Integer.getInteger("jdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK", 2) != 0;
        } catch (SecurityException e) {
            return true;
        }
    }

    /** The longest the warm-up may take before the scalar kernels are kept instead: 10 s. */
    private static final long WARM_UP_LIMIT_NANOS = 10_000_000_000L;

    /** A one-line description for reports: "8 lanes (Vector API)", or "off (...)" and why the scalar kernels run. */
    static String describe() {
        if (ENABLED) {
            return LANES + " lanes (Vector API, compiled in " + warmUpMillis + " ms" + (BOUNDS_CHECKED ? ")"
                    : ", its bounds checks off)");
        }
        if ("false".equalsIgnoreCase(System.getProperty("fl4j.simd", "").trim())) {
            return "off (fl4j.simd=false)";
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "off (start the JVM with --add-modules jdk.incubator.vector)";
        }
        if (warmUpMillis == -1) {
            return "off (the JIT did not compile the vector loops without allocation within 10 s)";
        }
        return "off (needs x86_64 with 512-bit vectors)";
    }

    /**
     * {@code out[i] = a_i . x} for every sample i of the layout. {@code x} must hold +0 at index {@code ix.cols()}
     * (the pad column); {@code out} at least {@code ix.samples()} elements.
     */
    static void margins(LaneIndex ix, double[] x, double[] out) {
        Impl.margins(ix, x, out);
    }

    /**
     * {@code g[j] += sum_i a_ij c[i]} for every column of the layout, each in sample order. {@code c} must hold +0 at
     * index {@code ix.samples()} (the pad sample).
     */
    static void gather(LaneIndex ix, double[] c, double[] g) {
        Impl.gather(ix, c, g);
    }

    /**
     * {@link Exp#expOfMinusAbs} with its second pass eight elements at a time: after the first pass
     * ({@link Exp#reduce}, the reduction and the polynomial into {@code kd} and {@code p}, which C2 vectorises itself;
     * the same pass through the Vector API measured no faster), {@code out = 2^(k >> 7) (T_hi + (T_lo + T_hi p))}
     * with the two table entries of {@code k & 127} read by two gathers, every operation as in {@link Exp#scale}, in
     * its order. A group of eight with an argument below -708 or NaN ({@code k} outside {@code [K_SAFE, 0]}) and the
     * tail take the scalar pass. The same bits, 0.57-0.59 of the scalar time of both passes (2,487 margins, one
     * thread).
     */
    static void expOfMinusAbs(double[] t, int from, int n, double[] out, double[] kd, double[] p) {
        Impl.expOfMinusAbs(t, from, n, out, kd, p);
    }

    /**
     * The elementwise part of {@link Kernels#softplusOfLabelled} over {@code [0, n)}, eight rows at a time ({@code n}
     * a multiple of eight): the coefficients over {@code e} and the running sums' terms into {@code u}, {@code lin}
     * and {@code rnd} (see {@link Kernels#softplusOfTerms}, which adds them up block by block). The same bits as the
     * fused scalar loop: every value is the same expression evaluated in the same order, and the sums are added in
     * the same order afterwards.
     */
    static void logisticTerms(double[] t, double[] y, int yFrom, int n, double[] e, double scale, double[] u,
                              double[] lin, double[] rnd) {
        Impl.logisticTerms(t, y, yFrom, n, e, scale, u, lin, rnd);
    }

    /**
     * The calls into the vector loops ({@code VectorLoops}, the only class that touches the Vector API) and the scalar
     * work around them: loaded on the first call, which {@link #ENABLED} guards.
     */
    private static final class Impl {
        static final int LANES = 8;

        // The loops are called through method handles held in non-final fields, which C2 cannot inline: each
        // loop is then compiled on its own. Inlined into a model's large compiled method (which happened or not
        // depending on which method the JIT compiled first), the gather's index load was not turned into the gather
        // instruction in about one process in three; its Java fallback then boxed every vector, one allocation per
        // step and 2-3x slower than the scalar kernels. The call through the handle costs nanoseconds per pass.
        private static final MethodType ONES = MethodType.methodType(void.class, int[].class, int[].class,
                int[].class, int[].class, int.class, double[].class, double[].class);
        private static final MethodType VALUES = ONES.insertParameterTypes(1, double[].class);
        private static MethodHandle marginsOfOnes = loop("marginsOfOnesLoop", ONES);
        private static MethodHandle marginsOfValues = loop("marginsOfValuesLoop", VALUES);
        private static MethodHandle gatherOfOnes = loop("gatherOfOnesLoop", ONES);
        private static MethodHandle gatherOfValues = loop("gatherOfValuesLoop", VALUES);
        private static MethodHandle logisticTerms = loop("logisticTermsLoop", MethodType.methodType(int.class,
                double[].class, double[].class, int.class, int.class, double[].class, double.class, double[].class,
                double[].class, double[].class));
        private static MethodHandle expScale = loop("expScaleLoop", MethodType.methodType(int.class, int.class,
                int.class, double[].class, double[].class, double[].class, int[].class, double[].class));
        /** Per thread: the eight table indices of a step (the gathers take their index map from an array). */
        private static final ThreadLocal<int[]> INDICES = ThreadLocal.withInitial(() -> new int[LANES]);

        /**
         * The class with the vector loops, named rather than referenced: it alone imports the incubating module, so
         * nothing else needs that module to compile or to be documented by javadoc.
         */
        private static final String LOOPS = "io.github.fl4j.core.model.VectorLoops";

        static int preferredLanes() {
            try {
                return (int) loop("preferredLanes", MethodType.methodType(int.class)).invokeExact();
            } catch (Throwable e) {
                throw unchecked(e);
            }
        }

        /** A loop's exception as it was when unchecked; anything else (which the loops do not throw) wrapped. */
        private static RuntimeException unchecked(Throwable e) {
            if (e instanceof RuntimeException) {
                return (RuntimeException) e;
            }
            if (e instanceof Error) {
                throw (Error) e;
            }
            return new IllegalStateException(e);
        }

        private static MethodHandle loop(String name, MethodType type) {
            try {
                return MethodHandles.lookup().findStatic(Class.forName(LOOPS), name, type);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void callOnes(MethodHandle loop, int[] idx, int[] start, int[] len, int[] lanes, int groups,
                                     double[] src, double[] dst) {
            try {
                loop.invokeExact(idx, start, len, lanes, groups, src, dst);
            } catch (Throwable e) {
                throw unchecked(e);
            }
        }

        private static void callValues(MethodHandle loop, int[] idx, double[] val, int[] start, int[] len,
                                       int[] lanes, int groups, double[] src, double[] dst) {
            try {
                loop.invokeExact(idx, val, start, len, lanes, groups, src, dst);
            } catch (Throwable e) {
                throw unchecked(e);
            }
        }

        static void expOfMinusAbs(double[] t, int from, int n, double[] out, double[] kd, double[] p) {
            int end = from + n;
            if (from < 0 || n < 0 || end > t.length || end > out.length || end > kd.length || end > p.length) {
                throw new IllegalArgumentException("exponential of [" + from + ", " + end + ") needs arrays of at "
                        + "least " + end + " doubles, had t " + t.length + ", out " + out.length + ", kd "
                        + kd.length + ", p " + p.length);
            }
            Exp.reduce(t, from, n, kd, p); // arithmetic only: C2 compiles it to SIMD instructions itself
            int[] indices = INDICES.get();
            int q = from;
            try {
                while (true) {
                    q = (int) expScale.invokeExact(q, end, out, kd, p, indices, Exp.TABLE);
                    if (q + LANES > end) {
                        break;
                    }
                    // the loop stopped at a group with an argument below -708, or NaN: as the scalar pass does
                    Exp.scale(t, q, LANES, out, kd, p);
                    q += LANES;
                }
            } catch (Throwable e) {
                throw unchecked(e);
            }
            Exp.scale(t, q, end - q, out, kd, p);
        }

        static void logisticTerms(double[] t, double[] y, int yFrom, int n, double[] e, double scale, double[] u,
                                  double[] lin, double[] rnd) {
            if (n < 0 || n % LANES != 0 || yFrom < 0 || n > t.length || yFrom + n > y.length || n > e.length
                    || n > u.length || n > lin.length || n > rnd.length) {
                throw new IllegalArgumentException("logistic terms of " + n + " rows (a multiple of " + LANES
                        + "; labels from " + yFrom + ") need arrays of at least that many doubles, had t " + t.length
                        + ", y " + y.length + ", e " + e.length + ", u " + u.length + ", lin " + lin.length + ", rnd "
                        + rnd.length);
            }
            try {
                int q = (int) logisticTerms.invokeExact(t, y, yFrom, n, e, scale, u, lin, rnd);
                assert q == n;
            } catch (Throwable x) {
                throw unchecked(x);
            }
        }

        // The vector loops cover the full groups only (every lane used), with nothing but vector operations on the
        // accumulator: when a vector value also flowed through scalar lane inserts (the partial last group), C2
        // sometimes compiled the loop with the accumulator boxed. The partial group runs here in scalar code, lane by
        // lane (lane(...)), with the same operations in the same order.

        static void margins(LaneIndex ix, double[] x, double[] out) {
            checkLengths("margins", "x", x, ix.cols() + 1, "out", out, ix.samples());
            int full = ix.samples() / LANES;
            if (ix.rowValues() == null) {
                callOnes(marginsOfOnes, ix.rowColumns(), ix.rowStart(), ix.rowLength(), ix.rowOfLane(), full, x, out);
            } else {
                callValues(marginsOfValues, ix.rowColumns(), ix.rowValues(), ix.rowStart(), ix.rowLength(),
                        ix.rowOfLane(), full, x, out);
            }
            for (int q = full; q < ix.rowGroups(); q++) {
                for (int l = 0; l < LANES; l++) {
                    int i = ix.rowOfLane()[q * LANES + l];
                    if (i >= 0) {
                        out[i] = lane(ix.rowColumns(), ix.rowValues(), ix.rowStart()[q] + l, ix.rowLength()[q], x,
                                0.0);
                    }
                }
            }
        }

        static void gather(LaneIndex ix, double[] c, double[] g) {
            checkLengths("gradient", "c", c, ix.samples() + 1, "g", g, ix.cols());
            int[] cols = ix.columnOfLane();
            int groups = ix.columnGroups();
            int full = groups > 0 && cols[groups * LANES - 1] < 0 ? groups - 1 : groups;
            if (ix.columnValues() == null) {
                callOnes(gatherOfOnes, ix.columnSamples(), ix.columnStart(), ix.columnLength(), cols, full, c, g);
            } else {
                callValues(gatherOfValues, ix.columnSamples(), ix.columnValues(), ix.columnStart(), ix.columnLength(),
                        cols, full, c, g);
            }
            for (int q = full; q < groups; q++) {
                for (int l = 0; l < LANES; l++) {
                    int j = cols[q * LANES + l];
                    if (j >= 0) {
                        g[j] = lane(ix.columnSamples(), ix.columnValues(), ix.columnStart()[q] + l,
                                ix.columnLength()[q], c, g[j]);
                    }
                }
            }
        }

        /**
         * Fails unless {@code src} holds the layout's indices and pad ({@code srcLength}) and {@code dst} its outputs:
         * with these lengths and a layout whose indices were checked when it was built, every access of the loops is
         * in bounds, with or without the Vector API's own checks ({@link #BOUNDS_CHECKED}).
         */
        private static void checkLengths(String pass, String srcName, double[] src, int srcLength, String dstName,
                                         double[] dst, int dstLength) {
            if (src.length < srcLength || dst.length < dstLength) {
                throw new IllegalArgumentException("the vector " + pass + " needs " + srcName + " of at least "
                        + srcLength + " and " + dstName + " of at least " + dstLength + " doubles, had "
                        + src.length + " and " + dst.length);
            }
        }

        /**
         * Runs the vector loops on a small synthetic layout, on this thread alone, until one more call of each
         * allocates nothing (then C2 has compiled them with every vector kept in registers), at most
         * {@code limitNanos}; returns the milliseconds taken, or -1 if that did not happen in time. The real calls
         * then find the loops compiled, and a loop that C2 could not keep allocation-free (as happened with other
         * shapes of these loops) turns the vector kernels off instead of making every pass 2-3x slower. Where the JVM
         * cannot count a thread's allocations, a fixed 20,000 rounds run instead.
         */
        static long warmUp(long limitNanos) {
            int groups = 4;
            int steps = 16;
            int[] idx = new int[groups * steps * LANES];
            double[] val = new double[idx.length];
            for (int k = 0; k < idx.length; k++) {
                idx[k] = (k * 37 + k / 8) % 64;
                val[k] = 1.0 + (k % 5) * 0.25;
            }
            int[] start = new int[groups];
            int[] len = new int[groups];
            int[] lanes = new int[groups * LANES];
            for (int q = 0; q < groups; q++) {
                start[q] = q * steps * LANES;
                len[q] = steps - q;
            }
            for (int k = 0; k < lanes.length; k++) {
                lanes[k] = (k * 5) % lanes.length;
            }
            double[] x = new double[65];
            for (int j = 0; j < 64; j++) {
                x[j] = j * 0.125 - 3;
            }
            double[] out = new double[64];
            double[] g = new double[64];
            // margins for the exponential, one group of eight below -708 (the scalar fallback) among them
            double[] margins = new double[64];
            for (int i = 0; i < margins.length; i++) {
                margins[i] = i < 8 ? 800.0 + i : (i - 32) * 0.37;
            }
            double[] e = new double[64];
            double[] kd = new double[64];
            double[] poly = new double[64];
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            com.sun.management.ThreadMXBean counter = mx instanceof com.sun.management.ThreadMXBean
                    && ((com.sun.management.ThreadMXBean) mx).isThreadAllocatedMemoryEnabled()
                    ? (com.sun.management.ThreadMXBean) mx : null;
            long t0 = System.nanoTime();
            for (int round = 1; ; round++) {
                boolean check = counter != null && round % 100 == 0;
                long before = check ? counter.getCurrentThreadAllocatedBytes() : 0;
                callOnes(marginsOfOnes, idx, start, len, lanes, groups, x, out);
                callValues(marginsOfValues, idx, val, start, len, lanes, groups, x, out);
                java.util.Arrays.fill(g, 0.0);
                callOnes(gatherOfOnes, idx, start, len, lanes, groups, out, g);
                callValues(gatherOfValues, idx, val, start, len, lanes, groups, out, g);
                expOfMinusAbs(margins, 0, margins.length, e, kd, poly);
                logisticTerms(margins, x, 0, margins.length, e, 0.5, kd, poly, out);
                if (check && counter.getCurrentThreadAllocatedBytes() == before) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
                if (counter == null && round >= 20_000) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
                if (System.nanoTime() - t0 > limitNanos) {
                    return -1;
                }
            }
        }

        /**
         * One lane of a group in scalar code: {@code s} plus, for each of the n steps from slot {@code at}, the
         * gathered element (times the value), the same operations in the same order as the vector lane.
         */
        private static double lane(int[] idx, double[] val, int at, int n, double[] src, double s) {
            for (int t = 0; t < n; t++, at += LANES) {
                s += val == null ? src[idx[at]] : src[idx[at]] * val[at];
            }
            return s;
        }
    }
}
