package io.github.fl4j.core.registry;

import io.github.fl4j.core.sim.ExecutionEngine;

/**
 * Builds an {@link ExecutionEngine} ({@link Kind#ENGINE}: where the clients' tasks of a round run) for a run with a
 * number of worker threads. Every engine gives the same bits as the local one.
 */
@FunctionalInterface
public interface EngineFactory {
    /**
     * Builds the engine; the caller closes it after the run.
     *
     * @param params  the spec's parameters
     * @param threads the run's thread count
     * @throws IllegalArgumentException on a bad or missing parameter
     */
    ExecutionEngine create(Params params, int threads);
}
