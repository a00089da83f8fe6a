package io.github.fl4j.hazelcast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.map.IMap;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.sim.CheckpointPolicy;
import io.github.fl4j.core.sim.ClientRunners;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Tensors;
import java.io.Serializable;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real algorithms with client states on an embedded two-member cluster equal the in-process run bit for bit
 * (reports without wall times, final parameters, ledger), with the client states on the driver or in the cluster's
 * partitioned map; a run resumed on the cluster from a checkpoint equals the uninterrupted one; Java deserialization
 * is filtered.
 */
class ClusterRunTest {
    private static EmbeddedCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new EmbeddedCluster("fl4j-cluster-run-test", 2, Registry.standard());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static RunDescription description(String algorithm, String uplink, int rounds) {
        return new RunDescription(Spec.parse(algorithm), Spec.parse("softmax"),
                Spec.parse("synthetic(alpha=1,beta=1,clients=10,samples=20,dimension=8,classes=3)"),
                RunDescription.defaultParticipation(4), Spec.parse(uplink), Spec.parse("identity"),
                SimulationConfig.builder().rounds(rounds).clientsPerRound(4).seed(3).evalEvery(1).build());
    }

    static void assertSameBits(SimulationResult<?> expected, SimulationResult<?> actual, String what) {
        assertEquals(expected.reports().stream().map(RoundReport::withoutTimings).toList(),
                actual.reports().stream().map(RoundReport::withoutTimings).toList(), what);
        assertArrayEquals(Tensors.toDoubleArray(expected.finalParameters()),
                Tensors.toDoubleArray(actual.finalParameters()), 0, what);
        assertEquals(expected.ledger().entries(), actual.ledger().entries(), what);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scaffold(lr=0.05,steps=3,batch=5)|topk(fraction=0.3)",
        "fedspeed(lr=0.05,steps=3,batch=5)|topk(fraction=0.3)", "ef21(lr=0.1,partial-participation=true)|topk(fraction=0.3)",
        "fedavg(lr=0.05,steps=3,batch=5)|topk(fraction=0.2)", "fedavg-ef(lr=0.05,steps=3,batch=5)|topk(fraction=0.3)",
        "fedprox(lr=0.05,steps=3,batch=5,mu=0.1)|identity", "ef14(lr=0.1)|topk(fraction=0.3)",
        "econtrol(lr=0.1,eta=0.5,partial-participation=true)|topk(fraction=0.3)", "fedau(lr=0.05,steps=3,batch=5)|identity",
        "fedau(lr=0.05,steps=3,batch=5,aggregation=mifa)|identity",
        "compressed-gd(lr=0.1)|topk(fraction=0.3)"})
    void aRunOnTheClusterEqualsTheInProcessRun(String algorithmAndUplink) {
        String[] parts = algorithmAndUplink.split("\\|");
        RunDescription d = description(parts[0], parts[1], 5);
        Registry registry = Registry.standard();
        cluster.install(registry);
        SimulationResult<?> local = ClientRunners.simulation(d, registry).build().run();
        try (HazelcastExecutionEngine engine = cluster.engine()) {
            SimulationResult<?> onCluster = ClientRunners.simulation(d, registry).engine(engine).build().run();
            assertSameBits(local, onCluster, parts[0] + " with states on the driver");
            assertTrue(engine.bytesSent() > 0 && engine.bytesReceived() > 0);
            assertEquals(0, engine.resubmissions());
        }
        try (HazelcastExecutionEngine engine = cluster.engine()) {
            SimulationResult<?> onCluster = ClientRunners.simulation(d, registry).engine(engine)
                    .stateStores(HazelcastStateStores.factory(cluster.driver, "bits")).build().run();
            assertSameBits(local, onCluster, parts[0] + " with states in the cluster");
        }
        try (HazelcastExecutionEngine engine = cluster.engine().ownStates(true)) {
            long runs = ClientTaskCall.OWNED_RUNS.get();
            SimulationResult<?> onCluster = ClientRunners.simulation(d, registry).engine(engine)
                    .stateStores(HazelcastStateStores.factory(cluster.driver, "owned")).build().run();
            String what = parts[0] + " with the tasks owning the states";
            assertSameBits(local, onCluster, what);
            assertSameStates(registry.algorithm(d.algorithm()).clientStateCodec(), local, onCluster, 10, what);
            assertEquals(5 * 4, ClientTaskCall.OWNED_RUNS.get() - runs, "5 rounds x 4 tasks against the map");
            // Rounds 1 to 4 were committed when the next round started (their kept states dropped); round 5's
            // entries still keep the state from before it.
            assertEquals(4 * 4, engine.commits(), what);
            java.util.Set<Integer> last = new java.util.HashSet<>();
            for (var e : onCluster.ledger().entries()) {
                if (e.round() == 5) {
                    last.add(e.client());
                }
            }
            assertEquals(4, last.size());
            IMap<Integer, byte[]> map = cluster.driver.getMap(ClusterOptions.STATE_MAP_PREFIX + "owned.clients");
            for (var e : map.entrySet()) {
                boolean inLast = last.contains(e.getKey());
                assertEquals(inLast ? 5 : 0, StateEntry.round(e.getValue()), what + ": client " + e.getKey());
            }
        }
    }

    /**
     * The client states of two runs (of {@code clients} clients) have the same bytes in their codec, the second's
     * read from its store (from the cluster's map for a Hazelcast store).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void assertSameStates(io.github.fl4j.core.api.StateCodec<?> codec, SimulationResult<?> expected,
                                 SimulationResult<?> actual, int clients, String what) {
        for (int id = 0; id < clients; id++) {
            assertEquals(expected.runState().clientStates().contains(id),
                    actual.runState().clientStates().contains(id), what + ": client " + id + " has a state");
            Object a = expected.runState().clientStates().get(id);
            Object b = actual.runState().clientStates().get(id);
            if (a != null) {
                assertArrayEquals(bytes((io.github.fl4j.core.api.StateCodec) codec, a),
                        bytes((io.github.fl4j.core.api.StateCodec) codec, b), what + ": the state of client " + id);
            }
        }
    }

    static <C> byte[] bytes(io.github.fl4j.core.api.StateCodec<C> codec, C state) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(b)) {
            codec.write(state, out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    @Test
    void theDownlinkCrossesOncePerMemberAndTasksThatMissItGetItInline() {
        // FedAvg (no client state) on 200 features: the downlink (4 x 603 bytes) outweighs a task's other fields.
        RunDescription d = description("fedavg(lr=0.05,steps=3,batch=5)", "identity", 3)
                .withData(Spec.parse("synthetic(alpha=1,beta=1,clients=10,samples=20,dimension=200,classes=3)"));
        Registry registry = Registry.standard();
        cluster.install(registry);
        SimulationResult<?> local = ClientRunners.simulation(d, registry).build().run();
        long downlinkBytes = local.ledger().totalBits(io.github.fl4j.core.comm.Direction.DOWNLINK) / 8;
        try (HazelcastExecutionEngine engine = cluster.engine()) {
            SimulationResult<?> r = ClientRunners.simulation(d, registry).engine(engine).build().run();
            assertSameBits(local, r, "downlink broadcast");
            assertEquals(0, engine.inlineResends());
            // 3 rounds x 4 participants: the ledger counts 12 downlinks, the engine sent 3 x 2 members = 6 copies.
            assertTrue(engine.bytesSent() < downlinkBytes, engine.bytesSent() + " sent, ledger downlink "
                    + downlinkBytes);
        }
        try (HazelcastExecutionEngine engine = cluster.engine()) {
            engine.broadcast = false;
            SimulationResult<?> r = ClientRunners.simulation(d, registry).engine(engine).build().run();
            assertSameBits(local, r, "every task resent inline");
            assertEquals(12, engine.inlineResends(), "3 rounds x 4 participants");
        }
    }

    @Test
    void statesInTheClusterMapAreThoseOfTheInProcessRunAndBackedUp() {
        RunDescription d = description("scaffold(lr=0.05,steps=3,batch=5)", "identity", 3);
        Registry registry = Registry.standard();
        cluster.install(registry);
        SimulationResult<?> local = ClientRunners.simulation(d, registry).build().run();
        try (HazelcastExecutionEngine engine = cluster.engine()) {
            SimulationResult<?> r = ClientRunners.simulation(d, registry).engine(engine)
                    .stateStores(HazelcastStateStores.factory(cluster.driver, "states")).build().run();
            IMap<Integer, byte[]> map = cluster.driver.getMap(ClusterOptions.STATE_MAP_PREFIX + "states.clients");
            assertEquals(local.runState().clientStates().size(), map.size());
            assertEquals(local.runState().clientStates().encodedBytes(), r.runState().clientStates().encodedBytes());
            for (int id = 0; id < 10; id++) {
                assertEquals(local.runState().clientStates().contains(id), map.containsKey(id), "client " + id);
            }
            long owned = 0;
            long backups = 0;
            for (var m : cluster.members) {
                var stats = m.getMap(ClusterOptions.STATE_MAP_PREFIX + "states.clients").getLocalMapStats();
                owned += stats.getOwnedEntryCount();
                backups += stats.getBackupEntryCount();
            }
            assertEquals(map.size(), owned, "every state is owned by one data member");
            assertEquals(map.size(), backups, "and backed up once on the other");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aRunResumedOnTheClusterFromACheckpointEqualsTheUninterruptedOne(boolean owned, @TempDir Path dir)
            throws Exception {
        RunDescription d = description("scaffold(lr=0.05,steps=3,batch=5)", "topk(fraction=0.3)", 6);
        Registry registry = Registry.standard();
        cluster.install(registry);
        SimulationResult<?> uninterrupted = ClientRunners.simulation(d, registry).build().run();
        try (HazelcastExecutionEngine engine = cluster.engine().ownStates(owned)) {
            ClientRunners.simulation(d, registry).engine(engine)
                    .stateStores(HazelcastStateStores.factory(cluster.driver, "resume"))
                    .checkpoints(CheckpointPolicy.every(2, dir).keeping(10)).build().run();
        }
        Path round2 = dir.resolve("checkpoint-000002.fl4j");
        assertTrue(round2.toFile().isFile(), "checkpoint of round 2 in " + dir);
        try (HazelcastExecutionEngine engine = cluster.engine().ownStates(owned)) {
            Simulation<?, ?> again = ClientRunners.simulation(d, registry).engine(engine)
                    .stateStores(HazelcastStateStores.factory(cluster.driver, "resume2")).build();
            SimulationResult<?> resumed = again.resumeFrom(round2);
            assertArrayEquals(Tensors.toDoubleArray(uninterrupted.finalParameters()),
                    Tensors.toDoubleArray(resumed.finalParameters()), 0);
            assertEquals(uninterrupted.ledger().entries(), resumed.ledger().entries());
            assertEquals(uninterrupted.reports().subList(2, 6).stream().map(RoundReport::withoutTimings).toList(),
                    resumed.reports().stream().map(RoundReport::withoutTimings)
                            .filter(r -> r.round() > 2).toList());
            assertSameStates(registry.algorithm(d.algorithm()).clientStateCodec(), uninterrupted, resumed, 10,
                    owned ? "resumed, tasks owning the states" : "resumed, states shipped");
        }
    }

    @Test
    void aTaskRerunAfterItWroteItsStateTrainsFromTheStateBeforeTheRound() {
        // Every task of rounds 2 and 4 writes its new state, then its reply is lost as if its member had died
        // (a retryable Hazelcast failure): the task runs again, finds this round's write in the entry, and must
        // train from the state kept from before the round, not from the one it wrote.
        RunDescription d = description("scaffold(lr=0.05,steps=3,batch=5)", "topk(fraction=0.3)", 5);
        Registry registry = Registry.standard();
        cluster.install(registry);
        SimulationResult<?> local = ClientRunners.simulation(d, registry).build().run();
        java.util.Set<String> crashed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ClientTaskCall.afterStateWrite = (client, round) -> {
            if ((round == 2 || round == 4) && crashed.add(client + "/" + round)) {
                throw new com.hazelcast.spi.exception.RetryableHazelcastException("simulated loss of the member of "
                        + "client " + client + " in round " + round + " after its state write");
            }
        };
        try (HazelcastExecutionEngine engine = cluster.engine().ownStates(true)) {
            long runs = ClientTaskCall.OWNED_RUNS.get();
            SimulationResult<?> r = ClientRunners.simulation(d, registry).engine(engine)
                    .stateStores(HazelcastStateStores.factory(cluster.driver, "rerun")).build().run();
            assertEquals(8, crashed.size(), "4 participants in each of rounds 2 and 4 lost their reply");
            assertEquals(5 * 4 + 8, ClientTaskCall.OWNED_RUNS.get() - runs, "each of them ran twice");
            assertSameBits(local, r, "tasks rerun after their state write");
            assertSameStates(registry.algorithm(d.algorithm()).clientStateCodec(), local, r, 10,
                    "tasks rerun after their state write");
        } finally {
            ClientTaskCall.afterStateWrite = null;
        }
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aTaskRunTwiceInARoundGivesTheSameOutcomeAndStateAsOnce() {
        // The same round-1 work (clients 0..9, states owned by the map) executed twice: the second execution finds
        // every entry written in round 1 and trains from the state kept from before it (none: the initial state).
        RunDescription d = description("scaffold(lr=0.05,steps=3,batch=5)", "topk(fraction=0.3)", 1);
        Registry registry = Registry.standard();
        cluster.install(registry);
        io.github.fl4j.core.sim.ClientSide side = ClientRunners.clientSide(d, registry);
        io.github.fl4j.core.state.ClientStateStore store = HazelcastStateStores.factory(cluster.driver, "twice")
                .create("clients", side.codec());
        Simulation<?, ?> sim = ClientRunners.simulation(d, registry).build();
        // SCAFFOLD's downlink: the model x and the server control variate c (x = 0.1 in every coordinate, c = 0)
        long dim = sim.model().dimension();
        io.github.fl4j.core.api.Message down = io.github.fl4j.core.api.Message.of(
                Tensors.zeros(d.config().precision(), dim).addi(0.1), Tensors.zeros(d.config().precision(), dim));
        java.util.List<io.github.fl4j.core.sim.ClientTask<Object>> tasks = new java.util.ArrayList<>();
        for (int id = 0; id < 10; id++) {
            tasks.add(new io.github.fl4j.core.sim.ClientTask<>(id, 1, down, null));
        }
        io.github.fl4j.core.sim.RoundWork<Object> work = new io.github.fl4j.core.sim.RoundWork<>(1, down, tasks,
                side.runner(), new io.github.fl4j.core.sim.RemoteRun<>(d, side.codec()), store);
        try (HazelcastExecutionEngine engine = cluster.engine().ownStates(true)) {
            var once = engine.execute(work);
            java.util.List<byte[]> afterOnce = new java.util.ArrayList<>();
            for (int id = 0; id < 10; id++) {
                afterOnce.add(bytes(side.codec(), store.get(id)));
            }
            var twice = engine.execute(work);
            for (int id = 0; id < 10; id++) {
                var expected = side.runner().run(new io.github.fl4j.core.sim.ClientTask<>(id, 1, down,
                        side.initialState().apply(id)));
                for (var o : java.util.List.of(once.get(id), twice.get(id))) {
                    assertEquals(expected.trainLoss(), o.trainLoss(), "client " + id);
                    assertArrayEquals(expected.uplinkBits(), o.uplinkBits(), "client " + id);
                    assertArrayEquals(expected.upload().toBytes(), o.upload().toBytes(), "client " + id);
                }
                byte[] state = bytes(side.codec(), expected.state());
                assertArrayEquals(state, afterOnce.get(id), "client " + id + " after one run");
                assertArrayEquals(state, bytes(side.codec(), store.get(id)), "client " + id + " after two runs");
            }
        }
    }

    /** A class a peer could send Java-serialized: the filter's whitelist does not admit it. */
    record Gadget(String payload) implements Serializable {
    }

    @Test
    void javaDeserializationOfAnApplicationClassIsRefused() {
        IMap<String, Object> map = cluster.driver.getMap("java-serialization-probe");
        map.put("x", new Gadget("boom"));
        RuntimeException e = assertThrows(RuntimeException.class, () -> cluster.members.get(0)
                .<String, Object>getMap("java-serialization-probe").get("x"));
        String chain = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain += t + "\n";
        }
        assertTrue(chain.contains("Gadget") && chain.contains("SecurityException"), chain);
    }
}
