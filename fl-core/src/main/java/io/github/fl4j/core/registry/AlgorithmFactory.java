package io.github.fl4j.core.registry;

import io.github.fl4j.core.api.FederatedAlgorithm;

/** Builds a {@link FederatedAlgorithm} from the parameters of its spec ({@link Kind#ALGORITHM}). */
@FunctionalInterface
public interface AlgorithmFactory {
    /**
     * Builds the algorithm.
     *
     * @param params the spec's parameters; read every parameter through it (the registry then rejects unknown keys)
     * @throws IllegalArgumentException on a bad or missing parameter
     */
    FederatedAlgorithm<?, ?> create(Params params);
}
