package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.api.RoundAccumulator;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.CommunicationLedger;
import io.github.fl4j.core.comm.LedgerOptions;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.DataChecks;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.participation.UniformParticipation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.state.ServerTables;
import io.github.fl4j.core.state.StateStoreFactory;
import io.github.fl4j.core.tensor.BufferPool;
import io.github.fl4j.core.tensor.NativeMemory;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A federated simulation: one algorithm, one model, one federated dataset, one configuration; a loop over a
 * {@link RunState} that advances it one round at a time.
 *
 * <pre>
 * start:  x^1 = model.initialParameters(seeds.stream(INIT));  S = algorithm.initServerState(x^1)
 *         store = empty client-state store;  tables = empty server tables;  process = participation.start(N, seeds)
 * round t = state.round + 1, while t &lt;= T:
 *   P_t   = process.select(t, seeds.stream(PARTICIPATION, t))   (empty only if the process allows empty rounds:
 *           then no client runs and server.apply gets no uploads; the train loss of the round is NaN)
 *   down  = server.broadcast(S)  -&gt; downlink channel, counted once per participant
 *   acc   = server.begin(S, ctx with the server tables)          (default: collect the uploads for server.apply)
 *   for each chunk Q of P_t (consecutive ids, {@link Builder#chunkSize} participants):
 *     C_Q   = store.getAll(Q)  (initClientState for a client never seen)
 *     engine.execute(round t, Q, down, C_Q, runner):  for i in Q, concurrently,
 *             C_i', upload_i = client.train(down, C_i, ctx(i, t))        (uplink counted)
 *     acc.accept(upload_i) for i in Q in increasing id order;  store.putAll(Q, C_Q')
 *     (an engine that {@link ExecutionEngine#ownsStates owns the store's states} gets Q without states and reads,
 *     initialises and writes them itself where they live: no getAll and no putAll here)
 *   S     = acc.finish()        (= server.apply(S, uploads in client-id order, ctx) bit for bit)
 *   evaluate every evalEvery rounds and after round T; report; listeners; checkpoint every n rounds
 * </pre>
 *
 * <p>Reproducibility: every draw comes from the seed tree, client results are reduced in client-id order, and each
 * native op runs on one thread, so the same seed gives bit-identical reports (timings aside), ledgers and parameters
 * for any number of worker threads; and a run resumed from a checkpoint ({@link #resume}) gives the same bits as an
 * uninterrupted one.
 *
 * <p>Before round 1 ({@link Builder#build()}): every feature and label of the clients' data and of the test set is
 * finite and accepted by the model ({@link DataChecks}), the initial parameters are finite, and the participation
 * pattern agrees with clientsPerRound and with the algorithm ({@link InputChecks}); each failure names the dataset, row
 * and column, the coordinate, or both conflicting parts. An empty test set is allowed: the run logs a warning and
 * reports NaN test loss and accuracy.
 *
 * <p>Divergence: a non-finite training loss or uploaded value stops the run with a {@link SimulationException} naming
 * the round, the client and the seed, with the algorithm's {@code divergenceHint()}; a non-finite server model names
 * the server. A failed run keeps what it
 * computed: the exception (and a {@link RunCancelledException}) carries the partial result
 * ({@link SimulationException#partialResult()}: the reports of the completed rounds, the last finite server model,
 * the ledger), the listeners get {@link RoundListener#onFailure} with it (the report writers close their files), and
 * the last checkpoint stays.
 *
 * <p>Memory: when a run ends, failed or not, it frees the native memory it allocated (the workers' workspaces, the
 * message pool, the model's per-thread scratch: {@link Model#releaseScratch()}), so a JVM can run any number of
 * simulations one after another in bounded memory. Before every round the process's resident size is checked against
 * {@link NativeMemory#limit()}; past it (after a garbage collection), or on an {@code OutOfMemoryError} in a round,
 * the run stops with a {@link SimulationException} naming the round and the memory figures.
 *
 * <p>A simulation object runs once ({@link #run()} or {@link #resume}); it is not thread-safe.
 *
 * @param <S> the algorithm's server state
 * @param <C> the algorithm's client state
 */
public final class Simulation<S, C> {
    private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);

    static {
        // bound the process's resident memory relative to the heap, if ND4J has not loaded yet (see NativeMemory)
        NativeMemory.configure();
    }

    private final SimulationConfig config;
    private final FederatedAlgorithm<S, C> algorithm;
    private final Model model;
    private final FederatedData data;
    private final Participation participation;
    private final Compressor uplinkCompressor;
    private final Compressor downlinkCompressor;
    private final INDArray initialParameters;
    private final List<RoundListener> listeners;
    /** A listener draws the progress: the per-round line is logged at DEBUG, not INFO. */
    private final boolean progressDrawn;
    private final ExecutionEngine engine;
    private final boolean ownsEngine;
    private final SeedTree seeds;
    private final int[] clientSizes;
    private final AlgorithmSetup setup;
    /** The decoded upload vectors of the clients (recycled after each chunk when the server streams). */
    private final BufferPool messages = new BufferPool();
    /** The decoded downlink vectors (recycled at the end of the round). */
    private final BufferPool downMessages = new BufferPool();
    private final int chunkSize;
    private final StateStoreFactory stores;
    private final CheckpointPolicy checkpoints;
    private final LedgerOptions ledgerOptions;
    private final LocalClientRunner<C> runner;
    private final RemoteRun<C> remote;
    private boolean ran;
    // a copy of the server model after the last completed round (finite), for a failed run's partial result
    private INDArray lastFinite;

    private Simulation(Builder<S, C> b) {
        if (b.config == null) {
            throw new IllegalArgumentException("config must be set");
        }
        if (b.model == null) {
            throw new IllegalArgumentException("model must be set");
        }
        if (b.data == null) {
            throw new IllegalArgumentException("data must be set");
        }
        this.config = b.config;
        this.algorithm = b.algorithm;
        this.model = b.model;
        this.data = b.data.as(config.precision());
        int n = data.clientCount();
        if (b.participation == null && config.clientsPerRound() > n) {
            throw new IllegalArgumentException("clientsPerRound must be <= the number of clients " + n + ", was "
                    + config.clientsPerRound());
        }
        if (data.featureCount() <= 0) {
            throw new IllegalArgumentException("data must have at least one feature, had " + data.featureCount());
        }
        this.participation = b.participation != null ? b.participation
                : new UniformParticipation(config.clientsPerRound());
        InputChecks.checkParticipation(config, participation, b.participation != null, n, algorithm);
        DataChecks.check(data, model);
        this.uplinkCompressor = b.uplink != null ? b.uplink : IdentityCompressor.INSTANCE;
        this.downlinkCompressor = b.downlink != null ? b.downlink : IdentityCompressor.INSTANCE;
        algorithm.checkCompressors(uplinkCompressor, downlinkCompressor);
        this.seeds = new SeedTree(config.seed());
        this.clientSizes = data.clientSizes();
        this.setup = new AlgorithmSetup(model.dimension(), clientSizes, config.precision(), uplinkCompressor,
                downlinkCompressor);
        if (b.initialParameters != null) {
            if (b.initialParameters.length() != model.dimension()) {
                throw new IllegalArgumentException("initialParameters length must be " + model.dimension()
                        + " (the model dimension), was " + b.initialParameters.length());
            }
            DataChecks.requireFiniteParameters(b.initialParameters, "initialParameters");
            this.initialParameters = b.initialParameters.castTo(config.precision().dataType()).dup();
            DataChecks.requireFiniteParameters(this.initialParameters, "initialParameters in "
                    + config.precision() + " (a value beyond the precision's range)");
        } else {
            this.initialParameters = null;
        }
        this.listeners = List.copyOf(b.listeners);
        this.progressDrawn = listeners.stream().anyMatch(RoundListener::drawsProgress);
        this.ownsEngine = b.engine == null;
        this.engine = b.engine;
        this.stores = b.stores != null ? b.stores : StateStoreFactory.inMemory();
        this.checkpoints = b.checkpoints;
        this.ledgerOptions = b.ledger != null ? b.ledger : LedgerOptions.defaults();
        this.chunkSize = b.chunkSize;
        this.runner = new LocalClientRunner<>(algorithm, model, data, uplinkCompressor, seeds, config.precision(),
                messages);
        this.remote = b.description == null ? null : new RemoteRun<>(b.description, algorithm.clientStateCodec());
    }

    /** A builder for a simulation of {@code algorithm}. */
    public static <S, C> Builder<S, C> builder(FederatedAlgorithm<S, C> algorithm) {
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm must not be null");
        }
        return new Builder<>(algorithm);
    }

    /**
     * Runs all rounds from round 1 and returns the result. With a {@link CheckpointPolicy} the run state is
     * checkpointed as it goes.
     *
     * @throws SimulationException   on divergence or a failing client/server, naming round, client and seed
     * @throws IllegalStateException if this simulation has already run
     */
    public SimulationResult<S> run() {
        claim();
        return execute(null);
    }

    /**
     * Continues the run from the newest complete checkpoint in {@code directory} (see {@link CheckpointPolicy}) up to
     * the configured number of rounds; the result is bit-identical to an uninterrupted run's (parameters, client
     * states, ledger, reports except their wall times). This simulation must be built like the one that wrote the
     * checkpoint: the same algorithm, model, data, participation, compressors, seed and precision (the number of
     * rounds may be larger, the threads and the engine may differ).
     *
     * @throws IOException              if there is no complete checkpoint, or it is truncated or corrupted (naming the
     *                                  file and the byte offset)
     * @throws IllegalArgumentException if the checkpoint was written by another algorithm or configuration (naming
     *                                  both), or is past the configured number of rounds
     * @throws IllegalStateException    if this simulation has already run
     */
    public SimulationResult<S> resume(Path directory) throws IOException {
        Path latest = Checkpoints.latest(directory).orElseThrow(() -> new IOException(
                "no complete checkpoint (checkpoint-NNNNNN.fl4j) in " + directory));
        return resumeFrom(latest);
    }

    /** Continues the run from one checkpoint file; see {@link #resume(Path)}. */
    public SimulationResult<S> resumeFrom(Path checkpoint) throws IOException {
        claim();
        RunState<S, C> state = Checkpoints.read(checkpoint, this);
        return execute(state);
    }

    private void claim() {
        if (ran) {
            throw new IllegalStateException("a Simulation runs once; build a new one");
        }
        ran = true;
    }

    private SimulationResult<S> execute(RunState<S, C> resumed) {
        NativeThreads.useOneThreadPerOp();
        NativeMemory.checkAtStart();
        ExecutionEngine exec = ownsEngine ? new LocalExecutionEngine(config.threads()) : engine;
        RunState<S, C> state = resumed;
        boolean idle = true; // no client task can still be running when the run ends
        try {
            if (state == null) {
                state = newRunState();
            }
            try {
                state.ledger().attach(ledgerOptions);
            } catch (IOException e) {
                throw new UncheckedIOException("the ledger entry file cannot be opened: " + e.getMessage(), e);
            }
            return loop(state, exec);
        } catch (RunCancelledException e) {
            idle = false; // a cancelled round may leave tasks running on a caller-owned engine
            throw e;
        } finally {
            if (ownsEngine) {
                idle = ((LocalExecutionEngine) exec).closeAndWait();
            }
            if (state != null) {
                state.ledger().close();
                state.clientStates().close();
                state.serverTables().close();
            }
            releaseNativeMemory(idle);
        }
    }

    /**
     * Frees what this run allocated off-heap, now rather than when the garbage collector gets to it: the workers'
     * workspaces (and the calling thread's entry, which with one thread would outlive the run) and the message pool
     * when no task can still use them, and the model's per-thread scratch (which waits for a running call). The
     * result's arrays are copies and stay valid.
     */
    private void releaseNativeMemory(boolean idle) {
        long bytes = (idle ? runner.release() + messages.release() : 0) + model.releaseScratch();
        if (lastFinite != null) {
            lastFinite.close();
            lastFinite = null;
        }
        LOG.debug("freed {} native bytes at the end of the run", bytes);
    }

    /** The state of a run before round 1: x^1, S, empty stores and ledger, a started participation process. */
    private RunState<S, C> newRunState() {
        INDArray x0 = Tensors.zeros(config.precision(), model.dimension());
        if (initialParameters != null) {
            Tensors.copy(initialParameters, x0);
        } else {
            model.initialParameters(seeds.stream(Purpose.INIT), x0);
            DataChecks.requireFiniteParameters(x0, model + ".initialParameters");
        }
        return emptyRunState(algorithm.initServerState(x0, setup));
    }

    /**
     * A run state at round 0 with the given server state (null when a checkpoint will provide it): empty stores of
     * this simulation's kind, an empty ledger, a started participation process.
     */
    RunState<S, C> emptyRunState(S server) {
        return new RunState<>(0, server, stores.create("clients", algorithm.clientStateCodec()),
                new ServerTables(stores), participation.start(data.clientCount(), seeds),
                new CommunicationLedger(ledgerOptions),
                List.of(), new int[data.clientCount()]);
    }

    /**
     * Runs the rounds; on a failure attaches the partial result to the exception (an {@code OutOfMemoryError} becomes
     * a {@link SimulationException} naming the round) and hands it to the listeners' {@code onFailure}.
     */
    private SimulationResult<S> loop(RunState<S, C> state, ExecutionEngine exec) {
        try {
            return rounds(state, exec);
        } catch (OutOfMemoryError e) {
            SimulationException f = SimulationException.outOfMemory(state.round() + 1, SimulationException.SERVER,
                    config.seed(), e);
            throw failed(f, state, f::withPartialResult);
        } catch (SimulationException e) {
            throw failed(e, state, e::withPartialResult);
        } catch (RunCancelledException e) {
            throw failed(e, state, e::withPartialResult);
        } catch (RuntimeException e) {
            throw failed(e, state, r -> { });
        }
    }

    /** Builds the partial result, attaches it, tells the listeners; returns {@code e} to be thrown. */
    private <E extends RuntimeException> E failed(E e, RunState<S, C> state,
            java.util.function.Consumer<SimulationResult<S>> attach) {
        SimulationResult<S> partial = null;
        try {
            partial = partialResult(state);
            attach.accept(partial);
        } catch (RuntimeException | OutOfMemoryError x) {
            e.addSuppressed(x);
        }
        for (RoundListener l : listeners) {
            try {
                l.onFailure(e, partial);
            } catch (RuntimeException x) {
                e.addSuppressed(x);
            }
        }
        return e;
    }

    /**
     * The result as of the last completed round: its reports, the copy of the server model taken after it (finite:
     * each round's model is checked before it is committed; an algorithm that updates its state in place may have
     * changed the state itself in the failing round), the server state as the failure left it, the ledger and
     * counts, the run state.
     */
    private SimulationResult<S> partialResult(RunState<S, C> state) {
        S last = state.serverState();
        INDArray x = lastFinite != null ? lastFinite.dup()
                : last == null ? null : algorithm.server().model(last).dup();
        return new SimulationResult<>(algorithm.name(), config, state.reports(), x, last, state.ledger(),
                state.participationCounts(), state);
    }

    private SimulationResult<S> rounds(RunState<S, C> state, ExecutionEngine exec) {
        lastFinite = algorithm.server().model(state.serverState()).dup();
        for (RoundListener l : listeners) {
            l.onStart(this);
        }
        if (data.test().size() == 0) {
            LOG.warn("no test set (it has 0 rows): the test loss and accuracy of every round are reported as NaN");
        }
        LOG.info("{}: {} on {}, {} rounds{}, {}, {} threads, seed {}, {}", algorithm.name(), model, data,
                config.rounds(), state.round() > 0 ? " (resumed after round " + state.round() + ")" : "",
                participation.describe(), exec.parallelism(), config.seed(), config.precision());
        if (state.round() > config.rounds()) {
            throw new IllegalArgumentException("the checkpoint is at round " + state.round()
                    + ", after the configured rounds " + config.rounds());
        }
        while (state.round() < config.rounds()) {
            int next = state.round() + 1;
            if (Thread.currentThread().isInterrupted()) {
                throw new RunCancelledException(next, "the run was interrupted before round " + next + " (seed "
                        + config.seed() + "); the reports of rounds 1.." + state.round() + " went to the listeners"
                        + (checkpoints == null ? "" : " and the last checkpoint in " + checkpoints.directory()));
            }
            String memory = NativeMemory.overLimit();
            if (memory != null) {
                throw new SimulationException(next, SimulationException.SERVER, config.seed(),
                        "out of memory before the round: " + memory, null);
            }
            try {
                step(state, exec);
            } catch (RunCancelledException e) {
                throw e;
            } catch (java.util.concurrent.CancellationException e) {
                RunCancelledException c = new RunCancelledException(next, "the run was interrupted in round " + next
                        + " (seed " + config.seed() + "); the round was not applied");
                c.initCause(e);
                throw c;
            }
            Tensors.copy(algorithm.server().model(state.serverState()), lastFinite);
            int t = state.round();
            if (checkpoints != null && checkpoints.checkpoints(t, config.rounds())) {
                try {
                    Checkpoints.write(state, this, checkpoints);
                } catch (IOException e) {
                    throw new UncheckedIOException("checkpoint of round " + t + " in " + checkpoints.directory()
                            + " failed (the previous checkpoints are intact): " + e.getMessage(), e);
                }
            }
        }
        S last = state.serverState();
        SimulationResult<S> result = new SimulationResult<>(algorithm.name(), config, state.reports(),
                algorithm.server().model(last).dup(), last, state.ledger(), state.participationCounts(), state);
        for (RoundListener l : listeners) {
            l.onFinish(result);
        }
        return result;
    }

    /**
     * One round: select, broadcast, then chunk by chunk run the clients, fold their uploads, store their states;
     * finish the fold, evaluate, report. The ledger gets the round's downlink entries after the first chunk has run
     * and each chunk's uplink entries in client-id order, so it is the same for every chunk size.
     */
    private void step(RunState<S, C> state, ExecutionEngine exec) {
        Precision precision = config.precision();
        long seed = config.seed();
        Server<S> server = algorithm.server();
        CommunicationLedger ledger = state.ledger();
        int t = state.round() + 1;
        long start = System.nanoTime();
        int[] participants = state.participation().select(t, seeds.stream(Purpose.PARTICIPATION, t,
                SeedTree.GLOBAL));
        checkParticipants(t, participants, state.participation().allowsEmptyRounds());
        ServerContext sctx = new ServerContext(t, clientSizes, participants, seeds, precision,
                state.serverTables(), ledger);
        final S current = state.serverState();
        Message broadcast = callServer(t, () -> server.broadcast(current, sctx));
        Channel down = new Channel(Direction.DOWNLINK, t, (int) SeedTree.GLOBAL, downlinkCompressor,
                seeds.stream(Purpose.DOWNLINK_COMPRESSION, t, SeedTree.GLOBAL), downMessages);
        for (int j = 0; j < broadcast.size(); j++) {
            down.send(broadcast.vector(j), broadcast.encoding(j));
        }
        Message decodedDown = down.message();
        long[] downBits = down.bitsPerVector();

        RoundAccumulator<S> acc = callServer(t, () -> server.begin(current, sctx));
        int chunk = chunkSize(exec);
        double lossSum = 0;
        int[] counts = state.counts();
        // The engine reads and writes the states where they live: tasks without states, no getAll/putAll here.
        ClientStateStore<C> owned = exec.ownsStates(state.clientStates()) ? state.clientStates() : null;
        for (int from = 0; from < participants.length; from += chunk) {
            int to = (int) Math.min(participants.length, (long) from + chunk);
            int[] ids = from == 0 && to == participants.length ? participants
                    : Arrays.copyOfRange(participants, from, to);
            List<C> before = owned != null ? null : state.clientStates().getAll(ids);
            List<ClientTask<C>> tasks = new ArrayList<>(ids.length);
            for (int k = 0; k < ids.length; k++) {
                C c = null; // owned states: the engine reads (or initialises) it where it lives
                if (owned == null) {
                    c = before.get(k);
                    if (c == null) {
                        c = algorithm.initClientState(ids[k], setup);
                        before.set(k, c);
                    }
                }
                tasks.add(new ClientTask<>(ids[k], t, decodedDown, c));
            }
            List<ClientOutcome<C>> outcomes = exec.execute(new RoundWork<>(t, decodedDown, tasks, runner, remote,
                    owned));
            if (outcomes.size() != tasks.size()) {
                throw new SimulationException(t, SimulationException.SERVER, seed, "the execution engine returned "
                        + outcomes.size() + " outcomes for " + tasks.size() + " tasks", null);
            }
            if (from == 0) {
                for (int id : participants) {
                    for (int j = 0; j < downBits.length; j++) {
                        ledger.record(t, Direction.DOWNLINK, id, j, downBits[j]);
                    }
                }
            }
            List<C> after = new ArrayList<>(outcomes.size());
            for (int k = 0; k < outcomes.size(); k++) {
                ClientOutcome<C> o = outcomes.get(k);
                int id = o.clientId();
                if (id != ids[k]) {
                    throw new SimulationException(t, SimulationException.SERVER, seed, "the execution engine "
                            + "returned the outcome of client " + id + " in place of client " + ids[k], null);
                }
                long[] upBits = o.uplinkBits();
                for (int j = 0; j < upBits.length; j++) {
                    ledger.record(t, Direction.UPLINK, id, j, upBits[j]);
                }
                if (owned == null) {
                    after.add(o.state());
                }
                counts[id]++;
                lossSum += o.trainLoss();
                Upload upload = new Upload(id, clientSizes[id], o.upload());
                callServer(t, () -> {
                    acc.accept(upload);
                    return null;
                });
            }
            if (owned == null) {
                state.clientStates().putAll(ids, after);
            }
            for (int k = 0; k < after.size(); k++) {
                state.clientStates().release(after.get(k));
                if (before.get(k) != after.get(k)) {
                    state.clientStates().release(before.get(k));
                }
            }
            if (!acc.retainsUploads()) {
                messages.recycle();
            }
        }
        S next = callServer(t, acc::finish);
        messages.recycle();
        downMessages.recycle();
        INDArray x = server.model(next);
        long bad = Tensors.firstNonFinite(x);
        if (bad >= 0) {
            throw new SimulationException(t, SimulationException.SERVER, seed,
                    "the server model is not finite after aggregation (coordinate " + bad + " is "
                            + x.getDouble(bad) + "); lower the learning rates", null);
        }

        double testLoss = Double.NaN;
        double testAcc = Double.NaN;
        long evalNanos = 0;
        if (config.evaluates(t) && data.test().size() > 0) {
            long e0 = System.nanoTime();
            Evaluation ev = model.evaluate(x, data.test());
            evalNanos = System.nanoTime() - e0;
            testLoss = ev.loss();
            testAcc = ev.accuracy();
        }
        RoundReport report = new RoundReport(t, participants.length, lossSum / participants.length, testLoss,
                testAcc, ledger.roundBits(t, Direction.UPLINK), ledger.roundBits(t, Direction.DOWNLINK),
                ledger.totalBits(Direction.UPLINK), ledger.totalBits(Direction.DOWNLINK),
                System.nanoTime() - start, evalNanos, algorithm.privacySpent(next));
        state.completeRound(next, report);
        if (progressDrawn) {
            if (LOG.isDebugEnabled()) {
                LOG.debug(ReportFormat.line(report, config.rounds()));
            }
        } else if (LOG.isInfoEnabled()) {
            LOG.info(ReportFormat.line(report, config.rounds()));
        }
        for (RoundListener l : listeners) {
            l.onServerModel(t, x);
            l.onRound(report);
        }
    }

    /** Default memory budget of one chunk's decoded uploads, see {@link Builder#chunkSize}. */
    static final long CHUNK_BUDGET_BYTES = 64L << 20;

    /**
     * Participants per chunk: the builder's value, else max(2 x engine parallelism, floor(64 MiB / bytes of one
     * participant's decoded upload)), at least 1.
     */
    int chunkSize(ExecutionEngine exec) {
        if (chunkSize > 0) {
            return chunkSize;
        }
        long perUpload = Math.max(1L, (long) Math.max(1, algorithm.uplinkVectors()) * model.dimension()
                * (config.precision().bits() / 8));
        long byBudget = CHUNK_BUDGET_BYTES / perUpload;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.max(2L * exec.parallelism(), byBudget)));
    }

    private interface ServerCall<T> {
        T call();
    }

    private <T> T callServer(int round, ServerCall<T> call) {
        try {
            return call.call();
        } catch (SimulationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SimulationException(round, SimulationException.SERVER, config.seed(),
                    "the server failed: " + e, e);
        } catch (OutOfMemoryError e) {
            throw SimulationException.outOfMemory(round, SimulationException.SERVER, config.seed(), e);
        }
    }

    private void checkParticipants(int round, int[] participants, boolean emptyAllowed) {
        if (participants == null || (participants.length == 0 && !emptyAllowed)) {
            throw new SimulationException(round, SimulationException.SERVER, config.seed(),
                    participation.describe() + " selected no client", null);
        }
        for (int i = 0; i < participants.length; i++) {
            int id = participants[i];
            if (id < 0 || id >= data.clientCount() || (i > 0 && id <= participants[i - 1])) {
                throw new SimulationException(round, SimulationException.SERVER, config.seed(),
                        participation.describe() + " must return increasing client ids in [0, "
                                + data.clientCount() + "), returned " + Arrays.toString(participants), null);
            }
        }
    }

    /**
     * What identifies this run for checkpoints: each entry must be equal for a checkpoint to be resumed (the number
     * of rounds, the threads, the evaluation period and the engine may differ).
     */
    public java.util.SortedMap<String, String> identity() {
        java.util.SortedMap<String, String> m = new java.util.TreeMap<>();
        m.put("algorithm", algorithm.name());
        m.put("model", model.toString());
        m.put("data", data.clientCount() + " clients, " + data.featureCount() + " features, sizes "
                + Integer.toHexString(Arrays.hashCode(clientSizes)) + ", " + data.test().size() + " test samples");
        m.put("participation", participation.describe());
        m.put("uplink", uplinkCompressor.toString());
        m.put("downlink", downlinkCompressor.toString());
        m.put("seed", Long.toString(config.seed()));
        m.put("precision", config.precision().toString());
        m.put("initialParameters", initialParameters == null ? "model initialiser" : "explicit");
        return m;
    }

    /** The run's serializable description, or null when it was built from objects without one. */
    public RunDescription description() {
        return remote == null ? null : remote.description();
    }

    /** The configuration. */
    public SimulationConfig config() {
        return config;
    }

    /** The algorithm. */
    public FederatedAlgorithm<S, C> algorithm() {
        return algorithm;
    }

    /** The model. */
    public Model model() {
        return model;
    }

    /** The data, in the run's precision. */
    public FederatedData data() {
        return data;
    }

    /** The participation model. */
    public Participation participation() {
        return participation;
    }

    /** The uplink compressor. */
    public Compressor uplinkCompressor() {
        return uplinkCompressor;
    }

    /** The downlink compressor. */
    public Compressor downlinkCompressor() {
        return downlinkCompressor;
    }

    /**
     * Builder of a {@link Simulation}. Required: config, model, data. Defaults: participation uniform m of N with m
     * from the config (all clients when m = N), identity compressors both ways, initial parameters from the model and
     * the INIT stream, a {@link LocalExecutionEngine} with the configured threads.
     */
    public static final class Builder<S, C> {
        private final FederatedAlgorithm<S, C> algorithm;
        private SimulationConfig config;
        private Model model;
        private FederatedData data;
        private Participation participation;
        private Compressor uplink;
        private Compressor downlink;
        private INDArray initialParameters;
        private final List<RoundListener> listeners = new ArrayList<>();
        private ExecutionEngine engine;
        private StateStoreFactory stores;
        private CheckpointPolicy checkpoints;
        private LedgerOptions ledger;
        private RunDescription description;
        private int chunkSize;

        private Builder(FederatedAlgorithm<S, C> algorithm) {
            this.algorithm = algorithm;
        }

        /** The configuration (required). */
        public Builder<S, C> config(SimulationConfig v) {
            config = v;
            return this;
        }

        /** The model (required). */
        public Builder<S, C> model(Model v) {
            model = v;
            return this;
        }

        /** The federated data (required); converted to the configured precision. */
        public Builder<S, C> data(FederatedData v) {
            data = v;
            return this;
        }

        /**
         * Who participates. The config's clientsPerRound must then agree with it or be left at its default: equal to
         * m for {@code uniform(m)}, to N for {@code all()}; a conflicting value fails at {@link #build()} naming
         * both. Any other pattern (Bernoulli, Markov, cyclic, a trace) decides the number itself, and the config's
         * clientsPerRound is then not used.
         */
        public Builder<S, C> participation(Participation v) {
            participation = v;
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

        /** The downlink encoding (default identity). */
        public Builder<S, C> downlinkCompressor(Compressor v) {
            if (v == null) {
                throw new IllegalArgumentException("downlinkCompressor must not be null, was null (leave it unset for the default)");
            }
            downlink = v;
            return this;
        }

        /** Explicit initial parameters (copied), instead of the model's initialiser. */
        public Builder<S, C> initialParameters(INDArray v) {
            initialParameters = v;
            return this;
        }

        /** Adds a listener. */
        public Builder<S, C> listener(RoundListener v) {
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

        /** Checkpoint the run as it goes (see {@link CheckpointPolicy}); resume with {@link Simulation#resume}. */
        public Builder<S, C> checkpoints(CheckpointPolicy v) {
            if (v == null) {
                throw new IllegalArgumentException("checkpoints must not be null, was null (leave it unset for the default)");
            }
            checkpoints = v;
            return this;
        }

        /**
         * What the communication ledger keeps in memory and whether it writes every entry to a file (default
         * {@link LedgerOptions#defaults()}: up to a million entries, then totals per round and per client only).
         * Totals, reports and summaries are the same whatever is chosen. On a resume, the entry file is cut back to
         * the checkpoint's entry count and continued; the in-memory retention is the one the checkpoint recorded.
         */
        public Builder<S, C> ledger(LedgerOptions v) {
            if (v == null) {
                throw new IllegalArgumentException("ledger options must not be null");
            }
            ledger = v;
            return this;
        }

        /** Checkpoint every {@code rounds} rounds (and after the last) into {@code directory}, keeping two. */
        public Builder<S, C> checkpointEvery(int rounds, Path directory) {
            return checkpoints(CheckpointPolicy.every(rounds, directory));
        }

        /**
         * The run's serializable description, handed to the execution engine so that an engine running clients in
         * other JVMs can build their runner there. Set by {@link ClientRunners#simulation}; whoever sets it by hand
         * vouches that it describes the objects given to this builder.
         */
        public Builder<S, C> description(RunDescription v) {
            if (v == null) {
                throw new IllegalArgumentException("description must not be null, was null (leave it unset for the default)");
            }
            description = v;
            return this;
        }

        /**
         * Participants per chunk of a round (streaming aggregation). A round runs its participants in chunks in
         * increasing client-id order: read the chunk's client states (one {@code getAll}), execute the chunk through
         * the engine, record its uplink bits, fold its uploads into the server's {@link RoundAccumulator} in
         * client-id order, write the states back (one {@code putAll}) and, when the server streams, reuse the
         * chunk's upload buffers for the next chunk. With a streaming server a round holds at most one chunk of
         * uploads, whatever the number of participants; with a collecting one (the default of
         * {@link Server#begin}) it holds all of them, as before. Results (parameters, states, tables, ledger,
         * reports) do not depend on the chunk size; only memory and the overlap of clients across chunk boundaries
         * do. Default: max(2 x engine parallelism, floor(64 MiB / bytes of one participant's decoded upload)), so
         * small models run the whole round as one chunk; {@code Integer.MAX_VALUE} always runs one chunk.
         *
         * @param v at least 1
         */
        public Builder<S, C> chunkSize(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("chunkSize must be >= 1, was " + v);
            }
            chunkSize = v;
            return this;
        }

        /** A caller-owned engine (not closed by the simulation). */
        public Builder<S, C> engine(ExecutionEngine v) {
            if (v == null) {
                throw new IllegalArgumentException("engine must not be null, was null (leave it unset for the default)");
            }
            engine = v;
            return this;
        }

        /** Validates and builds. */
        public Simulation<S, C> build() {
            return new Simulation<>(this);
        }
    }
}
