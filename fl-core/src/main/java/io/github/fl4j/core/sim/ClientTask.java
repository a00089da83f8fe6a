package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.Message;

/**
 * One client's work in one round, self-contained: everything the client half needs besides its data and the model,
 * which the executing side looks up by client id. A distributed engine ships these (states via their codecs).
 *
 * @param clientId the client
 * @param round    the round (1-based)
 * @param downlink the decoded downlink message
 * @param state    the client's persistent state before the round
 * @param assignedSteps the local steps the server assigned to this session, 0 for the algorithm's own setting
 * @param <C>      the client state type
 */
public record ClientTask<C>(int clientId, int round, Message downlink, C state, int assignedSteps) {

    /** A task with the algorithm's own number of local steps. */
    public ClientTask(int clientId, int round, Message downlink, C state) {
        this(clientId, round, downlink, state, 0);
    }
}
