package io.github.fl4j.algorithms.async;

import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.state.ServerTables;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.time.Arrival;
import io.github.fl4j.core.time.AsyncContext;
import io.github.fl4j.core.time.AsyncServer;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AFA-CD and AFA-CS, the anarchic federated averaging algorithms of Yang, Zhang, Fang, Liu, "Anarchic Federated
 * Learning", ICML 2022: workers join when they like and run as many local steps as they like; each returns its mean
 * local stochastic gradient and the server steps with the mean of what it has.
 *
 * <p>Worker i downloads x_{v_i}, runs K_i local SGD steps with learning rate eta_L (K_i = its {@link LocalTraining},
 * or what the server assigned) and uploads its mean local gradient (see docs/algorithms/afa-cd.md)
 * <pre>
 *   G_i = (x_{v_i} - y_i) / (eta_L K_i)          (= the mean of the K_i stochastic gradients, for plain SGD)
 * </pre>
 * and the server, with eta the server learning rate and m the number of arrivals per step:
 * <pre>
 *   AFA-CD (cross-device):  on arrival: B = B + G_i;  k = k + 1
 *                           when k = m: x = x - eta eta_L (1/m) B;  v = v + 1;  B = 0;  k = 0
 *   AFA-CS (cross-silo):    on arrival: G_i replaces worker i's entry in the table of latest gradients;
 *                           Gsum = sum over the workers seen so far of their latest G (kept incrementally);  k = k + 1
 *                           when k = m: x = x - eta eta_L (1/|seen|) Gsum;  v = v + 1;  k = 0
 * </pre>
 * AFA-CS averages over every worker seen so far (the paper's average over all M workers, without the zeros of
 * workers not yet heard from). Stale gradients are not down-weighted (the paper assumes bounded delay; the engine's
 * maximum staleness drops older ones). Since eta eta_L G_i = (eta / K_i) (x_{v_i} - y_i), the server step is about
 * one local step's worth at eta = 1; with a fixed K_i = K, AFA-CD with eta = K makes the same models as FedBuff with
 * constant staleness, buffer m and eta_g = 1 (up to rounding).
 *
 * <p>Map from paper symbols to code: eta = {@code serverLearningRate}, eta_L = {@code localLearningRate}, K_i =
 * {@link LocalTraining#steps()} (or the assigned steps), m = {@code arrivalsPerStep}, M = N.
 *
 * <p>State: clients none ({@link NoState}); the server keeps x, v, k and B (AFA-CD) or Gsum and |seen| (AFA-CS, whose
 * latest gradients live in the server table {@link #LATEST_GRADIENTS_TABLE}, N x d). Communication per session:
 * 1 d-vector down (x), 1 up (G). This object is immutable and thread-safe.
 */
public final class Afa extends LocalSgdAsyncAlgorithm<Afa.ServerState> {

    /** The server rule. */
    public enum Variant {
        /** AFA-CD: the mean of the last m arrivals. */
        CD,
        /** AFA-CS: the mean of every worker's latest gradient. */
        CS
    }

    /** The name of AFA-CS's server table of every worker's latest G_i. */
    public static final String LATEST_GRADIENTS_TABLE = "afa-cs.latest-gradients";

    /** The codec of one entry of {@link #LATEST_GRADIENTS_TABLE}. */
    public static final StateCodec<INDArray> GRADIENT_CODEC = StateCodec.ofVector("AFA-CS latest gradient", v -> v,
            v -> v);

    private final Variant variant;
    private final double serverLearningRate;
    private final int arrivalsPerStep;

    private Afa(Builder b) {
        super(b.requireTraining(), b.requireLocalLearningRate());
        this.variant = AsyncSupport.required("variant", b.variant);
        this.serverLearningRate = AsyncSupport.positive("serverLearningRate", b.serverLearningRate);
        if (b.arrivalsPerStep == null) {
            throw new IllegalArgumentException("arrivalsPerStep must be set (m >= 1)");
        }
        if (b.arrivalsPerStep < 1) {
            throw new IllegalArgumentException("arrivalsPerStep must be >= 1, was " + b.arrivalsPerStep);
        }
        this.arrivalsPerStep = b.arrivalsPerStep;
    }

    /** A builder of AFA-CD; defaults eta = 1; m is required. */
    public static Builder cd() {
        return new Builder(Variant.CD);
    }

    /** A builder of AFA-CS; defaults eta = 1; m is required. */
    public static Builder cs() {
        return new Builder(Variant.CS);
    }

    /** The server state: x, its version v, the arrival count k, and the sum B (CD) or Gsum with |seen| (CS). */
    public static final class ServerState {
        private final INDArray x;
        private long version;
        private int arrivals;
        private final INDArray sum;
        private int seen;

        ServerState(INDArray x, long version, int arrivals, INDArray sum, int seen) {
            this.x = x;
            this.version = version;
            this.arrivals = arrivals;
            this.sum = sum;
            this.seen = seen;
        }

        /** The server model x. */
        public INDArray model() {
            return x;
        }

        /** The version v: the number of server steps. */
        public long version() {
            return version;
        }

        /** k, the arrivals since the last step. */
        public int arrivals() {
            return arrivals;
        }

        /** B (AFA-CD: the sum of the gradients since the last step) or Gsum (AFA-CS) (live array). */
        public INDArray sum() {
            return sum;
        }

        /** |seen|, the workers with a stored gradient (AFA-CS; 0 for AFA-CD). */
        public int seen() {
            return seen;
        }
    }

    /** Worker i's latest gradient in a run's server tables (AFA-CS), or null when none. */
    public static INDArray latestGradient(ServerTables tables, int clientId) {
        return tables.table(LATEST_GRADIENTS_TABLE, GRADIENT_CODEC).get(clientId);
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "AFA-%s(%s, lr=%s, m=%d", variant, training(), localLearningRate(),
                arrivalsPerStep) + (serverLearningRate != 1 ? ", server lr=" + serverLearningRate : "") + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        INDArray x = initialParameters.dup();
        return new ServerState(x, 0, 0, Tensors.zeros(Precision.of(x.dataType()), x.length()), 0);
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
                INDArray g = a.vector(0);
                if (variant == Variant.CD) {
                    Tensors.axpy(1.0, g, s.sum);
                } else {
                    ClientStateStore<INDArray> table = ctx.table(LATEST_GRADIENTS_TABLE, GRADIENT_CODEC);
                    INDArray old = table.get(a.clientId());
                    if (old == null) {
                        s.seen++;
                    } else {
                        Tensors.axpy(-1.0, old, s.sum);
                        table.release(old);
                    }
                    Tensors.axpy(1.0, g, s.sum);
                    table.put(a.clientId(), g);
                }
                s.arrivals++;
                if (s.arrivals == arrivalsPerStep) {
                    int count = variant == Variant.CD ? arrivalsPerStep : s.seen;
                    Tensors.axpy(-serverLearningRate * localLearningRate() / count, s.sum, s.x);
                    if (variant == Variant.CD) {
                        Tensors.fillZero(s.sum);
                    }
                    s.arrivals = 0;
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
        return AsyncSupport.localSgdClient(training(), localLearningRate(), 0.0, true);
    }

    /** The binary form of {@link ServerState}: version byte 1, v (long), k (int), |seen| (int), x, then B or Gsum. */
    public static final StateCodec<ServerState> SERVER_CODEC = new StateCodec<>() {
        @Override
        public void write(ServerState s, DataOutput out) throws IOException {
            out.writeByte(1);
            out.writeLong(s.version);
            out.writeInt(s.arrivals);
            out.writeInt(s.seen);
            Tensors.write(s.x, out);
            Tensors.write(s.sum, out);
        }

        @Override
        public ServerState read(DataInput in) throws IOException {
            StateCodec.checkVersion("AFA server state", 1, in.readUnsignedByte());
            long version = in.readLong();
            int arrivals = AsyncSupport.readCount(in, "AFA arrival count", Integer.MAX_VALUE);
            int seen = AsyncSupport.readCount(in, "AFA-CS seen workers", Integer.MAX_VALUE);
            INDArray x = Tensors.read(in);
            return new ServerState(x, version, arrivals, Tensors.read(in), seen);
        }
    };

    @Override
    public StateCodec<ServerState> serverStateCodec() {
        return SERVER_CODEC;
    }

    /** CD or CS. */
    public Variant variant() {
        return variant;
    }

    /** eta. */
    public double serverLearningRate() {
        return serverLearningRate;
    }

    /** m, the arrivals per server step. */
    public int arrivalsPerStep() {
        return arrivalsPerStep;
    }

    /** Builder of {@link Afa}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private Variant variant;
        private double serverLearningRate = 1.0;
        private Integer arrivalsPerStep;

        private Builder(Variant variant) {
            this.variant = variant;
        }

        /** CD or CS (set by {@link Afa#cd()} or {@link Afa#cs()}). */
        public Builder variant(Variant v) {
            variant = v;
            return this;
        }

        /** eta &gt; 0 (default 1). */
        public Builder serverLearningRate(double v) {
            serverLearningRate = v;
            return this;
        }

        /** m &gt;= 1, the number of arrivals per server step (required). */
        public Builder arrivalsPerStep(int v) {
            arrivalsPerStep = v;
            return this;
        }

        /** Validates and builds. */
        public Afa build() {
            return new Afa(this);
        }
    }
}
