package io.github.fl4j.core.time;

import io.github.fl4j.core.api.Message;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An upload as the asynchronous server receives it, with its history: the model the client started from, the
 * version it carried and the staleness {@code tau = current version - startVersion}.
 *
 * @param clientId     the client
 * @param numSamples   the client's number of training samples
 * @param upload       the decoded vectors the client sent, in order (lent for the call)
 * @param startMessage the decoded message the client downloaded when its session started (lent for the call)
 * @param startVersion the server version the client downloaded
 * @param staleness    server versions between download and arrival (&gt;= 0)
 * @param startTime    virtual time of the download
 * @param time         virtual time of the arrival
 * @param dispatch     the client's session number (1 for its first session)
 * @param localSteps   the local steps the server assigned at dispatch (0 = the algorithm's own setting)
 * @param trainLoss    the client's mean training loss during the session
 */
public record Arrival(int clientId, int numSamples, Message upload, Message startMessage, long startVersion,
                      long staleness, double startTime, double time, long dispatch, int localSteps,
                      double trainLoss) {

    /** The i-th uploaded vector. */
    public INDArray vector(int i) {
        return upload.vector(i);
    }
}
