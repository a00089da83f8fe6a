package io.github.fl4j.core.comm;

import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Tensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoding of a protocol message that is not a model vector (a public key, a list of encrypted secret shares, a
 * list of client ids): the vector that stands for it in the simulation crosses unchanged, and its size is the given
 * number of bits, whatever the vector's length. So a protocol's messages cross a {@link Channel} and enter the
 * {@link CommunicationLedger} like any vector, with the size a real implementation would send (each protocol
 * documents its formula; see docs/secagg.md for secure aggregation's).
 *
 * <p>Bits: exactly {@link #bits()}. Lossless; draws nothing from the random stream. Immutable and thread-safe.
 */
public final class ProtocolMessage implements Compressor {
    /** A message that was not sent (a client that dropped before it): 0 bits. */
    public static final ProtocolMessage NOT_SENT = new ProtocolMessage("not-sent", 0);

    private final String label;
    private final long bits;

    private ProtocolMessage(String label, long bits) {
        if (bits < 0) {
            throw new IllegalArgumentException("bits must be >= 0, was " + bits);
        }
        if (label == null || label.isEmpty()) {
            throw new IllegalArgumentException("label must not be empty");
        }
        this.label = label;
        this.bits = bits;
    }

    /**
     * A protocol message of {@code bits} bits.
     *
     * @param label what the message is, for reports (e.g. "secagg-keys")
     * @param bits  its exact size, >= 0
     */
    public static ProtocolMessage of(String label, long bits) {
        return new ProtocolMessage(label, bits);
    }

    /** The message's size in bits. */
    public long bits() {
        return bits;
    }

    /** What the message is. */
    public String label() {
        return label;
    }

    @Override
    public String name() {
        return label + "(" + bits + " bits)";
    }

    @Override
    public CompressionClass compressionClass(long dimension) {
        return CompressionClass.lossless();
    }

    @Override
    public long compress(INDArray x, INDArray out, RandomStream rng) {
        Tensors.copy(x, out);
        return bits;
    }

    @Override
    public String toString() {
        return name();
    }
}
