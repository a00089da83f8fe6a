package io.github.fl4j.compression;

import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.comm.IdentityCompressor;

/**
 * Static factories for every operator of this package (listed in docs/compression.md). Each returned operator is
 * immutable and thread-safe; its javadoc states its definition, class and bit formula.
 *
 * <pre>{@code
 * Compressor top = Compressors.topK(0.01);                 // contractive, alpha = k/d
 * Compressor q = Compressors.scaledForEf(Compressors.qsgd(4)); // contractive, alpha = 1/(omega+1), for EF21
 * }</pre>
 */
public final class Compressors {
    private Compressors() {
    }

    /** C(x) = x, 32d (64d) bits. */
    public static Compressor identity() {
        return IdentityCompressor.INSTANCE;
    }

    /** Top-K with a fixed k (capped at d); bits count values and indices. See {@link TopKCompressor}. */
    public static TopKCompressor topK(int k) {
        return TopKCompressor.ofK(k);
    }

    /** Top-K with k = max(1, round(fraction d)). See {@link TopKCompressor}. */
    public static TopKCompressor topK(double fraction) {
        return TopKCompressor.ofFraction(fraction);
    }

    /** Rand-K scaled by d/k (unbiased, omega = d/k - 1). See {@link RandKCompressor}. */
    public static RandKCompressor randK(int k) {
        return RandKCompressor.ofK(k, true);
    }

    /** Rand-K scaled by d/k with k = max(1, round(fraction d)). */
    public static RandKCompressor randK(double fraction) {
        return RandKCompressor.ofFraction(fraction, true);
    }

    /** Rand-K without scaling (contractive, alpha = k/d). */
    public static RandKCompressor randKUnscaled(int k) {
        return RandKCompressor.ofK(k, false);
    }

    /** Rand-K without scaling with k = max(1, round(fraction d)). */
    public static RandKCompressor randKUnscaled(double fraction) {
        return RandKCompressor.ofFraction(fraction, false);
    }

    /** Lazy compression: x/p with probability p, else nothing (unbiased, omega = 1/p - 1). */
    public static BernoulliCompressor bernoulli(double p) {
        return new BernoulliCompressor(p);
    }

    /** QSGD with s levels (unbiased, omega = min(d/s^2, sqrt(d)/s)). */
    public static QsgdCompressor qsgd(int levels) {
        return new QsgdCompressor(levels);
    }

    /** Natural compression (unbiased, omega = 1/8). */
    public static NaturalCompressor natural() {
        return NaturalCompressor.INSTANCE;
    }

    /** (||x||_1/d) sign(x) (contractive, declared alpha = 1/d). */
    public static ScaledSignCompressor scaledSign() {
        return ScaledSignCompressor.INSTANCE;
    }

    /** sign(x) (no guarantee: class BIASED). */
    public static SignCompressor sign() {
        return SignCompressor.INSTANCE;
    }

    /** outer after inner: C(x) = outer(inner(x)). See {@link ComposedCompressor} for the class and bits. */
    public static ComposedCompressor compose(Compressor outer, Compressor inner) {
        return new ComposedCompressor(outer, inner);
    }

    /** C/(omega + 1) for an unbiased C: contractive with alpha = 1/(omega + 1), as EF21 needs. */
    public static EfScaledCompressor scaledForEf(Compressor unbiased) {
        return new EfScaledCompressor(unbiased);
    }
}
