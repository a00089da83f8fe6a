package io.github.fl4j.algorithms.fedau;

import io.github.fl4j.algorithms.local.LocalSgd;
import io.github.fl4j.algorithms.local.LocalSgdBuilder;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.api.RoundAccumulator;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.api.StreamingAccumulator;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.state.ServerTables;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FedAU: federated averaging with online aggregation weights for unknown participation statistics (Wang and Ji, "A
 * Lightweight Method for Tackling Unknown Participation Statistics in Federated Averaging", ICLR 2024, arXiv
 * 2306.03401; official code IBM/fedau @6e9cce9), with the baselines of the same code.
 *
 * <p>Objective f(x) = (1/N) sum_n f_n(x). Client n participates in round t when I_n^t = 1, with unknown, heterogeneous
 * rates p_n (Bernoulli, Markov or cyclic). Any rule that ignores p_n converges to argmin sum_n p_n f_n; FedAU weighs
 * client n by omega_n, the running mean of the intervals between its participations, an online estimate of 1/p_n
 * ({@link IntervalEstimator}). Round t (see docs/algorithms/fedau.md):
 * \[
 * \begin{aligned}
 * &amp;\text{client } n \in S_t: &amp;&amp; y \leftarrow x^t;\ I \text{ times: } y \leftarrow y - \gamma \nabla f_n(y;\ \text{minibatch of size } B);\quad \text{upload } \Delta_n = y - x^t \\
 * &amp;\text{server:} &amp;&amp; \omega_n = \Omega_n \text{ if } M_n &gt; 0 \text{ else } 1 \quad \text{(intervals completed before round } t \text{ only)} \\
 * &amp;&amp;&amp; x^{t+1} = x^t + \eta \tfrac{1}{N} \textstyle\sum_{n \in S_t} \omega_n \Delta_n \quad (1/N, \text{ not } 1/|S_t|) \\
 * &amp;&amp;&amp; \text{then record the intervals: participants } S_n + 1, \text{ absent clients reaching } S_n = K \text{ record } K
 * \end{aligned}
 * \]
 * Baselines ({@link Aggregation}): average participating, x += eta (1/|S|) sum_S Delta_n;
 * average all, x += eta (1/N) sum_S Delta_n; known probabilities, x += eta (1/N) sum_S Delta_n / p_n; MIFA, with
 * u_n the last update of every client (0 before its first), x += eta (1/N) sum_{all n} u_n after overwriting
 * u_n = Delta_n for n in S; FedVarp, x += eta [(1/|S|) sum_S (Delta_n - u_n^old) + ubar^old] with ubar = (1/N) sum u_n.
 *
 * <p>Map from paper symbols to code: I = {@link LocalTraining#steps()}, B = {@link LocalTraining#batchSize()}, gamma =
 * {@code localLearningRate}, eta = {@code serverLearningRate}, K = {@code cutoff} ({@link IntervalEstimator#NO_CUTOFF}
 * for K = infinity), omega_n = {@link IntervalEstimator#weight}, (M_n, Omega_n, S_n) = the estimator's
 * (intervals, meanInterval, roundsSinceLast).
 *
 * <p>Empty rounds (a participation process that allows them): no upload; FedAU, average all, known probabilities and
 * average participating leave x unchanged (the estimator still counts the round); MIFA and FedVarp apply eta ubar.
 *
 * <p>State: clients none ({@link NoState}). The server keeps x (d) and a d-vector buffer; FedAU adds 3 scalars per
 * client (M_n, Omega_n, S_n); MIFA and FedVarp keep the N x d table of last updates (copied from the lent uploads) and
 * ubar (d), updated incrementally (ubar += (Delta_n - u_n^old) / N), so a round costs O(|S| d). A client task's
 * iterate and gradient (2d values) are scratch arrays of the worker thread's workspace. Communication per participant
 * and round: 1 d-vector down (x), 1 up (Delta). This object is immutable and thread-safe.
 */
public final class FedAu implements FederatedAlgorithm<FedAu.ServerState, NoState> {

    /** How the server combines the uploads. */
    public enum Aggregation {
        /** FedAU: omega_n / N with omega_n the online mean participation interval. */
        ADAPTIVE,
        /** 1/|S_t| (the reference code's {@code average_participating}). */
        AVERAGE_PARTICIPATING,
        /** 1/N (the reference code's {@code average_all}). */
        AVERAGE_ALL,
        /** 1/(N p_n) with the true p_n given ({@code known_prob}). */
        KNOWN_PROBABILITIES,
        /** MIFA: the mean over all clients of each one's last update (N x d memory). */
        MIFA,
        /** FedVarp: variance-reduced update with the last updates as control variates (N x d memory). */
        FEDVARP
    }

    private final LocalTraining training;
    private final double localLearningRate;
    private final double serverLearningRate;
    private final int cutoff;
    private final Aggregation aggregation;
    private final double[] probabilities;

    private FedAu(Builder b) {
        if (!(b.serverLearningRate > 0) || !Double.isFinite(b.serverLearningRate)) {
            throw new IllegalArgumentException("serverLearningRate must be > 0 and finite, was "
                    + b.serverLearningRate);
        }
        if (b.cutoff < 1) {
            throw new IllegalArgumentException("cutoff must be >= 1 (or IntervalEstimator.NO_CUTOFF), was "
                    + b.cutoff);
        }
        if (b.aggregation == null) {
            throw new IllegalArgumentException("aggregation must not be null");
        }
        if (b.aggregation == Aggregation.KNOWN_PROBABILITIES) {
            if (b.probabilities == null || b.probabilities.length == 0) {
                throw new IllegalArgumentException("probabilities must be set for KNOWN_PROBABILITIES, was "
                        + (b.probabilities == null ? "null" : "empty"));
            }
            for (int n = 0; n < b.probabilities.length; n++) {
                double p = b.probabilities[n];
                if (!(p > 0 && p <= 1)) {
                    throw new IllegalArgumentException("probabilities[" + n + "] must be in (0, 1], was " + p);
                }
            }
        } else if (b.probabilities != null) {
            throw new IllegalArgumentException("probabilities are only used by KNOWN_PROBABILITIES, aggregation was "
                    + b.aggregation);
        }
        this.training = b.requireTraining();
        this.localLearningRate = b.requireLocalLearningRate();
        this.serverLearningRate = b.serverLearningRate;
        this.cutoff = b.cutoff;
        this.aggregation = b.aggregation;
        this.probabilities = b.probabilities == null ? null : b.probabilities.clone();
    }

    /** A builder; defaults: FedAU's adaptive weights, no cutoff, server learning rate 1. */
    public static Builder builder() {
        return new Builder();
    }

    /** The name of the server table of MIFA's and FedVarp's last updates u_n (a d-vector per client seen). */
    public static final String LAST_UPDATES_TABLE = "fedau.last-updates";

    /** The codec of one u_n in {@link #LAST_UPDATES_TABLE}. */
    public static final StateCodec<INDArray> LAST_UPDATE_CODEC = StateCodec.ofVector("MIFA last update", v -> v,
            v -> v);

    /**
     * The server state: the model x, a reused aggregation buffer, FedAU's interval estimator (ADAPTIVE only) and the
     * mean of the last updates (MIFA and FedVarp only; the updates themselves live in the server table
     * {@link #LAST_UPDATES_TABLE}).
     */
    public static final class ServerState {
        private final Aggregation aggregation;
        private final INDArray x;
        private final INDArray aggregate;
        private final IntervalEstimator estimator;
        private final INDArray lastMean;

        ServerState(Aggregation aggregation, INDArray x, IntervalEstimator estimator, INDArray lastMean) {
            this.aggregation = aggregation;
            this.x = x;
            this.aggregate = Tensors.zeros(Precision.of(x.dataType()), x.length());
            this.estimator = estimator;
            this.lastMean = lastMean;
        }

        /** The global model x^t. */
        public INDArray model() {
            return x;
        }

        /** The aggregation rule. */
        public Aggregation aggregation() {
            return aggregation;
        }

        /** FedAU's estimator, or null for the baselines. */
        public IntervalEstimator estimator() {
            return estimator;
        }

        /** ubar = (1/N) sum_n u_n (MIFA and FedVarp), or null. */
        public INDArray lastUpdateMean() {
            return lastMean;
        }
    }

    /**
     * u_n, client n's last update (MIFA and FedVarp) as kept in a run's server tables (e.g.
     * {@code result.runState().serverTables()}), or null before its first participation (u_n = 0 then) or for other
     * rules.
     */
    public static INDArray lastUpdate(ServerTables tables, int clientId) {
        return tables.table(LAST_UPDATES_TABLE, LAST_UPDATE_CODEC).get(clientId);
    }

    @Override
    public String name() {
        String rule = switch (aggregation) {
            case ADAPTIVE -> "FedAU";
            case AVERAGE_PARTICIPATING -> "FedAU-baseline[average participating]";
            case AVERAGE_ALL -> "FedAU-baseline[average all]";
            case KNOWN_PROBABILITIES -> "FedAU-baseline[known p]";
            case MIFA -> "MIFA";
            case FEDVARP -> "FedVarp";
        };
        String s = String.format(Locale.ROOT, "%s(%s, lr=%s", rule, training, localLearningRate);
        if (serverLearningRate != 1) {
            s += ", server lr=" + serverLearningRate;
        }
        if (aggregation == Aggregation.ADAPTIVE) {
            s += ", cutoff=" + (cutoff == IntervalEstimator.NO_CUTOFF ? "inf" : Integer.toString(cutoff));
        }
        return s + ")";
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        int n = setup.population();
        if (probabilities != null && probabilities.length != n) {
            throw new IllegalArgumentException("probabilities must have one entry per client (" + n + "), had "
                    + probabilities.length);
        }
        INDArray x = initialParameters.dup();
        IntervalEstimator est = aggregation == Aggregation.ADAPTIVE ? new IntervalEstimator(n, cutoff) : null;
        INDArray mean = null;
        if (aggregation == Aggregation.MIFA || aggregation == Aggregation.FEDVARP) {
            mean = Tensors.zeros(setup.precision(), x.length());
        }
        return new ServerState(aggregation, x, est, mean);
    }

    @Override
    public NoState initClientState(int clientId, AlgorithmSetup setup) {
        return NoState.INSTANCE;
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
                int n = ctx.population();
                Tensors.fillZero(s.aggregate);
                switch (aggregation) {
                    case ADAPTIVE -> {
                        int[] ids = new int[uploads.size()];
                        for (int k = 0; k < ids.length; k++) {
                            Upload u = uploads.get(k);
                            ids[k] = u.clientId();
                            // weight of round t read before the interval ending at t is recorded
                            Tensors.axpy(s.estimator.weight(u.clientId()) / n, u.vector(0), s.aggregate);
                        }
                        s.estimator.endRound(ids);
                    }
                    case AVERAGE_PARTICIPATING -> {
                        for (Upload u : uploads) {
                            Tensors.axpy(1.0 / uploads.size(), u.vector(0), s.aggregate);
                        }
                    }
                    case AVERAGE_ALL -> {
                        for (Upload u : uploads) {
                            Tensors.axpy(1.0 / n, u.vector(0), s.aggregate);
                        }
                    }
                    case KNOWN_PROBABILITIES -> {
                        for (Upload u : uploads) {
                            Tensors.axpy(1.0 / (n * probabilities[u.clientId()]), u.vector(0), s.aggregate);
                        }
                    }
                    case MIFA, FEDVARP -> {
                        // u_n^old = 0 for a client never seen: its terms are skipped (adding -0 changes no bit).
                        ClientStateStore<INDArray> table = ctx.table(LAST_UPDATES_TABLE, LAST_UPDATE_CODEC);
                        int[] ids = ids(uploads);
                        List<INDArray> old = table.getAll(ids);
                        if (aggregation == Aggregation.FEDVARP) {
                            // (1/|S|) sum_S (Delta_n - u_n^old) + ubar^old, before the table is overwritten
                            Tensors.copy(s.lastMean, s.aggregate);
                            for (int k = 0; k < ids.length; k++) {
                                Tensors.axpy(1.0 / ids.length, uploads.get(k).vector(0), s.aggregate);
                                if (old.get(k) != null) {
                                    Tensors.axpy(-1.0 / ids.length, old.get(k), s.aggregate);
                                }
                            }
                        }
                        overwriteLast(s, uploads, ids, old, n, table);
                        if (aggregation == Aggregation.MIFA) {
                            Tensors.copy(s.lastMean, s.aggregate); // (1/N) sum_n u_n after the overwrite
                        }
                    }
                    default -> throw new IllegalStateException("unknown aggregation " + aggregation);
                }
                Tensors.axpy(serverLearningRate, s.aggregate, s.x);
                return s;
            }

            /**
             * Streaming for the weighted sums (ADAPTIVE, AVERAGE_PARTICIPATING, AVERAGE_ALL, KNOWN_PROBABILITIES):
             * the aggregate runs in the aggregation buffer (scratch) with apply's weights, in increasing client-id
             * order; ADAPTIVE reads the estimator's weights during the fold and records the round's intervals in
             * finish, as apply does after the sum. MIFA and FedVARP, which read and overwrite the table of last
             * updates and the running mean in one pass, collect the uploads and use apply. An empty round collects.
             */
            @Override
            public RoundAccumulator<ServerState> begin(ServerState s, ServerContext ctx) {
                if (ctx.participantCount() == 0 || aggregation == Aggregation.MIFA
                        || aggregation == Aggregation.FEDVARP) {
                    return RoundAccumulator.collecting(this, s, ctx);
                }
                int n = ctx.population();
                int p = ctx.participantCount();
                Tensors.fillZero(s.aggregate);
                return new StreamingAccumulator<>(ctx) {
                    @Override
                    protected void fold(int k, Upload u) {
                        double w = switch (aggregation) {
                            case ADAPTIVE -> s.estimator.weight(u.clientId()) / n;
                            case AVERAGE_PARTICIPATING -> 1.0 / p;
                            case AVERAGE_ALL -> 1.0 / n;
                            case KNOWN_PROBABILITIES -> 1.0 / (n * probabilities[u.clientId()]);
                            default -> throw new IllegalStateException("aggregation " + aggregation
                                    + " does not stream");
                        };
                        Tensors.axpy(w, u.vector(0), s.aggregate);
                    }

                    @Override
                    protected ServerState complete() {
                        if (aggregation == Aggregation.ADAPTIVE) {
                            s.estimator.endRound(ctx.participants());
                        }
                        Tensors.axpy(serverLearningRate, s.aggregate, s.x);
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

    /**
     * ubar += (Delta_n - u_n^old) / N, then u_n = Delta_n in the table (stored as a copy: the upload is lent for the
     * round); {@code old} (read once by the caller) holds u_n^old, null for a client never seen (u_n = 0, whose
     * subtraction is skipped: it would change no bit), and is handed back to the table afterwards.
     */
    private static void overwriteLast(ServerState s, List<Upload> uploads, int[] ids, List<INDArray> old, int n,
                                      ClientStateStore<INDArray> table) {
        List<INDArray> fresh = new java.util.ArrayList<>(ids.length);
        for (int k = 0; k < ids.length; k++) {
            INDArray u = uploads.get(k).vector(0);
            if (old.get(k) != null) {
                Tensors.axpy(-1.0 / n, old.get(k), s.lastMean);
            }
            Tensors.axpy(1.0 / n, u, s.lastMean);
            fresh.add(u);
        }
        table.putAll(ids, fresh);
        for (INDArray u : old) {
            table.release(u);
        }
    }

    private static int[] ids(List<Upload> uploads) {
        int[] ids = new int[uploads.size()];
        for (int k = 0; k < ids.length; k++) {
            ids[k] = uploads.get(k).clientId();
        }
        return ids;
    }

    @Override
    public Client<NoState> client() {
        return (down, state, ctx) -> {
            INDArray x = down.vector(0);
            INDArray y = ctx.workspace().vector("fedau.iterate", ctx.precision(), x.length());
            INDArray grad = ctx.workspace().vector("fedau.gradient", ctx.precision(), x.length());
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
        return new StateCodec<>() {
            @Override
            public void write(ServerState s, DataOutput out) throws IOException {
                out.writeByte(2);
                out.writeByte(s.aggregation.ordinal());
                Tensors.write(s.x, out);
                out.writeBoolean(s.estimator != null);
                if (s.estimator != null) {
                    s.estimator.write(out);
                }
                out.writeBoolean(s.lastMean != null);
                if (s.lastMean != null) {
                    Tensors.write(s.lastMean, out);
                }
            }

            @Override
            public ServerState read(DataInput in) throws IOException {
                StateCodec.checkVersion("FedAU server state", 2, in.readUnsignedByte());
                int rule = in.readUnsignedByte();
                if (rule >= Aggregation.values().length) {
                    throw new IOException("FedAU server state: aggregation code must be < "
                            + Aggregation.values().length + ", was " + rule);
                }
                INDArray x = Tensors.read(in);
                IntervalEstimator est = in.readBoolean() ? IntervalEstimator.read(in) : null;
                INDArray mean = in.readBoolean() ? Tensors.read(in) : null;
                return new ServerState(Aggregation.values()[rule], x, est, mean);
            }
        };
    }

    @Override
    public StateCodec<NoState> clientStateCodec() {
        return NoState.CODEC;
    }

    /**
     * True: FedAU estimates 1/p_n from participation intervals (and its baselines weigh by the true or observed
     * rates), so a pattern that redraws empty rounds, which changes every rate, is refused when the simulation is
     * built.
     */
    @Override
    public boolean requiresExactParticipationRates() {
        return true;
    }

    @Override
    public int downlinkVectors() {
        return 1;
    }

    @Override
    public int uplinkVectors() {
        return 1;
    }

    /** The local work (I steps of minibatch B). */
    public LocalTraining training() {
        return training;
    }

    /** gamma. */
    public double localLearningRate() {
        return localLearningRate;
    }

    /** eta. */
    public double serverLearningRate() {
        return serverLearningRate;
    }

    /** K, or {@link IntervalEstimator#NO_CUTOFF}. */
    public int cutoff() {
        return cutoff;
    }

    /** The aggregation rule. */
    public Aggregation aggregation() {
        return aggregation;
    }

    /** The known p_n (a copy), or null unless KNOWN_PROBABILITIES. */
    public double[] probabilities() {
        return probabilities == null ? null : probabilities.clone();
    }

    /** Builder of {@link FedAu}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private double serverLearningRate = 1.0;
        private int cutoff = IntervalEstimator.NO_CUTOFF;
        private Aggregation aggregation = Aggregation.ADAPTIVE;
        private double[] probabilities;

        /** eta (default 1). */
        public Builder serverLearningRate(double v) {
            serverLearningRate = v;
            return this;
        }

        /** K &gt;= 1 (default {@link IntervalEstimator#NO_CUTOFF}); used by ADAPTIVE only. */
        public Builder cutoff(int v) {
            cutoff = v;
            return this;
        }

        /** The aggregation rule (default ADAPTIVE). */
        public Builder aggregation(Aggregation v) {
            aggregation = v;
            return this;
        }

        /** The true p_n (copied), required by and only by KNOWN_PROBABILITIES. */
        public Builder probabilities(double... v) {
            probabilities = v == null ? null : v.clone();
            return this;
        }

        /** Validates and builds. */
        public FedAu build() {
            return new FedAu(this);
        }
    }
}
