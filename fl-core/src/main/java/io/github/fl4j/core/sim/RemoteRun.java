package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.registry.RunDescription;

/**
 * What an engine that runs clients outside this JVM needs besides the tasks: the run's serializable description
 * (from which it builds a {@link ClientRunner} on its own side, see {@link ClientRunners#build}) and the codec that
 * ships client states.
 *
 * @param description the run's description (registry names and parameters, never lambdas)
 * @param stateCodec  the client state codec
 * @param <C>         the client state type
 */
public record RemoteRun<C>(RunDescription description, StateCodec<C> stateCodec) {

    public RemoteRun {
        if (description == null || stateCodec == null) {
            throw new IllegalArgumentException("description and stateCodec must not be null");
        }
    }
}
