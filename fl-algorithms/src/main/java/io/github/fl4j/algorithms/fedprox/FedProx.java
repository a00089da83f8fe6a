package io.github.fl4j.algorithms.fedprox;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.local.LocalSgd;
import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.StateCodec;
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
 * <pre>
 *   client n in S_t:  y = x^t;  K_n times: y = y - eta_l (grad f_n(y; minibatch) + mu (y - x^t))
 *                     upload Delta_n = y - x^t                                       (1 d-vector)
 *   server:           x^{t+1} = x^t + eta_g sum_{n in S_t} w_n Delta_n,  w_n = m_n / sum_{j in S_t} m_j (or 1/|S_t|)
 * </pre>
 * The proximal gradient mu (y - x^t) is recomputed at every step from the current iterate, as two BLAS axpy calls
 * into the gradient buffer (no allocation). With mu = 0 the client runs the very same code path as
 * {@link io.github.fl4j.algorithms.fedavg.FedAvg} ({@link LocalSgd}), so the two agree bit for bit.
 *
 * <p>Map from paper symbols to code: mu = {@code proximalWeight}, E/B/K = {@link LocalTraining}, eta_l =
 * {@code localLearningRate}, eta_g = {@code serverLearningRate} (1 in the paper). The paper's "gamma-inexact"
 * solvers and its tolerance of partial work from stragglers are not modelled: every participant runs its full local
 * work.
 *
 * <p>State: clients none ({@link NoState}); the server keeps x and one aggregation buffer (2d values). A client task's
 * iterate and gradient (2d values) are scratch arrays of the worker thread's workspace. Communication per participant
 * and round: 1 d-vector down (x), 1 up (Delta). This object is immutable and thread-safe.
 */
public final class FedProx implements FederatedAlgorithm<FedAvg.ServerState, NoState> {
    private final LocalTraining training;
    private final double localLearningRate;
    private final double proximalWeight;
    private final WeightedMean.Weighting weighting;
    private final double serverLearningRate;

    private FedProx(Builder b) {
        if (!(b.proximalWeight >= 0) || !Double.isFinite(b.proximalWeight)) {
            throw new IllegalArgumentException("proximalWeight (mu) must be >= 0 and finite, was "
                    + b.proximalWeight);
        }
        if (!(b.serverLearningRate > 0) || !Double.isFinite(b.serverLearningRate)) {
            throw new IllegalArgumentException("serverLearningRate must be > 0 and finite, was "
                    + b.serverLearningRate);
        }
        if (b.weighting == null) {
            throw new IllegalArgumentException("weighting must not be null");
        }
        this.training = b.requireTraining();
        this.localLearningRate = b.requireLocalLearningRate();
        this.proximalWeight = b.proximalWeight;
        this.weighting = b.weighting;
        this.serverLearningRate = b.serverLearningRate;
    }

    /** A builder; defaults: sample-count weighting, server learning rate 1; mu is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        String s = String.format(Locale.ROOT, "FedProx(%s, lr=%s, mu=%s", training, localLearningRate,
                proximalWeight);
        if (serverLearningRate != 1) {
            s += ", server lr=" + serverLearningRate;
        }
        if (weighting != WeightedMean.Weighting.SAMPLE_COUNT) {
            s += ", " + weighting.name().toLowerCase(Locale.ROOT);
        }
        return s + ")";
    }

    @Override
    public FedAvg.ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        return FedAvg.initialState(initialParameters, 0.0);
    }

    @Override
    public NoState initClientState(int clientId, AlgorithmSetup setup) {
        return NoState.INSTANCE;
    }

    @Override
    public Server<FedAvg.ServerState> server() {
        return FedAvg.averagingServer(weighting, serverLearningRate, 0.0);
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

    /** eta_g. */
    public double serverLearningRate() {
        return serverLearningRate;
    }

    /** The aggregation weighting. */
    public WeightedMean.Weighting weighting() {
        return weighting;
    }

    /** Builder of {@link FedProx}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private double proximalWeight = Double.NaN;
        private WeightedMean.Weighting weighting = WeightedMean.Weighting.SAMPLE_COUNT;
        private double serverLearningRate = 1.0;

        /** mu &gt;= 0, the weight of the proximal term (required; the paper tunes it in {0.001, 0.01, 0.1, 1}). */
        public Builder proximalWeight(double v) {
            proximalWeight = v;
            return this;
        }

        /** Aggregation weights (default sample count). */
        public Builder weighting(WeightedMean.Weighting v) {
            weighting = v;
            return this;
        }

        /** eta_g (default 1). */
        public Builder serverLearningRate(double v) {
            serverLearningRate = v;
            return this;
        }

        /** Validates and builds. */
        public FedProx build() {
            return new FedProx(this);
        }
    }
}
