package io.github.fl4j.core.registry;

import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.FederatedData;

/** Builds a {@link Model} for a dataset ({@link Kind#MODEL}): feature and class counts come from the data. */
@FunctionalInterface
public interface ModelFactory {
    /**
     * Builds the model.
     *
     * @param params the spec's parameters
     * @param data   the federated data the model will be trained on
     * @throws IllegalArgumentException on a bad or missing parameter, or data the model cannot fit
     */
    Model create(Params params, FederatedData data);
}
