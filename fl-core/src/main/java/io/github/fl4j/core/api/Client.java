package io.github.fl4j.core.api;

/**
 * The client half of a federated algorithm.
 *
 * <p>Given the server's (decoded) downlink message, its own persistent state and a {@link ClientContext}, a client
 * trains locally and sends its update through {@code ctx.uplink()}; the vectors sent there, in order, are its upload.
 * It returns its new state and its training loss.
 *
 * <p>Rules: a client touches only its own state and the buffers it allocates; it must not modify the downlink
 * vectors, the data or anything shared; it draws randomness only from {@code ctx.random(...)}. One client
 * implementation serves all clients concurrently, so it must hold no mutable fields.
 *
 * @param <C> the client state type
 */
@FunctionalInterface
public interface Client<C> {

    /**
     * Runs one round of local work.
     *
     * @param downlink the server's message, as decoded on this client
     * @param state    this client's persistent state
     * @param ctx      this client's context for this round
     * @return the new state and the training loss
     */
    ClientResult<C> train(Message downlink, C state, ClientContext ctx);
}
