package io.github.fl4j.algorithms.ef;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.RoundAccumulator;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Classic error feedback, "EF14" (Seide, Fu, Droppo, Li, Yu, "1-Bit Stochastic Gradient Descent and its Application
 * to Data-Parallel Distributed Training of Speech DNNs", Interspeech 2014; Stich, Cordonnier, Jaggi, "Sparsified SGD
 * with Memory", NeurIPS 2018; Karimireddy, Rebjock, Stich, Jaggi, "Error Feedback Fixes SignSGD", ICML 2019).
 * See docs/algorithms/ef14.md.
 *
 * <p>Round t (broadcast x^t, participants S_t, e_i = 0 before the first participation):
 * \[
 * \begin{aligned}
 * &amp;\text{MODEL\_UNIT (default):} &amp;&amp;\text{client: } u = e_i + \gamma \nabla f_i(x^t);\ v_i = \mathcal{C}(u) \text{ via the uplink};\ e_i = u - v_i;\qquad \text{server: } x^{t+1} = x^t - \tfrac{1}{|S_t|} \textstyle\sum_{i \in S_t} v_i \\
 * &amp;\text{GRADIENT\_UNIT (Seide et al.):} &amp;&amp;\text{client: } u = \nabla f_i(x^t) + e_i;\ q_i = \mathcal{C}(u);\ e_i = u - q_i;\qquad \text{server: } x^{t+1} = x^t - \gamma \tfrac{1}{|S_t|} \textstyle\sum_{i \in S_t} q_i
 * \end{aligned}
 * \]
 * The two forms agree for a constant gamma (e in model units is gamma times e in gradient units); they differ once
 * gamma changes over time, which this class does not do. There is no first message and no warm-up: round 1 is an
 * ordinary round. Under partial participation the mean is over the participants and absent clients keep e_i (with
 * full participation |S_t| = n). With a lossless uplink, e_i stays exactly 0.
 *
 * <p>Map from paper symbols to code: gamma = {@code learningRate}, C = the uplink compressor (must be contractive),
 * tau = {@code minibatch} (stochastic gradients of the SGD version). Known weakness: the theory needs bounded
 * gradients or bounded heterogeneity; under heterogeneity it is slow (docs/algorithms/ef14.md).
 *
 * <p>State: each client keeps e_i (d values; N x d over the population); the server keeps x and a reused aggregation
 * buffer (2d). Scratch: gradient and message (2d per worker thread). Communication per participant and round: 1 dense
 * d-vector down, 1 compressed vector up. Immutable and thread-safe.
 */
public final class Ef14 implements FederatedAlgorithm<Ef14.ServerState, Ef14.ClientState> {
    /** The unit of the error memory. */
    public enum Form {
        /** e_i and the message are in model units (gamma folded in on the client). */
        MODEL_UNIT,
        /** e_i and the message are in gradient units (gamma applied on the server). */
        GRADIENT_UNIT
    }

    private final double learningRate;
    private final Form form;
    private final int minibatch;

    private Ef14(Builder b) {
        EfCommon.checkPositive("learningRate", b.learningRate);
        if (b.form == null) {
            throw new IllegalArgumentException("form must not be null");
        }
        EfCommon.checkBatch(b.minibatch);
        this.learningRate = b.learningRate;
        this.form = b.form;
        this.minibatch = b.minibatch;
    }

    /** A builder; defaults: model-unit form, full gradients. */
    public static Builder builder() {
        return new Builder();
    }

    /** The server state: x and an aggregation buffer. */
    public static final class ServerState {
        private final INDArray x;
        private final INDArray aggregate;

        ServerState(INDArray x) {
            this.x = x;
            this.aggregate = Tensors.zeros(Precision.of(x.dataType()), x.length());
        }

        /** The global model x. */
        public INDArray model() {
            return x;
        }
    }

    /** A client's state: the error memory e_i. */
    public static final class ClientState {
        private final INDArray e;

        ClientState(INDArray e) {
            this.e = e;
        }

        /** e_i. */
        public INDArray error() {
            return e;
        }
    }

    @Override
    public String name() {
        String s = String.format(Locale.ROOT, "EF14(lr=%s", learningRate);
        if (form != Form.MODEL_UNIT) {
            s += ", gradient-unit";
        }
        if (minibatch > 0) {
            s += ", tau=" + minibatch;
        }
        return s + ")";
    }

    @Override
    public void checkCompressors(Compressor uplink, Compressor downlink) {
        EfCommon.requireContractive(name(), uplink);
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        EfCommon.requireContractive(name(), setup.uplink(), setup.uplink().compressionClass(setup.dimension()));
        return new ServerState(initialParameters.dup());
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
                EfCommon.weightedSum(uploads, null, 1.0 / uploads.size(), s.aggregate);
                Tensors.axpy(form == Form.MODEL_UNIT ? -1.0 : -learningRate, s.aggregate, s.x);
                return s;
            }

            /** Streaming: the mean (1/|S|) sum_S u_n runs in the aggregation buffer (scratch); x changes in finish. */
            @Override
            public RoundAccumulator<ServerState> begin(ServerState s, ServerContext ctx) {
                return EfCommon.meanStep(this, s, ctx, s.aggregate, s.x,
                        form == Form.MODEL_UNIT ? 1.0 : learningRate);
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
            INDArray grad = ctx.workspace().vector("ef14.gradient", ctx.precision(), d);
            INDArray message = ctx.workspace().vector("ef14.message", ctx.precision(), d);
            double loss = EfCommon.gradient(ctx, x, grad, minibatch, false);
            if (form == Form.MODEL_UNIT) {
                Tensors.copy(state.e, message);
                Tensors.axpy(learningRate, grad, message);
            } else {
                Tensors.copy(grad, message);
                Tensors.axpy(1.0, state.e, message);
            }
            INDArray sent = ctx.uplink().send(message);
            Tensors.subtract(message, sent, state.e);
            return new ClientResult<>(state, loss);
        };
    }

    @Override
    public StateCodec<ServerState> serverStateCodec() {
        return new StateCodec<>() {
            @Override
            public void write(ServerState s, DataOutput out) throws IOException {
                out.writeByte(1);
                Tensors.write(s.x, out);
            }

            @Override
            public ServerState read(DataInput in) throws IOException {
                StateCodec.checkVersion("EF14 server state", 1, in.readUnsignedByte());
                return new ServerState(Tensors.read(in));
            }
        };
    }

    @Override
    public StateCodec<ClientState> clientStateCodec() {
        return StateCodec.ofVector("EF14 client state", s -> s.e, ClientState::new);
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

    /** The unit of the error memory. */
    public Form form() {
        return form;
    }

    /** tau (0 = full local gradients). */
    public int minibatch() {
        return minibatch;
    }

    /** Builder of {@link Ef14}; {@link #build()} validates and names any bad field. */
    public static final class Builder {
        private double learningRate = Double.NaN;
        private Form form = Form.MODEL_UNIT;
        private int minibatch;

        /** gamma (required). */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /** The unit of the error memory (default MODEL_UNIT). */
        public Builder form(Form v) {
            form = v;
            return this;
        }

        /** tau rows per round drawn without replacement (0 = full local gradient, the default). */
        public Builder minibatch(int tau) {
            minibatch = tau;
            return this;
        }

        /** Validates and builds. */
        public Ef14 build() {
            return new Ef14(this);
        }
    }
}
