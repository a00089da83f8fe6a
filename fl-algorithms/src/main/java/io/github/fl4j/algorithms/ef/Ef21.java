package io.github.fl4j.algorithms.ef;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.model.SmoothnessConstants;
import io.github.fl4j.core.tensor.Tensors;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * EF21 (Richtárik, Sokolov, Fatkhullin, "EF21: A New, Simpler, Theoretically Better, and Practically Faster Error
 * Feedback", NeurIPS 2021; official code IgorSokoloff/ef21_experiments_source_code) with the options EF21-SGD
 * (minibatch gradients), EF21-PP (partial participation; Fatkhullin, Sokolov, Gorbunov, Li, Richtárik, "EF21 with
 * Bells &amp; Whistles", 2021) and EF21-W (weights w_i = L_i / sum_j L_j; Richtárik, Gasanov, Burlachenko, "Error
 * Feedback Reloaded", ICLR 2024). See docs/algorithms/ef21.md.
 *
 * <p>Paper form: x^{t+1} = x^t - gamma g^t; worker c_i^t = C(grad f_i(x^{t+1}) - g_i^t), g_i^{t+1} = g_i^t + c_i^t;
 * server g^{t+1} = g^t + (1/n) sum_i c_i^t. fl4j round r (1-based) broadcasts x^{r-1} and, with
 * R warm-up rounds ({@link FirstMessage}; R = 1 unless the first message is EXACT over a lossy channel):
 * \[
 * \begin{aligned}
 * &amp;\text{client } i \in S_r: &amp;&amp; v = \nabla f_i(x^{r-1}) \quad \text{(full; a } \tau\text{-minibatch after the warm-up with minibatch}(\tau)) \\
 * &amp;&amp;&amp; v = v / (n w_i) \quad \text{(EF21-W only)} \\
 * &amp;&amp;&amp; c_i = \mathcal{C}(v - g_i) \text{ via the uplink (the channel returns the decoded } \mathcal{C}(\cdot) \text{ the server sees)} \\
 * &amp;&amp;&amp; g_i = g_i + c_i \quad (g_i = 0 \text{ before the first participation}) \\
 * &amp;\text{server:} &amp;&amp; g = g + \textstyle\sum_{i \in S_r} w_i c_i \quad (w_i = 1/n, \text{ or } L_i / \sum_j L_j \text{ for EF21-W}) \\
 * &amp;&amp;&amp; \text{if } r \ge R: \ x = x - \gamma g
 * \end{aligned}
 * \]
 * So after round r the server holds the paper's x^{r} and g^{r-1}: the server's x step uses the aggregate that was
 * just built from gradients at the broadcast point, which is the paper's x^{t+1} = x^t - gamma g^t with g^t built at
 * x^t. In round 1 (R = 1), g_i = 0, so the first message is g_i^0 = C(grad f_i(x^0)) and x^1 = x^0 - gamma g^0; with
 * an identity compressor that is exactly GD's first step.
 *
 * <p><b>Lossless fast path.</b> With a lossless uplink and full participation, g_i + (v - g_i) = v mathematically but
 * not in floating point. The client then sets g_i = v and uploads g_i itself (the same message size), and the server
 * sets g = sum_i w_i g_i, so that EF21 with the identity compressor is gradient descent on (1/n) sum_i f_i bit for bit.
 * Under {@code partialParticipation} the difference form is always used.
 *
 * <p><b>Participation.</b> By default every round must include all N clients (EF21 proper; the server throws an
 * IllegalStateException naming the round otherwise). With {@code partialParticipation(true)} (EF21-PP) absent
 * clients keep g_i and send nothing, and the server adds sum over participants of w_i c_i, keeping
 * g = sum_i w_i g_i over the whole population. A client that has never participated has g_i = 0.
 *
 * <p>Map from paper symbols to code: gamma = {@code learningRate}, C = the simulation's uplink compressor (must be
 * contractive with parameter alpha; unscaled unbiased operators are rejected at build time), tau =
 * {@code minibatch}, L_i = {@code smoothnessWeights} (EF21-W), the step-size theory: {@link #theoryStepSize}.
 *
 * <p>State: each client keeps g_i (d values; N x d over the population once all have participated); the server keeps
 * x and g (2d) plus R and the fast-path flag. Scratch: the gradient and the difference (2d per worker thread, from the
 * workspace). Communication per participant and round: 1 d-vector down (x, dense) and 1 compressed vector up; the R
 * warm-up rounds of an EXACT first message are counted like any other (see {@link FirstMessage}). Immutable and
 * thread-safe.
 */
public final class Ef21 implements FederatedAlgorithm<ShiftServer.State, Ef21.ClientState> {
    /** Made once: {@link #name()} formats numbers, and the simulation asks for the server every round. */
    private final Server<ShiftServer.State> server;
    private final double learningRate;
    private final int minibatch;
    private final boolean partialParticipation;
    private final FirstMessage firstMessage;
    private final double[] weights;

    private Ef21(Builder b) {
        EfCommon.checkPositive("learningRate", b.learningRate);
        EfCommon.checkBatch(b.minibatch);
        if (b.firstMessage == null) {
            throw new IllegalArgumentException("firstMessage must not be null");
        }
        if (b.smoothness != null) {
            if (b.smoothness.length == 0) {
                throw new IllegalArgumentException("smoothnessWeights must hold one L_i per client, was empty");
            }
            double sum = 0;
            for (int i = 0; i < b.smoothness.length; i++) {
                if (!(b.smoothness[i] > 0) || !Double.isFinite(b.smoothness[i])) {
                    throw new IllegalArgumentException("smoothnessWeights[" + i + "] must be > 0 and finite, was "
                            + b.smoothness[i]);
                }
                sum += b.smoothness[i];
            }
            weights = new double[b.smoothness.length];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = b.smoothness[i] / sum;
            }
        } else {
            weights = null;
        }
        this.learningRate = b.learningRate;
        this.minibatch = b.minibatch;
        this.partialParticipation = b.partialParticipation;
        this.firstMessage = b.firstMessage;
        this.server = ShiftServer.create(name(), learningRate, partialParticipation, weights,
                "use partialParticipation(true) for EF21-PP");
    }

    /** A builder; defaults: full gradients, full participation, EXACT first message, uniform weights 1/n. */
    public static Builder builder() {
        return new Builder();
    }

    /** Which mean of the L_i the theoretical step size uses. */
    public enum MeanRule {
        /** L_QM = sqrt((1/n) sum L_i^2), the original EF21 analysis. */
        QUADRATIC,
        /** L_AM = (1/n) sum L_i, the improved analysis of "Error Feedback Reloaded" (also valid for vanilla EF21). */
        ARITHMETIC
    }

    /**
     * EF21's theoretical step size gamma = 1/(L + Ltilde sqrt(beta/theta)) with theta = 1 - sqrt(1 - alpha) and
     * beta = (1 - alpha)/(1 - sqrt(1 - alpha)) (EF21 paper, Theorem 1; for alpha = 1 it is 1/L).
     *
     * @param smoothness the smoothness L of f = (1/n) sum f_i
     * @param meanL      L_QM (EF21) or L_AM (EF21-W and the improved analysis)
     * @param alpha      the compressor's contraction parameter in (0, 1] (K/d for Top-K)
     */
    public static double theoryStepSize(double smoothness, double meanL, double alpha) {
        EfCommon.checkPositive("smoothness", smoothness);
        if (!(meanL >= 0) || !Double.isFinite(meanL)) {
            throw new IllegalArgumentException("meanL must be >= 0 and finite, was " + meanL);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], was " + alpha);
        }
        double root = Math.sqrt(1 - alpha);
        double theta = 1 - root;
        double beta = (1 - alpha) / theta;
        return 1.0 / (smoothness + meanL * Math.sqrt(beta / theta));
    }

    /**
     * {@code multiplier * theoryStepSize(L, L_QM or L_AM, alpha)} from a {@link SmoothnessConstants.Summary}, with L =
     * {@link SmoothnessConstants.Summary#whole()} (the EF21 experiments' "factor" is the multiplier).
     */
    public static double theoryStepSize(SmoothnessConstants.Summary constants, double alpha, MeanRule rule,
                                        double multiplier) {
        EfCommon.checkPositive("multiplier", multiplier);
        if (rule == null) {
            throw new IllegalArgumentException("rule must not be null");
        }
        double mean = rule == MeanRule.QUADRATIC ? constants.quadraticMean() : constants.arithmeticMean();
        return multiplier * theoryStepSize(constants.whole(), mean, alpha);
    }

    /** A client's state: its gradient estimate g_i. */
    public static final class ClientState {
        private final INDArray g;

        ClientState(INDArray g) {
            this.g = g;
        }

        /** g_i. */
        public INDArray estimate() {
            return g;
        }
    }

    @Override
    public String name() {
        StringBuilder s = new StringBuilder(weights != null ? "EF21-W" : partialParticipation ? "EF21-PP" : "EF21");
        s.append(String.format(Locale.ROOT, "(lr=%s", learningRate));
        if (minibatch > 0) {
            s.append(", tau=").append(minibatch);
        }
        if (weights != null && partialParticipation) {
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
        if (weights != null && weights.length != setup.population()) {
            throw new IllegalArgumentException("smoothnessWeights must hold one L_i per client (" + setup.population()
                    + "), had " + weights.length);
        }
        boolean lossless = EfCommon.lossless(setup.uplink(), setup.dimension());
        return new ShiftServer.State(initialParameters.dup(), Tensors.zeros(setup.precision(), setup.dimension()),
                EfCommon.warmupRounds(firstMessage, setup.uplink(), setup.dimension()),
                lossless && !partialParticipation);
    }

    @Override
    public ClientState initClientState(int clientId, AlgorithmSetup setup) {
        return new ClientState(Tensors.zeros(setup.precision(), setup.dimension()));
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
            INDArray grad = ctx.workspace().vector("ef21.gradient", ctx.precision(), d);
            double loss = EfCommon.gradient(ctx, x, grad, minibatch, warm);
            if (weights != null) {
                Tensors.scale(1.0 / (weights.length * weights[ctx.clientId()]), grad);
            }
            if (!partialParticipation && EfCommon.lossless(c, d)) {
                Tensors.copy(grad, state.g);
                ctx.uplink().send(state.g);
            } else {
                INDArray diff = ctx.workspace().vector("ef21.difference", ctx.precision(), d);
                Tensors.subtract(grad, state.g, diff);
                INDArray received = ctx.uplink().send(diff);
                Tensors.axpy(1.0, received, state.g);
            }
            return new ClientResult<>(state, loss);
        };
    }

    @Override
    public StateCodec<ShiftServer.State> serverStateCodec() {
        return ShiftServer.CODEC;
    }

    @Override
    public StateCodec<ClientState> clientStateCodec() {
        return StateCodec.ofVector("EF21 client state", s -> s.g, ClientState::new);
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

    /** tau (0 = full local gradients). */
    public int minibatch() {
        return minibatch;
    }

    /** True unless {@code partialParticipation}: the shifts are exact only with every client every round. */
    @Override
    public boolean requiresEveryClientEveryRound() {
        return !partialParticipation;
    }

    /** Whether EF21-PP semantics are on. */
    public boolean partialParticipation() {
        return partialParticipation;
    }

    /** The first-message rule. */
    public FirstMessage firstMessage() {
        return firstMessage;
    }

    /** The EF21-W weights w_i = L_i / sum L_j (a copy), or null for uniform 1/n. */
    public double[] weights() {
        return weights == null ? null : weights.clone();
    }

    /** Builder of {@link Ef21}; {@link #build()} validates and names any bad field. */
    public static final class Builder {
        private double learningRate = Double.NaN;
        private int minibatch;
        private boolean partialParticipation;
        private FirstMessage firstMessage = FirstMessage.EXACT;
        private double[] smoothness;

        /** gamma (required), e.g. {@link Ef21#theoryStepSize}. */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /** EF21-SGD: tau rows per round drawn without replacement (0 = full local gradient, the default). */
        public Builder minibatch(int tau) {
            minibatch = tau;
            return this;
        }

        /** EF21-PP semantics (default false: every round must include all clients). */
        public Builder partialParticipation(boolean v) {
            partialParticipation = v;
            return this;
        }

        /** How g_i^0 is formed (default EXACT). */
        public Builder firstMessage(FirstMessage v) {
            firstMessage = v;
            return this;
        }

        /** EF21-W: the clients' smoothness constants L_i, one per client in id order (copied). */
        public Builder smoothnessWeights(double[] smoothness) {
            this.smoothness = smoothness == null ? null : smoothness.clone();
            return this;
        }

        /** Validates and builds. */
        public Ef21 build() {
            return new Ef21(this);
        }
    }
}
