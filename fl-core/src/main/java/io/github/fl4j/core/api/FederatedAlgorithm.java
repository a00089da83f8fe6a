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
     * What the message of a diverged run (a non-finite training loss or upload) advises, after the facts. The default
     * is "lower the learning rate"; an algorithm with another step-size condition names it (FedProx: eta_l (L + mu)
     * &lt; 2, so a huge mu diverges whatever the learning rate).
     */
    default String divergenceHint() {
        return "lower the learning rate";
    }

    /**
     * Fails with an IllegalArgumentException naming the algorithm and the pattern when the algorithm's guarantees
     * assume another participation (DP-FedAvg's accountant assumes every client taking part independently with its
     * sampling rate q: a pattern delivering another rate would report a wrong epsilon). Called when a simulation is
     * built, with the number of clients N. The default accepts every pattern.
     */
    default void checkParticipation(io.github.fl4j.core.participation.Participation participation, int clients) {
    }

    /**
     * True when the algorithm's meaning depends on each client's participation rate being exactly the configured
     * p_n (FedAU estimates 1/p_n from the intervals between a client's participations; its known-p baseline weighs
     * by 1/(N p_n)). A simulation refuses, when it is built, a participation pattern that redraws or skips empty
     * rounds ({@code Participation.redrawsEmptyRounds()}), which conditions every round on "someone takes part" and
     * so raises every rate to p_n / (1 - P(empty)): with 40 clients at p = 0.02, P(empty) = 0.98^40 = 0.45 and FedAU's
     * interval estimate of 50 comes out near 28. The default is false.
     */
    default boolean requiresExactParticipationRates() {
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
