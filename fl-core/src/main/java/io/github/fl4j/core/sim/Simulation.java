package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.ClientContext;
import io.github.fl4j.core.api.ClientResult;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.api.Server;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.CommunicationLedger;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.participation.UniformParticipation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.BufferPool;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.tensor.Workspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A federated simulation: one algorithm, one model, one federated dataset, one configuration; the engine's single
 * round loop (DESIGN.md section 4).
 *
 * <pre>
 * x^1 = model.initialParameters(seeds.stream(INIT)); S = algorithm.initServerState(x^1)
 *   process = participation.start(N, seeds)          (once; holds the pattern's memory, e.g. Markov states)
 * for t = 1..T:
 *   P_t  = process.select(t, seeds.stream(PARTICIPATION, t))   (empty only if the process allows empty rounds:
 *          then no client runs and server.apply gets no uploads; the train loss of the round is NaN)
 *   down = server.broadcast(S)  -&gt; downlink channel, counted once per participant
 *   for i in P_t, concurrently:  C_i, upload_i = client.train(down, C_i, ctx(i, t))   (uplink counted)
 *   S    = server.apply(S, uploads sorted by client id)
 *   evaluate every evalEvery rounds and after round T; report; listeners
 * </pre>
 *
 * <p>Reproducibility: every draw comes from the seed tree, client results are reduced in client-id order, and each
 * native op runs on one thread, so the same seed gives bit-identical reports (timings aside), ledgers and parameters
 * for any number of worker threads.
 *
 * <p>Divergence: a non-finite training loss or uploaded value stops the run with a {@link SimulationException} naming
 * the round, the client and the seed; a non-finite server model names the server. Reports of the rounds before stay
 * available through the listeners, which have already received them.
 *
 * <p>A simulation object runs once ({@link #run()}); it is not thread-safe.
 *
 * @param <S> the algorithm's server state
 * @param <C> the algorithm's client state
 */
public final class Simulation<S, C> {
    private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);

    private final SimulationConfig config;
    private final FederatedAlgorithm<S, C> algorithm;
    private final Model model;
    private final FederatedDataset data;
    private final Participation participation;
    private final Compressor uplinkCompressor;
    private final Compressor downlinkCompressor;
    private final INDArray initialParameters;
    private final List<RoundListener> listeners;
    private final ExecutionEngine engine;
    private final boolean ownsEngine;
    private final SeedTree seeds;
    private final int[] clientSizes;
    private final AlgorithmSetup setup;
    private final BufferPool messages = new BufferPool();
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);
    private boolean ran;

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
        if (config.clientsPerRound() > n) {
            throw new IllegalArgumentException("clientsPerRound must be <= the number of clients " + n + ", was "
                    + config.clientsPerRound());
        }
        if (data.featureCount() <= 0) {
            throw new IllegalArgumentException("data must have at least one feature, had " + data.featureCount());
        }
        this.participation = b.participation != null ? b.participation
                : new UniformParticipation(config.clientsPerRound());
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
            this.initialParameters = b.initialParameters.castTo(config.precision().dataType()).dup();
        } else {
            this.initialParameters = null;
        }
        this.listeners = List.copyOf(b.listeners);
        this.ownsEngine = b.engine == null;
        this.engine = b.engine;
    }

    /** A builder for a simulation of {@code algorithm}. */
    public static <S, C> Builder<S, C> builder(FederatedAlgorithm<S, C> algorithm) {
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm must not be null");
        }
        return new Builder<>(algorithm);
    }

    /**
     * Runs all rounds and returns the result.
     *
     * @throws SimulationException   on divergence or a failing client/server, naming round, client and seed
     * @throws IllegalStateException if called twice
     */
    public SimulationResult<S> run() {
        if (ran) {
            throw new IllegalStateException("a Simulation runs once; build a new one");
        }
        ran = true;
        NativeThreads.useOneThreadPerOp();
        ExecutionEngine exec = ownsEngine ? new LocalExecutionEngine(config.threads()) : engine;
        try {
            return loop(exec);
        } finally {
            if (ownsEngine) {
                exec.close();
            }
        }
    }

    private SimulationResult<S> loop(ExecutionEngine exec) {
        Precision precision = config.precision();
        long seed = config.seed();
        INDArray x0 = Tensors.zeros(precision, model.dimension());
        if (initialParameters != null) {
            Tensors.copy(initialParameters, x0);
        } else {
            model.initialParameters(seeds.stream(Purpose.INIT), x0);
        }
        S state = algorithm.initServerState(x0, setup);
        Server<S> server = algorithm.server();
        @SuppressWarnings("unchecked")
        C[] clientStates = (C[]) new Object[data.clientCount()];
        int[] participationCounts = new int[data.clientCount()];
        CommunicationLedger ledger = new CommunicationLedger();
        List<RoundReport> reports = new ArrayList<>(config.rounds());
        for (RoundListener l : listeners) {
            l.onStart(this);
        }
        LOG.info("{}: {} on {}, {} rounds, {}, {} threads, seed {}, {}", algorithm.name(), model, data,
                config.rounds(), participation.describe(), exec.parallelism(), seed, precision);

        Participation.Process process = participation.start(data.clientCount(), seeds);
        for (int t = 1; t <= config.rounds(); t++) {
            long start = System.nanoTime();
            int[] participants = process.select(t, seeds.stream(Purpose.PARTICIPATION, t, SeedTree.GLOBAL));
            checkParticipants(t, participants, process.allowsEmptyRounds());
            ServerContext sctx = new ServerContext(t, clientSizes, participants, seeds, precision);
            final S current = state;
            Message broadcast = callServer(t, () -> server.broadcast(current, sctx));
            Channel down = new Channel(Direction.DOWNLINK, t, (int) SeedTree.GLOBAL, downlinkCompressor,
                    seeds.stream(Purpose.DOWNLINK_COMPRESSION, t, SeedTree.GLOBAL), messages);
            for (INDArray v : broadcast.vectors()) {
                down.send(v);
            }
            Message decodedDown = down.message();
            long[] downBits = down.bitsPerVector();

            List<ClientTask<C>> tasks = new ArrayList<>(participants.length);
            for (int id : participants) {
                if (clientStates[id] == null) {
                    clientStates[id] = algorithm.initClientState(id, setup);
                }
                tasks.add(new ClientTask<>(id, t, decodedDown, clientStates[id]));
            }
            List<ClientOutcome<C>> outcomes = exec.execute(tasks, this::runClient);

            List<Upload> uploads = new ArrayList<>(outcomes.size());
            double lossSum = 0;
            for (int id : participants) {
                for (int j = 0; j < downBits.length; j++) {
                    ledger.record(t, Direction.DOWNLINK, id, j, downBits[j]);
                }
            }
            for (ClientOutcome<C> o : outcomes) {
                int id = o.clientId();
                long[] upBits = o.uplinkBits();
                for (int j = 0; j < upBits.length; j++) {
                    ledger.record(t, Direction.UPLINK, id, j, upBits[j]);
                }
                clientStates[id] = o.state();
                participationCounts[id]++;
                lossSum += o.trainLoss();
                uploads.add(new Upload(id, clientSizes[id], o.upload()));
            }
            state = callServer(t, () -> server.apply(current, uploads, sctx));
            messages.recycle();
            INDArray x = server.model(state);
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
                    System.nanoTime() - start, evalNanos);
            reports.add(report);
            if (LOG.isInfoEnabled()) {
                LOG.info(ReportFormat.line(report, config.rounds()));
            }
            for (RoundListener l : listeners) {
                l.onServerModel(t, x);
                l.onRound(report);
            }
        }
        SimulationResult<S> result = new SimulationResult<>(algorithm.name(), config, reports,
                server.model(state).dup(), state, ledger, participationCounts);
        for (RoundListener l : listeners) {
            l.onFinish(result);
        }
        return result;
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

    private ClientOutcome<C> runClient(ClientTask<C> task) {
        int id = task.clientId();
        int t = task.round();
        Channel up = new Channel(Direction.UPLINK, t, id, uplinkCompressor,
                seeds.stream(Purpose.UPLINK_COMPRESSION, t, id), messages);
        ClientContext ctx = new ClientContext(id, t, data.client(id), model, seeds, up, config.precision(),
                workspaces.get());
        ClientResult<C> r;
        try {
            r = algorithm.client().train(task.downlink(), task.state(), ctx);
        } catch (SimulationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SimulationException(t, id, config.seed(), "the client failed: " + e, e);
        }
        if (r == null) {
            throw new SimulationException(t, id, config.seed(), algorithm.name() + " client returned null", null);
        }
        if (!Double.isFinite(r.trainLoss())) {
            throw new SimulationException(t, id, config.seed(), "the training loss diverged to " + r.trainLoss()
                    + "; lower the learning rate", null);
        }
        Message upload = up.message();
        if (upload.size() != algorithm.uplinkVectors()) {
            throw new SimulationException(t, id, config.seed(), algorithm.name() + " declares "
                    + algorithm.uplinkVectors() + " uplink vectors but the client sent " + upload.size(), null);
        }
        for (int j = 0; j < upload.size(); j++) {
            long bad = Tensors.firstNonFinite(upload.vector(j));
            if (bad >= 0) {
                throw new SimulationException(t, id, config.seed(), "uploaded vector " + j
                        + " is not finite (coordinate " + bad + " is " + upload.vector(j).getDouble(bad)
                        + "); lower the learning rate", null);
            }
        }
        return new ClientOutcome<>(id, upload, up.bitsPerVector(), r.state(), r.trainLoss());
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
    public FederatedDataset data() {
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
        private FederatedDataset data;
        private Participation participation;
        private Compressor uplink;
        private Compressor downlink;
        private INDArray initialParameters;
        private final List<RoundListener> listeners = new ArrayList<>();
        private ExecutionEngine engine;

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
        public Builder<S, C> data(FederatedDataset v) {
            data = v;
            return this;
        }

        /** Who participates; overrides the config's clientsPerRound. */
        public Builder<S, C> participation(Participation v) {
            participation = v;
            return this;
        }

        /** The uplink encoding (default identity). */
        public Builder<S, C> uplinkCompressor(Compressor v) {
            uplink = v;
            return this;
        }

        /** The downlink encoding (default identity). */
        public Builder<S, C> downlinkCompressor(Compressor v) {
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

        /** A caller-owned engine (not closed by the simulation). */
        public Builder<S, C> engine(ExecutionEngine v) {
            engine = v;
            return this;
        }

        /** Validates and builds. */
        public Simulation<S, C> build() {
            return new Simulation<>(this);
        }
    }
}
