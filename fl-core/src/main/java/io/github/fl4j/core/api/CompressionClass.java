package io.github.fl4j.core.api;

/**
 * The class of a compression operator C, which decides which algorithms may use it.
 *
 * <ul>
 *   <li>{@link Kind#LOSSLESS}: C(x) = x.</li>
 *   <li>{@link Kind#UNBIASED} with variance parameter omega: E[C(x)] = x and E||C(x) - x||^2 &le; omega ||x||^2.</li>
 *   <li>{@link Kind#CONTRACTIVE} with parameter alpha in (0, 1]: E||C(x) - x||^2 &le; (1 - alpha) ||x||^2.</li>
 *   <li>{@link Kind#BIASED}: no guarantee of either kind (e.g. the unscaled sign operator); algorithms whose theory
 *       needs an unbiased or contractive operator reject it.</li>
 * </ul>
 * A lossless operator is both unbiased (omega = 0) and contractive (alpha = 1). An unbiased operator scaled by
 * 1/(omega + 1) is contractive with alpha = 1/(omega + 1) (see docs/compression.md).
 *
 * @param kind      the class
 * @param parameter omega for UNBIASED, alpha for CONTRACTIVE, 0 for LOSSLESS and BIASED
 */
public record CompressionClass(Kind kind, double parameter) {

    /** The classes. */
    public enum Kind {
        /** C(x) = x. */
        LOSSLESS,
        /** E[C(x)] = x, E||C(x)-x||^2 &le; omega ||x||^2. */
        UNBIASED,
        /** E||C(x)-x||^2 &le; (1-alpha) ||x||^2. */
        CONTRACTIVE,
        /** Neither unbiased nor contractive: no guarantee (e.g. sign(x)). */
        BIASED
    }

    public CompressionClass {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (kind == Kind.UNBIASED && !(parameter >= 0)) {
            throw new IllegalArgumentException("omega must be >= 0, was " + parameter);
        }
        if (kind == Kind.CONTRACTIVE && !(parameter > 0 && parameter <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], was " + parameter);
        }
    }

    /** The lossless class. */
    public static CompressionClass lossless() {
        return new CompressionClass(Kind.LOSSLESS, 0);
    }

    /** An unbiased class with variance parameter omega. */
    public static CompressionClass unbiased(double omega) {
        return new CompressionClass(Kind.UNBIASED, omega);
    }

    /** A contractive class with parameter alpha. */
    public static CompressionClass contractive(double alpha) {
        return new CompressionClass(Kind.CONTRACTIVE, alpha);
    }

    /** A class with no guarantee (neither unbiased nor contractive). */
    public static CompressionClass biased() {
        return new CompressionClass(Kind.BIASED, 0);
    }

    /** The dimension at which algorithms ask a compressor for its class when built, before the model is known. */
    public static final long PROBE_DIMENSION = 1L << 20;

    /**
     * The class of {@code c} at {@link #PROBE_DIMENSION}, for build-time checks, or null when {@code c} cannot say for
     * that dimension (its class depends on d in a way it rejects); such a compressor is checked again with the model's
     * dimension when the states are created.
     */
    public static CompressionClass probe(Compressor c) {
        try {
            return c.compressionClass(PROBE_DIMENSION);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** True when the operator is contractive with some alpha (lossless included). */
    public boolean isContractive() {
        return kind == Kind.LOSSLESS || kind == Kind.CONTRACTIVE;
    }

    /** True when the operator is unbiased (lossless included). */
    public boolean isUnbiased() {
        return kind == Kind.LOSSLESS || kind == Kind.UNBIASED;
    }
}
