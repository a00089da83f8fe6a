package io.github.fl4j.core.registry;

import io.github.fl4j.core.api.Aggregator;

/**
 * Builds an {@link Aggregator} (the server's rule that turns the participants' uploads into one update;
 * {@link Kind#AGGREGATOR}) from the parameters of its spec, e.g. {@code trimmed-mean(beta=0.1)}. Algorithms that take
 * an aggregator read it as a nested spec ({@code fedavg(lr=0.1,aggregator=krum(f=1))}).
 */
@FunctionalInterface
public interface AggregatorFactory {
    /**
     * Builds the aggregator.
     *
     * @param params the spec's parameters
     * @throws IllegalArgumentException on a bad or missing parameter
     */
    Aggregator create(Params params);
}
