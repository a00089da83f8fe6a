package io.github.fl4j.core.api;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A federated algorithm: a factory that pairs a {@link Server} and a {@link Client}, creates their initial states and
 * declares what it needs.
 *
 * <p>No algorithm object holds hidden mutable state: everything that persists between rounds lives in the server
 * state {@code S} and the per-client states {@code C}, which the engine owns, stores, and can checkpoint with the
 * codecs. So an algorithm's configuration object may be shared by any number of simulations.
 *
 * @param <S> the server state type
 * @param <C> the client state type
 */
public interface FederatedAlgorithm<S, C> {

    /** A short name with the key hyper-parameters, for reports. */
    String name();

    /** The server's state at round 1, holding a copy of {@code initialParameters} as the model. */
    S initServerState(INDArray initialParameters, AlgorithmSetup setup);

    /** The state of a client before its first participation. */
    C initClientState(int clientId, AlgorithmSetup setup);

    /** The server half. */
    Server<S> server();

    /** The client half. */
    Client<C> client();

    /** The binary form of the server state. */
    StateCodec<S> serverStateCodec();

    /** The binary form of the client state. */
    StateCodec<C> clientStateCodec();

    /** Number of d-vectors the server sends to each participant per round. */
    int downlinkVectors();

    /** Number of d-vectors each participant sends per round. */
    int uplinkVectors();

    /**
     * Fails with an IllegalArgumentException naming the algorithm and the compressor when this algorithm cannot work
     * with the given compressors (e.g. EF21 needs a contractive uplink operator). The default accepts everything.
     */
    default void checkCompressors(Compressor uplink, Compressor downlink) {
    }

    /**
     * True when the algorithm needs every client's upload in every round (EF21 and EControl proper: the server's
     * shifts g = (1/N) sum g_i are exact only then). A simulation with time refuses, when it is built, a schedule
     * that cannot guarantee it (a selection of fewer than N, a deadline, first-K, over-selection, dropouts or
     * availability), naming the algorithm and the schedule. The default is false.
     */
    default boolean requiresEveryClientEveryRound() {
        return false;
    }

    /**
     * The differential-privacy epsilon spent after the rounds that produced {@code state}, at the delta the
     * algorithm was configured with, from its privacy accountant (DP-FedAvg's: {@code io.github.fl4j.core.privacy
     * .RdpAccountant}); the engine puts it in every {@code RoundReport}. Must be a pure function of the state and the
     * configuration (it is part of the reproducible report). The default is NaN: no accountant.
     */
    default double privacySpent(S state) {
        return Double.NaN;
    }
}
