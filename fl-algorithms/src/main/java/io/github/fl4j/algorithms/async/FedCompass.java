package io.github.fl4j.algorithms.async;

import io.github.fl4j.algorithms.local.LocalSgdBuilder;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FedCompass (Li et al., "FedCompass: Efficient Cross-Silo Federated Learning on Heterogeneous Client Devices Using a
 * Computing Power-Aware Scheduler", ICLR 2024): a semi-asynchronous server that gives each client a number of local
 * steps Q_i in [Q_min, Q_max] chosen from its estimated speed so that the clients of an arrival group finish
 * together, and aggregates a group when all its members have arrived or at its deadline. The scheduler follows the
 * reference implementation (APPFL's {@code CompassScheduler} and {@code FedCompassAggregator}); see
 * docs/algorithms/fedcompass.md.
 *
 * <p><b>Speeds.</b> At each arrival of client i, its speed (virtual seconds per local step) is measured as
 * (arrival time - start time) / Q_i and smoothed: S_i = measured at the first arrival, then
 * S_i = (1 - mu) S_i + mu measured (mu = {@code speedMomentum}, 0.9: the new measurement weighs 0.9, APPFL's
 * convention).
 *
 * <p><b>Assignment at dispatch</b> (virtual time t): a client without a speed estimate gets Q_max and no group (its
 * result is applied alone on arrival). Otherwise it joins an existing group if it can, else it creates one.
 * <pre>
 *   join:   for each group g in creation order (that does not hold i already):
 *             q = floor((E_g - t) / S_i)        E_g = g's expected arrival time
 *             candidate when Q_min &lt;= q &lt;= Q_max and q &gt;= the best q so far (ties: the later group)
 *           i joins the candidate with Q_i = its q.
 *   create: Q = -1;  for each group g with t &lt; L_g (L_g = g's latest arrival time):
 *             F_g = min of S_j over g's members;  q = floor((L_g + F_g Q_max - t) / S_i);  if q &lt;= Q_max: Q = max(Q, q)
 *           Q_i = Q_max if Q &lt; 0, Q_min if 0 &lt;= Q &lt; Q_min, else Q;
 *           a new group with E = t + Q_i S_i and L = t + Q_i S_i lambda, and a timer at L.
 * </pre>
 *
 * <p><b>Arrivals and aggregation.</b> A client without a group is applied at once (one model, version + 1). A member
 * arriving by its group's deadline is buffered in the group; when its group has no member left in flight, or at the
 * group's timer if at least one member arrived, the group is aggregated together with the general buffer; a member
 * arriving after its group was aggregated or expired goes to the general buffer (one entry per client: a newer
 * result replaces an older one, and a group entry replaces the same client's general entry). With tau_i = v - v_i
 * counted at aggregation time, N the number of clients and alpha_i = alpha s(tau_i) / N:
 * <pre>
 *   MIX   (default):  x = (1 - sum_i alpha_i) x + sum_i alpha_i y_i,   y_i = x_{v_i} + Delta_i
 *   DELTA:            x = x + sum_i alpha_i Delta_i       (APPFL's gradient_based mode)
 *   v = v + 1 per aggregation (group or single)
 * </pre>
 * A member whose session is lost (dropout, or an upload too stale) leaves its group, which is aggregated at once when
 * it was the last one in flight.
 *
 * <p>Defaults (APPFL's example configuration): alpha = 0.9, s(tau) = (1 + tau)^(-1/2), lambda = 1.5, mu = 0.9, MIX.
 * Q_max is the K of {@code localSteps(Q_max, B)}; Q_min is required.
 *
 * <p>State (all in S): x, v, per client its speed and current group, the groups (expected and latest arrival times,
 * members in flight, buffered results), the general buffer and the next group id. Buffered results are copies, so a
 * group may hold up to N d-vectors. Communication per session: 1 d-vector down (x), 1 up (Delta). This object is
 * immutable and thread-safe.
 */
public final class FedCompass extends LocalSgdAsyncAlgorithm<FedCompass.ServerState> {
    /** The group of a client whose session has no group (no speed estimate yet). */
    public static final int NO_GROUP = -1;

    private final int minSteps;
    private final int maxSteps;
    private final double alpha;
    private final StalenessFunction staleness;
    private final double latestTimeFactor;
    private final double speedMomentum;
    private final MixingMode mode;

    private FedCompass(Builder b) {
        super(b.requireTraining(), b.requireLocalLearningRate());
        if (training().steps() == 0) {
            throw new IllegalArgumentException("FedCompass needs localSteps(Q_max, B), not epochs, was " + training());
        }
        this.maxSteps = training().steps();
        if (b.minSteps == null) {
            throw new IllegalArgumentException("minLocalSteps must be set (1 <= Q_min <= Q_max = " + maxSteps + ")");
        }
        if (b.minSteps < 1 || b.minSteps > maxSteps) {
            throw new IllegalArgumentException("minLocalSteps must be in [1, " + maxSteps + "] (Q_max), was "
                    + b.minSteps);
        }
        this.minSteps = b.minSteps;
        this.alpha = AsyncSupport.unitInterval("alpha", b.alpha);
        this.staleness = AsyncSupport.required("staleness", b.staleness);
        if (!(b.latestTimeFactor >= 1) || Double.isInfinite(b.latestTimeFactor)) {
            throw new IllegalArgumentException("latestTimeFactor must be >= 1 and finite, was " + b.latestTimeFactor);
        }
        this.latestTimeFactor = b.latestTimeFactor;
        this.speedMomentum = AsyncSupport.unitInterval("speedMomentum", b.speedMomentum);
        this.mode = AsyncSupport.required("mode", b.mode);
    }

    /** A builder; defaults alpha = 0.9, polynomial staleness a = 0.5, lambda = 1.5, mu = 0.9, MIX. */
    public static Builder builder() {
        return new Builder();
    }

    /** A buffered result: the client, the version it started from, and y_i (MIX) or Delta_i (DELTA), a copy. */
    private record Entry(int client, long startVersion, INDArray vector) {
    }

    /** An arrival group. */
    private static final class Group {
        private final int id;
        private final double expected;
        private final double latest;
        private final List<Integer> pending = new ArrayList<>();
        private final Map<Integer, Entry> arrived = new LinkedHashMap<>();

        Group(int id, double expected, double latest) {
            this.id = id;
            this.expected = expected;
            this.latest = latest;
        }

        boolean holds(int client) {
            return pending.contains(client) || arrived.containsKey(client);
        }
    }

    /** The server state: the model and its version, and all of the scheduler's state. */
    public static final class ServerState {
        private final INDArray x;
        private long version;
        private final double[] speed;
        private final int[] group;
        private int nextGroup;
        private final TreeMap<Integer, Group> groups = new TreeMap<>();
        private final Map<Integer, Entry> general = new LinkedHashMap<>();
        private final INDArray scratch;

        ServerState(INDArray x, long version, double[] speed, int[] group, int nextGroup) {
            this.x = x;
            this.version = version;
            this.speed = speed;
            this.group = group;
            this.nextGroup = nextGroup;
            this.scratch = Tensors.zeros(Precision.of(x.dataType()), x.length());
        }

        /** The server model x. */
        public INDArray model() {
            return x;
        }

        /** The version v: the number of aggregations (single or group). */
        public long version() {
            return version;
        }

        /** Client i's speed estimate S_i in virtual seconds per local step, NaN before its first arrival. */
        public double speed(int clientId) {
            return speed[clientId];
        }

        /** The group client i was assigned at its last dispatch ({@link #NO_GROUP} when none). */
        public int groupOf(int clientId) {
            return group[clientId];
        }

        /** The ids of the open groups (not yet aggregated or expired), in creation order. */
        public List<Integer> groupIds() {
            return List.copyOf(groups.keySet());
        }

        /** E_g, the expected arrival time of open group g. */
        public double expectedArrival(int groupId) {
            return open(groupId).expected;
        }

        /** L_g, the latest arrival time (deadline) of open group g. */
        public double latestArrival(int groupId) {
            return open(groupId).latest;
        }

        /** The members of open group g still in flight, in the order they joined. */
        public List<Integer> pendingClients(int groupId) {
            return List.copyOf(open(groupId).pending);
        }

        /** The members of open group g that have arrived, in arrival order. */
        public List<Integer> arrivedClients(int groupId) {
            return List.copyOf(open(groupId).arrived.keySet());
        }

        /** The clients with a result in the general buffer, in insertion order. */
        public List<Integer> generalBuffer() {
            return List.copyOf(general.keySet());
        }

        private Group open(int groupId) {
            Group g = groups.get(groupId);
            if (g == null) {
                throw new IllegalArgumentException("group " + groupId + " is not open; open groups: "
                        + groups.keySet());
            }
            return g;
        }
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "FedCompass(%s, lr=%s, Qmin=%d, alpha=%s, staleness=%s, lambda=%s, "
                        + "speed momentum=%s, mode=%s)", training(), localLearningRate(), minSteps, alpha,
                staleness.describe(), latestTimeFactor, speedMomentum, mode.label());
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public ServerState initServerState(INDArray initialParameters, AlgorithmSetup setup) {
        int n = setup.population();
        double[] speed = new double[n];
        Arrays.fill(speed, Double.NaN);
        int[] group = new int[n];
        Arrays.fill(group, NO_GROUP);
        return new ServerState(initialParameters.dup(), 0, speed, group, 0);
    }

    /** Tries to put client i in an existing group; its Q_i, or -1 when no group fits. */
    private int join(ServerState s, int clientId, double t) {
        double sp = s.speed[clientId];
        Group best = null;
        double bestQ = -1;
        for (Group g : s.groups.values()) {
            if (g.holds(clientId)) {
                continue;
            }
            double q = Math.floor((g.expected - t) / sp);
            if (!(q >= minSteps && q <= maxSteps) || q < bestQ) {
                continue;
            }
            best = g;
            bestQ = q;
        }
        if (best == null) {
            return -1;
        }
        best.pending.add(clientId);
        s.group[clientId] = best.id;
        return (int) bestQ;
    }

    /** Creates a group for client i (and schedules its deadline); its Q_i. */
    private int create(ServerState s, int clientId, double t, AsyncContext ctx) {
        double sp = s.speed[clientId];
        double assigned = -1;
        for (Group g : s.groups.values()) {
            if (!(t < g.latest)) {
                continue;
            }
            double fastest = Double.POSITIVE_INFINITY;
            for (int c : g.pending) {
                fastest = Math.min(fastest, s.speed[c]);
            }
            for (int c : g.arrived.keySet()) {
                fastest = Math.min(fastest, s.speed[c]);
            }
            double q = Math.floor((g.latest + fastest * maxSteps - t) / sp);
            if (q <= maxSteps) {
                assigned = Math.max(assigned, q);
            }
        }
        int q = assigned < 0 ? maxSteps : (int) Math.max(assigned, minSteps);
        Group g = new Group(s.nextGroup++, t + q * sp, t + q * sp * latestTimeFactor);
        g.pending.add(clientId);
        s.groups.put(g.id, g);
        s.group[clientId] = g.id;
        ctx.scheduleTimer(g.latest, g.id);
        return q;
    }

    /** Applies the entries (alpha_i = alpha s(v - v_i) / N) to x; does not touch the version. */
    private void apply(ServerState s, List<Entry> entries, AsyncContext ctx) {
        int n = ctx.population();
        if (mode == MixingMode.MIX) {
            Tensors.fillZero(s.scratch);
            double total = 0;
            for (Entry e : entries) {
                double a = alpha * AsyncSupport.weight(staleness, s.version - e.startVersion) / n;
                total += a;
                Tensors.axpy(a, e.vector, s.scratch);
            }
            Tensors.scale(1.0 - total, s.x);
            Tensors.axpy(1.0, s.scratch, s.x);
        } else {
            for (Entry e : entries) {
                double a = alpha * AsyncSupport.weight(staleness, s.version - e.startVersion) / n;
                Tensors.axpy(a, e.vector, s.x);
            }
        }
    }

    /** Aggregates group g with the general buffer: a new model; g is closed and the general buffer emptied. */
    private void aggregate(ServerState s, Group g, AsyncContext ctx) {
        List<Entry> entries = new ArrayList<>(s.general.size() + g.arrived.size());
        for (Entry e : s.general.values()) {
            if (!g.arrived.containsKey(e.client)) {
                entries.add(e);
            }
        }
        entries.addAll(g.arrived.values());
        apply(s, entries, ctx);
        s.version++;
        s.general.clear();
        s.groups.remove(g.id);
    }

    /** Client i left group g without a result; closes g when nobody is left in flight. */
    private void leave(ServerState s, Group g, int clientId, AsyncContext ctx) {
        g.pending.remove(Integer.valueOf(clientId));
        if (g.pending.isEmpty()) {
            if (g.arrived.isEmpty()) {
                s.groups.remove(g.id);
            } else {
                aggregate(s, g, ctx);
            }
        }
    }

    @Override
    public AsyncServer<ServerState> server() {
        return new AsyncServer<>() {
            @Override
            public Message dispatch(ServerState s, int clientId, AsyncContext ctx) {
                int q;
                if (Double.isNaN(s.speed[clientId])) {
                    s.group[clientId] = NO_GROUP;
                    q = maxSteps;
                } else {
                    q = join(s, clientId, ctx.time());
                    if (q < 0) {
                        q = create(s, clientId, ctx.time(), ctx);
                    }
                }
                ctx.assignLocalSteps(q);
                return Message.of(s.x);
            }

            @Override
            public ServerState receive(ServerState s, Arrival a, AsyncContext ctx) {
                int id = a.clientId();
                int steps = a.localSteps() > 0 ? a.localSteps() : maxSteps;
                double measured = (a.time() - a.startTime()) / steps;
                s.speed[id] = Double.isNaN(s.speed[id]) ? measured
                        : (1 - speedMomentum) * s.speed[id] + speedMomentum * measured;
                INDArray v = Tensors.zeros(Precision.of(s.x.dataType()), s.x.length());
                if (mode == MixingMode.MIX) {
                    Tensors.copy(a.startMessage().vector(0), v);
                }
                Tensors.axpy(1.0, a.vector(0), v);
                Entry e = new Entry(id, a.startVersion(), v);
                if (s.group[id] == NO_GROUP) {
                    apply(s, List.of(e), ctx);
                    s.version++;
                    return s;
                }
                Group g = s.groups.get(s.group[id]);
                if (g == null || !g.pending.contains(id) || a.time() > g.latest) {
                    if (g != null && g.pending.contains(id)) {
                        leave(s, g, id, ctx);
                    }
                    s.general.put(id, e);
                    return s;
                }
                g.pending.remove(Integer.valueOf(id));
                g.arrived.put(id, e);
                if (g.pending.isEmpty()) {
                    aggregate(s, g, ctx);
                }
                return s;
            }

            @Override
            public ServerState timer(ServerState s, int tag, AsyncContext ctx) {
                Group g = s.groups.get(tag);
                if (g == null) {
                    return s;
                }
                if (g.arrived.isEmpty()) {
                    s.groups.remove(tag);
                } else {
                    aggregate(s, g, ctx);
                }
                return s;
            }

            @Override
            public ServerState lost(ServerState s, int clientId, long startVersion, AsyncContext ctx) {
                Group g = s.group[clientId] == NO_GROUP ? null : s.groups.get(s.group[clientId]);
                if (g != null && g.pending.contains(clientId)) {
                    leave(s, g, clientId, ctx);
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

    private static void writeEntries(Map<Integer, Entry> entries, DataOutput out) throws IOException {
        out.writeInt(entries.size());
        for (Entry e : entries.values()) {
            out.writeInt(e.client);
            out.writeLong(e.startVersion);
            Tensors.write(e.vector, out);
        }
    }

    private static void readEntries(DataInput in, Map<Integer, Entry> into, int population) throws IOException {
        int n = AsyncSupport.readCount(in, "FedCompass buffer size", population);
        for (int k = 0; k < n; k++) {
            int client = readClient(in, population);
            into.put(client, new Entry(client, in.readLong(), Tensors.read(in)));
        }
    }

    private static int readClient(DataInput in, int population) throws IOException {
        int c = in.readInt();
        if (c < 0 || c >= population) {
            throw new IOException("FedCompass client id must be in [0, " + population + "), was " + c);
        }
        return c;
    }

    /**
     * The binary form of {@link ServerState}: version byte 1; v (long); x; N (int); per client its speed (double)
     * and group (int); the next group id (int); the number of open groups, then per group its id, E_g, L_g, its
     * members in flight (count, ids) and its buffered results (count, then client, start version, vector each); the
     * general buffer likewise. Maps keep their order.
     */
    public static final StateCodec<ServerState> SERVER_CODEC = new StateCodec<>() {
        @Override
        public void write(ServerState s, DataOutput out) throws IOException {
            out.writeByte(1);
            out.writeLong(s.version);
            Tensors.write(s.x, out);
            out.writeInt(s.speed.length);
            for (int i = 0; i < s.speed.length; i++) {
                out.writeDouble(s.speed[i]);
                out.writeInt(s.group[i]);
            }
            out.writeInt(s.nextGroup);
            out.writeInt(s.groups.size());
            for (Group g : s.groups.values()) {
                out.writeInt(g.id);
                out.writeDouble(g.expected);
                out.writeDouble(g.latest);
                out.writeInt(g.pending.size());
                for (int c : g.pending) {
                    out.writeInt(c);
                }
                writeEntries(g.arrived, out);
            }
            writeEntries(s.general, out);
        }

        @Override
        public ServerState read(DataInput in) throws IOException {
            StateCodec.checkVersion("FedCompass server state", 1, in.readUnsignedByte());
            long version = in.readLong();
            INDArray x = Tensors.read(in);
            int n = AsyncSupport.readCount(in, "FedCompass population", Integer.MAX_VALUE - 8);
            double[] speed = new double[n];
            int[] group = new int[n];
            for (int i = 0; i < n; i++) {
                speed[i] = in.readDouble();
                group[i] = in.readInt();
            }
            ServerState s = new ServerState(x, version, speed, group, in.readInt());
            int groups = AsyncSupport.readCount(in, "FedCompass group count", Integer.MAX_VALUE);
            for (int k = 0; k < groups; k++) {
                Group g = new Group(in.readInt(), in.readDouble(), in.readDouble());
                int pending = AsyncSupport.readCount(in, "FedCompass group members", n);
                for (int j = 0; j < pending; j++) {
                    g.pending.add(readClient(in, n));
                }
                readEntries(in, g.arrived, n);
                s.groups.put(g.id, g);
            }
            readEntries(in, s.general, n);
            return s;
        }
    };

    @Override
    public StateCodec<ServerState> serverStateCodec() {
        return SERVER_CODEC;
    }

    /** Q_min. */
    public int minLocalSteps() {
        return minSteps;
    }

    /** Q_max. */
    public int maxLocalSteps() {
        return maxSteps;
    }

    /** alpha. */
    public double alpha() {
        return alpha;
    }

    /** s(tau). */
    public StalenessFunction staleness() {
        return staleness;
    }

    /** lambda, the latest-arrival factor of a group's deadline. */
    public double latestTimeFactor() {
        return latestTimeFactor;
    }

    /** mu, the weight of a new speed measurement. */
    public double speedMomentum() {
        return speedMomentum;
    }

    /** MIX or DELTA. */
    public MixingMode mode() {
        return mode;
    }

    /** Builder of {@link FedCompass}; {@link #build()} validates and names any bad field. */
    public static final class Builder extends LocalSgdBuilder<Builder> {
        private Integer minSteps;
        private double alpha = 0.9;
        private StalenessFunction staleness = Staleness.polynomial(0.5);
        private double latestTimeFactor = 1.5;
        private double speedMomentum = 0.9;
        private MixingMode mode = MixingMode.MIX;

        /** Q_min in [1, Q_max] (required; Q_max is the K of {@code localSteps(K, B)}). */
        public Builder minLocalSteps(int v) {
            minSteps = v;
            return this;
        }

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

        /** lambda &gt;= 1, a group's deadline factor (default 1.5). */
        public Builder latestTimeFactor(double v) {
            latestTimeFactor = v;
            return this;
        }

        /** mu in (0, 1], the weight of a new speed measurement (default 0.9). */
        public Builder speedMomentum(double v) {
            speedMomentum = v;
            return this;
        }

        /** MIX (default) or DELTA. */
        public Builder mode(MixingMode v) {
            mode = v;
            return this;
        }

        /** Validates and builds. */
        public FedCompass build() {
            return new FedCompass(this);
        }
    }
}
