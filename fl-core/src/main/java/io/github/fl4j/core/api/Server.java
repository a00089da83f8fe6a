package io.github.fl4j.core.api;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The server half of a federated algorithm.
 *
 * <p>Each round the engine asks for the downlink message ({@link #broadcast}), sends it through the downlink channel
 * to every participant, runs the clients, and hands the decoded uploads, sorted by client id, to {@link #apply}. The
 * server touches only its own state S.
 *
 * @param <S> the server state type
 */
public interface Server<S> {

    /** The message sent to every participant of this round. Must not modify {@code state}. */
    Message broadcast(S state, ServerContext ctx);

    /**
     * Applies the round's uploads and returns the new state (which may be {@code state} updated in place).
     *
     * @param uploads the decoded uploads in increasing client-id order
     */
    S apply(S state, List<Upload> uploads, ServerContext ctx);

    /** The current global model x held in {@code state} (a view; not modified by the caller). */
    INDArray model(S state);
}
