package io.github.fl4j.algorithms.ef;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * EControl (Gao, Islamov, Stich, "EControl: Fast Distributed Optimization with Compression and Error Control",
 * ICLR 2024, arXiv 2311.05645). See docs/algorithms/econtrol.md.
 *
 * <p>Paper form: e_i^0 = 0, h_i^0 = g_i^0 (sent once); round t: Delta_i = C(eta e_i + g_i - h_i),
 * e_i += g_i - h_i - Delta_i, h_i += Delta_i, h^{t+1} = h^t + (1/n) sum_i Delta_i, x^{t+1} = x^t - gamma h^{t+1}.
 * fl4j round r broadcasts x^{r-1}; with R warm-up rounds ({@link FirstMessage}; R = 1 unless the first message is
 * EXACT over a lossy channel):
 * \[
 * \begin{aligned}
 * &amp;\text{client } i \in S_r: &amp;&amp; g = \nabla f_i(x^{r-1}) \quad (\text{full for } r \le R; \text{ a } \tau\text{-minibatch afterwards with minibatch}(\tau)) \\
 * &amp;\quad r \le R: &amp;&amp; \Delta_i = \mathcal{C}(g - h_i);\ h_i \mathrel{+}= \Delta_i \quad (\text{first message; } e_i \text{ stays } 0) \\
 * &amp;\quad r &gt; R: &amp;&amp; \Delta_i = \mathcal{C}(\eta e_i + g - h_i);\ e_i \mathrel{+}= g - h_i - \Delta_i;\ h_i \mathrel{+}= \Delta_i \\
 * &amp;\text{server:} &amp;&amp; h = h + \tfrac{1}{n} \textstyle\sum_{i \in S_r} \Delta_i;\quad \text{if } r \ge R: \ x = x - \gamma h
 * \end{aligned}
 * \]
 * Deviation from the paper's indexing: the paper's round 0 draws a second gradient at x^0 after the first message and
 * applies Delta^0 before the first step; here the first message and round 0 share one round and one gradient, and
 * Delta^0 is not sent (a client sends one vector per round). For full gradients with an EXACT first message
 * Delta^0 = C(g^0 - h^0) = 0, so nothing changes; with stochastic gradients or a COMPRESSED first message the first
 * step uses h^0 instead of h^1. In exchange EControl with eta = 0 and a COMPRESSED first message is EF21 with a
 * COMPRESSED first message bit for bit (e_i is then never read), the reduction noted in the OpenReview discussion.
 *
 * <p>Lossless fast path, participation: as {@link Ef21}. With a lossless uplink and full participation e_i stays 0
 * (mathematically it is (1 - eta) e_i = 0 every round), the client sets h_i = g and uploads h_i, and the server sets
 * h = (1/n) sum_i h_i: EControl with the identity compressor is gradient descent bit for bit. By default every round
 * must include all clients; {@code partialParticipation(true)} lets absent clients keep (e_i, h_i) and the server
 * add (1/n) sum over participants (an extension; the paper treats full participation).
 *
 * <p>Map from paper symbols to code: gamma = {@code learningRate}, eta = {@code feedbackStrength} in [0, 1] (theory:
 * a small multiple of delta, e.g. delta/400; experiments grid-search it), delta = the contraction parameter alpha of
 * the uplink compressor (must be contractive), tau = {@code minibatch}.
 *
 * <p>State: each client keeps e_i and h_i (2d values; 2N x d over the population); the server keeps x and h (2d).
 * Scratch: gradient, shift g - h_i and message (3d per worker thread). Communication per participant and round:
 * 1 dense d-vector down, 1 compressed vector up (the warm-up rounds of an EXACT first message included). Immutable
 * and thread-safe.
 */
public final class EControl implements FederatedAlgorithm<ShiftServer.State, EControl.ClientState> {
    /** Made once: {@link #name()} formats numbers, and the simulation asks for the server every round. */
    private final Server<ShiftServer.State> server;
    private final double learningRate;
    private final double feedbackStrength;
    private final int minibatch;
    private final boolean partialParticipation;
    private final FirstMessage firstMessage;

    private EControl(Builder b) {
        EfCommon.checkPositive("learningRate", b.learningRate);
        if (!(b.feedbackStrength >= 0 && b.feedbackStrength <= 1)) {
            throw new IllegalArgumentException("feedbackStrength must be in [0, 1], was " + b.feedbackStrength);
        }
        EfCommon.checkBatch(b.minibatch);
        if (b.firstMessage == null) {
            throw new IllegalArgumentException("firstMessage must not be null");
        }
        this.learningRate = b.learningRate;
        this.feedbackStrength = b.feedbackStrength;
        this.minibatch = b.minibatch;
        this.partialParticipation = b.partialParticipation;
        this.firstMessage = b.firstMessage;
        this.server = ShiftServer.create(name(), learningRate, partialParticipation, null,
                "use partialParticipation(true)");
    }

    /** A builder; defaults: full gradients, full participation, EXACT first message. */
    public static Builder builder() {
        return new Builder();
    }

    /** A client's state: the error e_i and the shift h_i. */
    public static final class ClientState {
        private final INDArray e;
        private final INDArray h;

        ClientState(INDArray e, INDArray h) {
            this.e = e;
            this.h = h;
        }

        /** e_i. */
        public INDArray error() {
            return e;
        }

        /** h_i. */
        public INDArray shift() {
            return h;
        }
    }

    @Override
    public String name() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "EControl(lr=%s, eta=%s", learningRate,
                feedbackStrength));
        if (minibatch > 0) {
            s.append(", tau=").append(minibatch);
        }
        if (partialParticipation) {
            s.append(", pp");
        }
        if (firstMessage != FirstMessage.EXACT) {
            s.append(", first=").append(firstMessage.name().toLowerCase(Locale.ROOT));
        }
        return s.append(')').toString();
    }

    @Override
    public void checkCompressors(Compressor uplink, Compressor downlink) {
        EfCommon.requireContractive(name(), uplink);
    }

    @Override
    public ShiftServer.State initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        EfCommon.requireContractive(name(), setup.uplink(), setup.uplink().compressionClass(setup.dimension()));
        boolean lossless = EfCommon.lossless(setup.uplink(), setup.dimension());
        return new ShiftServer.State(initialParameters.dup(), Tensors.zeros(setup.precision(), setup.dimension()),
                EfCommon.warmupRounds(firstMessage, setup.uplink(), setup.dimension()),
                lossless && !partialParticipation);
    }

    @Override
    public ClientState initClientState(int clientId, AlgorithmSetup setup) {
        return new ClientState(Tensors.zeros(setup.precision(), setup.dimension()),
                Tensors.zeros(setup.precision(), setup.dimension()));
    }

    @Override
    public Server<ShiftServer.State> server() {
        return server;
    }

    @Override
    public Client<ClientState> client() {
        return (down, state, ctx) -> {
            INDArray x = down.vector(0);
            long d = x.length();
            Compressor c = ctx.uplink().compressor();
            boolean warm = ctx.round() <= EfCommon.warmupRounds(firstMessage, c, d);
            INDArray grad = ctx.workspace().vector("econtrol.gradient", ctx.precision(), d);
            double loss = EfCommon.gradient(ctx, x, grad, minibatch, warm);
            if (!partialParticipation && EfCommon.lossless(c, d)) {
                Tensors.copy(grad, state.h);
                ctx.uplink().send(state.h);
                return new ClientResult<>(state, loss);
            }
            INDArray shift = ctx.workspace().vector("econtrol.shift", ctx.precision(), d);
            INDArray message = ctx.workspace().vector("econtrol.message", ctx.precision(), d);
            Tensors.subtract(grad, state.h, shift);
            Tensors.copy(shift, message);
            if (!warm && feedbackStrength != 0) {
                Tensors.axpy(feedbackStrength, state.e, message);
            }
            INDArray delta = ctx.uplink().send(message);
            if (!warm) {
                Tensors.axpy(1.0, shift, state.e);
                Tensors.axpy(-1.0, delta, state.e);
            }
            Tensors.axpy(1.0, delta, state.h);
            return new ClientResult<>(state, loss);
        };
    }

    @Override
    public StateCodec<ShiftServer.State> serverStateCodec() {
        return ShiftServer.CODEC;
    }

    @Override
    public StateCodec<ClientState> clientStateCodec() {
        return new StateCodec<>() {
            @Override
            public void write(ClientState s, DataOutput out) throws IOException {
                out.writeByte(1);
                Tensors.write(s.e, out);
                Tensors.write(s.h, out);
            }

            @Override
            public ClientState read(DataInput in) throws IOException {
                StateCodec.checkVersion("EControl client state", 1, in.readUnsignedByte());
                INDArray e = Tensors.read(in);
                return new ClientState(e, Tensors.read(in));
            }
        };
    }

    @Override
    public int downlinkVectors() {
        return 1;
    }

    @Override
    public int uplinkVectors() {
        return 1;
    }

    /** gamma. */
    public double learningRate() {
        return learningRate;
    }

    /** eta. */
    public double feedbackStrength() {
        return feedbackStrength;
    }

    /** tau (0 = full local gradients). */
    public int minibatch() {
        return minibatch;
    }

    /** True unless {@code partialParticipation}: the shifts are exact only with every client every round. */
    @Override
    public boolean requiresEveryClientEveryRound() {
        return !partialParticipation;
    }

    /** Whether absent clients are allowed. */
    public boolean partialParticipation() {
        return partialParticipation;
    }

    /** The first-message rule. */
    public FirstMessage firstMessage() {
        return firstMessage;
    }

    /** Builder of {@link EControl}; {@link #build()} validates and names any bad field. */
    public static final class Builder {
        private double learningRate = Double.NaN;
        private double feedbackStrength = Double.NaN;
        private int minibatch;
        private boolean partialParticipation;
        private FirstMessage firstMessage = FirstMessage.EXACT;

        /** gamma (required). */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /** eta in [0, 1] (required). */
        public Builder feedbackStrength(double v) {
            feedbackStrength = v;
            return this;
        }

        /** tau rows per round drawn without replacement (0 = full local gradient, the default). */
        public Builder minibatch(int tau) {
            minibatch = tau;
            return this;
        }

        /** Allow partial participation (default false). */
        public Builder partialParticipation(boolean v) {
            partialParticipation = v;
            return this;
        }

        /** How h_i^0 is formed (default EXACT). */
        public Builder firstMessage(FirstMessage v) {
            firstMessage = v;
            return this;
        }

        /** Validates and builds. */
        public EControl build() {
            return new EControl(this);
        }
    }
}
