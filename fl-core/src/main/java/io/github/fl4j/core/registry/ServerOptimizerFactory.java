package io.github.fl4j.core.registry;

import io.github.fl4j.core.api.ServerOptimizer;

/**
 * Builds a {@link ServerOptimizer} (the server's step on the aggregated update, x &larr; x + step(&Delta;);
 * {@link Kind#SERVER_OPTIMIZER}) from the parameters of its spec, e.g. {@code adam(lr=0.01)}. Algorithms that take
 * one read it as a nested spec ({@code fedavg(lr=0.1,server-optimizer=adam(lr=0.01))}).
 */
@FunctionalInterface
public interface ServerOptimizerFactory {
    /**
     * Builds the optimizer.
     *
     * @param params the spec's parameters
     * @throws IllegalArgumentException on a bad or missing parameter
     */
    ServerOptimizer create(Params params);
}
