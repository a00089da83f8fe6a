package io.github.fl4j.core.time;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.StateCodec;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An asynchronous (or semi-asynchronous) federated algorithm: a server that reacts to events on the virtual clock
 * (a client starting a session, an upload arriving, a timer) instead of to rounds, and the usual client half.
 *
 * <p>As with {@link io.github.fl4j.core.api.FederatedAlgorithm}, the algorithm object holds no mutable state:
 * everything that persists lives in S (the model, its version, buffers) and the client states C, which the engine
 * owns and checkpoints through the codecs. The client half is an ordinary {@link Client}; in a timed run its
 * {@link io.github.fl4j.core.api.ClientContext#round()} is the client's dispatch number (its k-th session, from 1),
 * so its random streams are keyed by (client, dispatch number).
 *
 * @param <S> the server state type
 * @param <C> the client state type
 */
public interface AsyncAlgorithm<S, C> {

    /** A short name with the key hyper-parameters, for reports. */
    String name();

    /** The server state at virtual time 0, version 0, holding a copy of {@code initialParameters}. */
    S initServerState(INDArray initialParameters, AlgorithmSetup setup);

    /** The state of a client before its first session. */
    C initClientState(int clientId, AlgorithmSetup setup);

    /** The server half. */
    AsyncServer<S> server();

    /** The client half. */
    Client<C> client();

    /** The binary form of the server state (checkpoints). */
    StateCodec<S> serverStateCodec();

    /** The binary form of the client state. */
    StateCodec<C> clientStateCodec();

    /** Number of d-vectors a client downloads per session. */
    int downlinkVectors();

    /** Number of d-vectors a client uploads per session. */
    int uplinkVectors();

    /**
     * A lower bound of the training samples a client with {@code clientSize} samples processes in a session of
     * {@code assignedSteps} local steps (0 = the algorithm's own setting); 0 when unknown. The engine uses it only to
     * look ahead (sessions whose earliest possible end is later than the next event keep training while the clock
     * advances); a bound above the truth is caught and fails the run. The actual work is counted.
     */
    default long minimumWork(int clientSize, int assignedSteps) {
        return 0;
    }

    /** Fails naming the algorithm and the compressor when it cannot work with them. The default accepts all. */
    default void checkCompressors(Compressor uplink, Compressor downlink) {
    }
}
