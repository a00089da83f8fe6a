package io.github.fl4j.algorithms.privacy;

/**
 * Where the Gaussian noise of a differential-privacy mechanism comes from.
 *
 * <p>A simulation wants {@link #SEED_TREE}: the noise is part of the reproducible run, the same seed gives the same
 * noise bits on every machine and thread count, and paired comparisons share it. But whoever knows the seed can
 * regenerate and subtract the noise, so such noise protects nothing outside a simulation. A deployment needs
 * {@link #SECURE_RANDOM}.
 */
public enum NoiseSource {
    /** The run's seed tree ({@code Purpose.DP_NOISE}): reproducible, for simulations. The default. */
    SEED_TREE,
    /**
     * {@link java.security.SecureRandom} (the platform's default cryptographic generator, seeded by the operating
     * system): not reproducible, two runs with the same seed differ; for deployments. Gaussian draws use
     * {@code SecureRandom.nextGaussian()} (the polar method on its output), one per coordinate.
     */
    SECURE_RANDOM
}
