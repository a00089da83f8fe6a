package io.github.fl4j.core.api;

/**
 * The server's fold of one round's uploads, created by {@link Server#begin}: it receives the uploads one at a time in
 * increasing client-id order ({@link #accept}), then {@link #finish} returns the new server state. It is the
 * streaming form of {@link Server#apply}: {@code finish()} after accepting the uploads u_1 .. u_P (the participants
 * of the round, in increasing id order) returns bit for bit what {@code apply(state, [u_1 .. u_P], ctx)} returns.
 *
 * <p>Why: a server that averages only needs the running sum {@code acc = sum_{k <= j} w_k u_k} (d values) while the
 * uploads arrive, not the list of P uploads (P d-vectors). Adding in increasing client-id order with the same weights
 * as {@code apply} performs the same floating-point operations in the same order, hence the same bits. Weights that
 * need the whole round (w_n = m_n / sum_{j in S} m_j) are computed from the participants' sample counts in the
 * {@link ServerContext} before the first upload arrives.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #accept} is called once per participant of the round, in increasing client-id order (out of order, a
 *       client that is not a participant or a second upload of a client fail with IllegalArgumentException), on one
 *       thread; the uploads are not modified;</li>
 *   <li>the state handed to {@link Server#begin} is not changed (what its codec writes) before {@link #finish}, so a
 *       failure in the middle of a round leaves the server state as it was; scratch buffers of the state that
 *       {@code apply} overwrites anyway may be used;</li>
 *   <li>{@link #finish} is called once, after every participant's upload (a missing upload fails with
 *       IllegalStateException);</li>
 *   <li>{@link #retainsUploads()} says whether the accumulator keeps references to the accepted uploads' vectors
 *       until {@link #finish}: the engine may reuse the buffers of an accepted upload's vectors right after
 *       {@code accept} returns only when it is false.</li>
 * </ul>
 *
 * @param <S> the server state type
 */
public interface RoundAccumulator<S> {

    /** Folds the next upload (the next participant in increasing client-id order) into the accumulator. */
    void accept(Upload upload);

    /** The new server state, after every participant's upload has been accepted. */
    S finish();

    /**
     * True when the accumulator holds the accepted uploads until {@link #finish} (the collecting default), so their
     * vectors must stay valid until then; false for a true streaming fold, which copies what it needs into its own
     * O(d) accumulator during {@link #accept}.
     */
    boolean retainsUploads();

    /**
     * The collecting accumulator: it keeps the uploads in a list and calls {@code server.apply(state, uploads, ctx)}
     * in {@link #finish}. The default of {@link Server#begin}, so every server works with the streaming engine, and
     * the only choice for a server that needs every upload at once (a coordinate-wise median, Krum, secure
     * aggregation's mask cancellation). Memory: the P uploads of the round.
     */
    static <S> RoundAccumulator<S> collecting(Server<S> server, S state, ServerContext ctx) {
        return new CollectingAccumulator<>(server, state, ctx);
    }
}
