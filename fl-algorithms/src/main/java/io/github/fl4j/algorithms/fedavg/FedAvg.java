package io.github.fl4j.algorithms.fedavg;

import io.github.fl4j.algorithms.local.LocalSgd;
import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.random.Purpose;
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
 * 1909.06335, 2019).
 *
 * <p>Round t, with participants S_t (ALGORITHMS.md section 1.2):
 * <pre>
 *   client n in S_t:  y = x^t;  K_n times: y = y - eta_l grad f_n(y; minibatch of size B)
 *                     upload Delta_n = y - x^t                                       (1 d-vector)
 *   server:           Delta^t = sum_{n in S_t} w_n Delta_n,   w_n = m_n / sum_{j in S_t} m_j  (or 1/|S_t|)
 *     beta = 0:       x^{t+1} = x^t + eta_g Delta^t
 *     beta &gt; 0:       v^t = beta v^{t-1} - Delta^t   (v^0 = 0, so v^1 = -Delta^1)
 *                     x^{t+1} = x^t - eta_g v^t
 * </pre>
 * The momentum convention is Flower's {@code FedAvgM} (pseudo-gradient d^t = -Delta^t, heavy ball without dampening
 * or Nesterov); its effective step is eta_g/(1-beta), so with beta = 0.9 use eta_g = 0.1 to keep the plain-FedAvg
 * step size. With eta_g = 1 and beta = 0 this is McMahan's model averaging exactly.
 *
 * <p>Map from paper symbols to code: K = {@link LocalTraining#steps()} (or E = {@link LocalTraining#epochs()}, with
 * K_n = E ceil(m_n/B)), B = {@link LocalTraining#batchSize()}, eta_l = {@code localLearningRate}, eta_g =
 * {@code serverLearningRate}, beta = {@code serverMomentum}, w_n = {@code weighting}.
 *
 * <p>State: clients none ({@link NoState}); the server keeps x and, when beta &gt; 0, v (d values each). A client
 * task's iterate and gradient (2d values) are scratch arrays of the worker thread's workspace, reused across rounds. Communication
 * per participant and round: 1 d-vector down (x), 1 up (Delta). The sample counts m_n are known to the server from
 * registration and not sent. This object is immutable and thread-safe.
 */
public final class FedAvg implements FederatedAlgorithm<FedAvg.ServerState, NoState> {
    private final LocalTraining training;
    private final double localLearningRate;
    private final WeightedMean.Weighting weighting;
    private final double serverLearningRate;
    private final double serverMomentum;

    private FedAvg(Builder b) {
        if (!(b.serverLearningRate > 0) || !Double.isFinite(b.serverLearningRate)) {
            throw new IllegalArgumentException("serverLearningRate must be > 0 and finite, was "
                    + b.serverLearningRate);
        }
        if (!(b.serverMomentum >= 0 && b.serverMomentum < 1)) {
            throw new IllegalArgumentException("serverMomentum must be in [0, 1), was " + b.serverMomentum);
        }
        if (b.weighting == null) {
            throw new IllegalArgumentException("weighting must not be null");
        }
        this.training = b.requireTraining();
        this.localLearningRate = b.requireLocalLearningRate();
        this.weighting = b.weighting;
        this.serverLearningRate = b.serverLearningRate;
        this.serverMomentum = b.serverMomentum;
    }

    /** A builder; defaults: sample-count weighting, server learning rate 1, no momentum. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The server state: the model x, the momentum v (null when beta = 0) and a reused aggregation buffer. Shared by
     * the algorithms that use {@link #averagingServer}.
     */
    public static final class ServerState {
        private final INDArray x;
        private final INDArray momentum;
        private final INDArray aggregate;

        ServerState(INDArray x, INDArray momentum) {
            this.x = x;
            this.momentum = momentum;
            this.aggregate = Tensors.zeros(io.github.fl4j.core.tensor.Precision.of(x.dataType()), x.length());
        }

        /** The global model x^t. */
        public INDArray model() {
            return x;
        }

        /** The server momentum v^t, or null without momentum. */
        public INDArray momentum() {
            return momentum;
        }
    }

    @Override
    public String name() {
        String s = String.format(Locale.ROOT, "FedAvg(%s, lr=%s", training, localLearningRate);
        if (serverLearningRate != 1) {
            s += ", server lr=" + serverLearningRate;
        }
        if (serverMomentum > 0) {
            s += ", momentum=" + serverMomentum;
        }
        if (weighting != WeightedMean.Weighting.SAMPLE_COUNT) {
            s += ", " + weighting.name().toLowerCase(Locale.ROOT);
        }
        return s + ")";
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        return initialState(initialParameters, serverMomentum);
    }

    @Override
    public NoState initClientState(int clientId, AlgorithmSetup setup) {
        return NoState.INSTANCE;
    }

    @Override
    public Server<ServerState> server() {
        return averagingServer(weighting, serverLearningRate, serverMomentum);
    }

    /**
     * The FedAvg/FedAvgM server on its own, for the algorithms that differ from FedAvg only on the client (FedProx,
     * FedAvg with error feedback): broadcast x; aggregate the uploaded deltas with {@code weighting}; then
     * {@code x += eta_g Delta} (beta = 0) or {@code v = beta v - Delta, x -= eta_g v}. A round without uploads (a
     * participation pattern that allows empty rounds) leaves x and v unchanged.
     */
    public static Server<ServerState> averagingServer(WeightedMean.Weighting weighting, double serverLearningRate,
                                                      double serverMomentum) {
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
                WeightedMean.of(weighting).aggregate(uploads, 0, s.aggregate, ctx);
                if (s.momentum == null) {
                    Tensors.axpy(serverLearningRate, s.aggregate, s.x);
                } else {
                    Tensors.scale(serverMomentum, s.momentum);
                    Tensors.axpy(-1.0, s.aggregate, s.momentum);
                    Tensors.axpy(-serverLearningRate, s.momentum, s.x);
                }
                return s;
            }

            @Override
            public INDArray model(ServerState s) {
                return s.x;
            }
        };
    }

    /** A server state holding a copy of {@code initialParameters}, with a momentum buffer when beta &gt; 0. */
    public static ServerState initialState(INDArray initialParameters, double serverMomentum) {
        INDArray x = initialParameters.dup();
        INDArray v = serverMomentum > 0 ? Tensors.zeros(io.github.fl4j.core.tensor.Precision.of(x.dataType()),
                x.length()) : null;
        return new ServerState(x, v);
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

    /** The binary form of {@link ServerState} (version 1: x, a momentum flag, v when present). */
    public static final StateCodec<ServerState> SERVER_CODEC = new StateCodec<>() {
        @Override
        public void write(ServerState s, DataOutput out) throws IOException {
            out.writeByte(1);
            Tensors.write(s.x, out);
            out.writeBoolean(s.momentum != null);
            if (s.momentum != null) {
                Tensors.write(s.momentum, out);
            }
        }

        @Override
        public ServerState read(DataInput in) throws IOException {
            StateCodec.checkVersion("FedAvg server state", 1, in.readUnsignedByte());
            INDArray x = Tensors.read(in);
            INDArray v = in.readBoolean() ? Tensors.read(in) : null;
            return new ServerState(x, v);
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

    /** eta_g. */
    public double serverLearningRate() {
        return serverLearningRate;
    }

    /** beta. */
    public double serverMomentum() {
        return serverMomentum;
    }

    /** The aggregation weighting. */
    public WeightedMean.Weighting weighting() {
        return weighting;
    }

    /** Builder of {@link FedAvg}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private WeightedMean.Weighting weighting = WeightedMean.Weighting.SAMPLE_COUNT;
        private double serverLearningRate = 1.0;
        private double serverMomentum;

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

        /** beta in [0, 1) (default 0). */
        public Builder serverMomentum(double v) {
            serverMomentum = v;
            return this;
        }

        /** Validates and builds. */
        public FedAvg build() {
            return new FedAvg(this);
        }
    }
}
