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

    /**
     * Writes the outcome: client id (int), training loss (double), work (long), the uplink bits (int count, then
     * longs), the upload ({@link Message#write}) and the state through {@code codec}. {@link #read} reads it back bit
     * for bit: the form in which engines that run clients elsewhere return an outcome.
     */
    public void write(java.io.DataOutput out, io.github.fl4j.core.api.StateCodec<C> codec) throws java.io.IOException {
        out.writeInt(clientId);
        out.writeDouble(trainLoss);
        out.writeLong(work);
        out.writeInt(uplinkBits.length);
        for (long x : uplinkBits) {
            out.writeLong(x);
        }
        upload.write(out);
        codec.write(state, out);
    }

    /**
     * Reads an outcome written by {@link #write}.
     *
     * @throws java.io.IOException if the input ends early or is corrupt (a negative vector count, a bad message)
     */
    public static <C> ClientOutcome<C> read(java.io.DataInput in, io.github.fl4j.core.api.StateCodec<C> codec)
            throws java.io.IOException {
        int id = in.readInt();
        double loss = in.readDouble();
        long work = in.readLong();
        int n = in.readInt();
        if (n < 0) {
            throw new java.io.IOException("uplink vector count must be >= 0, was " + n);
        }
        long[] bits = new long[n];
        for (int i = 0; i < n; i++) {
            bits[i] = in.readLong();
        }
        Message upload = Message.read(in);
        return new ClientOutcome<>(id, upload, bits, codec.read(in), loss, work);
    }
}
