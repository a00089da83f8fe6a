package io.github.fl4j.algorithms.fedspeed;

import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.api.RoundAccumulator;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.StreamingAccumulator;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.MinibatchSampler;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.tensor.Workspace;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.state.ServerTables;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FedSpeed (Sun, Shen, Huang, Ding, Tao, "FedSpeed: Larger Local Interval, Less Communication Round, and Higher
 * Generalization Accuracy", ICLR 2023, arXiv 2302.10429; official code woodenchild95/FL-Simulator): local steps with a
 * proximal term to x^t, a prox-correction ĝ_n that cancels the prox term's bias (a FedDyn/FedPD-like dual
 * variable), and a merged gradient that mixes the plain gradient with the gradient at an ascent-perturbed point.
 *
 * <p>Round t, with participants S_t (line numbers of the paper's algorithm):
 * \[
 * \begin{aligned}
 * &amp;\text{client } n \in S_t \ (\text{state } \hat g_n, \text{ initially } 0): &amp;&amp; y_0 = x^t \\
 * &amp;\quad k = 0, \dots, K-1, \text{ one minibatch } \xi_k \text{ per step:} &amp;&amp; g_1 = \nabla f_n(y_k; \xi_k) \quad \text{(line 7)} \\
 * &amp;&amp;&amp; \breve y = y_k + \rho\, g_1 / (\lVert g_1 \rVert + 10^{-7}) \quad \text{(line 8)} \\
 * &amp;&amp;&amp; g_2 = \nabla f_n(\breve y; \xi_k) \ \text{(same minibatch)} \quad \text{(line 9)} \\
 * &amp;&amp;&amp; \tilde g = (1 - \alpha) g_1 + \alpha g_2 \quad \text{(line 10)} \\
 * &amp;&amp;&amp; y_{k+1} = y_k - \eta_l \bigl(\tilde g - \hat g_n + \tfrac{1}{\lambda}(y_k - x^t)\bigr) \quad \text{(line 11)} \\
 * &amp;&amp;&amp; \hat g_n \leftarrow \hat g_n - \tfrac{1}{\lambda}(y_K - x^t) \quad \text{(line 13)} \\
 * &amp;&amp;&amp; \text{upload } \hat x_n = y_K - \lambda \hat g_n \ \text{(the updated } \hat g_n\text{; line 14, 1 } d\text{-vector)} \\
 * &amp;\text{server, ALL\_CLIENT\_DUAL\_AVERAGING (default):} &amp;&amp; x^{t+1} = \tfrac{1}{|S_t|} \textstyle\sum_{n \in S_t} y_{n,K} + \tfrac{1}{N} \sum_{\text{all } n} h_n,\quad h_n = \text{sum of client } n\text{'s deltas so far} \\
 * &amp;\text{server, PARTICIPANTS\_ONLY (the paper's formula):} &amp;&amp; x^{t+1} = \tfrac{1}{|S_t|} \textstyle\sum_{n \in S_t} \hat x_n \quad (\text{computed as } x^t + \mathrm{mean}(\hat x_n - x^t))
 * \end{aligned}
 * \]
 *
 * <p><b>The ascent step.</b> Line 8 is normalised as in the official code ({@code optimizer/ESAM.py}): the step is
 * rho g1 / (||g1||_2 + epsilon) with epsilon = {@value #ASCENT_EPSILON}, the constant of that code, so a zero gradient
 * gives no perturbation instead of a division by zero. The official code uses only g2 (alpha = 1); the paper and the
 * FLGo port mix with alpha. When rho = 0 or alpha = 0, g_tilde = g1 exactly, and the second gradient is not computed
 * (1 gradient evaluation per step instead of 2).
 *
 * <p><b>lambda versus lamb.</b> lambda is the paper's: the prox term is (1/lambda)(y - x^t). The official code's
 * {@code --lamb} (default 0.1) is 1/lambda; {@link Builder#lamb(double)} accepts it (lamb = 0.1 is lambda = 10).
 * {@link Builder#withoutProx()} drops the prox term and the correction (g_hat_n stays 0, x_hat_n = y_K): this is not
 * the literal limit lambda to infinity, in which lambda g_hat_n = -(sum of the client's deltas) stays finite and
 * keeps entering the upload.
 *
 * <p><b>The all-client server rule from the uploads.</b> Let h_n = -lambda g_hat_n; by line 13, h_n is the sum of
 * client n's deltas Delta_n = y_{n,K} - x over all its rounds so far, and x_hat_n = y_K + h_n^{new} with h_n^{new} =
 * h_n^{old} + y_K - x^t, so x_hat_n = 2 y_K - x^t + h_n^{old}. The server knows x^t; it does not know y_K, and the
 * sum over S of h_n^{old} is not determined by the mean over all clients, so from x_hat_n alone it needs h_n^{old}
 * per client: it keeps h_n for every client that has participated (up to N x d values, as FL-Simulator does) and
 * recovers
 * \[
 * \begin{aligned}
 * &amp;h_n^{\mathrm{new}} = (\hat x_n - x^t + h_n^{\mathrm{old}}) / 2,\qquad y_K = \hat x_n - h_n^{\mathrm{new}} \\
 * &amp;\bar h \mathrel{+}= (h_n^{\mathrm{new}} - h_n^{\mathrm{old}}) / N \quad (\text{the incrementally kept mean } \tfrac{1}{N}\textstyle\sum_n h_n)
 * \end{aligned}
 * \]
 * With a lossless uplink this h_n is exactly the client's -lambda g_hat_n (up to rounding); a lossy uplink compressor
 * makes the two drift apart. Under {@link Builder#withoutProx()} h_n is 0 for every client, the server keeps no dual,
 * and both rules are x^{t+1} = mean_S y_K: FedAvg with uniform weights, bit for bit.
 *
 * <p>Map from paper symbols to code: K = {@link LocalTraining#steps()} (or E epochs, K_n = E ceil(m_n/B)), B =
 * {@link LocalTraining#batchSize()}, eta_l = {@code localLearningRate}, rho = {@code rho}, alpha = {@code alpha},
 * lambda = {@code lambda} (= 1/{@code lamb}), g_hat_n = {@link ClientState#correction()}, h_n = the server table
 * {@link #DUALS_TABLE} (read with {@link #dual}), h_bar = {@link ServerState#dualMean()}.
 *
 * <p>Not implemented (FL-Simulator training details, not part of the method): weight decay 1e-3 (use the model's L2
 * term), gradient clipping at norm 10, learning-rate decay 0.998 per round, relaxed initialisation.
 *
 * <p>State: each client keeps g_hat_n (d values, zero-initialised). The server keeps x and an aggregation buffer and
 * a scratch vector (3d), and under the all-client rule with the prox term h_bar (d); h_n for every client that has
 * participated (up to N d) is kept in the server table {@link #DUALS_TABLE}, which the engine stores (in memory, or
 * on disk for large populations) and checkpoints. A client task's iterate, two gradients and a scratch vector (4d) are arrays of the worker
 * thread's workspace. Communication per participant and round: 1 d-vector down (x^t), 1 up (x_hat_n). Gradient
 * evaluations per local step: 2 (1 when rho = 0 or alpha = 0). This object is immutable and thread-safe.
 */
public final class FedSpeed implements FederatedAlgorithm<FedSpeed.ServerState, FedSpeed.ClientState> {

    /** The epsilon in the normalised ascent step rho g / (||g|| + epsilon), from the official code's ESAM.py. */
    public static final double ASCENT_EPSILON = 1e-7;

    /** How the server forms x^{t+1}. */
    public enum ServerRule {
        /**
         * x^{t+1} = mean over participants of y_K + mean over ALL N clients of h_n (FL-Simulator's and FedDyn's rule;
         * converges under partial participation). Default.
         */
        ALL_CLIENT_DUAL_AVERAGING,
        /**
         * x^{t+1} = mean over participants of x_hat_n, the paper's formula. Under partial participation the stale
         * h_n of a random subset make it oscillate or diverge (see docs/algorithms/fedspeed.md).
         */
        PARTICIPANTS_ONLY
    }

    private final LocalTraining training;
    private final double localLearningRate;
    private final double rho;
    private final double alpha;
    private final boolean prox;
    private final double lambda;
    private final ServerRule serverRule;

    private FedSpeed(Builder b) {
        if (!(b.rho >= 0) || !Double.isFinite(b.rho)) {
            throw new IllegalArgumentException("rho must be >= 0 and finite, was " + b.rho);
        }
        if (!(b.alpha >= 0 && b.alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], was " + b.alpha);
        }
        if (b.prox && (!(b.lambda > 0) || !Double.isFinite(b.lambda))) {
            throw new IllegalArgumentException("lambda must be > 0 and finite, was " + b.lambda
                    + " (use withoutProx() to drop the prox term and the correction)");
        }
        if (b.serverRule == null) {
            throw new IllegalArgumentException("serverRule must not be null");
        }
        this.training = b.requireTraining();
        this.localLearningRate = b.requireLocalLearningRate();
        this.rho = b.rho;
        this.alpha = b.alpha;
        this.prox = b.prox;
        this.lambda = b.prox ? b.lambda : Double.POSITIVE_INFINITY;
        this.serverRule = b.serverRule;
    }

    /**
     * A builder; defaults are the official code's: rho = 0.1, alpha = 1 (only the perturbed gradient), lamb = 0.1
     * (lambda = 10), and the all-client server rule. The local work and eta_l are required.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A client's persistent state: the prox-correction g_hat_n (d values, zero-initialised). */
    public static final class ClientState {
        private final INDArray correction;

        ClientState(INDArray correction) {
            this.correction = correction;
        }

        /** g_hat_n (the client owns it; updated in place once per participation). */
        public INDArray correction() {
            return correction;
        }
    }

    /** The name of the server table of the duals h_n (one d-vector per client that has participated). */
    public static final String DUALS_TABLE = "fedspeed.duals";

    /** The codec of one dual h_n in {@link #DUALS_TABLE}. */
    public static final StateCodec<INDArray> DUAL_CODEC = StateCodec.ofVector("FedSpeed dual", v -> v, v -> v);

    /**
     * The server state: the model x, reused aggregation and scratch buffers, and (all-client rule with the prox term
     * only) the mean dual h_bar. The duals h_n themselves live in the server table {@link #DUALS_TABLE}.
     */
    public static final class ServerState {
        private final INDArray x;
        private final INDArray aggregate;
        private final INDArray scratch;
        private final INDArray dualMean;

        ServerState(INDArray x, INDArray dualMean) {
            this.x = x;
            Precision p = Precision.of(x.dataType());
            this.aggregate = Tensors.zeros(p, x.length());
            this.scratch = Tensors.zeros(p, x.length());
            this.dualMean = dualMean;
        }

        /** The global model x^t. */
        public INDArray model() {
            return x;
        }

        /** h_bar = (1/N) sum_n h_n, or null when the server keeps no dual. */
        public INDArray dualMean() {
            return dualMean;
        }
    }

    /**
     * h_n (the sum of client n's deltas so far) as kept in a run's server tables (e.g.
     * {@code result.runState().serverTables()}), or null before its first participation or without duals.
     */
    public static INDArray dual(ServerTables tables, int clientId) {
        return tables.table(DUALS_TABLE, DUAL_CODEC).get(clientId);
    }

    private boolean keepsDuals() {
        return prox && serverRule == ServerRule.ALL_CLIENT_DUAL_AVERAGING;
    }

    @Override
    public String name() {
        String s = String.format(Locale.ROOT, "FedSpeed(%s, lr=%s, rho=%s, alpha=%s, ", training, localLearningRate,
                rho, alpha);
        s += prox ? "lambda=" + lambda : "no prox";
        if (serverRule == ServerRule.PARTICIPANTS_ONLY) {
            s += ", participants-only";
        }
        return s + ")";
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        INDArray x = initialParameters.dup();
        if (keepsDuals()) {
            return new ServerState(x, Tensors.zeros(Precision.of(x.dataType()), x.length()));
        }
        return new ServerState(x, null);
    }

    @Override
    public ClientState initClientState(int clientId, AlgorithmSetup setup) {
        return new ClientState(Tensors.zeros(setup.precision(), setup.dimension()));
    }

    @Override
    public Server<ServerState> server() {
        return new Server<>() {
            @Override
            public Message broadcast(ServerState s, ServerContext ctx) {
                return Message.of(s.x);
            }

            @Override
            public ServerState apply(ServerState s, List<Upload> uploads, ServerContext ctx) {
                if (uploads.isEmpty()) {
                    return s;
                }
                double perParticipant = 1.0 / uploads.size();
                Tensors.fillZero(s.aggregate);
                if (s.dualMean == null) {
                    // x^{t+1} = x^t + mean (x_hat_n - x^t), the same operations as FedAvg with uniform weights.
                    for (Upload u : uploads) {
                        Tensors.subtract(u.vector(0), s.x, s.scratch);
                        Tensors.axpy(perParticipant, s.scratch, s.aggregate);
                    }
                    Tensors.axpy(1.0, s.aggregate, s.x);
                    return s;
                }
                double perClient = 1.0 / ctx.population();
                ClientStateStore<INDArray> duals = ctx.table(DUALS_TABLE, DUAL_CODEC);
                int[] ids = new int[uploads.size()];
                for (int k = 0; k < ids.length; k++) {
                    ids[k] = uploads.get(k).clientId();
                }
                List<INDArray> h = duals.getAll(ids);
                for (int k = 0; k < ids.length; k++) {
                    INDArray xHat = uploads.get(k).vector(0);
                    INDArray hOld = h.get(k);
                    // h_new = (x_hat - x^t + h_old) / 2, into scratch.
                    Tensors.subtract(xHat, s.x, s.scratch);
                    if (hOld != null) {
                        Tensors.axpy(1.0, hOld, s.scratch);
                    }
                    Tensors.scale(0.5, s.scratch);
                    // aggregate += (y_K = x_hat - h_new) / |S|.
                    Tensors.axpy(perParticipant, xHat, s.aggregate);
                    Tensors.axpy(-perParticipant, s.scratch, s.aggregate);
                    // h_bar += (h_new - h_old) / N; then h_old <- h_new.
                    Tensors.axpy(perClient, s.scratch, s.dualMean);
                    if (hOld != null) {
                        Tensors.axpy(-perClient, hOld, s.dualMean);
                        Tensors.copy(s.scratch, hOld);
                    } else {
                        h.set(k, s.scratch.dup());
                    }
                }
                duals.putAll(ids, h);
                for (INDArray v : h) {
                    duals.release(v);
                }
                Tensors.copy(s.aggregate, s.x);
                Tensors.axpy(1.0, s.dualMean, s.x);
                return s;
            }

            /**
             * Streaming under the participants-only rule (no dual mean): x_hat_n - x^t is added to the aggregation
             * buffer with weight 1/|S| as each upload arrives, in increasing client-id order (scratch buffers only),
             * and x moves in finish, as in apply. The all-client rule with the prox term, which reads and rewrites
             * the duals h_n of the table and the dual mean in one pass, collects the uploads and uses apply.
             */
            @Override
            public RoundAccumulator<ServerState> begin(ServerState s, ServerContext ctx) {
                if (ctx.participantCount() == 0 || s.dualMean != null) {
                    return RoundAccumulator.collecting(this, s, ctx);
                }
                double perParticipant = 1.0 / ctx.participantCount();
                Tensors.fillZero(s.aggregate);
                return new StreamingAccumulator<>(ctx) {
                    @Override
                    protected void fold(int k, Upload u) {
                        Tensors.subtract(u.vector(0), s.x, s.scratch);
                        Tensors.axpy(perParticipant, s.scratch, s.aggregate);
                    }

                    @Override
                    protected ServerState complete() {
                        Tensors.axpy(1.0, s.aggregate, s.x);
                        return s;
                    }
                };
            }

            @Override
            public INDArray model(ServerState s) {
                return s.x;
            }
        };
    }

    @Override
    public Client<ClientState> client() {
        return (down, state, ctx) -> {
            INDArray x = down.vector(0);
            long d = x.length();
            Precision p = ctx.precision();
            Workspace ws = ctx.workspace();
            INDArray y = ws.vector("fedspeed.iterate", p, d);
            INDArray g = ws.vector("fedspeed.gradient", p, d);
            INDArray g2 = ws.vector("fedspeed.ascentGradient", p, d);
            INDArray tmp = ws.vector("fedspeed.scratch", p, d);
            INDArray gHat = state.correction;
            Model model = ctx.model();
            Tensors.copy(x, y);
            MinibatchSampler sampler = new MinibatchSampler(ctx.data(), training.batchSize(),
                    ctx.random(Purpose.LOCAL_DATA_ORDER), ws);
            int steps = training.stepsFor(ctx.data().size());
            boolean ascent = rho > 0 && alpha > 0;
            double invLambda = 1.0 / lambda;
            double lossSum = 0;
            for (int k = 0; k < steps; k++) {
                Dataset batch = sampler.next(); // one draw, used for both gradients
                lossSum += model.lossAndGradient(y, batch, g);
                if (ascent) {
                    double scale = rho / (Tensors.norm2(g) + ASCENT_EPSILON);
                    Tensors.copy(y, tmp);
                    Tensors.axpy(scale, g, tmp);
                    model.lossAndGradient(tmp, batch, g2);
                    if (alpha == 1) {
                        Tensors.copy(g2, g);
                    } else {
                        Tensors.scale(1 - alpha, g);
                        Tensors.axpy(alpha, g2, g);
                    }
                }
                if (prox) {
                    Tensors.axpy(-1.0, gHat, g);
                    Tensors.subtract(y, x, tmp);
                    Tensors.axpy(invLambda, tmp, g);
                }
                training.clip(g); // the whole local direction (no-op without clipping)
                Tensors.axpy(-localLearningRate, g, y);
            }
            if (prox) {
                Tensors.subtract(y, x, tmp);
                Tensors.axpy(-invLambda, tmp, gHat);
                Tensors.copy(y, tmp);
                Tensors.axpy(-lambda, gHat, tmp);
                ctx.uplink().send(tmp);
            } else {
                ctx.uplink().send(y);
            }
            return new ClientResult<>(state, lossSum / steps);
        };
    }

    @Override
    public StateCodec<ServerState> serverStateCodec() {
        return new StateCodec<>() {
            @Override
            public void write(ServerState s, DataOutput out) throws IOException {
                out.writeByte(2);
                Tensors.write(s.x, out);
                out.writeBoolean(s.dualMean != null);
                if (s.dualMean != null) {
                    Tensors.write(s.dualMean, out);
                }
            }

            @Override
            public ServerState read(DataInput in) throws IOException {
                StateCodec.checkVersion("FedSpeed server state", 2, in.readUnsignedByte());
                INDArray x = Tensors.read(in);
                return new ServerState(x, in.readBoolean() ? Tensors.read(in) : null);
            }
        };
    }

    @Override
    public StateCodec<ClientState> clientStateCodec() {
        return StateCodec.ofVector("FedSpeed client state", s -> s.correction, ClientState::new);
    }

    @Override
    public int downlinkVectors() {
        return 1;
    }

    @Override
    public int uplinkVectors() {
        return 1;
    }

    /** The local work. */
    public LocalTraining training() {
        return training;
    }

    /** eta_l. */
    public double localLearningRate() {
        return localLearningRate;
    }

    /** rho, the radius of the ascent step. */
    public double rho() {
        return rho;
    }

    /** alpha, the weight of the perturbed gradient in the merged gradient. */
    public double alpha() {
        return alpha;
    }

    /** The paper's lambda (infinity when built {@link Builder#withoutProx()}). */
    public double lambda() {
        return lambda;
    }

    /** The official code's lamb = 1/lambda (0 when built {@link Builder#withoutProx()}). */
    public double lamb() {
        return 1.0 / lambda;
    }

    /** Whether the prox term and the prox-correction are used. */
    public boolean hasProx() {
        return prox;
    }

    /** The server rule. */
    public ServerRule serverRule() {
        return serverRule;
    }

    /** Builder of {@link FedSpeed}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private double rho = 0.1;
        private double alpha = 1.0;
        private boolean prox = true;
        private double lambda = 10.0;
        private ServerRule serverRule = ServerRule.ALL_CLIENT_DUAL_AVERAGING;

        /** rho >= 0, the ascent radius (default 0.1, the official code's). */
        public Builder rho(double v) {
            rho = v;
            return this;
        }

        /** alpha in [0, 1], the weight of the perturbed gradient (default 1, as the official code). */
        public Builder alpha(double v) {
            alpha = v;
            return this;
        }

        /** The paper's lambda > 0: the prox term is (1/lambda)(y - x^t) (default 10). Re-enables the prox term. */
        public Builder lambda(double v) {
            lambda = v;
            prox = true;
            return this;
        }

        /**
         * The official code's {@code --lamb} = 1/lambda > 0 (default 0.1); sets lambda = 1/lamb. Re-enables the prox
         * term.
         */
        public Builder lamb(double v) {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("lamb must be > 0 and finite, was " + v
                        + " (use withoutProx() to drop the prox term and the correction)");
            }
            return lambda(1.0 / v);
        }

        /** Drops the prox term and the prox-correction (g_hat_n stays 0 and x_hat_n = y_K); see the class comment. */
        public Builder withoutProx() {
            prox = false;
            return this;
        }

        /** The server rule (default {@link ServerRule#ALL_CLIENT_DUAL_AVERAGING}). */
        public Builder serverRule(ServerRule v) {
            serverRule = v;
            return this;
        }

        /** Validates and builds. */
        public FedSpeed build() {
            return new FedSpeed(this);
        }
    }
}
