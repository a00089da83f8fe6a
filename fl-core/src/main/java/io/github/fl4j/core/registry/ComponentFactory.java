package io.github.fl4j.core.registry;

import java.io.IOException;

/**
 * Builds a component of one of the kinds whose objects need nothing but their spec: the time models
 * ({@link Kind#DEVICES}, {@link Kind#AVAILABILITY}, {@link Kind#DROPOUT}, {@link Kind#SCHEDULE},
 * {@link Kind#STALENESS}) and the asynchronous algorithms ({@link Kind#ASYNC_ALGORITHM}).
 *
 * @param <T> the type of the component
 */
@FunctionalInterface
public interface ComponentFactory<T> {
    /**
     * Builds the component.
     *
     * @param params the spec's parameters
     * @throws IOException              if a file the spec names cannot be read
     * @throws IllegalArgumentException on a bad or missing parameter
     */
    T create(Params params) throws IOException;
}
