package io.github.fl4j.algorithms.scaffold;

import io.github.fl4j.algorithms.local.LocalSgd;
import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.RoundAccumulator;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.StreamingAccumulator;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.optim.Sgd;
import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.tensor.Workspace;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SCAFFOLD, stochastic controlled averaging (Karimireddy, Kale, Mohri, Reddi, Stich, Suresh, "SCAFFOLD: Stochastic
 * Controlled Averaging for Federated Learning", ICML 2020, Algorithm 1), with control-variate options I and II and
 * the one-vector uplink form of option II (Huang, Li, Li, ICLR 2024; see docs/algorithms/scaffold.md).
 *
 * <p>Round t, with participants S (|S| = s) of N clients:
 * \[
 * \begin{aligned}
 * &amp;\text{server:} &amp;&amp; \text{send } (x, c) \quad (2\ d\text{-vectors down}) \\
 * &amp;\text{client } n: &amp;&amp; y = x;\ K_n \text{ times: } y \leftarrow y - \eta_l \bigl(\nabla f_n(y;\ \text{minibatch}) - c_n + c\bigr) \\
 * &amp;&amp;&amp; \text{option I: } c_n^+ = \nabla f_n(x) \quad \text{(one extra full-batch gradient at the server point } x) \\
 * &amp;&amp;&amp; \text{option II: } c_n^+ = c_n - c + (x - y) / (K_n \eta_l) \quad (K_n: \text{the steps this client ran this round}) \\
 * &amp;&amp;&amp; \text{upload } \Delta y_n = y - x,\ \Delta c_n = c_n^+ - c_n;\quad c_n = c_n + \Delta c_n \quad (2\ d\text{-vectors up}) \\
 * &amp;\text{server:} &amp;&amp; x = x + \eta_g \tfrac{1}{s} \textstyle\sum_{S} \Delta y_n,\qquad c = c + \tfrac{1}{N} \textstyle\sum_{S} \Delta c_n \quad (\text{keeps } c = \tfrac{1}{N}\textstyle\sum_n c_n)
 * \end{aligned}
 * \]
 * One-vector uplink (option II with fixed K only, {@link Builder#oneVectorUplink(boolean)}): by the identity
 * Delta y_n = -K eta_l (Delta c_n + c) the client uploads only delta_n = Delta c_n and the server applies
 * \[
 * \begin{aligned}
 * &amp;x = x - \eta_g K \eta_l \bigl(c + \tfrac{1}{s} \textstyle\sum_S \delta_n\bigr),\qquad c = c + \tfrac{1}{N} \textstyle\sum_S \delta_n
 * \end{aligned}
 * \]
 * (c on the right is the round's old c), which is SCAFFOLD-II with half the uplink (Huang, Li, Li, ICLR 2024).
 *
 * <p>Server optimizer and aggregator. The model step x = x + eta_g Delta_x, with Delta_x = (1/s) sum_S Delta y_n (or
 * Delta_x = -K eta_l (c + (1/s) sum_S delta_n) in the one-vector form), is server SGD; {@link Builder#serverOptimizer}
 * replaces it by any {@link ServerOptimizer} (momentum, FedAdam, FedYogi, FedAdagrad: Reddi et al., "Adaptive
 * Federated Optimization", ICLR 2021, whose experiments also pair SCAFFOLD with server optimizers), whose state lives
 * in the {@link ServerState}. The mean over S that forms Delta_x is an {@link Aggregator}
 * ({@link Builder#aggregator}, default {@link WeightedMean#uniform()}); the control-variate update keeps its 1/N sum,
 * which is what maintains c = (1/N) sum_n c_n. In the one-vector form with SGD the step is applied as the two axpy
 * calls above, as before the optimizers existed, so those runs keep their bits.
 *
 * <p>The client adds its own c_n with the <em>decoded</em> Delta c_n (what its uplink channel returns), so c = mean
 * c_n holds exactly even under a lossy uplink compressor; with the default identity encoding this is the paper's
 * update. The correction enters plain SGD at every step ({@link LocalSgd} with correction c - c_n).
 *
 * <p>Map from paper symbols to code: K = {@link LocalTraining#steps()} (or K_n = E ceil(m_n/B) with
 * {@link LocalTraining#epochs()}), eta_l = {@code localLearningRate}, eta_g = {@code serverLearningRate}, option
 * I/II = {@link Option}, c = {@link ServerState#control()}, c_n = {@link ClientState#control()}.
 *
 * <p>State: every client that has participated keeps c_n (d values; N x d in a simulation of N clients), zero at start;
 * the server keeps x, c, one aggregation buffer and the server optimizer's state (3d values, plus 0, 1 or 2 d-vectors).
 * A client task uses three scratch vectors of its worker thread's workspace (iterate, gradient, correction).
 * Communication per participant and round: 2 d-vectors down (x, c); 2 up (Delta y, Delta c), or 1 (Delta c) in the
 * one-vector form. Gradient evaluations: K_n per round, plus one full pass over the client's data for option I. This
 * object is immutable and thread-safe.
 */
public final class Scaffold implements FederatedAlgorithm<Scaffold.ServerState, Scaffold.ClientState> {

    /** How the client's control variate c_n is refreshed (paper Algorithm 1, line 12). */
    public enum Option {
        /** c_n+ = grad f_n(x), one extra full-batch gradient at the server point. */
        I,
        /** c_n+ = c_n - c + (x - y) / (K_n eta_l), free (reuses the local steps). */
        II
    }

    private final LocalTraining training;
    private final double localLearningRate;
    private final ServerOptimizer optimizer;
    private final Aggregator aggregator;
    private final Option option;
    private final boolean oneVectorUplink;

    private Scaffold(Builder b) {
        ServerOptimizer opt = ServerOptimizers.resolve(b.serverOptimizer, b.serverLearningRate, null);
        if (b.option == null) {
            throw new IllegalArgumentException("option must not be null");
        }
        if (b.oneVectorUplink && b.option != Option.II) {
            throw new IllegalArgumentException("oneVectorUplink requires option II, was " + b.option);
        }
        if (b.oneVectorUplink && b.requireTraining().steps() == 0) {
            throw new IllegalArgumentException("oneVectorUplink requires fixed local steps (localSteps(K, B)) so that"
                    + " every client runs the same K known to the server, was " + b.requireTraining());
        }
        this.training = b.requireTraining();
        this.localLearningRate = b.requireLocalLearningRate();
        this.optimizer = opt;
        this.aggregator = b.aggregator == null ? WeightedMean.uniform() : b.aggregator;
        this.option = b.option;
        this.oneVectorUplink = b.oneVectorUplink;
    }

    /** A builder; defaults: option II, two-vector uplink, uniform mean, server SGD with learning rate 1. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The server state: the model x, the server control variate c, the server optimizer's state and a reused
     * aggregation buffer.
     */
    public static final class ServerState {
        private final INDArray x;
        private final INDArray c;
        private final ServerOptimizer.State optimizer;
        private final INDArray aggregate;
        /** The second running sum of a streaming round (the 1/N sum of the control updates), made on first use. */
        private INDArray controlAggregate;

        ServerState(INDArray x, INDArray c, ServerOptimizer.State optimizer) {
            this.x = x;
            this.c = c;
            this.optimizer = optimizer;
            this.aggregate = Tensors.zeros(Precision.of(x.dataType()), x.length());
        }

        /** The server optimizer's state (its vectors are live: the server updates them in place). */
        public ServerOptimizer.State optimizerState() {
            return optimizer;
        }

        /** The global model x^t. */
        public INDArray model() {
            return x;
        }

        /** The server control variate c = (1/N) sum_n c_n. */
        public INDArray control() {
            return c;
        }
    }

    /** A client's state: its control variate c_n (zero before its first participation). */
    public static final class ClientState {
        private final INDArray c;

        ClientState(INDArray c) {
            this.c = c;
        }

        /** The client control variate c_n. */
        public INDArray control() {
            return c;
        }
    }

    @Override
    public String name() {
        String s = String.format(Locale.ROOT, "SCAFFOLD-%s(%s, lr=%s", option, training, localLearningRate);
        String label = ServerOptimizers.label(optimizer);
        if (!label.isEmpty()) {
            s += ", " + label;
        }
        if (!aggregator.equals(WeightedMean.uniform())) {
            s += ", aggregator=" + aggregator;
        }
        if (oneVectorUplink) {
            s += ", one-vector uplink";
        }
        return s + ")";
    }

    /**
     * The one-vector form (SCALLION-type: the server rebuilds Delta y_n from the compressed Delta c_n) needs a
     * lossless or unbiased uplink operator: a biased one (Top-K, sign) biases both the model step and c with nothing
     * to undo it (SCALLION's analysis assumes unbiased compression; SCAFCOM's momentum for biased operators is not
     * implemented). Fails naming both. The two-vector form accepts any operator. A compressor whose class cannot be
     * computed for a probe dimension is checked again with the model dimension when the server state is created.
     */
    @Override
    public void checkCompressors(Compressor uplink, Compressor downlink) {
        if (!oneVectorUplink || uplink == null) {
            return;
        }
        CompressionClass c = CompressionClass.probe(uplink);
        if (c != null) {
            requireUnbiased(uplink, c);
        }
    }

    private void requireUnbiased(Compressor uplink, CompressionClass c) {
        if (c.kind() == CompressionClass.Kind.LOSSLESS || c.kind() == CompressionClass.Kind.UNBIASED) {
            return;
        }
        throw new IllegalArgumentException(name() + " (SCALLION-type: the server rebuilds the model step from the "
                + "compressed control-variate update) needs a lossless or unbiased uplink compressor, but "
                + uplink.name() + " has class " + c.kind() + "; use the two-vector form for biased operators");
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        if (oneVectorUplink) {
            requireUnbiased(setup.uplink(), setup.uplink().compressionClass(setup.dimension()));
        }
        INDArray x = initialParameters.dup();
        return new ServerState(x, Tensors.zeros(setup.precision(), x.length()),
                optimizer.init(Precision.of(x.dataType()), x.length()));
    }

    @Override
    public ClientState initClientState(int clientId, AlgorithmSetup setup) {
        return new ClientState(Tensors.zeros(setup.precision(), setup.dimension()));
    }

    /**
     * The model step of the one-vector uplink, with the mean of the uploads' deltas in {@code s.aggregate}:
     * Delta_x = -K eta_l (c + mean_S delta_n) with the old c, through the server optimizer. With plain SGD it is
     * x = x - eta_g K eta_l c - eta_g K eta_l mean, the historical op order (same bits); shared by apply and the
     * streaming fold.
     */
    private void oneVectorModelStep(ServerState s) {
        double kEta = training.steps() * localLearningRate;
        if (optimizer instanceof Sgd sgd) {
            s.optimizer.check(Sgd.KIND, 0, s.x);
            double step = sgd.learningRate() * kEta;
            Tensors.axpy(-step, s.c, s.x);
            Tensors.axpy(-step, s.aggregate, s.x);
        } else {
            Tensors.axpy(1.0, s.c, s.aggregate);
            Tensors.scale(-kEta, s.aggregate);
            optimizer.step(s.x, s.aggregate, s.optimizer);
        }
    }

    @Override
    public Server<ServerState> server() {
        return new Server<>() {
            @Override
            public Message broadcast(ServerState s, ServerContext ctx) {
                return Message.of(s.x, s.c);
            }

            @Override
            public ServerState apply(ServerState s, List<Upload> uploads, ServerContext ctx) {
                if (oneVectorUplink) {
                    // Delta_x = -K eta_l (c + mean_S delta_n), with the old c; then c = c + (1/N) sum_S delta_n.
                    aggregator.aggregate(uploads, 0, s.aggregate, ctx);
                    oneVectorModelStep(s);
                    WeightedMean.population().aggregate(uploads, 0, s.aggregate, ctx);
                    Tensors.axpy(1.0, s.aggregate, s.c);
                } else {
                    aggregator.aggregate(uploads, 0, s.aggregate, ctx);
                    optimizer.step(s.x, s.aggregate, s.optimizer);
                    WeightedMean.population().aggregate(uploads, 1, s.aggregate, ctx);
                    Tensors.axpy(1.0, s.aggregate, s.c);
                }
                return s;
            }

            /**
             * Streaming when the model-step aggregator has a fold ({@link WeightedMean}): two O(d) running sums, the
             * model step's in the aggregation buffer and the control update's (1/N) sum in a second scratch buffer,
             * each in increasing client-id order with the weights of apply; x, c and the optimizer state change only
             * in finish, with the op order of apply (same bits).
             */
            @Override
            public RoundAccumulator<ServerState> begin(ServerState s, ServerContext ctx) {
                if (ctx.participantCount() == 0) {
                    return RoundAccumulator.collecting(this, s, ctx);
                }
                Aggregator.Fold model = aggregator.fold(0, s.aggregate, ctx);
                if (model == null) {
                    return RoundAccumulator.collecting(this, s, ctx);
                }
                if (s.controlAggregate == null) {
                    s.controlAggregate = Tensors.zeros(Precision.of(s.x.dataType()), s.x.length());
                }
                INDArray cSum = s.controlAggregate;
                Aggregator.Fold control = WeightedMean.population().fold(oneVectorUplink ? 0 : 1, cSum, ctx);
                return new StreamingAccumulator<>(ctx) {
                    @Override
                    protected void fold(int k, Upload u) {
                        model.add(u);
                        control.add(u);
                    }

                    @Override
                    protected ServerState complete() {
                        model.finish();
                        control.finish();
                        if (oneVectorUplink) {
                            oneVectorModelStep(s);
                        } else {
                            optimizer.step(s.x, s.aggregate, s.optimizer);
                        }
                        Tensors.axpy(1.0, cSum, s.c);
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
            INDArray c = down.vector(1);
            Precision p = ctx.precision();
            Workspace ws = ctx.workspace();
            INDArray y = ws.vector("scaffold.iterate", p, x.length());
            INDArray grad = ws.vector("scaffold.gradient", p, x.length());
            INDArray work = ws.vector("scaffold.correction", p, x.length());
            Tensors.subtract(c, state.c, work);                            // c - c_n
            Tensors.copy(x, y);
            double loss = LocalSgd.run(ctx.model(), ctx.data(), training, localLearningRate, y, grad, work,
                    ctx.random(Purpose.LOCAL_DATA_ORDER), ws);
            Tensors.subtract(y, x, grad);                                  // grad = Delta y = y - x
            if (option == Option.II) {
                // Delta c_n = c_n+ - c_n = -c - Delta y / (K_n eta_l), with K_n the steps actually run.
                int k = training.stepsFor(ctx.data().size());
                Tensors.copy(c, work);
                Tensors.scale(-1.0, work);
                Tensors.axpy(-1.0 / (k * localLearningRate), grad, work);
            } else {
                // Delta c_n = grad f_n(x) - c_n (full batch at the server point).
                ctx.model().lossAndGradient(x, ctx.data(), work);
                Tensors.axpy(-1.0, state.c, work);
            }
            if (!oneVectorUplink) {
                ctx.uplink().send(grad);
            }
            INDArray deltaC = ctx.uplink().send(work);
            Tensors.axpy(1.0, deltaC, state.c);
            return new ClientResult<>(state, loss);
        };
    }

    @Override
    public StateCodec<ServerState> serverStateCodec() {
        return new StateCodec<>() {
            // Version 2: x, c, the optimizer state (ServerOptimizer.State.CODEC). Version 1 (read only): x, c, SGD.
            @Override
            public void write(ServerState s, DataOutput out) throws IOException {
                out.writeByte(2);
                Tensors.write(s.x, out);
                Tensors.write(s.c, out);
                ServerOptimizer.State.CODEC.write(s.optimizer, out);
            }

            @Override
            public ServerState read(DataInput in) throws IOException {
                int version = in.readUnsignedByte();
                if (version != 1) {
                    StateCodec.checkVersion("SCAFFOLD server state", 2, version);
                }
                INDArray x = Tensors.read(in);
                INDArray c = Tensors.read(in);
                ServerOptimizer.State opt = version == 1 ? new ServerOptimizer.State(Sgd.KIND)
                        : ServerOptimizer.State.CODEC.read(in);
                return new ServerState(x, c, opt);
            }
        };
    }

    @Override
    public StateCodec<ClientState> clientStateCodec() {
        return StateCodec.ofVector("SCAFFOLD client state", s -> s.c, ClientState::new);
    }

    @Override
    public int downlinkVectors() {
        return 2;
    }

    @Override
    public int uplinkVectors() {
        return oneVectorUplink ? 1 : 2;
    }

    /** The local work. */
    public LocalTraining training() {
        return training;
    }

    /** eta_l. */
    public double localLearningRate() {
        return localLearningRate;
    }

    /** eta_g, the server optimizer's learning rate. */
    public double serverLearningRate() {
        return optimizer.learningRate();
    }

    /** The server optimizer of the model step. */
    public ServerOptimizer serverOptimizer() {
        return optimizer;
    }

    /** The aggregator of the model-step slot (Delta y_n, or delta_n in the one-vector form). */
    public Aggregator aggregator() {
        return aggregator;
    }

    /** The control-variate option. */
    public Option option() {
        return option;
    }

    /** True when the client uploads only Delta c_n (the one-vector form of SCAFFOLD-II). */
    public boolean oneVectorUplink() {
        return oneVectorUplink;
    }

    /** Builder of {@link Scaffold}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private Double serverLearningRate;
        private ServerOptimizer serverOptimizer;
        private Aggregator aggregator;
        private Option option = Option.II;
        private boolean oneVectorUplink;

        /** eta_g (default 1, as in the paper's experiments): shorthand for {@code serverOptimizer(sgd(eta_g))}. */
        public Builder serverLearningRate(double v) {
            serverLearningRate = v;
            return this;
        }

        /**
         * The server step on Delta_x (default {@code sgd(1)}); see {@link ServerOptimizers}. A
         * {@code serverLearningRate} also set must equal the optimizer's, or {@link #build()} fails naming both. The
         * control variate c is not affected.
         */
        public Builder serverOptimizer(ServerOptimizer v) {
            if (v == null) {
                throw new IllegalArgumentException("serverOptimizer must not be null, was null (leave it unset for the default)");
            }
            serverOptimizer = v;
            return this;
        }

        /**
         * The aggregator of the model-step slot over the participants (default {@link WeightedMean#uniform()}, the
         * paper's 1/s). The control-variate update always uses the 1/N sum.
         */
        public Builder aggregator(Aggregator v) {
            aggregator = v;
            return this;
        }

        /** The control-variate option (default II). */
        public Builder option(Option v) {
            option = v;
            return this;
        }

        /**
         * Upload only Delta c_n and let the server rebuild the mean Delta y (default false). Requires option II and
         * fixed local steps.
         */
        public Builder oneVectorUplink(boolean v) {
            oneVectorUplink = v;
            return this;
        }

        /** Validates and builds. */
        public Scaffold build() {
            return new Scaffold(this);
        }
    }
}
