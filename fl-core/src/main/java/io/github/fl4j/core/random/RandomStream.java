package io.github.fl4j.core.random;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A deterministic stream of pseudo-random numbers: the xoshiro256** generator of Blackman and Vigna ("Scrambled
 * linear pseudorandom number generators", ACM TOMS 2021), seeded by four SplitMix64 outputs of a 64-bit seed.
 *
 * <p>Every draw in fl4j comes from a stream obtained from a {@link SeedTree}; the algorithms of every method below are
 * fixed (they are part of the reproducibility contract), so the same seed gives the same numbers on every JVM,
 * operating system and thread count.
 *
 * <p>Not thread-safe: a stream belongs to one task (one client in one round, say). Streams are cheap to create.
 */
public final class RandomStream {
    private long s0;
    private long s1;
    private long s2;
    private long s3;
    private double spareGaussian;
    private boolean hasSpareGaussian;

    /** A stream seeded from {@code seed}; prefer {@link SeedTree#stream} in simulation code. */
    public RandomStream(long seed) {
        long x = seed;
        x += 0x9E3779B97F4A7C15L;
        s0 = SeedTree.mix64(x);
        x += 0x9E3779B97F4A7C15L;
        s1 = SeedTree.mix64(x);
        x += 0x9E3779B97F4A7C15L;
        s2 = SeedTree.mix64(x);
        x += 0x9E3779B97F4A7C15L;
        s3 = SeedTree.mix64(x);
    }

    /** The next 64 uniformly distributed bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** The next 32 uniformly distributed bits. */
    public int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    /**
     * A uniform integer in [0, bound), without modulo bias (Lemire's multiply-and-reject method, "Fast random integer
     * generation in an interval", ACM TOMACS 2019).
     *
     * @throws IllegalArgumentException if {@code bound <= 0}
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be > 0, was " + bound);
        }
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x100000000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** A uniform double in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Fills {@code out[from .. from+len)} with the next {@code len} values of {@link #nextDouble()}, in order: the
     * same numbers as {@code len} calls, and the stream ends in the same state. The generator state stays in locals
     * for the loop, about 3x faster than one call per element on a per-element kernel (QSGD, natural compression).
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code out}
     */
    public void nextDoubles(double[] out, int from, int len) {
        java.util.Objects.checkFromIndexSize(from, len, out.length);
        long a = s0;
        long b = s1;
        long c = s2;
        long e = s3;
        for (int i = from, end = from + len; i < end; i++) {
            long result = Long.rotateLeft(b * 5, 7) * 9;
            long t = b << 17;
            c ^= a;
            e ^= b;
            b ^= c;
            a ^= e;
            c ^= t;
            e = Long.rotateLeft(e, 45);
            out[i] = (result >>> 11) * 0x1.0p-53;
        }
        s0 = a;
        s1 = b;
        s2 = c;
        s3 = e;
    }

    /** A uniform float in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** A Bernoulli draw: true with probability {@code p}. */
    public boolean nextBoolean(double p) {
        return nextDouble() < p;
    }

    /**
     * A standard normal draw by the Marsaglia polar method (pairs are generated; the second of each pair is kept for
     * the next call).
     */
    public double nextGaussian() {
        if (hasSpareGaussian) {
            hasSpareGaussian = false;
            return spareGaussian;
        }
        double u;
        double v;
        double s;
        do {
            u = 2.0 * nextDouble() - 1.0;
            v = 2.0 * nextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double factor = Math.sqrt(-2.0 * Math.log(s) / s);
        spareGaussian = v * factor;
        hasSpareGaussian = true;
        return u * factor;
    }

    /** A normal draw with the given mean and standard deviation. */
    public double nextGaussian(double mean, double stdDev) {
        return mean + stdDev * nextGaussian();
    }

    /** Shuffles {@code a} in place (Fisher-Yates, from the last position down). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    /** A uniformly random permutation of 0..n-1. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }

    /**
     * {@code m} distinct integers drawn uniformly from 0..n-1 without replacement, returned in increasing order
     * (Floyd's algorithm, O(m) draws).
     *
     * @throws IllegalArgumentException unless {@code 0 <= m <= n}
     */
    public int[] sampleWithoutReplacement(int n, int m) {
        if (m < 0 || m > n) {
            throw new IllegalArgumentException("sample size must be in [0, " + n + "], was " + m);
        }
        if (m <= SMALL_SAMPLE && (long) m * 64 < n) {
            return sampleFew(n, m);
        }
        java.util.BitSet chosen = new java.util.BitSet(n);
        for (int j = n - m; j < n; j++) {
            int t = nextInt(j + 1);
            if (chosen.get(t)) {
                chosen.set(j);
            } else {
                chosen.set(t);
            }
        }
        int[] out = new int[m];
        int k = 0;
        for (int i = chosen.nextSetBit(0); i >= 0; i = chosen.nextSetBit(i + 1)) {
            out[k++] = i;
        }
        return out;
    }

    /** Sample sizes up to which {@link #sampleWithoutReplacement} keeps the chosen set in an array of m ints. */
    private static final int SMALL_SAMPLE = 64;

    /**
     * Floyd's algorithm with the chosen set in an array of m ints instead of an n-bit set: the same draws and the same
     * result, O(m^2) work and O(m) memory independent of n (a population of 10^6 costs nothing per round).
     */
    private int[] sampleFew(int n, int m) {
        int[] chosen = new int[m];
        int k = 0;
        for (int j = n - m; j < n; j++) {
            int t = nextInt(j + 1);
            boolean present = false;
            for (int i = 0; i < k; i++) {
                if (chosen[i] == t) {
                    present = true;
                    break;
                }
            }
            chosen[k++] = present ? j : t;
        }
        java.util.Arrays.sort(chosen);
        return chosen;
    }

    /**
     * Fills a contiguous array with independent normal draws {@code mean + stdDev * z}, in index order.
     *
     * @throws IllegalArgumentException if the array is not contiguous float32/float64
     */
    public void fillGaussian(INDArray out, double mean, double stdDev) {
        requireDense(out);
        long n = out.length();
        if (out.dataType() == DataType.DOUBLE) {
            DoubleBuffer b = out.data().asNioDouble();
            int off = (int) out.offset();
            for (int i = 0; i < n; i++) {
                b.put(off + i, mean + stdDev * nextGaussian());
            }
        } else {
            FloatBuffer b = out.data().asNioFloat();
            int off = (int) out.offset();
            for (int i = 0; i < n; i++) {
                b.put(off + i, (float) (mean + stdDev * nextGaussian()));
            }
        }
    }

    /** Fills a contiguous array with independent uniform draws in [low, high), in index order. */
    public void fillUniform(INDArray out, double low, double high) {
        requireDense(out);
        long n = out.length();
        double width = high - low;
        if (out.dataType() == DataType.DOUBLE) {
            DoubleBuffer b = out.data().asNioDouble();
            int off = (int) out.offset();
            for (int i = 0; i < n; i++) {
                b.put(off + i, low + width * nextDouble());
            }
        } else {
            FloatBuffer b = out.data().asNioFloat();
            int off = (int) out.offset();
            for (int i = 0; i < n; i++) {
                b.put(off + i, (float) (low + width * nextDouble()));
            }
        }
    }

    private static void requireDense(INDArray a) {
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("array must be FLOAT or DOUBLE, was " + a.dataType());
        }
        // A 1-D view of consecutive elements reports ordering 'f' in ND4J M2.1; what matters is unit stride.
        boolean contiguous = a.rank() <= 1 ? a.length() <= 1 || a.stride(0) == 1
                : a.ordering() == 'c' && a.elementWiseStride() == 1;
        if (!contiguous) {
            throw new IllegalArgumentException("array must be contiguous, was a strided view of shape "
                    + java.util.Arrays.toString(a.shape()));
        }
    }
}
