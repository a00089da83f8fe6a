package io.github.fl4j.core.api;

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

    /** A message of the given vectors, in order. */
    public Message(List<INDArray> vectors) {
        this.vectors = List.copyOf(vectors);
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
