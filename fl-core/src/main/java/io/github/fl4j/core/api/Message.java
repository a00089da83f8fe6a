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

    /**
     * Writes the vectors (not their encodings: what crosses the wire is a decoded message): the count as an int, then
     * each vector in the {@code Tensors.write} form. The form in which engines that run clients elsewhere ship a
     * downlink or an upload; {@link #read} reads it back bit for bit.
     */
    public void write(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(vectors.size());
        for (INDArray v : vectors) {
            io.github.fl4j.core.tensor.Tensors.write(v, out);
        }
    }

    /**
     * Reads a message written by {@link #write}.
     *
     * @throws java.io.IOException if the input ends early or is corrupt (a negative count, a bad vector)
     */
    public static Message read(java.io.DataInput in) throws java.io.IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new java.io.IOException("message vector count must be >= 0, was " + n);
        }
        List<INDArray> v = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            v.add(io.github.fl4j.core.tensor.Tensors.read(in));
        }
        return new Message(v);
    }

    /** {@link #write} into a new byte array. */
    public byte[] toBytes() {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(b)) {
            write(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** {@link #read} from a byte array. */
    public static Message fromBytes(byte[] bytes) throws java.io.IOException {
        return read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes)));
    }
}
