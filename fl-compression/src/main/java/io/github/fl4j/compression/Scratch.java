package io.github.fl4j.compression;

/**
 * Per-thread scratch arrays for the per-element kernels (package-private). Each array grows on demand to the largest
 * dimension seen on its thread and is then reused, so a call allocates nothing after warm-up. A kernel uses its
 * scratch only within one call and calls no other operator while holding it, so the arrays can be shared by all
 * operator instances on a thread.
 */
final class Scratch {
    /**
     * Length of the chunks in which the kernels stream a vector between its NIO buffer and heap arrays: 4096
     * elements (16 KiB float32, 32 KiB float64), so a chunk and its output stay in L1/L2.
     */
    static final int CHUNK = 4096;

    private static final ThreadLocal<Chunks> CHUNKS = ThreadLocal.withInitial(Chunks::new);
    private static final ThreadLocal<float[]> FLOATS2 = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<double[]> DOUBLES2 = ThreadLocal.withInitial(() -> new double[0]);
    private static final ThreadLocal<int[]> INTS = ThreadLocal.withInitial(() -> new int[0]);
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<double[]> DOUBLES = ThreadLocal.withInitial(() -> new double[0]);
    private static final ThreadLocal<Stamps> STAMPS = ThreadLocal.withInitial(Stamps::new);

    private Scratch() {
    }

    /** A float array of length at least n (contents undefined). */
    static float[] floats(int n) {
        float[] a = FLOATS.get();
        if (a.length < n) {
            a = new float[n];
            FLOATS.set(a);
        }
        return a;
    }

    /** A double array of length at least n (contents undefined). */
    static double[] doubles(int n) {
        double[] a = DOUBLES.get();
        if (a.length < n) {
            a = new double[n];
            DOUBLES.set(a);
        }
        return a;
    }

    /** A second float array of length at least n, distinct from {@link #floats} (contents undefined). */
    static float[] floats2(int n) {
        float[] a = FLOATS2.get();
        if (a.length < n) {
            a = new float[n];
            FLOATS2.set(a);
        }
        return a;
    }

    /** A second double array of length at least n, distinct from {@link #doubles} (contents undefined). */
    static double[] doubles2(int n) {
        double[] a = DOUBLES2.get();
        if (a.length < n) {
            a = new double[n];
            DOUBLES2.set(a);
        }
        return a;
    }

    /** An int array of length at least n (contents undefined). */
    static int[] ints(int n) {
        int[] a = INTS.get();
        if (a.length < n) {
            a = new int[n];
            INTS.set(a);
        }
        return a;
    }

    /** This thread's chunk buffers (two of each type, {@link #CHUNK} long, contents undefined). */
    static Chunks chunks() {
        return CHUNKS.get();
    }

    /** Per-thread chunk buffers: an input and an output chunk per precision. */
    static final class Chunks {
        final float[] f = new float[CHUNK];
        final float[] f2 = new float[CHUNK];
        final double[] d = new double[CHUNK];
        final double[] d2 = new double[CHUNK];
    }

    /**
     * A set of marks over 0..n-1 that starts empty: {@code stamps[i] == generation} means i is marked. Starting a new
     * set costs O(1) (the generation is incremented; the array is cleared only on wrap-around), so an exception in
     * the middle of a call cannot leave stale marks behind.
     */
    static Stamps stamps(int n) {
        Stamps s = STAMPS.get();
        s.reset(n);
        return s;
    }

    /** Generation-stamped marks. */
    static final class Stamps {
        int[] stamps = new int[0];
        int generation;

        void reset(int n) {
            if (stamps.length < n) {
                stamps = new int[n];
                generation = 0;
            }
            generation++;
            if (generation == 0) {
                java.util.Arrays.fill(stamps, 0);
                generation = 1;
            }
        }

        boolean isMarked(int i) {
            return stamps[i] == generation;
        }

        void mark(int i) {
            stamps[i] = generation;
        }
    }
}
