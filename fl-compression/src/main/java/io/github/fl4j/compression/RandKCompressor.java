package io.github.fl4j.compression;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rand-K sparsification: keeps k coordinates chosen uniformly at random without replacement, optionally scaled by
 * d/k.
 *
 * <p><b>Definition.</b> S is a uniformly random k-subset of \(\{0, \dots, d-1\}\);
 * \(\mathcal{C}(x)_j = c\, x_j\) for \(j \in S\), else 0, with \(c = d/k\) (scaled) or \(c = 1\) (unscaled). k is fixed (capped at d) or {@code max(1, round(fraction * d))}, capped at d.
 *
 * <p><b>Class.</b> Scaled: unbiased with \(\omega = d/k - 1\) (\(P(j \in S) = k/d\), so
 * \(\mathbb{E}\,\mathcal{C}(x) = x\) and \(\mathbb{E} \lVert \mathcal{C}(x) \rVert^2 = (d/k) \lVert x \rVert^2\)).
 * Unscaled: contractive with \(\alpha = k/d\) (\(\mathbb{E} \lVert \mathcal{C}(x) - x \rVert^2 = (1 - k/d) \lVert x \rVert^2\)).
 * Source: Stich, Cordonnier, Jaggi, "Sparsified SGD with Memory" (NeurIPS 2018); Beznosikov, Horvath, Richtarik,
 * Safaryan, "On Biased Compression for Distributed Learning" (2020).
 *
 * <p><b>Randomness.</b> S is drawn from {@code rng} by Floyd's algorithm, with exactly the draws of
 * {@link RandomStream#sampleWithoutReplacement(int, int) rng.sampleWithoutReplacement(d, k)} (so the same set). The
 * engine keys the stream by round and client, i.e. by a seed the server can derive, so the receiver regenerates S.
 *
 * <p><b>Bits:</b> {@code b k + 32}: the k values (b = 32 for float32, 64 for float64) in index order, plus the 32-bit
 * seed from which the receiver regenerates S; no index bits.
 *
 * <p>Immutable and thread-safe (per-thread scratch marks, O(k) draws, O(k) reads and writes plus one bulk zero fill of out; no allocation after
 * warm-up).
 */
public final class RandKCompressor implements Compressor {
    /** Bits of the shared seed sent with the values. */
    public static final int SEED_BITS = 32;

    private final int k;
    private final double fraction;
    private final boolean scaled;

    private RandKCompressor(int k, double fraction, boolean scaled) {
        this.k = k;
        this.fraction = fraction;
        this.scaled = scaled;
    }

    /** Rand-K with a fixed k; scaled by d/k when {@code scaled}. */
    public static RandKCompressor ofK(int k, boolean scaled) {
        return new RandKCompressor(Vectors.checkK(k), Double.NaN, scaled);
    }

    /** Rand-K with k = max(1, round(fraction * d)); scaled by d/k when {@code scaled}. */
    public static RandKCompressor ofFraction(double fraction, boolean scaled) {
        return new RandKCompressor(0, Vectors.checkFraction(fraction), scaled);
    }

    /** True for the unbiased (d/k-scaled) variant. */
    public boolean isScaled() {
        return scaled;
    }

    /** The number of kept coordinates on vectors of dimension d. */
    public int k(long dimension) {
        int d = Vectors.checkDimension(dimension);
        return k > 0 ? Math.min(k, d) : Vectors.kOf(fraction, d);
    }

    /** The bits of the encoding: {@code valueBits * k + 32}. */
    public long bits(long dimension, int valueBits) {
        return (long) valueBits * k(dimension) + SEED_BITS;
    }

    @Override
    public String name() {
        return "randk(" + (k > 0 ? "k=" + k : Vectors.fmt(fraction)) + (scaled ? ",scaled" : ",unscaled") + ")";
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        int kk = k(dimension);
        return scaled ? CompressionClass.unbiased((double) dimension / kk - 1.0)
                : CompressionClass.contractive((double) kk / dimension);
    }

    @Override
    public long compress(INDArray x, INDArray out, RandomStream rng) {
        int d = Vectors.check(x, out);
        int kk = k(d);
        Scratch.Stamps s = Scratch.stamps(d);
        int[] chosen = Scratch.ints(kk);
        // Floyd's algorithm, the same draws as RandomStream.sampleWithoutReplacement(d, kk).
        for (int j = d - kk, i = 0; j < d; j++, i++) {
            int t = rng.nextInt(j + 1);
            int m = s.isMarked(t) ? j : t;
            s.mark(m);
            chosen[i] = m;
        }
        double c = scaled ? (double) d / kk : 1.0;
        int xo = (int) x.offset();
        int oo = (int) out.offset();
        if (x.dataType() == DataType.DOUBLE) {
            DoubleBuffer xb = Tensors.doubleView(x);
            DoubleBuffer ob = Tensors.doubleView(out);
            // Read the kept values before zeroing out (x and out may share memory), then write them.
            double[] v = Scratch.doubles(kk);
            for (int i = 0; i < kk; i++) {
                v[i] = c * xb.get(xo + chosen[i]);
            }
            Vectors.fillZero(ob, oo, d);
            for (int i = 0; i < kk; i++) {
                ob.put(oo + chosen[i], v[i]);
            }
        } else {
            FloatBuffer xb = Tensors.floatView(x);
            FloatBuffer ob = Tensors.floatView(out);
            float cf = (float) c;
            // Read the kept values before zeroing out (x and out may share memory), then write them.
            float[] v = Scratch.floats(kk);
            for (int i = 0; i < kk; i++) {
                v[i] = cf * xb.get(xo + chosen[i]);
            }
            Vectors.fillZero(ob, oo, d);
            for (int i = 0; i < kk; i++) {
                ob.put(oo + chosen[i], v[i]);
            }
        }
        return bits(d, Vectors.valueBits(x));
    }

    @Override
    public String toString() {
        return name();
    }
}
