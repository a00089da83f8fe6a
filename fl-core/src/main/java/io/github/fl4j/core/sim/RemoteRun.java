package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.StateCodec;

/**
 * What an engine that runs clients outside this JVM needs besides the tasks: the run's serializable description
 * (from which it builds a {@link ClientRunner} on its own side) and the codec that ships client states.
 *
 * @param description the run's description (registry names and parameters)
 * @param stateCodec  the client state codec
 * @param <C>         the client state type
 */
public record RemoteRun<C>(Object description, StateCodec<C> stateCodec) {
}
