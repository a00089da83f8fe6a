package io.github.fl4j.core.api;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link FederatedAlgorithm} that forwards every call to another one: the base of wrappers that change one part
 * (an attack that changes some clients, a test that watches the client) and must keep the rest, including the
 * declarations a wrapper easily forgets ({@link #requiresEveryClientEveryRound()}, {@link #privacySpent},
 * {@link #checkCompressors}). Subclasses override what they change.
 *
 * @param <S> the server state type
 * @param <C> the client state type
 */
public abstract class ForwardingAlgorithm<S, C> implements FederatedAlgorithm<S, C> {
    private final FederatedAlgorithm<S, C> inner;

    /** Forwards to {@code inner}. */
    protected ForwardingAlgorithm(FederatedAlgorithm<S, C> inner) {
        if (inner == null) {
            throw new IllegalArgumentException("the wrapped algorithm must not be null");
        }
        this.inner = inner;
    }

    /** The wrapped algorithm. */
    public FederatedAlgorithm<S, C> inner() {
        return inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public S initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        return inner.initServerState(initialParameters, setup);
    }

    @Override
    public C initClientState(int clientId, AlgorithmSetup setup) {
        return inner.initClientState(clientId, setup);
    }

    @Override
    public Server<S> server() {
        return inner.server();
    }

    @Override
    public Client<C> client() {
        return inner.client();
    }

    @Override
    public StateCodec<S> serverStateCodec() {
        return inner.serverStateCodec();
    }

    @Override
    public StateCodec<C> clientStateCodec() {
        return inner.clientStateCodec();
    }

    @Override
    public int downlinkVectors() {
        return inner.downlinkVectors();
    }

    @Override
    public int uplinkVectors() {
        return inner.uplinkVectors();
    }

    @Override
    public void checkCompressors(Compressor uplink, Compressor downlink) {
        inner.checkCompressors(uplink, downlink);
    }

    @Override
    public boolean requiresEveryClientEveryRound() {
        return inner.requiresEveryClientEveryRound();
    }

    @Override
    public String divergenceHint() {
        return inner.divergenceHint();
    }

    @Override
    public void checkParticipation(io.github.fl4j.core.participation.Participation participation, int clients) {
        inner.checkParticipation(participation, clients);
    }

    @Override
    public boolean requiresExactParticipationRates() {
        return inner.requiresExactParticipationRates();
    }

    @Override
    public double privacySpent(S state) {
        return inner.privacySpent(state);
    }

    /**
     * {@code algorithm} with a server that only forwards {@link Server#broadcast}, {@link Server#apply} and
     * {@link Server#model}, so its {@link Server#begin} is the collecting default ({@link RoundAccumulator#collecting}):
     * every upload of a round is held and {@code apply} sees the list. The reference against which a server's own
     * streaming fold is checked (same bits), and the baseline of streaming-memory measurements.
     */
    public static <S, C> FederatedAlgorithm<S, C> collecting(FederatedAlgorithm<S, C> algorithm) {
        return new ForwardingAlgorithm<>(algorithm) {
            @Override
            public Server<S> server() {
                Server<S> s = inner().server();
                return new Server<>() {
                    @Override
                    public Message broadcast(S state, ServerContext ctx) {
                        return s.broadcast(state, ctx);
                    }

                    @Override
                    public S apply(S state, java.util.List<Upload> uploads, ServerContext ctx) {
                        return s.apply(state, uploads, ctx);
                    }

                    @Override
                    public org.nd4j.linalg.api.ndarray.INDArray model(S state) {
                        return s.model(state);
                    }
                };
            }
        };
    }
}
