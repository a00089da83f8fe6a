package io.github.fl4j.experiments.grid;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.FederatedAlgorithm;

/**
 * One setting of the grid's privacy axis: how an averaging strategy ({@link AveragingStrategy}) is turned into a
 * differentially private one, e.g. DP-FedAvg with the strategy's local training, a clip norm S and a noise
 * multiplier z. The runs of a private cell report their privacy loss epsilon, which goes to the run files and the
 * summary. Immutable.
 *
 * @param factory  the private algorithm from the strategy and the run's aggregator (null: the strategy's own); null
 *                 for {@link #none()}
 * @param describe a short description (e.g. {@code DP-FedAvg z=1.0 S=0.5})
 */
public record PrivacySetting(Factory factory, String describe) {

    private static final PrivacySetting NONE = new PrivacySetting(null, "no privacy");

    /**
     * Validates.
     *
     * @throws IllegalArgumentException when describe is null
     */
    public PrivacySetting {
        if (describe == null) {
            throw new IllegalArgumentException("describe must not be null");
        }
    }

    /** No privacy: the strategy runs as it is. */
    public static PrivacySetting none() {
        return NONE;
    }

    /** A private setting. */
    public static PrivacySetting of(Factory factory, String describe) {
        if (factory == null) {
            throw new IllegalArgumentException("factory must not be null");
        }
        return new PrivacySetting(factory, describe);
    }

    /** True for {@link #none()}. */
    public boolean isNone() {
        return factory == null;
    }

    /** Makes the private algorithm. */
    @FunctionalInterface
    public interface Factory {
        /**
         * The private version of {@code strategy}.
         *
         * @param strategy   the averaging strategy (its local training is known)
         * @param aggregator the run's aggregator, or null for the default mean
         * @return a fresh algorithm
         */
        FederatedAlgorithm<?, ?> create(AveragingStrategy strategy, Aggregator aggregator);
    }
}
