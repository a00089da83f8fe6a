package io.github.fl4j.core.time;

import io.github.fl4j.core.random.RandomStream;

/**
 * Whether a session fails before its upload arrives. A failed session's work is lost, the bits it sent before the
 * failure are counted, and the client's state stays as it was before the session.
 *
 * <p>Immutable and thread-safe; every draw comes from the stream the engine passes, keyed
 * ({@link io.github.fl4j.core.random.Purpose#DROPOUT}, dispatch, client).
 */
public interface DropoutModel {

    /** Draws the failure point of one session. */
    FailurePoint draw(RandomStream rng);

    /** A one-line description with the parameters. */
    String describe();

    /** True for the model in which no session ever fails. */
    default boolean neverFails() {
        return false;
    }
}
