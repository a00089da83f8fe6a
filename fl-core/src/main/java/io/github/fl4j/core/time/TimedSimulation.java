package io.github.fl4j.core.time;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.CommunicationLedger;
import io.github.fl4j.core.comm.LedgerOptions;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.participation.UniformParticipation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.CheckpointPolicy;
import io.github.fl4j.core.sim.ClientOutcome;
import io.github.fl4j.core.sim.ClientTask;
import io.github.fl4j.core.sim.LocalClientRunner;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationException;
import io.github.fl4j.core.state.CheckpointDirectory;
import io.github.fl4j.core.state.CheckpointFile;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.state.ServerTables;
import io.github.fl4j.core.state.StateStoreFactory;
import io.github.fl4j.core.tensor.BufferPool;
import io.github.fl4j.core.tensor.NativeMemory;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Tensors;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A federated simulation on a virtual clock: clients with devices of different speeds and bandwidths start
 * sessions, train and upload; a discrete-event loop processes what happens in time order, and the server reacts
 * (an {@link AsyncAlgorithm}, or a synchronous {@link FederatedAlgorithm} under the {@link Schedule#rounds() rounds}
 * schedule).
 *
 * <pre>
 * events:   CLIENT_END &lt; TIMER &lt; AVAILABILITY &lt; CLIENT_START at equal times, then by scheduling order
 * START(i): v_i = version; msg = server.dispatch(S, i) -&gt; downlink channel (counted); C_i from the store;
 *           the client trains on the worker pool (its streams keyed by (client, session number))
 *           duration = latency + down bits / down bandwidth + samples * jitter / speed + up bits / up bandwidth
 *           the session fails at start + failure offset, or when the client goes offline, if earlier
 * END(i):   tau = version - v_i; uplink counted; tau &gt; tau_max: dropped (wasted), else C_i stored and
 *           S = server.receive(S, upload, x_{v_i}, tau)
 * TIMER:    S = server.timer(S, tag)
 * AVAIL.:   the session is lost: its state is not stored, its work is wasted, bits sent before counted
 * a new server version: check the model is finite, evaluate every evalEvery versions, report, checkpoint
 * stop after config.rounds() versions (or at maxTime)
 * </pre>
 *
 * <p><b>Determinism.</b> Sessions that have started train concurrently; the loop consumes their results in event
 * order and waits for a session only when its earliest possible event time (start + latency + download time + the
 * algorithm's declared minimum work / speed, or an earlier failure) is not after the next queued event. Sequence
 * numbers are reserved in event order. So the same seed gives the same bits for any number of threads.
 *
 * <p>A simulation object runs once ({@link #run()} or {@link #resume}); it is not thread-safe.
 *
 * @param <S> the (asynchronous) server state
 * @param <C> the client state
 */
public final class TimedSimulation<S, C> {
    private static final Logger LOG = LoggerFactory.getLogger(TimedSimulation.class);

    static {
        // bound the process's resident memory relative to the heap, if ND4J has not loaded yet (see NativeMemory)
        NativeMemory.configure();
    }
    private static final long OPEN_GAP_KEY = -2;
    private static final long FIRST_FILL_KEY = -3;

    private final SimulationConfig config;
    private final AsyncAlgorithm<S, C> algorithm;
    private final SyncRounds<?, C> rounds;
    private final Model model;
    private final FederatedData data;
    private final Compressor uplinkCompressor;
    private final Compressor downlinkCompressor;
    private final INDArray initialParameters;
    private final Schedule schedule;
    private final DeviceModel devices;
    private final AvailabilityModel availabilityModel;
    private final DropoutModel dropout;
    private final Participation participation;
    private final double maxTime;
    private final List<TimeListener> listeners;
    private final StateStoreFactory stores;
    private final CheckpointPolicy checkpoints;
    private final LedgerOptions ledgerOptions;
    private final SeedTree seeds;
    private final int[] clientSizes;
    private final AlgorithmSetup setup;
    private final LocalClientRunner<C> runner;
    private final long maxStaleness;
    private boolean ran;

    private TimedSimulation(Builder<S, C> b) {
        if (b.config == null) {
            throw new IllegalArgumentException("config must be set");
        }
        if (b.model == null) {
            throw new IllegalArgumentException("model must be set");
        }
        if (b.data == null) {
            throw new IllegalArgumentException("data must be set");
        }
        if (b.schedule == null) {
            throw new IllegalArgumentException("schedule must be set (Schedule.rounds(), closed(C), poisson(rate) "
                    + "or everyInterval(seconds))");
        }
        this.config = b.config;
        this.algorithm = b.algorithm;
        this.rounds = b.rounds;
        this.model = b.model;
        this.data = b.data.as(config.precision());
        this.schedule = b.schedule;
        int n = data.clientCount();
        io.github.fl4j.core.data.DataChecks.check(data, model);
        if (data.featureCount() <= 0) {
            throw new IllegalArgumentException("data must have at least one feature, had " + data.featureCount());
        }
        this.devices = b.devices != null ? b.devices : Devices.constant(1.0, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        this.availabilityModel = b.availability != null ? b.availability : AvailabilityModels.always();
        this.dropout = b.dropout != null ? b.dropout : Dropouts.none();
        this.maxTime = b.maxTime;
        if (rounds == null && schedule.kind() == Schedule.Kind.ROUNDS) {
            throw new IllegalArgumentException(algorithm.name() + " is asynchronous; the rounds schedule runs "
                    + "synchronous algorithms (use closed(C), poisson(rate) or everyInterval(seconds))");
        }
        if (rounds != null && schedule.kind() != Schedule.Kind.ROUNDS) {
            throw new IllegalArgumentException(algorithm.name() + " is synchronous; the schedule "
                    + schedule.describe() + " needs an asynchronous algorithm (FedAsync, FedBuff, FedFix, ...); "
                    + "use Schedule.rounds() with deadlines, first-K or over-selection instead");
        }
        if (schedule.kind() == Schedule.Kind.REPLAY) {
            for (int k = 0; k < schedule.replayLength(); k++) {
                if (schedule.replayClient(k) >= n) {
                    throw new IllegalArgumentException("replay start " + k + " names client "
                            + schedule.replayClient(k) + ", but there are " + n + " clients");
                }
            }
        }
        if (schedule.kind() == Schedule.Kind.CLOSED && schedule.concurrency() > n) {
            throw new IllegalArgumentException("concurrency must be <= the number of clients " + n + ", was "
                    + schedule.concurrency());
        }
        if (schedule.kind() == Schedule.Kind.ROUNDS) {
            if (config.clientsPerRound() > n && b.participation == null) {
                throw new IllegalArgumentException("clientsPerRound must be <= the number of clients " + n
                        + ", was " + config.clientsPerRound());
            }
            if (schedule.overSelectionFactor() > 1 && b.participation != null) {
                throw new IllegalArgumentException("overSelection selects clients uniformly; it cannot be "
                        + "combined with the participation model " + b.participation.describe());
            }
            this.participation = b.participation != null ? b.participation
                    : new UniformParticipation(config.clientsPerRound());
            if (rounds != null) {
                io.github.fl4j.core.sim.InputChecks.checkParticipation(config, participation,
                        b.participation != null, n, rounds.synchronous());
            }
        } else {
            if (b.participation != null) {
                throw new IllegalArgumentException("a participation model applies to the rounds schedule; under "
                        + schedule.describe() + " the arrival model chooses the clients");
            }
            this.participation = null;
        }
        this.maxStaleness = schedule.kind() == Schedule.Kind.ROUNDS ? 0 : schedule.maxStalenessValue();
        this.uplinkCompressor = b.uplink != null ? b.uplink : IdentityCompressor.INSTANCE;
        this.downlinkCompressor = b.downlink != null ? b.downlink : IdentityCompressor.INSTANCE;
        algorithm.checkCompressors(uplinkCompressor, downlinkCompressor);
        if (rounds != null && rounds.synchronous().requiresEveryClientEveryRound()) {
            String why = null;
            if (!(participation.describe().equals(Participation.all().describe())
                    || config.clientsPerRound() == n && b.participation == null)) {
                why = "the participation " + participation.describe() + " selects fewer than all " + n + " clients";
            } else if (!schedule.waitsForAll()) {
                why = "the schedule " + schedule.describe() + " may close a round without every client";
            } else if (!availabilityModel.alwaysOnline()) {
                why = "the availability " + availabilityModel.describe() + " takes clients offline";
            } else if (!dropout.neverFails()) {
                why = "the dropout model " + dropout.describe() + " loses sessions";
            }
            if (why != null) {
                throw new IllegalArgumentException(algorithm.name() + " needs every client in every round, but "
                        + why + "; use its partial-participation variant or a schedule that waits for all");
            }
        }
        this.seeds = new SeedTree(config.seed());
        this.clientSizes = data.clientSizes();
        this.setup = new AlgorithmSetup(model.dimension(), clientSizes, config.precision(), uplinkCompressor,
                downlinkCompressor);
        if (b.initialParameters != null) {
            if (b.initialParameters.length() != model.dimension()) {
                throw new IllegalArgumentException("initialParameters length must be " + model.dimension()
                        + " (the model dimension), was " + b.initialParameters.length());
            }
            io.github.fl4j.core.data.DataChecks.requireFiniteParameters(b.initialParameters, "initialParameters");
            this.initialParameters = b.initialParameters.castTo(config.precision().dataType()).dup();
            io.github.fl4j.core.data.DataChecks.requireFiniteParameters(this.initialParameters, "initialParameters in "
                    + config.precision() + " (a value beyond the precision's range)");
        } else {
            this.initialParameters = null;
        }
        this.listeners = List.copyOf(b.listeners);
        this.stores = b.stores != null ? b.stores : StateStoreFactory.inMemory();
        this.checkpoints = b.checkpoints;
        this.ledgerOptions = b.ledger != null ? b.ledger : LedgerOptions.defaults();
        this.runner = new LocalClientRunner<>(algorithm.name(), algorithm.client(), algorithm.uplinkVectors(), model,
                data, uplinkCompressor, seeds, config.precision(), null);
    }

    /** A builder for a simulation of an asynchronous algorithm. */
    public static <S, C> Builder<S, C> builder(AsyncAlgorithm<S, C> algorithm) {
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm must not be null");
        }
        return new Builder<>(algorithm, null);
    }

    /**
     * A builder for a simulation of a synchronous algorithm in time, under {@link Schedule#rounds()} (with its
     * deadlines, first-K and over-selection). With every device equal, no dropouts and a waiting-for-all schedule
     * it computes exactly what {@link io.github.fl4j.core.sim.Simulation} does, and adds the virtual time of every
     * round.
     */
    public static <S0, C> Builder<?, C> synchronous(FederatedAlgorithm<S0, C> algorithm) {
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm must not be null");
        }
        SyncRounds<S0, C> adapter = new SyncRounds<>(algorithm);
        return new Builder<>(adapter, adapter).schedule(Schedule.rounds());
    }

    /** Runs from virtual time 0 until {@code config.rounds()} server versions (or {@code maxTime}). */
    public TimedResult<S> run() {
        claim();
        return execute(null);
    }

    /**
     * Continues the run from the newest complete checkpoint in {@code directory}; bit-identical to an
     * uninterrupted run (timings aside). The simulation must be built as the one that wrote it.
     *
     * @throws IOException              if there is no complete checkpoint or it is damaged (naming file and offset)
     * @throws IllegalArgumentException if it was written by another configuration (naming every difference)
     */
    public TimedResult<S> resume(Path directory) throws IOException {
        Path latest = CheckpointDirectory.latest(directory).orElseThrow(() -> new IOException(
                "no complete checkpoint (checkpoint-NNNNNN.fl4j) in " + directory));
        return resumeFrom(latest);
    }

    /** Continues the run from one checkpoint file; see {@link #resume(Path)}. */
    public TimedResult<S> resumeFrom(Path checkpoint) throws IOException {
        claim();
        Engine e = new Engine();
        e.read(checkpoint);
        return execute(e);
    }

    private void claim() {
        if (ran) {
            throw new IllegalStateException("a TimedSimulation runs once; build a new one");
        }
        ran = true;
    }

    private TimedResult<S> execute(Engine resumed) {
        NativeThreads.useOneThreadPerOp();
        NativeMemory.checkAtStart();
        Engine e = resumed;
        try {
            if (e == null) {
                e = new Engine();
                e.fresh();
            }
            try {
                e.ledger.attach(ledgerOptions);
            } catch (IOException x) {
                throw new java.io.UncheckedIOException("the ledger entry file cannot be opened: " + x.getMessage(), x);
            }
            return e.loop();
        } finally {
            boolean idle = e == null || e.shutdown();
            // free what the run allocated off-heap now, not when the collector gets to it: the workers' workspaces
            // and the message pools once no task can use them, the model's per-thread scratch (waits for a call)
            long bytes = model.releaseScratch();
            if (idle) {
                bytes += runner.release();
                if (e != null) {
                    bytes += e.releaseBuffers();
                }
            }
            LOG.debug("freed {} native bytes at the end of the run", bytes);
        }
    }

    /**
     * What identifies this run for checkpoints: every entry must be equal for a checkpoint to be resumed.
     */
    public SortedMap<String, String> identity() {
        SortedMap<String, String> m = new TreeMap<>();
        m.put("engine", "timed");
        m.put("algorithm", algorithm.name());
        m.put("model", model.toString());
        m.put("data", data.clientCount() + " clients, " + data.featureCount() + " features, sizes "
                + Integer.toHexString(Arrays.hashCode(clientSizes)) + ", " + data.test().size() + " test samples");
        m.put("schedule", schedule.describe());
        m.put("participation", participation == null ? "-" : participation.describe());
        m.put("devices", devices.describe());
        m.put("availability", availabilityModel.describe());
        m.put("dropout", dropout.describe());
        m.put("uplink", uplinkCompressor.toString());
        m.put("downlink", downlinkCompressor.toString());
        m.put("seed", Long.toString(config.seed()));
        m.put("precision", config.precision().toString());
        m.put("initialParameters", initialParameters == null ? "model initialiser" : "explicit");
        return m;
    }

    /** The configuration. */
    public SimulationConfig config() {
        return config;
    }

    /** The algorithm (for a synchronous algorithm, its adapter to the event loop). */
    public AsyncAlgorithm<S, C> algorithm() {
        return algorithm;
    }

    /** The schedule. */
    public Schedule schedule() {
        return schedule;
    }

    /** The device model. */
    public DeviceModel devices() {
        return devices;
    }

    /** The data, in the run's precision. */
    public FederatedData data() {
        return data;
    }

    /** The model. */
    public Model model() {
        return model;
    }

    /** The synchronous algorithm's own server state inside an adapter state, or {@code state} itself. */
    public Object algorithmState(S state) {
        return state instanceof SyncRounds.State<?> s ? s.server() : state;
    }

    /** A session: a client's download, local work and upload. */
    private final class Session {
        long id;
        int client;
        int key;
        int round;
        boolean started;
        double startTime;
        long startVersion;
        long endSeq = -1;
        int steps;
        Message startMessage;
        long[] downBits;
        long downTotal;
        Device device;
        double jitter;
        FailurePoint failure;
        double offTime;
        double downSeconds;
        long minWork;
        double lowerBound;
        Future<ClientOutcome<C>> future;
        ClientOutcome<C> outcome;
        C before;
        BufferPool buffers;
        double endTime;
        double eventTime;
    }

    /** Clients not in a session, in an order that is a pure function of the run (O(1) add, remove, pick). */
    private static final class IdleSet {
        final int[] ids;
        final int[] pos;
        int count;

        IdleSet(int n) {
            ids = new int[n];
            pos = new int[n];
            for (int i = 0; i < n; i++) {
                ids[i] = i;
                pos[i] = i;
            }
            count = n;
        }

        boolean contains(int c) {
            return pos[c] < count;
        }

        void remove(int c) {
            int p = pos[c];
            if (p >= count) {
                throw new IllegalStateException("client " + c + " is already in a session");
            }
            int last = ids[count - 1];
            ids[p] = last;
            pos[last] = p;
            ids[count - 1] = c;
            pos[c] = count - 1;
            count--;
        }

        void add(int c) {
            int p = pos[c];
            if (p < count) {
                throw new IllegalStateException("client " + c + " is not in a session");
            }
            int first = ids[count];
            ids[p] = first;
            pos[first] = p;
            ids[count] = c;
            pos[c] = count;
            count++;
        }

        void write(DataOutput out) throws IOException {
            out.writeInt(count);
            out.writeInt(ids.length);
            for (int id : ids) {
                out.writeInt(id);
            }
        }

        void read(DataInput in) throws IOException {
            int c = in.readInt();
            int n = in.readInt();
            if (n != ids.length || c < 0 || c > n) {
                throw new IOException("idle set of " + n + " clients (" + c + " idle) does not fit a population of "
                        + ids.length);
            }
            for (int i = 0; i < n; i++) {
                ids[i] = in.readInt();
                pos[ids[i]] = i;
            }
            count = c;
        }
    }

    /** The run state and the event loop. */
    private final class Engine {
        final int n = data.clientCount();
        final EventQueue queue = new EventQueue();
        final Map<Long, Session> sessions = new HashMap<>();
        final PriorityQueue<Session> pending = new PriorityQueue<>((a, b) -> {
            int c = Double.compare(a.lowerBound, b.lowerBound);
            return c != 0 ? c : Long.compare(a.endSeq, b.endSeq);
        });
        final IdleSet idle = new IdleSet(n);
        final java.util.ArrayDeque<BufferPool> freeBuffers = new java.util.ArrayDeque<>();
        final int[] dispatches = new int[n];
        final int[] applied = new int[n];
        ClientStateStore<C> clients;
        ServerTables tables;
        CommunicationLedger ledger = new CommunicationLedger(ledgerOptions);
        final List<TimeReport> reports = new ArrayList<>();
        Participation.Process process;
        Availability availability;
        AsyncContext ctx;
        ExecutorService pool;
        S server;
        double time;
        long version;
        long seq;
        long events;
        long nextSession;
        long scheduleDraws;
        long openArrivals;
        // since the previous version
        int sinceArrivals;
        double sinceLoss;
        double sinceStaleness;
        long sinceMaxStaleness = -1;
        long[] sinceCounts = new long[4];
        long sinceUp;
        long sinceDown;
        long wallStart;
        // cumulative
        long[] histogram = new long[8];
        long started;
        long completed;
        long failed;
        long droppedStale;
        long skippedStarts;
        long wastedUpdates;
        long wastedBits;
        long wastedWork;
        long work;
        boolean checkpointDue;
        boolean roundDue;
        // a copy of the server model at the last version (finite), for a failed run's partial result
        INDArray lastFinite;

        Engine() {
            clients = stores.create("clients", algorithm.clientStateCodec());
            tables = new ServerTables(stores);
            availability = availabilityModel.start(n, seeds);
            if (participation != null) {
                process = participation.start(n, seeds);
            }
            ctx = new AsyncContext(clientSizes, seeds, config.precision(), tables,
                    (t, tag) -> queue.push(t, EventKind.TIMER, seq++, -1, tag));
            int threads = config.threads();
            pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
                Thread th = new Thread(r, "fl4j-timed-worker");
                th.setDaemon(true);
                return th;
            }) : null;
        }

        /** Stops the workers and closes the ledger and the stores; true when no task can still be running. */
        boolean shutdown() {
            boolean idle = pool == null || io.github.fl4j.core.sim.LocalExecutionEngine.awaitShutdown(pool);
            ledger.close();
            clients.close();
            tables.close();
            return idle;
        }

        /** Frees the message pools (free ones and those of sessions still open) and the last-model copy. */
        long releaseBuffers() {
            long bytes = 0;
            for (BufferPool b : freeBuffers) {
                bytes += b.release();
            }
            freeBuffers.clear();
            for (Session s : sessions.values()) {
                if (s.buffers != null) {
                    bytes += s.buffers.release();
                }
            }
            if (lastFinite != null) {
                lastFinite.close();
                lastFinite = null;
            }
            return bytes;
        }

        void fresh() {
            INDArray x0 = Tensors.zeros(config.precision(), model.dimension());
            if (initialParameters != null) {
                Tensors.copy(initialParameters, x0);
            } else {
                model.initialParameters(seeds.stream(Purpose.INIT), x0);
                io.github.fl4j.core.data.DataChecks.requireFiniteParameters(x0, model + ".initialParameters");
            }
            server = algorithm.initServerState(x0, setup);
            ctx.at(0, 0, 0);
            server = algorithm.server().start(server, ctx);
            if (algorithm.server().version(server) != 0) {
                throw new IllegalStateException(algorithm.name() + " must start at version 0, was "
                        + algorithm.server().version(server));
            }
            switch (schedule.kind()) {
                case ROUNDS -> beginRound(0);
                case CLOSED -> {
                    // the first C clients are a uniform set, started in increasing id order (like a round's
                    // participants), so that with C = N and equal durations arrivals come in id order
                    RandomStream fill = seeds.stream(Purpose.SCHEDULE, SeedTree.GLOBAL, FIRST_FILL_KEY);
                    int[] first;
                    if (availabilityModel.alwaysOnline()) {
                        first = drawIdle(schedule.concurrency(), fill);
                    } else {
                        // uniform among the online clients (or the first to come online), one by one
                        int[] picked = new int[schedule.concurrency()];
                        int k = 0;
                        while (k < picked.length && idle.count > 0) {
                            int c = pickIdle(0, fill);
                            if (c < 0) {
                                break;
                            }
                            idle.remove(c);
                            picked[k++] = c;
                        }
                        first = Arrays.copyOf(picked, k);
                        for (int c : first) {
                            idle.add(c);
                        }
                        Arrays.sort(first);
                        skippedStarts += picked.length - k;
                    }
                    for (int c : first) {
                        newSession(c, availability.nextAvailable(c, 0), dispatches[c] + 1, 0);
                    }
                }
                case POISSON, INTERVAL -> queue.push(gap(0), EventKind.CLIENT_START, seq++, -1, -1);
                case REPLAY -> queue.push(schedule.replayTime(0), EventKind.CLIENT_START, seq++, -1, 0);
                default -> throw new IllegalStateException();
            }
        }

        double gap(double t) {
            long k = openArrivals++;
            if (schedule.kind() == Schedule.Kind.INTERVAL) {
                return t + 1.0 / schedule.rate();
            }
            RandomStream r = seeds.stream(Purpose.SCHEDULE, k, OPEN_GAP_KEY);
            return t - Math.log(1.0 - r.nextDouble()) / schedule.rate();
        }

        /**
         * Runs the events; on a failure attaches the partial result to the exception (an {@code OutOfMemoryError}
         * becomes a {@link SimulationException} naming the version) and hands it to the listeners' onFailure.
         */
        TimedResult<S> loop() {
            try {
                return events();
            } catch (OutOfMemoryError e) {
                SimulationException f = SimulationException.outOfMemory((int) version + 1,
                        SimulationException.SERVER, config.seed(), e);
                throw failed(f, f::withPartialResult);
            } catch (SimulationException e) {
                throw failed(e, e::withPartialResult);
            } catch (io.github.fl4j.core.sim.RunCancelledException e) {
                throw failed(e, e::withPartialResult);
            } catch (RuntimeException e) {
                throw failed(e, r -> { });
            }
        }

        <E extends RuntimeException> E failed(E e, java.util.function.Consumer<TimedResult<S>> attach) {
            TimedResult<S> partial = null;
            try {
                partial = result(lastFinite != null ? lastFinite.dup() : algorithm.server().model(server).dup());
                attach.accept(partial);
            } catch (RuntimeException | OutOfMemoryError x) {
                e.addSuppressed(x);
            }
            for (TimeListener l : listeners) {
                try {
                    l.onFailure(e, partial);
                } catch (RuntimeException x) {
                    e.addSuppressed(x);
                }
            }
            return e;
        }

        /** The result as things stand, with the given final parameters. */
        TimedResult<S> result(INDArray finalParameters) {
            return new TimedResult<>(algorithm.name(), config, List.copyOf(reports), finalParameters, server, ledger,
                    Arrays.copyOf(histogram, histLength()), new TimedResult.Counts(events, started, completed, failed,
                    droppedStale, skippedStarts, wastedUpdates, wastedBits, wastedWork, work), applied.clone(), time);
        }

        TimedResult<S> events() {
            lastFinite = algorithm.server().model(server).dup();
            for (TimeListener l : listeners) {
                l.onStart(TimedSimulation.this);
            }
            LOG.info("{}: {} on {}, {} versions{}, {}, devices {}, availability {}, dropout {}, {} threads, seed {}",
                    algorithm.name(), model, data, config.rounds(),
                    version > 0 ? " (resumed at version " + version + ", t=" + time + " s)" : "",
                    schedule.describe(), devices.describe(), availabilityModel.describe(), dropout.describe(),
                    config.threads(), config.seed());
            if (version > config.rounds()) {
                throw new IllegalArgumentException("the checkpoint is at version " + version
                        + ", after the configured rounds " + config.rounds());
            }
            wallStart = System.nanoTime();
            while (version < config.rounds()) {
                if (roundDue) {
                    roundDue = false;
                    beginRound(time);
                    maybeCheckpoint();
                    continue;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new io.github.fl4j.core.sim.RunCancelledException(version + 1, "the run was interrupted at "
                            + "t=" + time + " s before version " + (version + 1) + " (seed " + config.seed() + ")");
                }
                settle();
                if (queue.isEmpty()) {
                    LOG.warn("no more events at t={} s after version {}: every remaining client is offline for "
                            + "good", time, version);
                    break;
                }
                if (queue.peekTime() > maxTime) {
                    break;
                }
                queue.poll();
                double t = queue.time();
                if (t < time) {
                    throw new IllegalStateException("virtual time went back from " + time + " to " + t);
                }
                time = t;
                events++;
                long v0 = version;
                switch (queue.kind()) {
                    case CLIENT_END -> end(sessions.remove(queue.payload()));
                    case AVAILABILITY -> fail(sessions.remove(queue.payload()));
                    case TIMER -> {
                        ctx.at(time, queue.seq(), sessions.size());
                        S s = callServer(() -> algorithm.server().timer(server, (int) queue.payload(), ctx));
                        newState(s);
                    }
                    case CLIENT_START -> {
                        if (queue.client() < 0) {
                            openArrival();
                        } else {
                            start(sessions.get(queue.payload()));
                        }
                    }
                    default -> throw new IllegalStateException();
                }
                if (version != v0) {
                    String memory = NativeMemory.overLimit();
                    if (memory != null) {
                        throw new SimulationException((int) version + 1, SimulationException.SERVER, config.seed(),
                                "out of memory after version " + version + " at t=" + time + " s: " + memory, null);
                    }
                    maybeCheckpoint();
                }
            }
            TimedResult<S> result = result(algorithm.server().model(server).dup());
            for (TimeListener l : listeners) {
                l.onFinish(result);
            }
            return result;
        }

        int histLength() {
            int k = histogram.length;
            while (k > 0 && histogram[k - 1] == 0) {
                k--;
            }
            return k;
        }

        /** Waits for every training result that could produce the next event. */
        void settle() {
            while (!pending.isEmpty()) {
                Session s = pending.peek();
                if (!queue.isEmpty() && s.lowerBound > queue.peekTime()) {
                    return;
                }
                pending.poll();
                complete(s);
            }
        }

        void complete(Session s) {
            ClientOutcome<C> o;
            try {
                o = s.future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                io.github.fl4j.core.sim.RunCancelledException c = new io.github.fl4j.core.sim.RunCancelledException(
                        version + 1, "the run was interrupted at t=" + time + " s while waiting for client "
                        + s.client + " (seed " + config.seed() + ")");
                c.initCause(e);
                throw c;
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                throw new SimulationException((int) (s.startVersion + 1), s.client, config.seed(),
                        "session " + s.key + " of the client (started at t=" + s.startTime + " s on version "
                                + s.startVersion + ") failed: " + c.getMessage(), c);
            }
            s.future = null;
            s.outcome = o;
            if (o.work() < s.minWork) {
                throw new IllegalStateException(algorithm.name() + " declares a minimum work of " + s.minWork
                        + " samples but client " + s.client + " processed " + o.work());
            }
            long up = 0;
            for (long b : o.uplinkBits()) {
                up += b;
            }
            Device d = s.device;
            double duration = d.latencySeconds() + s.downSeconds + d.computeSeconds(o.work(), s.jitter)
                    + d.uploadSeconds(up);
            s.endTime = s.startTime + duration;
            double failAt = s.startTime + s.failure.failureOffset(duration);
            s.eventTime = Math.min(s.endTime, Math.min(failAt, s.offTime));
            if (s.eventTime < s.lowerBound) {
                throw new IllegalStateException("session of client " + s.client + " ends at " + s.eventTime
                        + " before its lower bound " + s.lowerBound);
            }
            EventKind k = s.eventTime < s.endTime ? EventKind.AVAILABILITY : EventKind.CLIENT_END;
            queue.push(s.eventTime, k, s.endSeq, s.client, s.id);
        }

        // ---- arrival models

        void beginRound(double t) {
            int r = (int) version + 1;
            if (r > config.rounds()) {
                return;
            }
            int[] chosen;
            int target = schedule.firstK();
            if (schedule.overSelectionFactor() > 1) {
                int m = config.clientsPerRound();
                int mm = (int) Math.min(idle.count, Math.ceil(schedule.overSelectionFactor() * m));
                chosen = drawIdle(mm, seeds.stream(Purpose.SCHEDULE, r, SeedTree.GLOBAL));
                target = target == 0 ? m : Math.min(target, m);
            } else {
                chosen = process.select(r, seeds.stream(Purpose.PARTICIPATION, r, SeedTree.GLOBAL));
            }
            List<Integer> withSessions = new ArrayList<>(chosen.length);
            for (int c : chosen) {
                if (c < 0 || c >= n) {
                    throw new SimulationException(r, SimulationException.SERVER, config.seed(),
                            participation.describe() + " selected client " + c + " outside [0, " + n + ")", null);
                }
                if (!idle.contains(c)) {
                    continue;
                }
                double ts = availability.nextAvailable(c, t);
                if (Double.isInfinite(ts)) {
                    continue;
                }
                newSession(c, ts, r, r);
                withSessions.add(c);
            }
            int[] ids = withSessions.stream().mapToInt(Integer::intValue).sorted().toArray();
            @SuppressWarnings("unchecked")
            SyncRounds<Object, C> adapter = (SyncRounds<Object, C>) rounds;
            @SuppressWarnings("unchecked")
            SyncRounds.State<Object> st = (SyncRounds.State<Object>) server;
            ctx.at(t, seq, sessions.size());
            int k = target;
            S s = callServer(() -> {
                @SuppressWarnings("unchecked")
                S next = (S) adapter.beginRound(st, r, ids, k, t + schedule.deadline(), ctx);
                return next;
            });
            newState(s);
        }

        int[] drawIdle(int m, RandomStream rng) {
            int[] pick = new int[m];
            int[] copy = Arrays.copyOf(idle.ids, idle.count);
            for (int i = 0; i < m; i++) {
                int j = i + rng.nextInt(copy.length - i);
                int tmp = copy[i];
                copy[i] = copy[j];
                copy[j] = tmp;
                pick[i] = copy[i];
            }
            Arrays.sort(pick);
            return pick;
        }

        /**
         * An idle client drawn uniformly among the idle clients online at {@code t} (rejection sampling, then a scan);
         * when none is online, the idle client that comes online first (ties: the lowest id); -1 when no idle client
         * ever comes online again.
         */
        int pickIdle(double t, RandomStream r) {
            if (availabilityModel.alwaysOnline()) {
                return idle.ids[r.nextInt(idle.count)];
            }
            for (int k = 0; k < 32; k++) {
                int c = idle.ids[r.nextInt(idle.count)];
                if (availability.nextAvailable(c, t) == t) {
                    return c;
                }
            }
            int[] online = new int[idle.count];
            int m = 0;
            int first = -1;
            double firstTime = Double.POSITIVE_INFINITY;
            for (int i = 0; i < idle.count; i++) {
                int c = idle.ids[i];
                double a = availability.nextAvailable(c, t);
                if (a == t) {
                    online[m++] = c;
                } else if (a < firstTime || (a == firstTime && c < first)) {
                    first = c;
                    firstTime = a;
                }
            }
            if (m > 0) {
                return online[r.nextInt(m)];
            }
            return first;
        }

        /**
         * Closed system: one more client starts: drawn uniformly among the idle clients that are online now, or, when
         * none is, the idle client that comes online first (it starts then).
         */
        void dispatchOne(double t) {
            if (idle.count == 0) {
                return;
            }
            RandomStream r = seeds.stream(Purpose.SCHEDULE, scheduleDraws++, SeedTree.GLOBAL);
            int c = pickIdle(t, r);
            if (c < 0) {
                skippedStarts++;
                return;
            }
            newSession(c, availability.nextAvailable(c, t), dispatches[c] + 1, 0);
        }

        void openArrival() {
            double t = time;
            int c;
            if (schedule.kind() == Schedule.Kind.REPLAY) {
                int k = (int) queue.payload();
                if (k + 1 < schedule.replayLength()) {
                    queue.push(schedule.replayTime(k + 1), EventKind.CLIENT_START, seq++, -1, k + 1);
                }
                c = schedule.replayClient(k);
                if (!idle.contains(c)) {
                    skippedStarts++;
                    return;
                }
            } else {
                queue.push(gap(t), EventKind.CLIENT_START, seq++, -1, -1);
                if (idle.count == 0) {
                    skippedStarts++;
                    return;
                }
                RandomStream r = seeds.stream(Purpose.SCHEDULE, scheduleDraws++, SeedTree.GLOBAL);
                c = pickIdle(t, r);
                if (c < 0) {
                    skippedStarts++;
                    return;
                }
            }
            double ts = availability.nextAvailable(c, t);
            if (Double.isInfinite(ts)) {
                skippedStarts++;
                return;
            }
            if (ts == t) {
                Session s = newSessionNoEvent(c, t, dispatches[c] + 1, 0);
                start(s);
            } else {
                newSession(c, ts, dispatches[c] + 1, 0);
            }
        }

        void newSession(int c, double ts, int key, int round) {
            Session s = newSessionNoEvent(c, ts, key, round);
            queue.push(ts, EventKind.CLIENT_START, seq++, c, s.id);
        }

        Session newSessionNoEvent(int c, double ts, int key, int round) {
            idle.remove(c);
            dispatches[c]++;
            Session s = new Session();
            s.id = nextSession++;
            s.client = c;
            s.key = key;
            s.round = round;
            s.startTime = ts;
            sessions.put(s.id, s);
            return s;
        }

        // ---- events

        void start(Session s) {
            if (rounds != null && s.round != version + 1) {
                // its round closed before the client came online: the session never starts
                sessions.remove(s.id);
                idle.add(s.client);
                skippedStarts++;
                return;
            }
            s.started = true;
            s.startTime = time;
            s.startVersion = version;
            ctx.at(time, queue.seq(), sessions.size());
            ctx.beginDispatch();
            Message msg = callServerMessage(() -> algorithm.server().dispatch(server, s.client, ctx));
            s.steps = ctx.endDispatch();
            if (msg == null || msg.size() != algorithm.downlinkVectors()) {
                throw new SimulationException((int) version + 1, SimulationException.SERVER, config.seed(),
                        algorithm.name() + " declares " + algorithm.downlinkVectors() + " downlink vectors but "
                                + "dispatched " + (msg == null ? "null" : msg.size()), null);
            }
            s.buffers = buffers();
            Channel down = new Channel(Direction.DOWNLINK, (int) version + 1, s.client, downlinkCompressor,
                    seeds.stream(Purpose.DOWNLINK_COMPRESSION, s.key, s.client), s.buffers);
            for (int j = 0; j < msg.size(); j++) {
                down.send(msg.vector(j), msg.encoding(j));
            }
            s.startMessage = down.message();
            s.downBits = down.bitsPerVector();
            for (int j = 0; j < s.downBits.length; j++) {
                ledger.record((int) version + 1, Direction.DOWNLINK, s.client, j, s.downBits[j]);
                s.downTotal += s.downBits[j];
            }
            sinceDown += s.downTotal;
            started++;
            launch(s);
        }

        BufferPool buffers() {
            BufferPool b = freeBuffers.pollFirst();
            return b != null ? b : new BufferPool();
        }

        /** Returns a finished session's message vectors for reuse (after the server has seen them). */
        void recycle(Session s) {
            s.buffers.recycle();
            freeBuffers.addLast(s.buffers);
            s.buffers = null;
            s.startMessage = null;
            s.outcome = null;
        }

        /** Computes the session's device, failure and lower bound, and submits its training. */
        void launch(Session s) {
            C state = clients.get(s.client);
            if (state == null) {
                state = algorithm.initClientState(s.client, setup);
            }
            s.before = state;
            s.device = devices.device(s.client, seeds);
            s.jitter = devices.computeJitter(s.client, s.key, seeds);
            if (!(s.jitter > 0) || Double.isInfinite(s.jitter)) {
                throw new IllegalStateException(devices.describe() + " gave client " + s.client
                        + " a compute jitter of " + s.jitter + " (must be finite and > 0)");
            }
            s.failure = dropout.draw(seeds.stream(Purpose.DROPOUT, s.key, s.client));
            s.offTime = availabilityModel.alwaysOnline() ? Double.POSITIVE_INFINITY
                    : availability.availableUntil(s.client, s.startTime);
            s.downSeconds = s.device.downloadSeconds(s.downTotal);
            s.minWork = Math.max(0, algorithm.minimumWork(clientSizes[s.client], s.steps));
            double minDuration = s.device.latencySeconds() + s.downSeconds
                    + s.device.computeSeconds(s.minWork, s.jitter);
            s.lowerBound = Math.min(s.startTime + minDuration, Math.min(s.offTime,
                    s.startTime + s.failure.failureLowerBound(minDuration)));
            if (s.endSeq < 0) {
                s.endSeq = seq++;
            }
            ClientTask<C> task = new ClientTask<>(s.client, s.key, s.startMessage, state, s.steps);
            if (s.buffers == null) {
                s.buffers = buffers();
            }
            BufferPool buffers = s.buffers;
            if (pool == null) {
                CompletableFuture<ClientOutcome<C>> f = new CompletableFuture<>();
                try {
                    f.complete(runner.run(task, buffers));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
                s.future = f;
            } else {
                s.future = pool.submit(() -> runner.run(task, buffers));
            }
            pending.add(s);
        }

        void end(Session s) {
            ClientOutcome<C> o = s.outcome;
            long tau = version - s.startVersion;
            long up = 0;
            long[] bits = o.uplinkBits();
            for (int j = 0; j < bits.length; j++) {
                ledger.record((int) version + 1, Direction.UPLINK, s.client, j, bits[j]);
                up += bits[j];
            }
            sinceUp += up;
            work += o.work();
            idle.add(s.client);
            ctx.at(time, queue.seq(), sessions.size());
            trace(s, tau, tau > maxStaleness ? SessionRecord.Outcome.DROPPED_STALE : SessionRecord.Outcome.APPLIED);
            if (tau > maxStaleness) {
                droppedStale++;
                waste(s, up, o.work());
                releaseStates(s, o);
                S next = callServer(() -> algorithm.server().lost(server, s.client, s.startVersion, ctx));
                newState(next);
            } else {
                completed++;
                clients.put(s.client, o.state());
                releaseStates(s, o);
                applied[s.client]++;
                Arrival a = new Arrival(s.client, clientSizes[s.client], o.upload(), s.startMessage, s.startVersion,
                        tau, s.startTime, time, s.key, s.steps, o.trainLoss());
                sinceArrivals++;
                sinceLoss += o.trainLoss();
                sinceStaleness += tau;
                sinceMaxStaleness = Math.max(sinceMaxStaleness, tau);
                sinceCounts = count(sinceCounts, tau);
                histogram = count(histogram, tau);
                S next = callServer(() -> algorithm.server().receive(server, a, ctx));
                newState(next);
            }
            recycle(s);
            afterSessionEnd();
        }

        void fail(Session s) {
            ClientOutcome<C> o = s.outcome;
            Device d = s.device;
            double uploadStart = s.startTime + d.latencySeconds() + s.downSeconds
                    + d.computeSeconds(o.work(), s.jitter);
            long up = 0;
            if (time > uploadStart) {
                long total = 0;
                for (long b : o.uplinkBits()) {
                    total += b;
                }
                double fraction = total == 0 ? 0 : Math.min(1.0, d.uploadSeconds(total) == 0 ? 1.0
                        : (time - uploadStart) / d.uploadSeconds(total));
                long[] bits = o.uplinkBits();
                for (int j = 0; j < bits.length; j++) {
                    long b = (long) Math.floor(bits[j] * fraction);
                    ledger.record((int) version + 1, Direction.UPLINK, s.client, j, b);
                    up += b;
                }
            }
            sinceUp += up;
            failed++;
            trace(s, -1, SessionRecord.Outcome.FAILED);
            work += o.work();
            waste(s, up, o.work());
            releaseStates(s, o);
            idle.add(s.client);
            ctx.at(time, queue.seq(), sessions.size());
            S next = callServer(() -> algorithm.server().lost(server, s.client, s.startVersion, ctx));
            newState(next);
            recycle(s);
            afterSessionEnd();
        }

        void releaseStates(Session s, ClientOutcome<C> o) {
            clients.release(o.state());
            if (s.before != o.state()) {
                clients.release(s.before);
            }
            s.before = null;
        }

        void trace(Session s, long tau, SessionRecord.Outcome outcome) {
            if (listeners.isEmpty()) {
                return;
            }
            Device d = s.device;
            long w = s.outcome.work();
            long up = 0;
            for (long b : s.outcome.uplinkBits()) {
                up += b;
            }
            SessionRecord r = new SessionRecord(s.client, s.key, s.startTime, s.startVersion, d.latencySeconds(),
                    s.downSeconds, d.computeSeconds(w, s.jitter), d.uploadSeconds(up), time, tau, outcome,
                    sessions.size(), w);
            for (TimeListener l : listeners) {
                l.onSession(r);
            }
        }

        void waste(Session s, long up, long w) {
            wastedUpdates++;
            wastedBits += up + s.downTotal;
            wastedWork += w;
        }

        void afterSessionEnd() {
            if (schedule.kind() == Schedule.Kind.CLOSED && version < config.rounds()) {
                dispatchOne(time);
            }
        }

        long[] count(long[] h, long tau) {
            if (tau >= h.length) {
                h = Arrays.copyOf(h, (int) Math.max(tau + 1, 2L * h.length));
            }
            h[(int) tau]++;
            return h;
        }

        // ---- the server

        S callServer(java.util.function.Supplier<S> call) {
            try {
                return call.get();
            } catch (SimulationException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new SimulationException((int) version + 1, SimulationException.SERVER, config.seed(),
                        "the server failed at t=" + time + " s: " + e, e);
            } catch (OutOfMemoryError e) {
                throw SimulationException.outOfMemory((int) version + 1, SimulationException.SERVER, config.seed(),
                        e);
            }
        }

        Message callServerMessage(MessageCall call) {
            try {
                return call.get();
            } catch (SimulationException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new SimulationException((int) version + 1, SimulationException.SERVER, config.seed(),
                        "the server failed at t=" + time + " s: " + e, e);
            } catch (OutOfMemoryError e) {
                throw SimulationException.outOfMemory((int) version + 1, SimulationException.SERVER, config.seed(),
                        e);
            }
        }

        void newState(S next) {
            server = next;
            long v = algorithm.server().version(next);
            if (v == version) {
                return;
            }
            if (v != version + 1) {
                throw new IllegalStateException(algorithm.name() + " went from version " + version + " to " + v
                        + " in one event; a version must advance by 1 per new model");
            }
            version = v;
            INDArray x = algorithm.server().model(next);
            long bad = Tensors.firstNonFinite(x);
            if (bad >= 0) {
                throw new SimulationException((int) v, SimulationException.SERVER, config.seed(),
                        "the server model is not finite at version " + v + ", t=" + time + " s (coordinate " + bad
                                + " is " + x.getDouble(bad) + "); lower the learning rates", null);
            }
            if (lastFinite != null) {
                Tensors.copy(x, lastFinite);
            }
            report(x);
            if (rounds != null && version < config.rounds()) {
                roundDue = true;
            }
            if (checkpoints != null && checkpoints.checkpoints((int) version, config.rounds())) {
                checkpointDue = true;
            }
        }

        void report(INDArray x) {
            double testLoss = Double.NaN;
            double testAcc = Double.NaN;
            long evalNanos = 0;
            if (config.evaluates((int) version) && data.test().size() > 0) {
                long e0 = System.nanoTime();
                Evaluation ev = model.evaluate(x, data.test());
                evalNanos = System.nanoTime() - e0;
                testLoss = ev.loss();
                testAcc = ev.accuracy();
            }
            int k = sinceCounts.length;
            while (k > 0 && sinceCounts[k - 1] == 0) {
                k--;
            }
            long now = System.nanoTime();
            TimeReport r = new TimeReport(version, time, sinceArrivals,
                    sinceArrivals == 0 ? Double.NaN : sinceLoss / sinceArrivals,
                    sinceArrivals == 0 ? Double.NaN : sinceStaleness / sinceArrivals, sinceMaxStaleness,
                    Arrays.copyOf(sinceCounts, k), sessions.size(), testLoss, testAcc, sinceUp, sinceDown,
                    ledger.totalBits(Direction.UPLINK), ledger.totalBits(Direction.DOWNLINK), wastedUpdates,
                    wastedBits, now - wallStart, evalNanos);
            wallStart = now;
            reports.add(r);
            sinceArrivals = 0;
            sinceLoss = 0;
            sinceStaleness = 0;
            sinceMaxStaleness = -1;
            Arrays.fill(sinceCounts, 0);
            sinceUp = 0;
            sinceDown = 0;
            if (LOG.isInfoEnabled() && (r.evaluated() || version == config.rounds())) {
                LOG.info("{}", r);
            }
            for (TimeListener l : listeners) {
                l.onServerModel(version, x);
                l.onVersion(r);
            }
        }

        // ---- checkpoints

        void maybeCheckpoint() {
            if (checkpointDue) {
                checkpointDue = false;
                writeCheckpoint();
            }
        }

        void writeCheckpoint() {
            Path target = CheckpointDirectory.file(checkpoints.directory(), version);
            try {
                java.nio.file.Files.createDirectories(checkpoints.directory());
                ledger.flush();
                try (CheckpointFile.Writer w = CheckpointFile.Writer.create(target, checkpoints.progress())) {
                    w.section("header", out -> {
                        out.writeUTF(CheckpointDirectory.libraryVersion());
                        out.writeLong(version);
                        CheckpointDirectory.writeIdentity(identity(), out);
                    });
                    w.section("engine", this::writeEngine);
                    w.section("queue", out -> queue.writeTo(out, (k, c, p) ->
                            k == EventKind.CLIENT_END || k == EventKind.AVAILABILITY));
                    w.section("sessions", this::writeSessions);
                    w.section("server", out -> algorithm.serverStateCodec().write(server, out));
                    w.section("clients", out -> clients.writeTo(out));
                    w.section("tables", out -> tables.writeTo(out));
                    w.section("participation", out -> {
                        out.writeBoolean(process != null);
                        if (process != null) {
                            process.writeState(out);
                        }
                    });
                    w.section("ledger", out -> ledger.write(out));
                    w.section("reports", out -> {
                        out.writeInt(reports.size());
                        for (TimeReport r : reports) {
                            writeReport(r, out);
                        }
                    });
                    w.commit();
                }
                CheckpointDirectory.prune(checkpoints.directory(), checkpoints.keep());
            } catch (IOException e) {
                throw new UncheckedIOException("checkpoint of version " + version + " in "
                        + checkpoints.directory() + " failed (the previous checkpoints are intact): "
                        + e.getMessage(), e);
            }
        }

        void writeEngine(DataOutput out) throws IOException {
            out.writeDouble(time);
            out.writeLong(version);
            out.writeLong(seq);
            out.writeLong(events);
            out.writeLong(nextSession);
            out.writeLong(scheduleDraws);
            out.writeLong(openArrivals);
            out.writeBoolean(roundDue);
            out.writeInt(sinceArrivals);
            out.writeDouble(sinceLoss);
            out.writeDouble(sinceStaleness);
            out.writeLong(sinceMaxStaleness);
            writeLongs(sinceCounts, out);
            out.writeLong(sinceUp);
            out.writeLong(sinceDown);
            writeLongs(histogram, out);
            for (long v : new long[]{started, completed, failed, droppedStale, skippedStarts, wastedUpdates,
                    wastedBits, wastedWork, work}) {
                out.writeLong(v);
            }
            idle.write(out);
            writeInts(dispatches, out);
            writeInts(applied, out);
        }

        void readEngine(DataInput in) throws IOException {
            time = in.readDouble();
            version = in.readLong();
            seq = in.readLong();
            events = in.readLong();
            nextSession = in.readLong();
            scheduleDraws = in.readLong();
            openArrivals = in.readLong();
            roundDue = in.readBoolean();
            sinceArrivals = in.readInt();
            sinceLoss = in.readDouble();
            sinceStaleness = in.readDouble();
            sinceMaxStaleness = in.readLong();
            sinceCounts = readLongs(in);
            sinceUp = in.readLong();
            sinceDown = in.readLong();
            histogram = readLongs(in);
            started = in.readLong();
            completed = in.readLong();
            failed = in.readLong();
            droppedStale = in.readLong();
            skippedStarts = in.readLong();
            wastedUpdates = in.readLong();
            wastedBits = in.readLong();
            wastedWork = in.readLong();
            work = in.readLong();
            idle.read(in);
            readInts(dispatches, in);
            readInts(applied, in);
        }

        void writeSessions(DataOutput out) throws IOException {
            List<Session> all = new ArrayList<>(sessions.values());
            all.sort((a, b) -> Long.compare(a.id, b.id));
            out.writeInt(all.size());
            for (Session s : all) {
                out.writeLong(s.id);
                out.writeInt(s.client);
                out.writeInt(s.key);
                out.writeInt(s.round);
                out.writeBoolean(s.started);
                out.writeDouble(s.startTime);
                if (s.started) {
                    out.writeLong(s.startVersion);
                    out.writeLong(s.endSeq);
                    out.writeInt(s.steps);
                    writeLongs(s.downBits, out);
                    out.writeInt(s.startMessage.size());
                    for (INDArray v : s.startMessage.vectors()) {
                        Tensors.write(v, out);
                    }
                }
            }
        }

        void readSessions(DataInput in) throws IOException {
            int count = in.readInt();
            if (count < 0 || count > n) {
                throw new IOException("session count must be in [0, " + n + "], was " + count);
            }
            for (int i = 0; i < count; i++) {
                Session s = new Session();
                s.id = in.readLong();
                s.client = in.readInt();
                if (s.client < 0 || s.client >= n) {
                    throw new IOException("session client must be in [0, " + n + "), was " + s.client);
                }
                s.key = in.readInt();
                s.round = in.readInt();
                s.started = in.readBoolean();
                s.startTime = in.readDouble();
                if (s.started) {
                    s.startVersion = in.readLong();
                    s.endSeq = in.readLong();
                    s.steps = in.readInt();
                    s.downBits = readLongs(in);
                    for (long b : s.downBits) {
                        s.downTotal += b;
                    }
                    int m = in.readInt();
                    List<INDArray> vs = new ArrayList<>(m);
                    for (int j = 0; j < m; j++) {
                        vs.add(Tensors.read(in));
                    }
                    s.startMessage = new Message(vs);
                }
                sessions.put(s.id, s);
            }
        }

        void read(Path file) throws IOException {
            SortedMap<String, String> mine = identity();
            try (CheckpointFile.Reader r = CheckpointFile.Reader.open(file)) {
                r.section("header", in -> {
                    String v = in.readUTF();
                    in.readLong();
                    String mismatch = CheckpointDirectory.readAndCompareIdentity(in, file, mine);
                    if (mismatch != null) {
                        throw new IdentityMismatch(mismatch);
                    }
                    if (!v.equals(CheckpointDirectory.libraryVersion())) {
                        LOG.warn("checkpoint {} was written by fl4j {}; this is fl4j {}", file, v,
                                CheckpointDirectory.libraryVersion());
                    }
                });
                r.section("engine", this::readEngine);
                r.section("queue", queue::readFrom);
                r.section("sessions", this::readSessions);
                r.section("server", in -> server = algorithm.serverStateCodec().read(in));
                r.section("clients", in -> clients.readFrom(in));
                r.section("tables", in -> tables.readFrom(in));
                r.section("participation", in -> {
                    boolean has = in.readBoolean();
                    if (has != (process != null)) {
                        throw new IOException("participation process present " + has + ", expected "
                                + (process != null));
                    }
                    if (has) {
                        process.readState(in);
                    }
                });
                r.section("ledger", in -> ledger = CommunicationLedger.read(in));
                r.section("reports", in -> {
                    int k = in.readInt();
                    for (int i = 0; i < k; i++) {
                        reports.add(readReport(in));
                    }
                });
                r.end();
            } catch (IOException e) {
                if (e.getCause() instanceof IdentityMismatch m) {
                    throw new IllegalArgumentException(m.getMessage(), e);
                }
                throw e;
            }
            // sessions that had started train again: a pure function of their start message, state and keys
            List<Session> all = new ArrayList<>(sessions.values());
            all.sort((a, b) -> Long.compare(a.id, b.id));
            for (Session s : all) {
                if (s.started) {
                    launch(s);
                }
            }
            LOG.info("resuming from {} (version {}, t={} s, {} sessions in flight)", file, version, time,
                    sessions.size());
        }
    }

    private static final class IdentityMismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        IdentityMismatch(String message) {
            super(message);
        }
    }

    @FunctionalInterface
    private interface MessageCall {
        Message get();
    }

    static void writeReport(TimeReport r, DataOutput out) throws IOException {
        out.writeLong(r.version());
        out.writeDouble(r.time());
        out.writeInt(r.arrivals());
        out.writeDouble(r.trainLoss());
        out.writeDouble(r.stalenessMean());
        out.writeLong(r.stalenessMax());
        writeLongs(r.stalenessCounts(), out);
        out.writeInt(r.inFlight());
        out.writeDouble(r.testLoss());
        out.writeDouble(r.testAccuracy());
        out.writeLong(r.uplinkBits());
        out.writeLong(r.downlinkBits());
        out.writeLong(r.cumulativeUplink());
        out.writeLong(r.cumulativeDownlink());
        out.writeLong(r.wastedUpdates());
        out.writeLong(r.wastedBits());
        out.writeLong(r.wallNanos());
        out.writeLong(r.evalNanos());
    }

    static TimeReport readReport(DataInput in) throws IOException {
        return new TimeReport(in.readLong(), in.readDouble(), in.readInt(), in.readDouble(), in.readDouble(),
                in.readLong(), readLongs(in), in.readInt(), in.readDouble(), in.readDouble(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong());
    }

    private static void writeLongs(long[] a, DataOutput out) throws IOException {
        out.writeInt(a.length);
        for (long v : a) {
            out.writeLong(v);
        }
    }

    private static long[] readLongs(DataInput in) throws IOException {
        int k = in.readInt();
        if (k < 0 || k > (1 << 26)) {
            throw new IOException("array length must be in [0, 2^26], was " + k);
        }
        long[] a = new long[k];
        for (int i = 0; i < k; i++) {
            a[i] = in.readLong();
        }
        return a;
    }

    private static void writeInts(int[] a, DataOutput out) throws IOException {
        out.writeInt(a.length);
        for (int v : a) {
            out.writeInt(v);
        }
    }

    private static void readInts(int[] into, DataInput in) throws IOException {
        int k = in.readInt();
        if (k != into.length) {
            throw new IOException("array length must be " + into.length + ", was " + k);
        }
        for (int i = 0; i < k; i++) {
            into[i] = in.readInt();
        }
    }

    /**
     * Builder of a {@link TimedSimulation}. Required: config (its {@code rounds} is the number of server versions to
     * run), model, data, schedule. Defaults: every device equal (1 sample per second, unlimited bandwidth), always
     * online, no dropouts, identity compressors, no time limit.
     */
    public static final class Builder<S, C> {
        private final AsyncAlgorithm<S, C> algorithm;
        private final SyncRounds<?, C> rounds;
        private SimulationConfig config;
        private Model model;
        private FederatedData data;
        private Compressor uplink;
        private Compressor downlink;
        private INDArray initialParameters;
        private Schedule schedule;
        private DeviceModel devices;
        private AvailabilityModel availability;
        private DropoutModel dropout;
        private Participation participation;
        private double maxTime = Double.POSITIVE_INFINITY;
        private final List<TimeListener> listeners = new ArrayList<>();
        private StateStoreFactory stores;
        private CheckpointPolicy checkpoints;
        private LedgerOptions ledger;

        private Builder(AsyncAlgorithm<S, C> algorithm, SyncRounds<?, C> rounds) {
            this.algorithm = algorithm;
            this.rounds = rounds;
        }

        /** The configuration (required): seed, threads, precision, evaluation period; rounds = server versions. */
        public Builder<S, C> config(SimulationConfig v) {
            config = v;
            return this;
        }

        /** The model (required). */
        public Builder<S, C> model(Model v) {
            model = v;
            return this;
        }

        /** The federated data (required). */
        public Builder<S, C> data(FederatedData v) {
            data = v;
            return this;
        }

        /** The arrival model (required for asynchronous algorithms; rounds by default for synchronous ones). */
        public Builder<S, C> schedule(Schedule v) {
            schedule = v;
            return this;
        }

        /** The clients' devices (default: all equal, 1 sample per second, unlimited bandwidth). */
        public Builder<S, C> devices(DeviceModel v) {
            if (v == null) {
                throw new IllegalArgumentException("devices must not be null, was null (leave it unset for the default)");
            }
            devices = v;
            return this;
        }

        /** When clients are online (default: always). */
        public Builder<S, C> availability(AvailabilityModel v) {
            if (v == null) {
                throw new IllegalArgumentException("availability must not be null, was null (leave it unset for the default)");
            }
            availability = v;
            return this;
        }

        /** Which sessions fail (default: none). */
        public Builder<S, C> dropout(DropoutModel v) {
            if (v == null) {
                throw new IllegalArgumentException("dropout must not be null, was null (leave it unset for the default)");
            }
            dropout = v;
            return this;
        }

        /** Rounds schedule only: who is selected each round (default uniform m of N from the config). */
        public Builder<S, C> participation(Participation v) {
            participation = v;
            return this;
        }

        /** Stop at this virtual time even before the configured versions (&gt; 0). */
        public Builder<S, C> maxTime(double seconds) {
            if (!(seconds > 0)) {
                throw new IllegalArgumentException("maxTime must be > 0 seconds, was " + seconds);
            }
            maxTime = seconds;
            return this;
        }

        /** The uplink encoding (default identity). */
        public Builder<S, C> uplinkCompressor(Compressor v) {
            if (v == null) {
                throw new IllegalArgumentException("uplinkCompressor must not be null, was null (leave it unset for the default)");
            }
            uplink = v;
            return this;
        }

        /** The downlink encoding (default identity); each session's download is compressed on its own. */
        public Builder<S, C> downlinkCompressor(Compressor v) {
            if (v == null) {
                throw new IllegalArgumentException("downlinkCompressor must not be null, was null (leave it unset for the default)");
            }
            downlink = v;
            return this;
        }

        /** Explicit initial parameters (copied). */
        public Builder<S, C> initialParameters(INDArray v) {
            initialParameters = v;
            return this;
        }

        /** Adds a listener. */
        public Builder<S, C> listener(TimeListener v) {
            if (v == null) {
                throw new IllegalArgumentException("listener must not be null");
            }
            listeners.add(v);
            return this;
        }

        /** Where client states and server tables are kept (default: in memory). */
        public Builder<S, C> stateStores(StateStoreFactory v) {
            if (v == null) {
                throw new IllegalArgumentException("stateStores must not be null, was null (leave it unset for the default)");
            }
            stores = v;
            return this;
        }

        /**
         * What the communication ledger keeps in memory and whether it writes every entry to a file (default
         * {@link LedgerOptions#defaults()}); see {@code Simulation.Builder.ledger}.
         */
        public Builder<S, C> ledger(LedgerOptions v) {
            if (v == null) {
                throw new IllegalArgumentException("ledger options must not be null");
            }
            ledger = v;
            return this;
        }

        /** Checkpoint every {@code every} server versions (see {@link CheckpointPolicy}). */
        public Builder<S, C> checkpoints(CheckpointPolicy v) {
            if (v == null) {
                throw new IllegalArgumentException("checkpoints must not be null, was null (leave it unset for the default)");
            }
            checkpoints = v;
            return this;
        }

        /** Checkpoint every {@code versions} server versions into {@code directory}, keeping two. */
        public Builder<S, C> checkpointEvery(int versions, Path directory) {
            return checkpoints(CheckpointPolicy.every(versions, directory));
        }

        /** Validates and builds. */
        public TimedSimulation<S, C> build() {
            return new TimedSimulation<>(this);
        }
    }
}
