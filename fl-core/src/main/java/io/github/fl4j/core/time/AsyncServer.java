package io.github.fl4j.core.time;

import io.github.fl4j.core.api.Message;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The server half of an {@link AsyncAlgorithm}: it reacts to the events of the virtual clock in their pinned order
 * (see {@link EventKind}). Each call gets the state and returns the new state (which may be the same object updated
 * in place). The server model's version (what staleness is counted in) is {@link #version(Object)}.
 *
 * @param <S> the server state type
 */
public interface AsyncServer<S> {

    /** Called once at virtual time 0, before the first session starts (schedule timers here). */
    default S start(S state, AsyncContext ctx) {
        return state;
    }

    /**
     * What client {@code clientId} downloads when its session starts (a CLIENT_START event): normally the current
     * model. Must not modify {@code state} except through {@link AsyncContext#assignLocalSteps} bookkeeping it keeps
     * in S.
     */
    Message dispatch(S state, int clientId, AsyncContext ctx);

    /**
     * An upload arrives (a CLIENT_END event) and is accepted (its staleness is within the schedule's maximum). Its
     * vectors are lent for this call; copy what must be kept.
     */
    S receive(S state, Arrival arrival, AsyncContext ctx);

    /** A timer this server scheduled ({@link AsyncContext#scheduleTimer}) fires. */
    default S timer(S state, int tag, AsyncContext ctx) {
        return state;
    }

    /**
     * A session of {@code clientId} started at {@code startVersion} ended without an accepted upload: the client
     * failed (dropout or went offline) or its upload was too stale and dropped.
     */
    default S lost(S state, int clientId, long startVersion, AsyncContext ctx) {
        return state;
    }

    /** The server model's version: 0 at the start, +1 for each new model. */
    long version(S state);

    /** The current server model x (a view; not modified by the caller). */
    INDArray model(S state);
}
