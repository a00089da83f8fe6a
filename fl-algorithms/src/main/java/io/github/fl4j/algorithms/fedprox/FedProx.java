package io.github.fl4j.algorithms.fedprox;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.local.LocalSgd;
import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Tensors;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FedProx (Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith, "Federated Optimization in Heterogeneous Networks", MLSys
 * 2020): FedAvg whose clients minimise the proximal local objective h_n(y; x) = f_n(y) + (mu/2) ||y - x||^2.
 *
 * <p>Round t, with participants S_t:
 * \[
 * \begin{aligned}
 * &amp;\text{client } n \in S_t: &amp;&amp; y \leftarrow x^t;\ K_n \text{ times: } y \leftarrow y - \eta_l \bigl(\nabla f_n(y;\ \text{minibatch}) + \mu (y - x^t)\bigr);\quad \text{upload } \Delta_n = y - x^t \\
 * &amp;\text{server:} &amp;&amp; x^{t+1} = x^t + \eta_g \textstyle\sum_{n \in S_t} w_n \Delta_n,\quad w_n = m_n / \sum_{j \in S_t} m_j \ \text{(or } 1/|S_t|\text{)}
 * \end{aligned}
 * \]
 * The server is FedAvg's ({@link FedAvg#averagingServer(Aggregator, ServerOptimizer)}): the weighted mean is an
 * {@link Aggregator} ({@link Builder#aggregator}, default the {@link WeightedMean} of the weighting) and the step
 * x^{t+1} = x^t + eta_g Delta^t is server SGD, replaceable by any {@link ServerOptimizer}
 * ({@link Builder#serverOptimizer}: momentum, FedAdam, FedYogi, FedAdagrad), whose state the server state keeps.
 * The proximal gradient mu (y - x^t) is recomputed at every step from the current iterate, as two BLAS axpy calls
 * into the gradient buffer (no allocation). With mu = 0 the client runs the very same code path as
 * {@link io.github.fl4j.algorithms.fedavg.FedAvg} ({@link LocalSgd}), so the two agree bit for bit.
 *
 * <p>Map from paper symbols to code: mu = {@code proximalWeight}, E/B/K = {@link LocalTraining}, eta_l =
 * {@code localLearningRate}, eta_g = {@code serverLearningRate} (1 in the paper). The paper's "gamma-inexact"
 * solvers and its tolerance of partial work from stragglers are not modelled: every participant runs its full local
 * work.
 *
 * <p>State: clients none ({@link NoState}); the server keeps x, one aggregation buffer and the server optimizer's
 * state (none for SGD, 1 or 2 d-vectors otherwise): 2d to 4d values. A client task's iterate and gradient (2d values)
 * are scratch arrays of the worker thread's workspace. Communication per participant and round: 1 d-vector down (x),
 * 1 up (Delta). This object is immutable and thread-safe.
 */
public final class FedProx implements FederatedAlgorithm<FedAvg.ServerState, NoState> {
    private final LocalTraining training;
    private final double localLearningRate;
    private final double proximalWeight;
    private final Aggregator aggregator;
    private final ServerOptimizer optimizer;

    private FedProx(Builder b) {
        if (!(b.proximalWeight >= 0) || !Double.isFinite(b.proximalWeight)) {
            throw new IllegalArgumentException("proximalWeight (mu) must be >= 0 and finite, was "
                    + b.proximalWeight);
        }
        this.optimizer = ServerOptimizers.resolve(b.serverOptimizer, b.serverLearningRate, null);
        this.aggregator = FedAvg.resolveAggregator(b.aggregator, b.weighting, b.weightingSet);
        this.training = b.requireTraining();
        this.localLearningRate = b.requireLocalLearningRate();
        this.proximalWeight = b.proximalWeight;
    }

    /** A builder; defaults: sample-count weighted mean, server SGD with learning rate 1; mu is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "FedProx(%s, lr=%s, mu=%s", training, localLearningRate, proximalWeight)
                + FedAvg.serverNameSuffix(optimizer, aggregator) + ")";
    }

    @Override
    public FedAvg.ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        return FedAvg.initialState(initialParameters, optimizer);
    }

    @Override
    public NoState initClientState(int clientId, AlgorithmSetup setup) {
        return NoState.INSTANCE;
    }

    @Override
    public Server<FedAvg.ServerState> server() {
        return FedAvg.averagingServer(aggregator, optimizer);
    }

    @Override
    public Client<NoState> client() {
        return (down, state, ctx) -> {
            INDArray x = down.vector(0);
            INDArray y = ctx.workspace().vector("fedprox.iterate", ctx.precision(), x.length());
            INDArray grad = ctx.workspace().vector("fedprox.gradient", ctx.precision(), x.length());
            Tensors.copy(x, y);
            RandomStream order = ctx.random(Purpose.LOCAL_DATA_ORDER);
            double loss = LocalSgd.run(ctx.model(), ctx.data(), training, localLearningRate, y, grad, null,
                    proximalWeight, x, order, ctx.workspace());
            Tensors.subtract(y, x, grad);
            ctx.uplink().send(grad);
            return new ClientResult<>(state, loss);
        };
    }

    @Override
    public StateCodec<FedAvg.ServerState> serverStateCodec() {
        return FedAvg.SERVER_CODEC;
    }

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

    /**
     * The local step y = y - eta_l (grad f_n(y) + mu (y - x^t)) contracts y - x^t only when eta_l (L + mu) &lt; 2 for
     * the local smoothness L: the proximal term alone multiplies y - x^t by 1 - eta_l mu each step, so eta_l mu &gt; 2
     * diverges whatever f_n is. The hint names eta_l mu and which of the two to lower.
     */
    @Override
    public String divergenceHint() {
        double product = localLearningRate * proximalWeight;
        String value = String.format(Locale.ROOT, "%.4g", product);
        if (product >= 2) {
            return "FedProx's local step is stable only when eta_l (L + mu) < 2, and here eta_l mu = " + value
                    + " (lr " + localLearningRate + " x mu " + proximalWeight + ") is already >= 2: the proximal "
                    + "term alone grows y - x^t by |1 - eta_l mu| = " + String.format(Locale.ROOT, "%.4g",
                    Math.abs(1 - product)) + " per step; lower mu (proximalWeight) below " + String.format(
                    Locale.ROOT, "%.4g", 2 / localLearningRate) + " or the learning rate";
        }
        return "lower the learning rate (FedProx's local step is stable only when eta_l (L + mu) < 2; here eta_l mu = "
                + value + ")";
    }

    /** The local work. */
    public LocalTraining training() {
        return training;
    }

    /** eta_l. */
    public double localLearningRate() {
        return localLearningRate;
    }

    /** mu. */
    public double proximalWeight() {
        return proximalWeight;
    }

    /** eta_g, the server optimizer's learning rate. */
    public double serverLearningRate() {
        return optimizer.learningRate();
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
        return aggregator instanceof WeightedMean w ? w.weighting() : null;
    }

    /** Builder of {@link FedProx}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private double proximalWeight = Double.NaN;
        private WeightedMean.Weighting weighting = WeightedMean.Weighting.SAMPLE_COUNT;
        private boolean weightingSet;
        private Aggregator aggregator;
        private Double serverLearningRate;
        private ServerOptimizer serverOptimizer;

        /** mu &gt;= 0, the weight of the proximal term (required; the paper tunes it in {0.001, 0.01, 0.1, 1}). */
        public Builder proximalWeight(double v) {
            proximalWeight = v;
            return this;
        }

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

        /** eta_g (default 1): shorthand for {@code serverOptimizer(sgd(eta_g))}. */
        public Builder serverLearningRate(double v) {
            serverLearningRate = v;
            return this;
        }

        /**
         * The server step on the aggregated update (default {@code sgd(1)}); see {@link ServerOptimizers}. A
         * {@code serverLearningRate} also set must equal the optimizer's, or {@link #build()} fails naming both.
         */
        public Builder serverOptimizer(ServerOptimizer v) {
            if (v == null) {
                throw new IllegalArgumentException("serverOptimizer must not be null, was null (leave it unset for the default)");
            }
            serverOptimizer = v;
            return this;
        }

        /** Validates and builds. */
        public FedProx build() {
            return new FedProx(this);
        }
    }
}
