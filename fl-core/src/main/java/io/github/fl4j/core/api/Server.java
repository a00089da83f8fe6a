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

    /**
     * Starts the round's fold of the uploads (streaming aggregation): the engine hands the returned accumulator the
     * uploads one at a time in increasing client-id order as the clients complete, then calls
     * {@link RoundAccumulator#finish()}, which must return the same bits as {@link #apply} on the list of those
     * uploads. The participants (ids and sample counts m_n) are known from {@code ctx} before the first upload, so
     * weights such as m_n / sum_{j in S} m_j can be computed up front.
     *
     * <p>The default is {@link RoundAccumulator#collecting}: it keeps the uploads and calls {@link #apply} at the
     * end, so every server works unchanged. A server whose update is a sum over the uploads overrides this with a
     * {@link StreamingAccumulator} that keeps an O(d) running sum, so a round never holds P uploads at once.
     *
     * @param state the server state; not modified before {@code finish()}
     * @param ctx   the round's server context
     */
    default RoundAccumulator<S> begin(S state, ServerContext ctx) {
        return RoundAccumulator.collecting(this, state, ctx);
    }

    /** The current global model x held in {@code state} (a view; not modified by the caller). */
    INDArray model(S state);
}
