package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.StateCodec;
import java.util.function.IntFunction;

/**
 * Everything the side that executes clients needs to run a task against a state it keeps itself (an engine that
 * {@link ExecutionEngine#ownsStates owns the states}): the client runner, the client-state codec, and the state of a
 * client that never participated, computed exactly as the round loop would ({@code algorithm.initClientState(id,
 * setup)} with the run's {@code AlgorithmSetup}: model dimension, client sizes, precision and both compressors).
 * Built from the run's description by {@link ClientRunners#clientSide}.
 *
 * @param runner       the client runner
 * @param codec        the client-state codec
 * @param initialState client id to its state before its first participation
 * @param <C>          the client state type
 */
public record ClientSide<C>(ClientRunner<C> runner, StateCodec<C> codec, IntFunction<C> initialState) {

    public ClientSide {
        if (runner == null || codec == null || initialState == null) {
            throw new IllegalArgumentException("runner, codec and initialState must not be null");
        }
    }
}
