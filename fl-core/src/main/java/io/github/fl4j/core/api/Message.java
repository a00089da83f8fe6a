package io.github.fl4j.core.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What crosses between server and client: an ordered list of flat vectors (e.g. SCAFFOLD's downlink is (x, c)).
 *
 * <p>A message handed to a client or server by the engine has already crossed a channel and been counted. Its vectors
 * are lent for the round: they must not be modified, and they are recycled by the engine when the round is over, so
 * an algorithm that needs one later (MIFA's memory of last updates, say) copies it into its own state.
 */
public final class Message {
    private final List<INDArray> vectors;
    private final List<Compressor> encodings;

    /** A message of the given vectors, in order. */
    public Message(List<INDArray> vectors) {
        this.vectors = List.copyOf(vectors);
        this.encodings = null;
    }

    private Message(List<INDArray> vectors, List<Compressor> encodings) {
        this.vectors = List.copyOf(vectors);
        if (encodings.size() != vectors.size()) {
            throw new IllegalArgumentException("encodings must have one entry per vector (" + vectors.size()
                    + "), had " + encodings.size());
        }
        this.encodings = Collections.unmodifiableList(new ArrayList<>(encodings));
    }

    /**
     * A message whose vectors name their own encodings: entry i is the {@link Compressor} the engine sends vector i
     * with instead of the run's compressor of that direction, or null for the run's compressor. For protocol messages
     * that are not model vectors (secure aggregation's key list, say, sent with a
     * {@link io.github.fl4j.core.comm.ProtocolMessage} of its exact size) and must not pass through a lossy
     * compressor. The engine sends a server's broadcast this way; a message decoded by a channel has no encodings.
     */
    public static Message withEncodings(List<INDArray> vectors, List<Compressor> encodings) {
        return new Message(vectors, encodings);
    }

    /** The encoding of the i-th vector, or null for the run's compressor (see {@link #withEncodings}). */
    public Compressor encoding(int i) {
        vector(i);
        return encodings == null ? null : encodings.get(i);
    }

    /** A message of the given vectors, in order. */
    public static Message of(INDArray... vectors) {
        return new Message(List.of(vectors));
    }

    /** The i-th vector. */
    public INDArray vector(int i) {
        if (i < 0 || i >= vectors.size()) {
            throw new IllegalArgumentException("vector index must be in [0, " + vectors.size() + "), was " + i);
        }
        return vectors.get(i);
    }

    /** Number of vectors. */
    public int size() {
        return vectors.size();
    }

    /** The vectors, in order (unmodifiable). */
    public List<INDArray> vectors() {
        return Collections.unmodifiableList(vectors);
    }
}
