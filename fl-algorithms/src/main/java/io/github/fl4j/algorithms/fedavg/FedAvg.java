package io.github.fl4j.algorithms.fedavg;

import io.github.fl4j.algorithms.local.LocalSgd;
import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.RoundAccumulator;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.StreamingAccumulator;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.optim.Momentum;
import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Federated Averaging (McMahan, Moore, Ramage, Hampson, Agüera y Arcas, "Communication-Efficient Learning of Deep
 * Networks from Decentralized Data", AISTATS 2017) with a server learning rate and server momentum (FedAvgM: Hsu, Qi,
 * Brown, "Measuring the Effects of Non-Identical Data Distribution for Federated Visual Classification", arXiv
 * 1909.06335, 2019), or any other {@link ServerOptimizer} such as FedAdam, FedYogi or FedAdagrad (FedOpt: Reddi,
 * Charles, Zaheer, Garrett, Rush, Konečný, Kumar, McMahan, "Adaptive Federated Optimization", ICLR 2021).
 *
 * <p>Round t, with participants S_t (see docs/algorithms/fedavg.md):
 * \[
 * \begin{aligned}
 * &amp;\text{client } n \in S_t: &amp;&amp; y \leftarrow x^t;\ K_n \text{ times: } y \leftarrow y - \eta_l \nabla f_n(y;\ \text{minibatch of size } B);\quad \text{upload } \Delta_n = y - x^t \ \text{(1 } d\text{-vector)} \\
 * &amp;\text{server:} &amp;&amp; \Delta^t = \textstyle\sum_{n \in S_t} w_n \Delta_n,\quad w_n = m_n / \sum_{j \in S_t} m_j \ \text{(or } 1/|S_t|\text{)} \\
 * &amp;\beta = 0: &amp;&amp; x^{t+1} = x^t + \eta_g \Delta^t \\
 * &amp;\beta &gt; 0: &amp;&amp; v^t = \beta v^{t-1} - \Delta^t \ (v^0 = 0),\quad x^{t+1} = x^t - \eta_g v^t \\
 * &amp;\text{in general:} &amp;&amp; x^{t+1} = \mathrm{ServerOpt}(x^t, \Delta^t) \ \text{(e.g. FedAdam)}
 * \end{aligned}
 * \]
 * The momentum convention is Flower's {@code FedAvgM} (pseudo-gradient d^t = -Delta^t, heavy ball without dampening
 * or Nesterov); its effective step is eta_g/(1-beta), so with beta = 0.9 use eta_g = 0.1 to keep the plain-FedAvg
 * step size. With eta_g = 1 and beta = 0 this is McMahan's model averaging exactly. {@code serverLearningRate(eta_g)}
 * and {@code serverMomentum(beta)} are shorthands for {@link ServerOptimizers#sgd(double)} and
 * {@link ServerOptimizers#momentum(double, double)}, and give the same bits as those optimizers.
 *
 * <p>The weighted mean is an {@link Aggregator}: by default {@link WeightedMean} of the configured weighting;
 * {@link Builder#aggregator} plugs in another one (a robust aggregator, say).
 *
 * <p>Map from paper symbols to code: K = {@link LocalTraining#steps()} (or E = {@link LocalTraining#epochs()}, with
 * K_n = E ceil(m_n/B)), B = {@link LocalTraining#batchSize()}, eta_l = {@code localLearningRate}, eta_g =
 * {@code serverLearningRate}, beta = {@code serverMomentum}, w_n = {@code weighting}, ServerOpt =
 * {@code serverOptimizer}.
 *
 * <p>State: clients none ({@link NoState}); the server keeps x, the optimizer's state (none for SGD, v for momentum, m
 * and v for the adaptive methods: 0, 1 or 2 d-vectors) and an aggregation buffer (d values each). A client task's
 * iterate and gradient (2d values) are scratch arrays of the worker thread's workspace, reused across rounds.
 * Communication per participant and round: 1 d-vector down (x), 1 up (Delta). The sample counts m_n are known to the
 * server from registration and not sent. This object is immutable and thread-safe.
 */
public final class FedAvg implements FederatedAlgorithm<FedAvg.ServerState, NoState> {
    private final LocalTraining training;
    private final double localLearningRate;
    private final Aggregator aggregator;
    private final ServerOptimizer optimizer;

    private FedAvg(Builder b) {
        this.optimizer = ServerOptimizers.resolve(b.serverOptimizer, b.serverLearningRate, b.serverMomentum);
        this.aggregator = resolveAggregator(b.aggregator, b.weighting, b.weightingSet);
        this.training = b.requireTraining();
        this.localLearningRate = b.requireLocalLearningRate();
    }

    /** A builder; defaults: sample-count weighted mean, server SGD with learning rate 1 (plain averaging). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The aggregator meant by a builder of the averaging family (FedAvg, FedProx, FedAvg with error feedback) that
     * offers both {@code weighting(w)} and {@code aggregator(a)}: the explicit aggregator when set, else the
     * {@link WeightedMean} of the weighting. Both set is accepted only when they agree.
     *
     * @param aggregator   the explicit aggregator, or null
     * @param weighting    the weighting (never null)
     * @param weightingSet whether the weighting was set explicitly
     * @throws IllegalArgumentException "weighting must not be null", or a conflict naming both
     */
    public static Aggregator resolveAggregator(Aggregator aggregator, WeightedMean.Weighting weighting,
                                               boolean weightingSet) {
        if (weighting == null) {
            throw new IllegalArgumentException("weighting must not be null");
        }
        if (aggregator == null) {
            return WeightedMean.of(weighting);
        }
        if (weightingSet && !aggregator.equals(WeightedMean.of(weighting))) {
            throw new IllegalArgumentException("weighting " + weighting + " conflicts with aggregator " + aggregator
                    + ": the weighting only chooses the default aggregator, set one of them");
        }
        return aggregator;
    }

    /** The weighting of a {@link WeightedMean} aggregator, or null for any other aggregator. */
    static WeightedMean.Weighting weightingOf(Aggregator aggregator) {
        return aggregator instanceof WeightedMean w ? w.weighting() : null;
    }

    /**
     * The name suffix of the server side shared by the averaging family: {@code ", " + label} of the optimizer when
     * it is not plain averaging ({@link ServerOptimizers#label}), then the weighting when it is not by sample count,
     * or {@code ", aggregator=" + aggregator} when it is not a {@link WeightedMean}; empty for the defaults.
     */
    public static String serverNameSuffix(ServerOptimizer optimizer, Aggregator aggregator) {
        String s = "";
        String label = ServerOptimizers.label(optimizer);
        if (!label.isEmpty()) {
            s += ", " + label;
        }
        WeightedMean.Weighting w = weightingOf(aggregator);
        if (w == null) {
            s += ", aggregator=" + aggregator;
        } else if (w != WeightedMean.Weighting.SAMPLE_COUNT) {
            s += ", " + w.name().toLowerCase(Locale.ROOT);
        }
        return s;
    }

    /**
     * The server state: the model x, the server optimizer's state and a reused aggregation buffer. Shared by the
     * algorithms that use {@link #averagingServer}.
     */
    public static final class ServerState {
        private final INDArray x;
        private final ServerOptimizer.State optimizer;
        private final INDArray aggregate;

        ServerState(INDArray x, ServerOptimizer.State optimizer) {
            this.x = x;
            this.optimizer = optimizer;
            this.aggregate = Tensors.zeros(Precision.of(x.dataType()), x.length());
        }

        /** The global model x^t. */
        public INDArray model() {
            return x;
        }

        /** The server momentum v^t of a {@link Momentum} optimizer, or null for any other optimizer. */
        public INDArray momentum() {
            return optimizer.kind().equals(Momentum.KIND) ? optimizer.vector(0) : null;
        }

        /** The server optimizer's state (its vectors are live: the server updates them in place). */
        public ServerOptimizer.State optimizerState() {
            return optimizer;
        }
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "FedAvg(%s, lr=%s", training, localLearningRate)
                + serverNameSuffix(optimizer, aggregator) + ")";
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        return initialState(initialParameters, optimizer);
    }

    @Override
    public NoState initClientState(int clientId, AlgorithmSetup setup) {
        return NoState.INSTANCE;
    }

    @Override
    public Server<ServerState> server() {
        return averagingServer(aggregator, optimizer);
    }

    /**
     * The FedAvg/FedAvgM server with the {@link WeightedMean} of {@code weighting} and server SGD (beta = 0) or
     * momentum (beta &gt; 0): {@code averagingServer(WeightedMean.of(weighting), sgd(eta_g) or momentum(eta_g,
     * beta))}.
     */
    public static Server<ServerState> averagingServer(WeightedMean.Weighting weighting, double serverLearningRate,
                                                      double serverMomentum) {
        return averagingServer(WeightedMean.of(weighting),
                ServerOptimizers.resolve(null, serverLearningRate, serverMomentum));
    }

    /**
     * The FedAvg server on its own, for the algorithms that differ from FedAvg only on the client (FedProx, FedAvg
     * with error feedback): broadcast x; aggregate the uploaded deltas into Delta with {@code aggregator}; then one
     * step of {@code optimizer} on x with Delta (its state lives in the {@link ServerState}). A round without uploads
     * (a participation pattern that allows empty rounds) leaves x and the optimizer state unchanged.
     */
    public static Server<ServerState> averagingServer(Aggregator aggregator, ServerOptimizer optimizer) {
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
                aggregator.aggregate(uploads, 0, s.aggregate, ctx);
                optimizer.step(s.x, s.aggregate, s.optimizer);
                return s;
            }

            /**
             * Streaming when the aggregator has a fold ({@link WeightedMean}): Delta accumulates in the state's
             * aggregation buffer (scratch that apply overwrites too), x and the optimizer state change only in
             * finish. A robust aggregator (no fold) collects the uploads and calls apply.
             */
            @Override
            public RoundAccumulator<ServerState> begin(ServerState s, ServerContext ctx) {
                if (ctx.participantCount() == 0) {
                    return RoundAccumulator.collecting(this, s, ctx);
                }
                Aggregator.Fold fold = aggregator.fold(0, s.aggregate, ctx);
                if (fold == null) {
                    return RoundAccumulator.collecting(this, s, ctx);
                }
                return new StreamingAccumulator<>(ctx) {
                    @Override
                    protected void fold(int k, Upload u) {
                        fold.add(u);
                    }

                    @Override
                    protected ServerState complete() {
                        fold.finish();
                        optimizer.step(s.x, s.aggregate, s.optimizer);
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

    /** A server state holding a copy of {@code initialParameters}, with a momentum buffer when beta &gt; 0. */
    public static ServerState initialState(INDArray initialParameters, double serverMomentum) {
        return initialState(initialParameters, ServerOptimizers.resolve(null, null, serverMomentum));
    }

    /** A server state holding a copy of {@code initialParameters} and the initial state of {@code optimizer}. */
    public static ServerState initialState(INDArray initialParameters, ServerOptimizer optimizer) {
        INDArray x = initialParameters.dup();
        return new ServerState(x, optimizer.init(Precision.of(x.dataType()), x.length()));
    }

    @Override
    public Client<NoState> client() {
        return (down, state, ctx) -> {
            INDArray x = down.vector(0);
            INDArray y = ctx.workspace().vector("fedavg.iterate", ctx.precision(), x.length());
            INDArray grad = ctx.workspace().vector("fedavg.gradient", ctx.precision(), x.length());
            Tensors.copy(x, y);
            double loss = LocalSgd.run(ctx.model(), ctx.data(), training, localLearningRate, y, grad, null,
                    ctx.random(Purpose.LOCAL_DATA_ORDER), ctx.workspace());
            Tensors.subtract(y, x, grad);
            ctx.uplink().send(grad);
            return new ClientResult<>(state, loss);
        };
    }

    @Override
    public StateCodec<ServerState> serverStateCodec() {
        return SERVER_CODEC;
    }

    /**
     * The binary form of {@link ServerState}. Version 2 (written): x, then the optimizer state in the
     * {@link ServerOptimizer.State#CODEC} form, so one codec serves every optimizer. Version 1 (read only, written
     * before the optimizers existed): x, a momentum flag, v when present; it reads as an SGD or momentum state.
     */
    public static final StateCodec<ServerState> SERVER_CODEC = new StateCodec<>() {
        @Override
        public void write(ServerState s, DataOutput out) throws IOException {
            out.writeByte(2);
            Tensors.write(s.x, out);
            ServerOptimizer.State.CODEC.write(s.optimizer, out);
        }

        @Override
        public ServerState read(DataInput in) throws IOException {
            int version = in.readUnsignedByte();
            if (version == 1) {
                INDArray x = Tensors.read(in);
                ServerOptimizer.State opt = in.readBoolean()
                        ? new ServerOptimizer.State(Momentum.KIND, Tensors.read(in))
                        : new ServerOptimizer.State(io.github.fl4j.core.optim.Sgd.KIND);
                return new ServerState(x, opt);
            }
            StateCodec.checkVersion("FedAvg server state", 2, version);
            INDArray x = Tensors.read(in);
            return new ServerState(x, ServerOptimizer.State.CODEC.read(in));
        }
    };

    @Override
    public StateCodec<NoState> clientStateCodec() {
        return NoState.CODEC;
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

    /** eta_g, the server optimizer's learning rate. */
    public double serverLearningRate() {
        return optimizer.learningRate();
    }

    /** beta of a {@link Momentum} server optimizer, 0 for any other. */
    public double serverMomentum() {
        return optimizer instanceof Momentum m ? m.beta() : 0.0;
    }

    /** The server optimizer. */
    public ServerOptimizer serverOptimizer() {
        return optimizer;
    }

    /** The aggregator of the uploaded deltas. */
    public Aggregator aggregator() {
        return aggregator;
    }

    /** The weighting of the {@link WeightedMean} aggregator, or null when another aggregator is set. */
    public WeightedMean.Weighting weighting() {
        return weightingOf(aggregator);
    }

    /** Builder of {@link FedAvg}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private WeightedMean.Weighting weighting = WeightedMean.Weighting.SAMPLE_COUNT;
        private boolean weightingSet;
        private Aggregator aggregator;
        private Double serverLearningRate;
        private Double serverMomentum;
        private ServerOptimizer serverOptimizer;

        /** Aggregation weights of the default {@link WeightedMean} aggregator (default sample count). */
        public Builder weighting(WeightedMean.Weighting v) {
            weighting = v;
            weightingSet = true;
            return this;
        }

        /**
         * The aggregator of the uploaded deltas (default {@code WeightedMean.of(weighting)}); setting a different
         * weighting as well fails at {@link #build()}.
         */
        public Builder aggregator(Aggregator v) {
            aggregator = v;
            return this;
        }

        /** eta_g (default 1): shorthand for {@code serverOptimizer(sgd(eta_g))}, or momentum's rate with beta. */
        public Builder serverLearningRate(double v) {
            serverLearningRate = v;
            return this;
        }

        /** beta in [0, 1) (default 0): shorthand for {@code serverOptimizer(momentum(eta_g, beta))}. */
        public Builder serverMomentum(double v) {
            serverMomentum = v;
            return this;
        }

        /**
         * The server step on the aggregated update (default {@code sgd(1)}); see {@link ServerOptimizers}. When
         * {@code serverLearningRate} or {@code serverMomentum} is also set it must agree with the optimizer, or
         * {@link #build()} fails naming both.
         */
        public Builder serverOptimizer(ServerOptimizer v) {
            if (v == null) {
                throw new IllegalArgumentException("serverOptimizer must not be null, was null (leave it unset for the default)");
            }
            serverOptimizer = v;
            return this;
        }

        /** Validates and builds. */
        public FedAvg build() {
            return new FedAvg(this);
        }
    }
}
