package io.github.fl4j.algorithms.async;

import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.ServerOptimizer;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.optim.ServerOptimizers;
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
 * FedBuff (Nguyen, Malik, Zhan, Yousefpour, Rabbat, Malek, Huba, "Federated Learning with Buffered Asynchronous
 * Aggregation", AISTATS 2022): the server buffers K client updates, then takes one step with their mean.
 *
 * <p>Client i downloads x_{v_i}, runs its local SGD steps and uploads Delta_i = y_i - x_{v_i}. The server (see
 * docs/algorithms/fedbuff.md), with tau_i = v - v_i at the arrival:
 * \[
 * \begin{aligned}
 * &amp;\text{on arrival:} &amp;&amp; \bar\Delta = \bar\Delta + \tfrac{s(\tau_i)}{K} \Delta_i;\quad k = k + 1 \\
 * &amp;\text{when } k = K: &amp;&amp; x = x + \eta_g \bar\Delta \quad \text{(server SGD, the paper's rule), or } x = \mathrm{ServerOpt}(x, \bar\Delta) \ (\text{pseudo-gradient } -\bar\Delta \text{, as in FedOpt}) \\
 * &amp;&amp;&amp; v = v + 1;\ \bar\Delta = 0;\ k = 0
 * \end{aligned}
 * \]
 * The weight s(tau)/K is added per arrival, so with constant s and K clients that start together it is FedAvg's
 * uniform mean bit for bit (same axpy weights 1/K). Defaults: K = 10, eta_g = 1, s(tau) = (1 + tau)^(-1/2) (the
 * paper's choice).
 *
 * <p>Differences of other implementations (not implemented here, except NVFlare's staleness weight, available as
 * {@link Staleness#nvflare()}):
 * <ul>
 *   <li><b>FLSim</b> sums the buffered (staleness-weighted) deltas without dividing by K, and hands the sum to its
 *       server optimizer: a step K times larger at equal eta_g.</li>
 *   <li><b>APPFL</b> weights each update by alpha s(tau)/N (N the number of clients) instead of s(tau)/K, and takes
 *       each client's delta against the current server model (y_i - x) rather than the model it started from.</li>
 *   <li><b>FedScale</b> averages the buffered client models instead of their deltas.</li>
 *   <li><b>NVFlare</b> weights by 1/(1 + sqrt(tau)) instead of (1 + tau)^(-1/2).</li>
 * </ul>
 *
 * <p>State: clients none ({@link NoState}); the server keeps x, v, Dbar, k and the optimizer's state (none for SGD).
 * Communication per session: 1 d-vector down (x), 1 up (Delta). This object is immutable and thread-safe.
 */
public final class FedBuff extends LocalSgdAsyncAlgorithm<FedBuff.ServerState> {
    private final int bufferSize;
    private final StalenessFunction staleness;
    private final ServerOptimizer optimizer;

    private FedBuff(Builder b) {
        super(b.requireTraining(), b.requireLocalLearningRate());
        if (b.bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be >= 1, was " + b.bufferSize);
        }
        this.bufferSize = b.bufferSize;
        this.staleness = AsyncSupport.required("staleness", b.staleness);
        this.optimizer = ServerOptimizers.resolve(b.serverOptimizer, b.serverLearningRate, null);
    }

    /** A builder; defaults K = 10, server SGD with eta_g = 1, polynomial staleness with a = 0.5. */
    public static Builder builder() {
        return new Builder();
    }

    /** The server state: x, its version v, the buffer Dbar, the count k of buffered updates, the optimizer state. */
    public static final class ServerState {
        private final INDArray x;
        private long version;
        private final INDArray buffer;
        private int buffered;
        private final ServerOptimizer.State optimizer;

        ServerState(INDArray x, long version, INDArray buffer, int buffered, ServerOptimizer.State optimizer) {
            this.x = x;
            this.version = version;
            this.buffer = buffer;
            this.buffered = buffered;
            this.optimizer = optimizer;
        }

        /** The server model x. */
        public INDArray model() {
            return x;
        }

        /** The version v: the number of server steps taken. */
        public long version() {
            return version;
        }

        /** Dbar = sum over the buffered updates of (s(tau_i)/K) Delta_i (live array). */
        public INDArray buffer() {
            return buffer;
        }

        /** k, the number of updates in the buffer (0 &lt;= k &lt; K between calls). */
        public int buffered() {
            return buffered;
        }

        /** The server optimizer's state. */
        public ServerOptimizer.State optimizerState() {
            return optimizer;
        }
    }

    @Override
    public String name() {
        String label = ServerOptimizers.label(optimizer);
        return String.format(Locale.ROOT, "FedBuff(%s, lr=%s, buffer=%d, staleness=%s", training(), localLearningRate(),
                bufferSize, staleness.describe()) + (label.isEmpty() ? "" : ", " + label) + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        INDArray x = initialParameters.dup();
        Precision p = Precision.of(x.dataType());
        return new ServerState(x, 0, Tensors.zeros(p, x.length()), 0, optimizer.init(p, x.length()));
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
                double w = AsyncSupport.weight(staleness, a.staleness());
                Tensors.axpy(w / bufferSize, a.vector(0), s.buffer);
                s.buffered++;
                if (s.buffered == bufferSize) {
                    optimizer.step(s.x, s.buffer, s.optimizer);
                    Tensors.fillZero(s.buffer);
                    s.buffered = 0;
                    s.version++;
                }
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
        return AsyncSupport.localSgdClient(training(), localLearningRate(), 0.0, false);
    }

    /**
     * The binary form of {@link ServerState}: version byte 1, v (long), k (int), x, Dbar, then the optimizer state in
     * the {@link ServerOptimizer.State#CODEC} form.
     */
    public static final StateCodec<ServerState> SERVER_CODEC = new StateCodec<>() {
        @Override
        public void write(ServerState s, DataOutput out) throws IOException {
            out.writeByte(1);
            out.writeLong(s.version);
            out.writeInt(s.buffered);
            Tensors.write(s.x, out);
            Tensors.write(s.buffer, out);
            ServerOptimizer.State.CODEC.write(s.optimizer, out);
        }

        @Override
        public ServerState read(DataInput in) throws IOException {
            StateCodec.checkVersion("FedBuff server state", 1, in.readUnsignedByte());
            long version = in.readLong();
            int buffered = AsyncSupport.readCount(in, "FedBuff buffered count", Integer.MAX_VALUE);
            INDArray x = Tensors.read(in);
            INDArray buffer = Tensors.read(in);
            return new ServerState(x, version, buffer, buffered, ServerOptimizer.State.CODEC.read(in));
        }
    };

    @Override
    public StateCodec<ServerState> serverStateCodec() {
        return SERVER_CODEC;
    }

    /** K, the number of updates per server step. */
    public int bufferSize() {
        return bufferSize;
    }

    /** s(tau). */
    public StalenessFunction staleness() {
        return staleness;
    }

    /** The server optimizer (server SGD with eta_g by default). */
    public ServerOptimizer serverOptimizer() {
        return optimizer;
    }

    /** eta_g, the server optimizer's learning rate. */
    public double serverLearningRate() {
        return optimizer.learningRate();
    }

    /** Builder of {@link FedBuff}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private int bufferSize = 10;
        private StalenessFunction staleness = Staleness.polynomial(0.5);
        private Double serverLearningRate;
        private ServerOptimizer serverOptimizer;

        /** K &gt;= 1, the number of updates per server step (default 10). */
        public Builder bufferSize(int v) {
            bufferSize = v;
            return this;
        }

        /** s(tau) (default {@code Staleness.polynomial(0.5)}). */
        public Builder staleness(StalenessFunction v) {
            staleness = v;
            return this;
        }

        /** eta_g (default 1): shorthand for {@code serverOptimizer(sgd(eta_g))}. */
        public Builder serverLearningRate(double v) {
            serverLearningRate = v;
            return this;
        }

        /**
         * The server step on Dbar (default {@code sgd(1)}); when {@code serverLearningRate} is also set it must agree
         * with the optimizer, or {@link #build()} fails naming both.
         */
        public Builder serverOptimizer(ServerOptimizer v) {
            if (v == null) {
                throw new IllegalArgumentException("serverOptimizer must not be null, was null (leave it unset for the default)");
            }
            serverOptimizer = v;
            return this;
        }

        /** Validates and builds. */
        public FedBuff build() {
            return new FedBuff(this);
        }
    }
}
