package io.github.fl4j.core.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.comm.LedgerEntry;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import io.github.fl4j.core.sim.CheckpointPolicy;
import io.github.fl4j.core.sim.RoundListener;
import io.github.fl4j.core.state.CheckpointFile;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.state.KeepOnClose;
import io.github.fl4j.core.state.StateStoreFactory;
import io.github.fl4j.core.state.ObjectStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.state.CheckpointDirectory;
import io.github.fl4j.core.time.AvailabilityModels;
import io.github.fl4j.core.time.Devices;
import io.github.fl4j.core.time.Dropouts;
import io.github.fl4j.core.time.EngineInvariants;
import io.github.fl4j.core.time.Schedule;
import io.github.fl4j.core.time.TimeReport;
import io.github.fl4j.core.time.TimedResult;
import io.github.fl4j.core.time.TimedSimulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The contract every {@link FederatedAlgorithm} must meet. An implementation's test
 * extends this class and supplies the algorithm; the default problem is a small Synthetic(1, 1) softmax regression
 * (10 clients, 4 per round, 6 rounds), which subclasses may replace.
 *
 * <ul>
 *   <li>the same seed gives bit-identical reports, ledgers and final parameters with 1, 2 and 4 worker threads;</li>
 *   <li>a client does not modify the downlink message, its data or its input state arrays it does not own;</li>
 *   <li>the ledger equals the algorithm's declared vectors: with the identity encoding, each participant costs
 *       {@code downlinkVectors * 32 d} bits down and {@code uplinkVectors * 32 d} bits up per round (or 32 times
 *       {@link #valuesPerParticipant});</li>
 *   <li>the state codecs round-trip bit-exactly, for initial and non-initial states, and keep every field (a run
 *       through the codecs equals a run with live objects);</li>
 *   <li>the disk store: a run with {@code StateStoreFactory.onDisk}, and one resumed from its checkpoint after a
 *       crash, equal the in-memory run bit for bit;</li>
 *   <li>checkpoint and resume: a run resumed in a fresh simulation from a checkpoint equals an uninterrupted run,
 *       bit for bit;</li>
 *   <li>over several rounds, no client modifies the downlink message or its data;</li>
 *   <li>streaming aggregation: runs in chunks of 1, 3 and the whole round, with 1 and 2 threads, equal bit for bit
 *       (parameters, server and client states, tables, ledger, participation counts, reports sans timings) the run
 *       of the same algorithm whose server only has {@code apply} (the collecting path of {@link Server#begin}), so
 *       the server's fold equals its apply.</li>
 * </ul>
 */
public abstract class AlgorithmContractTest {

    /** The algorithm under test. */
    protected abstract FederatedAlgorithm<?, ?> algorithm();

    /** The model of the test problem. */
    protected Model model() {
        return new SoftmaxRegression(10, 3);
    }

    /** The data of the test problem. */
    protected FederatedDataset data() {
        return SyntheticFedProx.builder().clients(10).dimension(10).classes(3).fixedSamples(30).build()
                .generate(new SeedTree(7).stream(Purpose.DATA_GENERATION));
    }

    /** The configuration of the test problem for a thread count. */
    protected SimulationConfig config(int threads) {
        return SimulationConfig.builder().rounds(6).clientsPerRound(4).threads(threads).seed(2024).evalEvery(2)
                .build();
    }

    /**
     * The uplink compressor of the test problem (default identity). Error-feedback algorithms override it with a
     * contractive compressor, so that their client states are not trivially zero and every field of their codecs is
     * exercised by the resume and codec tests.
     */
    protected Compressor uplinkCompressor() {
        return IdentityCompressor.INSTANCE;
    }

    /**
     * The number of values each participant's message holds per round in a direction: by default the declared number
     * of vectors times d. An algorithm whose messages also carry short vectors (DP-FedAvg's adaptive clipping sends
     * its clip norm down and a clipped bit up, one value each) overrides it.
     */
    protected long valuesPerParticipant(Direction direction, long d) {
        FederatedAlgorithm<?, ?> alg = algorithm();
        return (direction == Direction.UPLINK ? alg.uplinkVectors() : alg.downlinkVectors()) * d;
    }

    /** A builder of the test problem's simulation. */
    protected <S, C> Simulation.Builder<S, C> builder(FederatedAlgorithm<S, C> algorithm, int threads) {
        return Simulation.builder(algorithm).config(config(threads)).model(model()).data(data())
                .uplinkCompressor(uplinkCompressor());
    }

    private <S, C> SimulationResult<S> run(FederatedAlgorithm<S, C> algorithm, int threads) {
        return builder(algorithm, threads).build().run();
    }

    @Test
    void sameSeedGivesTheSameBitsForAnyThreadCount() {
        SimulationResult<?> one = run(algorithm(), 1);
        for (int threads : new int[] {1, 2, 4}) {
            SimulationResult<?> other = run(algorithm(), threads);
            List<RoundReport> a = new ArrayList<>();
            List<RoundReport> b = new ArrayList<>();
            one.reports().forEach(r -> a.add(r.withoutTimings()));
            other.reports().forEach(r -> b.add(r.withoutTimings()));
            assertEquals(a, b, "reports with " + threads + " threads");
            assertArrayEquals(bits(one.finalParameters()), bits(other.finalParameters()),
                    "final parameters with " + threads + " threads");
            assertEquals(one.ledger().entries(), other.ledger().entries());
        }
    }

    @Test
    void ledgerEqualsTheDeclaredVectors() {
        FederatedAlgorithm<?, ?> alg = algorithm();
        SimulationConfig cfg = config(2);
        SimulationResult<?> r = Simulation.builder(alg).config(cfg).model(model()).data(data()).build().run();
        checkRoundBits(r, cfg);
        long up = 0;
        for (LedgerEntry e : r.ledger().entries()) {
            if (e.direction() == Direction.UPLINK) {
                up += e.bits();
            }
        }
        assertEquals(up, r.uplinkBits());
    }

    /**
     * Checks each round's bits in a run of the test problem with identity compressors: by default each participant
     * costs {@code downlinkVectors * b d} bits down and {@code uplinkVectors * b d} up (b = 32 or 64). An algorithm
     * that sends protocol messages of other sizes (secure aggregation) overrides it with its own formula.
     */
    protected void checkRoundBits(SimulationResult<?> r, SimulationConfig cfg) {
        long d = model().dimension();
        int bitsPerValue = cfg.precision().bits();
        for (RoundReport rep : r.reports()) {
            assertEquals(valuesPerParticipant(Direction.UPLINK, d) * bitsPerValue * rep.participants(),
                    rep.uplinkBits());
            assertEquals(valuesPerParticipant(Direction.DOWNLINK, d) * bitsPerValue * rep.participants(),
                    rep.downlinkBits());
        }
    }

    /**
     * Whether the algorithm runs in the simulation with time (default true); one that needs the round engine (secure
     * aggregation records server protocol messages the engine with time does not) returns false, and its test checks
     * that it fails there clearly.
     */
    protected boolean runsUnderTime() {
        return true;
    }

    @Test
    void clientDoesNotModifyItsInputs() {
        checkClientInputs(algorithm());
    }

    private <S, C> void checkClientInputs(FederatedAlgorithm<S, C> alg) {
        Model model = model();
        FederatedDataset data = data();
        Precision precision = config(1).precision();
        SeedTree seeds = new SeedTree(1);
        AlgorithmSetup setup = new AlgorithmSetup(model.dimension(), data.clientSizes(), precision,
                IdentityCompressor.INSTANCE, IdentityCompressor.INSTANCE);
        INDArray x0 = Tensors.zeros(precision, model.dimension());
        model.initialParameters(new RandomStream(3), x0);
        RandomStream noise = new RandomStream(4);
        INDArray perturb = Tensors.zeros(precision, model.dimension());
        noise.fillGaussian(perturb, 0, 0.1);
        Tensors.axpy(1, perturb, x0);
        S state = alg.initServerState(x0, setup);
        double[] x0Before = Tensors.toDoubleArray(x0);
        ServerContext sctx = new ServerContext(1, data.clientSizes(), new int[] {0, 1}, seeds, precision);
        double[] modelBefore = Tensors.toDoubleArray(alg.server().model(state));
        Message down = alg.server().broadcast(state, sctx);
        assertArrayEquals(modelBefore, Tensors.toDoubleArray(alg.server().model(state)),
                "broadcast must not modify the server model");
        assertArrayEquals(x0Before, Tensors.toDoubleArray(x0), "initServerState must copy the parameters");
        List<double[]> downBefore = new ArrayList<>();
        down.vectors().forEach(v -> downBefore.add(Tensors.toDoubleArray(v)));
        double[] featuresBefore = Tensors.toDoubleArray(data.client(0).features().reshape(-1));
        Channel up = new Channel(Direction.UPLINK, 1, 0, IdentityCompressor.INSTANCE, new RandomStream(5));
        ClientContext ctx = new ClientContext(0, 1, data.client(0), model, seeds, up, precision);
        ClientResult<C> res = alg.client().train(down, alg.initClientState(0, setup), ctx);
        assertNotNull(res.state());
        for (int i = 0; i < down.size(); i++) {
            assertArrayEquals(downBefore.get(i), Tensors.toDoubleArray(down.vector(i)),
                    "the client modified downlink vector " + i);
        }
        assertArrayEquals(featuresBefore, Tensors.toDoubleArray(data.client(0).features().reshape(-1)),
                "the client modified its data");
        assertEquals(alg.uplinkVectors(), up.message().size());
    }

    @Test
    void stateCodecsRoundTripBitExactly() throws IOException {
        roundTrip(algorithm());
    }

    /** Round-trips the final (non-initial) server state and every stored client state and table entry. */
    private <S, C> void roundTrip(FederatedAlgorithm<S, C> alg) throws IOException {
        SimulationResult<S> r = run(alg, 1);
        byte[] once = encode(alg.serverStateCodec(), r.serverState());
        S back = alg.serverStateCodec().read(new DataInputStream(new ByteArrayInputStream(once)));
        assertArrayEquals(once, encode(alg.serverStateCodec(), back));
        assertArrayEquals(bits(alg.server().model(r.serverState())), bits(alg.server().model(back)));
        @SuppressWarnings("unchecked")
        ClientStateStore<C> store = (ClientStateStore<C>) r.runState().clientStates();
        int stored = 0;
        for (int id = 0; id < data().clientCount(); id++) {
            if (!store.contains(id)) {
                continue;
            }
            stored++;
            C c = store.get(id);
            byte[] cOnce = encode(alg.clientStateCodec(), c);
            C cBack = alg.clientStateCodec().read(new DataInputStream(new ByteArrayInputStream(cOnce)));
            assertArrayEquals(cOnce, encode(alg.clientStateCodec(), cBack), "client " + id);
            C reused = alg.clientStateCodec().read(new DataInputStream(new ByteArrayInputStream(cOnce)),
                    alg.initClientState(id, setup()));
            assertArrayEquals(cOnce, encode(alg.clientStateCodec(), reused), "client " + id + " decoded in place");
        }
        assertTrue(stored > 0, "some client must have a stored state after " + config(1).rounds() + " rounds");
        AlgorithmSetup setup = setup();
        C c = alg.initClientState(0, setup);
        byte[] cOnce = encode(alg.clientStateCodec(), c);
        C cBack = alg.clientStateCodec().read(new DataInputStream(new ByteArrayInputStream(cOnce)));
        assertArrayEquals(cOnce, encode(alg.clientStateCodec(), cBack));
    }

    private AlgorithmSetup setup() {
        return new AlgorithmSetup(model().dimension(), data().clientSizes(), config(1).precision(),
                IdentityCompressor.INSTANCE, IdentityCompressor.INSTANCE);
    }

    /**
     * Codecs keep every field: a run whose states cross their codecs every round (the default store) equals a run
     * whose stores keep the live objects. Dropping a field from a client codec, or from a server table's, fails here.
     */
    @Test
    void codecsKeepEveryField() throws IOException {
        codecsKeepEveryField(algorithm());
    }

    private <S, C> void codecsKeepEveryField(FederatedAlgorithm<S, C> alg) throws IOException {
        SimulationResult<S> encoded = run(alg, 1);
        SimulationResult<S> live = builder(alg, 1).stateStores(ObjectStateStore.factory()).build().run();
        assertSameRun(alg, encoded, live, "a run through the codecs and a run with live objects");
    }

    /**
     * Checkpoint and resume: a run of T rounds equals a run that checkpoints every 2 rounds, crashes in round 5 and is
     * resumed in a fresh simulation object (with another thread count) from its newest checkpoint (round 4), and one
     * resumed from the round-2 checkpoint: parameters, server state, client states, server tables, ledger and reports
     * (except wall times) are bit-identical. Fails if any state is left out of the checkpoint.
     */
    @Test
    void checkpointAndResumeGiveTheSameBits(@TempDir Path dir) throws IOException {
        checkpointAndResume(algorithm(), dir);
    }

    private <S, C> void checkpointAndResume(FederatedAlgorithm<S, C> alg, Path dir) throws IOException {
        SimulationResult<S> full = run(alg, 1);
        int rounds = config(1).rounds();
        int crashRound = Math.min(5, rounds);
        RoundListener crash = report -> {
            if (report.round() == crashRound) {
                throw new IllegalStateException("simulated crash in round " + crashRound);
            }
        };
        Simulation<S, C> first = builder(alg, 1).checkpoints(CheckpointPolicy.every(2, dir).keeping(10)).listener(crash).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, first::run);
        assertTrue(e.getMessage().contains("simulated crash"), e.getMessage());
        Simulation<S, C> resumed = builder(alg, 2).build();
        assertSameRun(alg, full, resumed.resume(dir), "an uninterrupted run and one resumed after round "
                + (crashRound - 1 - (crashRound - 1) % 2));
        Path second = dir.resolve("checkpoint-000002.fl4j");
        assertTrue(Files.exists(second), "checkpoint of round 2");
        Simulation<S, C> fromTwo = builder(alg, 1).build();
        assertSameRun(alg, full, fromTwo.resumeFrom(second), "an uninterrupted run and one resumed after round 2");
    }

    @Test
    void streamingAggregationGivesTheSameBitsForAnyChunkSize() throws IOException {
        streamingEqualsCollecting(algorithm());
    }

    private <S, C> void streamingEqualsCollecting(FederatedAlgorithm<S, C> alg) throws IOException {
        SimulationResult<S> collecting = builder(ForwardingAlgorithm.collecting(alg), 1).chunkSize(Integer.MAX_VALUE)
                .build().run();
        for (int threads : new int[] {1, 2}) {
            for (int chunk : new int[] {1, 3, Integer.MAX_VALUE}) {
                SimulationResult<S> r = builder(alg, threads).chunkSize(chunk).build().run();
                assertSameRun(alg, collecting, r, "the collecting run (server.apply, one chunk) and the run with "
                        + "the server's own fold, chunks of " + chunk + ", " + threads + " threads");
            }
        }
    }

    /**
     * The disk store: a run with {@link StateStoreFactory#onDisk} (no cache, so every state goes through the file;
     * 2 threads) equals the in-memory run bit for bit, and so does a disk-store run that checkpoints every 2 rounds,
     * crashes in round 5 and is resumed with a disk store (with a small cache) in a fresh simulation; its checkpoint
     * files verify.
     */
    @Test
    void theDiskStoreGivesTheSameBitsAsTheMemoryStore(@TempDir Path dir) throws IOException {
        diskStore(algorithm(), dir);
    }

    private <S, C> void diskStore(FederatedAlgorithm<S, C> alg, Path dir) throws IOException {
        SimulationResult<S> memory = run(alg, 1);
        SimulationResult<S> disk = builder(alg, 2)
                .stateStores(KeepOnClose.of(StateStoreFactory.onDisk(dir.resolve("stores"), 0))).build().run();
        assertSameRun(alg, memory, disk, "a run with the memory store and one with the disk store");
        int crashRound = Math.min(5, config(1).rounds());
        RoundListener crash = report -> {
            if (report.round() == crashRound) {
                throw new IllegalStateException("simulated crash in round " + crashRound);
            }
        };
        Path checkpoints = dir.resolve("checkpoints");
        StateStoreFactory stores = KeepOnClose.of(StateStoreFactory.onDisk(dir.resolve("resumed"), 4096));
        Simulation<S, C> first = builder(alg, 1).stateStores(stores)
                .checkpoints(CheckpointPolicy.every(2, checkpoints).keeping(10)).listener(crash).build();
        assertThrows(IllegalStateException.class, first::run);
        for (Path f : CheckpointDirectory.complete(checkpoints)) {
            assertTrue(CheckpointFile.Reader.verify(f).contains("clients"), f.toString());
        }
        SimulationResult<S> resumed = builder(alg, 1).stateStores(stores).build().resume(checkpoints);
        assertSameRun(alg, memory, resumed, "a run with the memory store and a disk-store run resumed after a crash");
    }

    private <S, C> void assertSameRun(FederatedAlgorithm<S, C> alg, SimulationResult<S> a, SimulationResult<S> b,
                                      String what) throws IOException {
        List<RoundReport> ra = new ArrayList<>();
        List<RoundReport> rb = new ArrayList<>();
        a.reports().forEach(r -> ra.add(r.withoutTimings()));
        b.reports().forEach(r -> rb.add(r.withoutTimings()));
        assertEquals(ra, rb, "reports of " + what);
        assertArrayEquals(bits(a.finalParameters()), bits(b.finalParameters()), "final parameters of " + what);
        assertEquals(a.ledger().entries(), b.ledger().entries(), "ledgers of " + what);
        assertArrayEquals(a.participationCounts(), b.participationCounts(), "participation counts of " + what);
        assertArrayEquals(encode(alg.serverStateCodec(), a.serverState()),
                encode(alg.serverStateCodec(), b.serverState()), "server states of " + what);
        assertArrayEquals(storeBytes(a.runState().clientStates()), storeBytes(b.runState().clientStates()),
                "client states of " + what);
        ByteArrayOutputStream ta = new ByteArrayOutputStream();
        a.runState().serverTables().writeTo(new DataOutputStream(ta));
        ByteArrayOutputStream tb = new ByteArrayOutputStream();
        b.runState().serverTables().writeTo(new DataOutputStream(tb));
        assertArrayEquals(ta.toByteArray(), tb.toByteArray(), "server tables of " + what);
    }

    private static byte[] storeBytes(ClientStateStore<?> store) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.writeTo(new DataOutputStream(out));
        return out.toByteArray();
    }

    /**
     * Over several rounds (so clients run with non-initial states), no client modifies the downlink message or its
     * data: every call of the client half is watched.
     */
    @Test
    void clientDoesNotModifyItsInputsOverSeveralRounds() {
        Watched<?, ?> w = watched(algorithm());
        SimulationResult<?> r = watchedRun(w);
        assertTrue(w.calls > config(1).rounds(), "the client half was called " + w.calls + " times");
        if (w.changesState(r)) {
            assertTrue(w.nonInitialCalls > 0, "no client ran with a non-initial state");
        }
    }

    private <S, C> SimulationResult<S> watchedRun(Watched<S, C> w) {
        return builder(w, 1).build().run();
    }

    private <S, C> Watched<S, C> watched(FederatedAlgorithm<S, C> alg) {
        return new Watched<>(alg, setup());
    }

    /** Delegates to an algorithm and checks, around every client call, that the client's inputs are unchanged. */
    private static final class Watched<S, C> extends ForwardingAlgorithm<S, C> {
        private final FederatedAlgorithm<S, C> inner;
        private final AlgorithmSetup setup;
        int calls;
        int nonInitialCalls;

        Watched(FederatedAlgorithm<S, C> inner, AlgorithmSetup setup) {
            super(inner);
            this.inner = inner;
            this.setup = setup;
        }

        /** Whether some stored client state differs from its initial state after the run. */
        boolean changesState(SimulationResult<?> r) {
            @SuppressWarnings("unchecked")
            ClientStateStore<C> store = (ClientStateStore<C>) r.runState().clientStates();
            try {
                for (int id = 0; id < setup.population(); id++) {
                    if (store.contains(id) && !java.util.Arrays.equals(encode(inner.clientStateCodec(),
                            inner.initClientState(id, setup)), encode(inner.clientStateCodec(), store.get(id)))) {
                        return true;
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return false;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public S initServerState(INDArray initialParameters, AlgorithmSetup s) {
            return inner.initServerState(initialParameters, s);
        }

        @Override
        public C initClientState(int clientId, AlgorithmSetup s) {
            return inner.initClientState(clientId, s);
        }

        @Override
        public Server<S> server() {
            return inner.server();
        }

        @Override
        public Client<C> client() {
            Client<C> c = inner.client();
            return (down, state, ctx) -> {
                String where = "round " + ctx.round() + ", client " + ctx.clientId();
                List<double[]> downBefore = new ArrayList<>();
                down.vectors().forEach(v -> downBefore.add(Tensors.toDoubleArray(v)));
                double[] features = Tensors.toDoubleArray(ctx.data().features().reshape(-1));
                double[] labels = Tensors.toDoubleArray(ctx.data().labels().reshape(-1));
                try {
                    byte[] initial = encode(inner.clientStateCodec(), inner.initClientState(ctx.clientId(), setup));
                    if (!java.util.Arrays.equals(initial, encode(inner.clientStateCodec(), state))) {
                        nonInitialCalls++;
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                ClientResult<C> r = c.train(down, state, ctx);
                for (int i = 0; i < down.size(); i++) {
                    assertArrayEquals(downBefore.get(i), Tensors.toDoubleArray(down.vector(i)),
                            where + ": the client modified downlink vector " + i);
                }
                assertArrayEquals(features, Tensors.toDoubleArray(ctx.data().features().reshape(-1)),
                        where + ": the client modified its features");
                assertArrayEquals(labels, Tensors.toDoubleArray(ctx.data().labels().reshape(-1)),
                        where + ": the client modified its labels");
                calls++;
                return r;
            };
        }

    }

    private static <T> byte[] encode(StateCodec<T> codec, T state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        codec.write(state, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    /** The raw bits of a vector's values, for exact comparisons. */
    protected static long[] bits(INDArray x) {
        double[] v = Tensors.toDoubleArray(x);
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
        }
        return out;
    }

    /** The test problem under time: log-normal devices with jitter, dropouts and a schedule. */
    protected <S, C> TimedSimulation.Builder<?, C> timed(FederatedAlgorithm<S, C> algorithm, int threads,
                                                        Schedule schedule) {
        SimulationConfig c = config(threads);
        return TimedSimulation.synchronous(algorithm).config(SimulationConfig.builder().rounds(8)
                        .clientsPerRound(c.clientsPerRound()).threads(threads).seed(c.seed()).evalEvery(2)
                        .precision(c.precision()).build())
                .model(model()).data(data()).uplinkCompressor(uplinkCompressor()).schedule(schedule)
                .devices(Devices.withJitter(Devices.logNormal(200, 0.8, 1e6, 0.8, 1e7, 0.8), 0.3));
    }

    /**
     * Every synchronous algorithm runs in time: rounds with a deadline, over-selection and dropouts, the same bits for
     * 1 and 2 threads and after a resume in the middle (the 2-thread and the resumed run with the disk store); an algorithm that needs every client every round refuses such
     * a schedule when the simulation is built, naming itself and the schedule, and runs when every client is waited
     * for.
     */
    @Test
    void runsUnderTimeWithDeadlinesOverSelectionAndDropouts(@TempDir Path dir) throws IOException {
        FederatedAlgorithm<?, ?> alg = algorithm();
        if (!runsUnderTime()) {
            return;
        }
        Schedule tight = Schedule.rounds().deadline(0.5).overSelection(1.3);
        if (alg.requiresEveryClientEveryRound()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> timed(alg, 1, Schedule.rounds().deadline(0.5)).participation(Participation.all()).build());
            assertTrue(e.getMessage().contains(alg.name()) && e.getMessage().contains("deadline 0.5 s"),
                    e.getMessage());
            EngineInvariants inv = new EngineInvariants(data().clientCount());
            TimedResult<?> r = timed(alg, 1, Schedule.rounds()).participation(Participation.all()).listener(inv)
                    .build().run();
            assertEquals(8, r.reports().size());
            assertTrue(r.virtualTime() > 0);
            return;
        }
        EngineInvariants inv = new EngineInvariants(data().clientCount());
        TimedResult<?> one = timed(alg, 1, tight).dropout(Dropouts.probability(0.1))
                .availability(AvailabilityModels.markov(30, 3)).listener(inv).checkpointEvery(3, dir).build().run();
        assertEquals(8, one.reports().size());
        assertTrue(java.util.Arrays.stream(one.appliedPerClient()).sum() > 0, "some uploads were applied");
        TimedResult<?> two = timed(alg, 2, tight).dropout(Dropouts.probability(0.1))
                .availability(AvailabilityModels.markov(30, 3))
                .stateStores(StateStoreFactory.onDisk(dir.resolve("stores-two"), 0)).build().run();
        assertEquals(one.finalParameters(), two.finalParameters());
        List<TimeReport> a = one.reports().stream().map(TimeReport::withoutTimings).toList();
        assertEquals(a, two.reports().stream().map(TimeReport::withoutTimings).toList());
        assertEquals(one.ledger().entries(), two.ledger().entries());
        TimedResult<?> resumed = timed(alg, 2, tight).dropout(Dropouts.probability(0.1))
                .availability(AvailabilityModels.markov(30, 3))
                .stateStores(StateStoreFactory.onDisk(dir.resolve("stores-resumed"), 4096)).build()
                .resumeFrom(CheckpointDirectory.file(dir, 6));
        assertEquals(one.finalParameters(), resumed.finalParameters());
        assertEquals(a, resumed.reports().stream().map(TimeReport::withoutTimings).toList());
        assertEquals(one.ledger().entries(), resumed.ledger().entries());
    }
}
