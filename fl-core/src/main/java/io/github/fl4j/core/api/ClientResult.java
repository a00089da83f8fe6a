package io.github.fl4j.core.api;

/**
 * What a client half returns besides its upload (which went through its uplink channel).
 *
 * @param state     the client's new persistent state (may be the same object, updated in place)
 * @param trainLoss the client's mean training loss over its local steps this round (NaN if not applicable)
 * @param <C>       the client state type
 */
public record ClientResult<C>(C state, double trainLoss) {
}
