package io.github.fl4j.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Member;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.sim.ClientOutcome;
import io.github.fl4j.core.sim.ClientRunners;
import io.github.fl4j.core.sim.ExecutionEngine;
import io.github.fl4j.core.sim.RoundWork;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The driver (a lite member in this JVM) and two member processes on loopback: a run equals the local run bit for
 * bit; and when one member is killed with SIGKILL in the middle of a round, the round completes on the survivor
 * (lost tasks rerun, client states recovered from the map's backups) and the final bits equal the undisturbed run.
 */
class HazelcastMembersIT {

    static int dataMembers(HazelcastExecutionEngine engine) {
        int n = 0;
        for (Member m : engine.driver().getCluster().getMembers()) {
            if (!m.isLiteMember()) {
                n++;
            }
        }
        return n;
    }

    static void awaitDataMembers(HazelcastExecutionEngine engine, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (dataMembers(engine) != n) {
            assertTrue(System.nanoTime() < deadline, "the cluster never had " + n + " data members");
            Thread.sleep(100);
        }
    }

    @ParameterizedTest(name = "tasks owning the states: {0}")
    @ValueSource(booleans = {false, true})
    void twoMemberProcessesGiveTheBitsOfTheLocalEngine(boolean owned, @TempDir Path dir) throws Exception {
        RunDescription d = ClusterRunTest.description("scaffold(lr=0.05,steps=3,batch=5)", "topk(fraction=0.3)", 5);
        Registry registry = Registry.standard();
        SimulationResult<?> local = ClientRunners.simulation(d, registry).build().run();
        try (MemberProcesses members = new MemberProcesses("fl4j-it-bits", 2, dir);
             HazelcastExecutionEngine engine = HazelcastExecutionEngine.connect(members.driverOptions())
                     .ownStates(owned)) {
            awaitDataMembers(engine, 2);
            SimulationResult<?> r = ClientRunners.simulation(d, registry).engine(engine)
                    .stateStores(HazelcastStateStores.factory(engine.driver(), "it-bits")).build().run();
            ClusterRunTest.assertSameBits(local, r, "two member processes");
            ClusterRunTest.assertSameStates(registry.algorithm(d.algorithm()).clientStateCodec(), local, r, 10,
                    "two member processes");
        }
    }

    /** Kills a member process a given time after a given round's tasks were submitted, and records when. */
    static final class KillingEngine implements ExecutionEngine {
        final HazelcastExecutionEngine inner;
        final Process victim;
        final int round;
        final AtomicLong killedAt = new AtomicLong();
        long roundStart;
        long roundEnd;
        long[] roundNanos = new long[64];

        KillingEngine(HazelcastExecutionEngine inner, Process victim, int round) {
            this.inner = inner;
            this.victim = victim;
            this.round = round;
        }

        @Override
        public <C> List<ClientOutcome<C>> execute(RoundWork<C> work) {
            long start = System.nanoTime();
            Thread killer = null;
            if (work.round() == round) {
                // A third of the shortest earlier round after the first (which builds the runners): well inside
                // this round.
                long shortest = Long.MAX_VALUE;
                for (int t = 2; t < round; t++) {
                    shortest = Math.min(shortest, roundNanos[t]);
                }
                long delay = shortest / 3;
                roundStart = start;
                killer = new Thread(() -> {
                    try {
                        TimeUnit.NANOSECONDS.sleep(delay);
                    } catch (InterruptedException e) {
                        return;
                    }
                    killedAt.set(System.nanoTime());
                    victim.destroyForcibly(); // SIGKILL on Linux
                });
                killer.start();
            }
            List<ClientOutcome<C>> out = inner.execute(work);
            long end = System.nanoTime();
            roundNanos[work.round()] = end - start;
            if (work.round() == round) {
                roundEnd = end;
                try {
                    killer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return out;
        }

        @Override
        public boolean ownsStates(io.github.fl4j.core.state.ClientStateStore<?> store) {
            return inner.ownsStates(store);
        }

        @Override
        public int parallelism() {
            return inner.parallelism();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @ParameterizedTest(name = "tasks owning the states: {0}")
    @ValueSource(booleans = {false, true})
    void aMemberKilledInTheMiddleOfARoundChangesNoBit(boolean owned, @TempDir Path dir) throws Exception {
        // Slow enough clients (an MLP, 60 local steps) that a round lasts long enough to be interrupted.
        RunDescription d = new RunDescription(Spec.parse("scaffold(lr=0.05,steps=60,batch=20)"),
                Spec.parse("mlp(hidden=64;64)"),
                Spec.parse("synthetic(alpha=1,beta=1,clients=16,samples=60,dimension=60,classes=10)"),
                RunDescription.defaultParticipation(8), Spec.parse("topk(fraction=0.3)"), Spec.parse("identity"),
                SimulationConfig.builder().rounds(6).clientsPerRound(8).seed(5).evalEvery(3).build());
        Registry registry = Registry.standard();
        SimulationResult<?> undisturbed = ClientRunners.simulation(d, registry).build().run();
        try (MemberProcesses members = new MemberProcesses("fl4j-it-loss", 2, dir);
             KillingEngine engine = new KillingEngine(HazelcastExecutionEngine.connect(members.driverOptions())
                     .ownStates(owned), members.processes.get(1), 4)) {
            awaitDataMembers(engine.inner, 2);
            SimulationResult<?> r = ClientRunners.simulation(d, registry).engine(engine)
                    .stateStores(HazelcastStateStores.factory(engine.inner.driver(), "it-loss")).build().run();
            System.out.printf("member loss (owned states: " + owned + "): round 4 took %.0f ms (kill after %.0f ms), rounds 1-3 %.0f/%.0f/%.0f ms, "
                    + "%d tasks resubmitted by the engine%n", (engine.roundEnd - engine.roundStart) / 1e6,
                    (engine.killedAt.get() - engine.roundStart) / 1e6, engine.roundNanos[1] / 1e6,
                    engine.roundNanos[2] / 1e6, engine.roundNanos[3] / 1e6, engine.inner.resubmissions());
            assertFalse(members.processes.get(1).isAlive(), "the member was killed");
            assertTrue(engine.killedAt.get() > engine.roundStart && engine.killedAt.get() < engine.roundEnd,
                    "the kill happened while round 4 ran");
            assertEquals(1, dataMembers(engine.inner), "one data member left");
            ClusterRunTest.assertSameBits(undisturbed, r, "a member killed in round 4");
            ClusterRunTest.assertSameStates(registry.algorithm(d.algorithm()).clientStateCodec(), undisturbed, r, 16,
                    "a member killed in round 4");
        }
    }
}
