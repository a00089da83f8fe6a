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

    /**
     * Writes the task without its downlink (an engine ships the round's downlink once, not per task): client id,
     * round and assigned steps as ints, then the state through {@code codec}. {@link #read} reads it back.
     */
    public void write(java.io.DataOutput out, io.github.fl4j.core.api.StateCodec<C> codec) throws java.io.IOException {
        out.writeInt(clientId);
        out.writeInt(round);
        out.writeInt(assignedSteps);
        codec.write(state, out);
    }

    /** Reads a task written by {@link #write}, with the round's {@code downlink}. */
    public static <C> ClientTask<C> read(java.io.DataInput in, Message downlink,
                                         io.github.fl4j.core.api.StateCodec<C> codec) throws java.io.IOException {
        int id = in.readInt();
        int round = in.readInt();
        int steps = in.readInt();
        return new ClientTask<>(id, round, downlink, codec.read(in), steps);
    }
}
