package io.github.fl4j.core.comm;

import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.BufferPool;
import io.github.fl4j.core.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The only way a vector crosses between server and client, and the only place where bits are counted
 * (docs/design.md, "Communication accounting").
 *
 * <p>{@link #send} encodes the vector with the channel's {@link Compressor}, records the exact size of the encoding and
 * returns what the receiver decodes: a new array owned by the receiver. A client's uplink channel belongs to one
 * client in one round; the vectors it has sent, in order, form the client's upload, so a client cannot upload
 * anything that was not counted. Not thread-safe (one channel per task).
 */
public final class Channel {
    private final Direction direction;
    private final int round;
    private final int client;
    private final Compressor compressor;
    private final RandomStream rng;
    private final BufferPool pool;
    private final List<INDArray> sent = new ArrayList<>();
    private final List<Long> bits = new ArrayList<>();

    /**
     * @param direction  the direction of the messages
     * @param round      the round (1-based)
     * @param client     the client at the other end
     * @param compressor the encoding
     * @param rng        the compressor's random stream (UPLINK_COMPRESSION or DOWNLINK_COMPRESSION of this round and
     *                   client)
     */
    public Channel(Direction direction, int round, int client, Compressor compressor, RandomStream rng) {
        this(direction, round, client, compressor, rng, null);
    }

    /**
     * A channel whose decoded vectors come from a round-scoped pool (the engine's), so that no message array is
     * allocated in steady state; the vectors are valid until the pool is recycled at the end of the round.
     */
    public Channel(Direction direction, int round, int client, Compressor compressor, RandomStream rng,
                   BufferPool pool) {
        this.pool = pool;
        this.direction = direction;
        this.round = round;
        this.client = client;
        this.compressor = compressor;
        this.rng = rng;
    }

    /**
     * Sends one vector: encodes it, counts its bits, and returns the decoded vector the receiver sees (an array the
     * sender does not own; {@code x} is not modified and may be reused by the sender afterwards).
     */
    public INDArray send(INDArray x) {
        return send(x, null);
    }

    /**
     * Sends one vector with an explicit encoding instead of the channel's compressor: a message whose encoding is
     * part of a protocol rather than a choice of the run (secure aggregation's masked vector at b bits a coordinate,
     * a {@link ProtocolMessage} of a given size). Counted and returned like {@link #send(INDArray)}; a null
     * {@code encoding} means the channel's compressor. The encoding draws from the channel's random stream.
     */
    public INDArray send(INDArray x, Compressor encoding) {
        Compressor c = encoding != null ? encoding : compressor;
        INDArray decoded = pool != null ? pool.take(Precision.of(x.dataType()), x.length())
                : Nd4j.createUninitialized(x.dataType(), x.length());
        long b = c.compress(x, decoded, rng);
        sent.add(decoded);
        bits.add(b);
        return decoded;
    }

    /** The vectors sent so far, as the receiver decoded them, in order. */
    public Message message() {
        return new Message(sent);
    }

    /** Bits of each vector sent so far, in order. */
    public long[] bitsPerVector() {
        long[] out = new long[bits.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bits.get(i);
        }
        return out;
    }

    /** The channel's direction. */
    public Direction direction() {
        return direction;
    }

    /** The round. */
    public int round() {
        return round;
    }

    /** The client at the other end. */
    public int client() {
        return client;
    }

    /** The channel's compressor. */
    public Compressor compressor() {
        return compressor;
    }
}
