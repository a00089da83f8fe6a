package io.github.fl4j.core.api;

/**
 * A participating client's upload as the server receives it.
 *
 * @param clientId   the client (0..N-1)
 * @param numSamples the client's number of training samples m_n (known to the server from registration, not sent)
 * @param message    the decoded vectors the client sent through its uplink channel, in order
 */
public record Upload(int clientId, int numSamples, Message message) {

    /** The i-th uploaded vector. */
    public org.nd4j.linalg.api.ndarray.INDArray vector(int i) {
        return message.vector(i);
    }
}
