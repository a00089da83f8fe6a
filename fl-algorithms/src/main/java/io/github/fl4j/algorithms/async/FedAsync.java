package io.github.fl4j.algorithms.async;

import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.time.Arrival;
import io.github.fl4j.core.time.AsyncContext;
import io.github.fl4j.core.time.AsyncServer;
import io.github.fl4j.core.time.Staleness;
import io.github.fl4j.core.time.StalenessFunction;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FedAsync (Xie, Koyejo, Gupta, "Asynchronous Federated Optimization", arXiv 1903.03934, 2019): the server updates
 * its model at every accepted arrival, damping stale results.
 *
 * <p>Client i downloads x_{v_i} (version v_i), runs K local SGD steps (with the optional proximal term of the paper's
 * regularised local objective, (rho/2)||y - x_{v_i}||^2, whose gradient rho (y - x_{v_i}) is added at every step) and uploads
 * Delta_i = y_i - x_{v_i}. At its arrival, with staleness tau = v - v_i and w = alpha s(tau)
 * (see docs/algorithms/fedasync.md):
 * \[
 * \begin{aligned}
 * &amp;\text{MIX (the paper's):} &amp;&amp; x = (1 - w) x + w y_i,\quad y_i = x_{v_i} + \Delta_i \\
 * &amp;\text{DELTA (FLSim's):} &amp;&amp; x = x + w \Delta_i \\
 * &amp;&amp;&amp; v = v + 1 \quad \text{(every accepted arrival makes a new model)}
 * \end{aligned}
 * \]
 * x_{v_i} is the model as the client decoded it ({@link Arrival#startMessage()}), so with a lossy downlink y_i is the
 * client's actual local model. Defaults: alpha = 0.9, s(tau) = (1 + tau)^(-1/2) ({@link Staleness#polynomial}
 * with a = 0.5), MIX, rho = 0.
 *
 * <p>Map from paper symbols to code: alpha = {@code alpha}, s = {@code staleness}, rho = {@code proximalWeight},
 * H_min = H_max = K = {@link LocalTraining#steps()}, gamma = {@code localLearningRate}. The paper's decay of alpha
 * over time is not implemented.
 *
 * <p>State: clients none ({@link NoState}); the server keeps x, its version and a scratch d-vector (not encoded).
 * Communication per session: 1 d-vector down (x), 1 up (Delta). This object is immutable and thread-safe.
 */
public final class FedAsync extends LocalSgdAsyncAlgorithm<FedAsync.ServerState> {
    private final double alpha;
    private final StalenessFunction staleness;
    private final MixingMode mode;
    private final double proximalWeight;

    private FedAsync(Builder b) {
        super(b.requireTraining(), b.requireLocalLearningRate());
        this.alpha = AsyncSupport.unitInterval("alpha", b.alpha);
        this.staleness = AsyncSupport.required("staleness", b.staleness);
        this.mode = AsyncSupport.required("mode", b.mode);
        if (!(b.proximalWeight >= 0) || !Double.isFinite(b.proximalWeight)) {
            throw new IllegalArgumentException("proximalWeight must be >= 0 and finite, was " + b.proximalWeight);
        }
        this.proximalWeight = b.proximalWeight;
    }

    /** A builder; defaults alpha = 0.9, polynomial staleness with a = 0.5, mode MIX, no proximal term. */
    public static Builder builder() {
        return new Builder();
    }

    /** The server state: the model x, its version v and a scratch vector. */
    public static final class ServerState {
        private final INDArray x;
        private long version;
        private final INDArray scratch;

        ServerState(INDArray x, long version) {
            this.x = x;
            this.version = version;
            this.scratch = Tensors.zeros(Precision.of(x.dataType()), x.length());
        }

        /** The server model x. */
        public INDArray model() {
            return x;
        }

        /** The version v: the number of arrivals applied. */
        public long version() {
            return version;
        }
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "FedAsync(%s, lr=%s, alpha=%s, staleness=%s, mode=%s", training(),
                localLearningRate(), alpha, staleness.describe(), mode.label())
                + (proximalWeight > 0 ? ", rho=" + proximalWeight : "") + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        return new ServerState(initialParameters.dup(), 0);
    }

    @Override
    public AsyncServer<ServerState> server() {
        return new AsyncServer<>() {
            @Override
            public Message dispatch(ServerState s, int clientId, AsyncContext ctx) {
                return Message.of(s.x);
            }

            @Override
            public ServerState receive(ServerState s, Arrival a, AsyncContext ctx) {
                double w = alpha * AsyncSupport.weight(staleness, a.staleness());
                if (mode == MixingMode.MIX) {
                    Tensors.copy(a.startMessage().vector(0), s.scratch);
                    Tensors.axpy(1.0, a.vector(0), s.scratch);
                    Tensors.scale(1.0 - w, s.x);
                    Tensors.axpy(w, s.scratch, s.x);
                } else {
                    Tensors.axpy(w, a.vector(0), s.x);
                }
                s.version++;
                return s;
            }

            @Override
            public long version(ServerState s) {
                return s.version;
            }

            @Override
            public INDArray model(ServerState s) {
                return s.x;
            }
        };
    }

    @Override
    public Client<NoState> client() {
        return AsyncSupport.localSgdClient(training(), localLearningRate(), proximalWeight, false);
    }

    /** The binary form of {@link ServerState}: version byte 1, the version v (long), then x. */
    public static final StateCodec<ServerState> SERVER_CODEC = new StateCodec<>() {
        @Override
        public void write(ServerState s, DataOutput out) throws IOException {
            out.writeByte(1);
            out.writeLong(s.version);
            Tensors.write(s.x, out);
        }

        @Override
        public ServerState read(DataInput in) throws IOException {
            StateCodec.checkVersion("FedAsync server state", 1, in.readUnsignedByte());
            long version = in.readLong();
            return new ServerState(Tensors.read(in), version);
        }
    };

    @Override
    public StateCodec<ServerState> serverStateCodec() {
        return SERVER_CODEC;
    }

    /** alpha, the mixing weight. */
    public double alpha() {
        return alpha;
    }

    /** s(tau). */
    public StalenessFunction staleness() {
        return staleness;
    }

    /** MIX or DELTA. */
    public MixingMode mode() {
        return mode;
    }

    /** rho, the weight of the client's proximal term (0 = none). */
    public double proximalWeight() {
        return proximalWeight;
    }

    /** Builder of {@link FedAsync}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private double alpha = 0.9;
        private StalenessFunction staleness = Staleness.polynomial(0.5);
        private MixingMode mode = MixingMode.MIX;
        private double proximalWeight;

        /** alpha in (0, 1] (default 0.9). */
        public Builder alpha(double v) {
            alpha = v;
            return this;
        }

        /** s(tau) (default {@code Staleness.polynomial(0.5)}). */
        public Builder staleness(StalenessFunction v) {
            staleness = v;
            return this;
        }

        /** MIX (default, the paper's) or DELTA. */
        public Builder mode(MixingMode v) {
            mode = v;
            return this;
        }

        /** rho &gt;= 0, the weight of the client's proximal term (default 0). */
        public Builder proximalWeight(double v) {
            proximalWeight = v;
            return this;
        }

        /** Validates and builds. */
        public FedAsync build() {
            return new FedAsync(this);
        }
    }
}
