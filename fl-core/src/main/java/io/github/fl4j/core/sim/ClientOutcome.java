package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.Message;

/**
 * The result of a {@link ClientTask}.
 *
 * @param clientId   the client
 * @param upload     the decoded vectors it sent, in order
 * @param uplinkBits the exact bits of each of those vectors
 * @param state      its state after the round
 * @param trainLoss  its mean training loss
 * @param work       the training samples it processed (the batch sizes of its gradient evaluations), -1 if unknown
 * @param <C>        the client state type
 */
public record ClientOutcome<C>(int clientId, Message upload, long[] uplinkBits, C state, double trainLoss,
                               long work) {

    /** An outcome whose work was not counted. */
    public ClientOutcome(int clientId, Message upload, long[] uplinkBits, C state, double trainLoss) {
        this(clientId, upload, uplinkBits, state, trainLoss, -1);
    }
}
