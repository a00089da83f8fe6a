package io.github.fl4j.algorithms.async;

import io.github.fl4j.algorithms.local.LocalSgdBuilder;
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
 * FedFix (Fraboni, Vidal, Kameni, Lorenzi, "A General Theory for Federated Optimization with Asynchronous and
 * Heterogeneous Clients Updates", JMLR 2023): the server aggregates at fixed times Delta_t, 2 Delta_t, ...,
 * applying the updates that arrived since the last aggregation, with weights that make each client's expected
 * contribution per aggregation its weight p_i in the objective; clients still training keep training on their stale
 * model.
 *
 * <p>Client i downloads x_{v_i}, runs its local SGD steps and uploads Delta_i = y_i - x_{v_i}. The server (see
 * docs/algorithms/fedfix.md):
 * <pre>
 *   start:            schedule a timer at Delta_t
 *   arrival of i:     B = B + omega_i Delta_i;   n = n + 1
 *   timer k (k Delta_t): if n &gt; 0:  x = x + eta B;  v = v + 1;  B = 0;  n = 0
 *                     schedule the timer k + 1 at (k + 1) Delta_t
 *   p_i = m_i / sum_j m_j (sample counts) or 1/N;  omega_i = p_i / qhat_i (unbiased, default) or p_i (plain)
 * </pre>
 * An aggregation without any new update makes no new model (the version counts models, not periods).
 *
 * <p><b>Unbiasing weights.</b> Let q_i be the expected number of updates of client i that an aggregation applies
 * (its probability of delivering at a given aggregation, when it delivers at most once per period). Then an
 * aggregation's expected contribution of client i is q_i omega_i Delta_i, and asking it to be p_i Delta_i (what
 * synchronous full participation with weights p_i would apply) gives omega_i = p_i / q_i. Over a long run q_i is the
 * inverse of the mean number of periods between the aggregations that apply consecutive updates of i; the server
 * estimates that mean online, as a running mean per client, in the server table {@link #DELIVERY_TABLE}:
 * <pre>
 *   an update of i is applied by aggregation k = (aggregations so far) + 1;
 *   interval = k - j_i        for its first update, j_i = the last aggregation at or before its session's start
 *            = k - k_i'       afterwards, k_i' = the aggregation that applied i's previous update
 *   omega_i = p_i * Mbar_i    with Mbar_i the mean of the intervals recorded before (1 before the first);
 *   then record: Mbar_i = (M_i Mbar_i + interval) / (M_i + 1),  M_i = M_i + 1,  k_i' = k
 * </pre>
 * When a client starts a new session at the aggregation that applied its previous one (FedFix's protocol: a client
 * that has finished gets the new model at the aggregation), an interval is the number of periods between its
 * dispatch and the aggregation that applies its update; when the engine restarts clients on their own schedule the
 * interval between applications still measures 1/q_i, where dispatch-to-application would not (a client always busy
 * for 2.5 periods delivers at 0.4 aggregations per period but waits 3.5 periods on average between its dispatch and
 * the aggregation). The weight uses only intervals completed before the current update, so an update does not weigh
 * itself. Time without an accepted update (a lost session, the client offline) lengthens the interval, so rare
 * clients are weighted up. The plain mode (omega_i = p_i) shows the bias toward fast clients.
 *
 * <p>Defaults: eta = 1, sample-count weights, unbiased. The period Delta_t has no default.
 *
 * <p>State: clients none ({@link NoState}); the server keeps x, v, B, n and the number of aggregations so far (S);
 * (M_i, Mbar_i, k_i') per client live in the server table {@link #DELIVERY_TABLE} (unbiased mode only).
 * Communication per session: 1 d-vector down (x), 1 up (Delta). This object is immutable and thread-safe.
 */
public final class FedFix extends LocalSgdAsyncAlgorithm<FedFix.ServerState> {

    /** The tag of the aggregation timers. */
    public static final int AGGREGATION_TIMER = 1;

    /** The name of the server table of the per-client delivery statistics ({@link Deliveries}). */
    public static final String DELIVERY_TABLE = "fedfix.deliveries";

    /** The client weights p_i of the objective. */
    public enum ClientWeights {
        /** p_i = m_i / sum_j m_j (sample counts). */
        SAMPLE_COUNT,
        /** p_i = 1/N. */
        UNIFORM
    }

    /**
     * Client i's delivery statistics: the aggregation that applied its last update, the number M_i of intervals
     * recorded and their mean Mbar_i (the estimate of 1/q_i).
     *
     * @param lastAggregation the index k of the aggregation that applied its last update
     * @param intervals       M_i
     * @param meanInterval    Mbar_i
     */
    public record Deliveries(long lastAggregation, long intervals, double meanInterval) {
    }

    /** The codec of one {@link Deliveries}: version byte 1, the two longs, the double. */
    public static final StateCodec<Deliveries> DELIVERIES_CODEC = new StateCodec<>() {
        @Override
        public void write(Deliveries d, DataOutput out) throws IOException {
            out.writeByte(1);
            out.writeLong(d.lastAggregation);
            out.writeLong(d.intervals);
            out.writeDouble(d.meanInterval);
        }

        @Override
        public Deliveries read(DataInput in) throws IOException {
            StateCodec.checkVersion("FedFix deliveries", 1, in.readUnsignedByte());
            return new Deliveries(in.readLong(), in.readLong(), in.readDouble());
        }
    };

    private final double period;
    private final double serverLearningRate;
    private final ClientWeights clientWeights;
    private final boolean unbiased;

    private FedFix(Builder b) {
        super(b.requireTraining(), b.requireLocalLearningRate());
        if (Double.isNaN(b.period)) {
            throw new IllegalArgumentException("period must be set (the aggregation period Delta_t > 0)");
        }
        this.period = AsyncSupport.positive("period", b.period);
        this.serverLearningRate = AsyncSupport.positive("serverLearningRate", b.serverLearningRate);
        this.clientWeights = AsyncSupport.required("clientWeights", b.clientWeights);
        this.unbiased = b.unbiased;
    }

    /** A builder; defaults eta = 1, sample-count weights, unbiased; the period is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The server state: x, its version v, the pending sum B, its count n and the number of aggregations so far. */
    public static final class ServerState {
        private final INDArray x;
        private long version;
        private final INDArray pending;
        private int pendingCount;
        private long aggregations;

        ServerState(INDArray x, long version, INDArray pending, int pendingCount, long aggregations) {
            this.x = x;
            this.version = version;
            this.pending = pending;
            this.pendingCount = pendingCount;
            this.aggregations = aggregations;
        }

        /** The server model x. */
        public INDArray model() {
            return x;
        }

        /** The version v: the number of aggregations that applied at least one update. */
        public long version() {
            return version;
        }

        /** B = sum of omega_i Delta_i over the updates since the last aggregation (live array). */
        public INDArray pending() {
            return pending;
        }

        /** n, the number of updates in B. */
        public int pendingCount() {
            return pendingCount;
        }

        /** The number of aggregation timers that have fired (the index of the last aggregation). */
        public long aggregations() {
            return aggregations;
        }
    }

    /** Client i's delivery statistics in a run's server tables, or null before its first applied update. */
    public static Deliveries deliveries(ServerTables tables, int clientId) {
        return tables.table(DELIVERY_TABLE, DELIVERIES_CODEC).get(clientId);
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "FedFix(%s, lr=%s, period=%s", training(), localLearningRate(), period)
                + (serverLearningRate != 1 ? ", server lr=" + serverLearningRate : "")
                + (clientWeights == ClientWeights.UNIFORM ? ", uniform" : "")
                + (unbiased ? "" : ", plain") + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        INDArray x = initialParameters.dup();
        return new ServerState(x, 0, Tensors.zeros(Precision.of(x.dataType()), x.length()), 0, 0);
    }

    /** The time of aggregation k, k Delta_t (the one expression both the timers and the period lookup use). */
    private double timeOf(long k) {
        return k * period;
    }

    /** The index of the last aggregation at or before time t (0 before the first). */
    long aggregationAt(double t) {
        long j = (long) Math.floor(t / period);
        while (j > 0 && timeOf(j) > t) {
            j--;
        }
        while (timeOf(j + 1) <= t) {
            j++;
        }
        return Math.max(j, 0);
    }

    /** p_i. */
    private double objectiveWeight(int clientId, AsyncContext ctx) {
        return clientWeights == ClientWeights.UNIFORM ? 1.0 / ctx.population()
                : (double) ctx.clientSize(clientId) / ctx.totalSamples();
    }

    @Override
    public AsyncServer<ServerState> server() {
        return new AsyncServer<>() {
            @Override
            public ServerState start(ServerState s, AsyncContext ctx) {
                ctx.scheduleTimer(timeOf(s.aggregations + 1), AGGREGATION_TIMER);
                return s;
            }

            @Override
            public Message dispatch(ServerState s, int clientId, AsyncContext ctx) {
                return Message.of(s.x);
            }

            @Override
            public ServerState receive(ServerState s, Arrival a, AsyncContext ctx) {
                double omega = objectiveWeight(a.clientId(), ctx);
                if (unbiased) {
                    ClientStateStore<Deliveries> table = ctx.table(DELIVERY_TABLE, DELIVERIES_CODEC);
                    long k = s.aggregations + 1;
                    Deliveries d = table.get(a.clientId());
                    long interval = k - (d == null ? aggregationAt(a.startTime()) : d.lastAggregation);
                    if (d != null) {
                        omega *= d.meanInterval;
                    }
                    long m = d == null ? 0 : d.intervals;
                    double mean = d == null ? 0 : d.meanInterval;
                    table.put(a.clientId(), new Deliveries(k, m + 1, (m * mean + interval) / (m + 1)));
                }
                Tensors.axpy(omega, a.vector(0), s.pending);
                s.pendingCount++;
                return s;
            }

            @Override
            public ServerState timer(ServerState s, int tag, AsyncContext ctx) {
                if (tag != AGGREGATION_TIMER) {
                    return s;
                }
                s.aggregations++;
                if (s.pendingCount > 0) {
                    Tensors.axpy(serverLearningRate, s.pending, s.x);
                    Tensors.fillZero(s.pending);
                    s.pendingCount = 0;
                    s.version++;
                }
                ctx.scheduleTimer(timeOf(s.aggregations + 1), AGGREGATION_TIMER);
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
     * The binary form of {@link ServerState}: version byte 1, v (long), the aggregations so far (long), n (int), x,
     * B. The delivery statistics are in the server tables, which the engine checkpoints.
     */
    public static final StateCodec<ServerState> SERVER_CODEC = new StateCodec<>() {
        @Override
        public void write(ServerState s, DataOutput out) throws IOException {
            out.writeByte(1);
            out.writeLong(s.version);
            out.writeLong(s.aggregations);
            out.writeInt(s.pendingCount);
            Tensors.write(s.x, out);
            Tensors.write(s.pending, out);
        }

        @Override
        public ServerState read(DataInput in) throws IOException {
            StateCodec.checkVersion("FedFix server state", 1, in.readUnsignedByte());
            long version = in.readLong();
            long aggregations = in.readLong();
            int count = AsyncSupport.readCount(in, "FedFix pending count", Integer.MAX_VALUE);
            INDArray x = Tensors.read(in);
            return new ServerState(x, version, Tensors.read(in), count, aggregations);
        }
    };

    @Override
    public StateCodec<ServerState> serverStateCodec() {
        return SERVER_CODEC;
    }

    /** Delta_t, the aggregation period in virtual seconds. */
    public double period() {
        return period;
    }

    /** eta, the server learning rate. */
    public double serverLearningRate() {
        return serverLearningRate;
    }

    /** How p_i is defined. */
    public ClientWeights clientWeights() {
        return clientWeights;
    }

    /** True when omega_i = p_i / qhat_i, false in the plain mode omega_i = p_i. */
    public boolean unbiased() {
        return unbiased;
    }

    /** Builder of {@link FedFix}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private double period = Double.NaN;
        private double serverLearningRate = 1.0;
        private ClientWeights clientWeights = ClientWeights.SAMPLE_COUNT;
        private boolean unbiased = true;

        /** Delta_t &gt; 0, the aggregation period in virtual seconds (required). */
        public Builder period(double v) {
            period = v;
            return this;
        }

        /** eta &gt; 0 (default 1). */
        public Builder serverLearningRate(double v) {
            serverLearningRate = v;
            return this;
        }

        /** p_i: SAMPLE_COUNT (default) or UNIFORM. */
        public Builder clientWeights(ClientWeights v) {
            clientWeights = v;
            return this;
        }

        /** True (default): omega_i = p_i / qhat_i; false: the plain omega_i = p_i. */
        public Builder unbiased(boolean v) {
            unbiased = v;
            return this;
        }

        /** Validates and builds. */
        public FedFix build() {
            return new FedFix(this);
        }
    }
}
