package io.github.fl4j.hazelcast;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.sim.ExecutionEngine;
import io.github.fl4j.core.sim.ExecutionEngineContractTest;
import io.github.fl4j.core.state.StateStoreFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine contract with the engine owning the states ({@link HazelcastExecutionEngine#ownStates}) and the run's
 * client states in the cluster's map: the whole-run test then goes through the owned-state path (tasks read and write
 * the states on their members) and must still equal the in-process run bit for bit, client states included.
 */
class HazelcastOwnedStatesEngineTest extends ExecutionEngineContractTest {
    private static EmbeddedCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new EmbeddedCluster("fl4j-owned-contract-test", 2, Registry.standard());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected ExecutionEngine engine(int threads, Registry registry) {
        cluster.install(registry);
        return cluster.engine().ownStates(true);
    }

    @Override
    protected StateStoreFactory stores(String run) {
        return HazelcastStateStores.factory(cluster.driver, run);
    }

    @Test
    void theEngineOwnsOnlyTheStatesOfItsClustersMaps() {
        try (HazelcastExecutionEngine engine = cluster.engine()) {
            var store = HazelcastStateStores.factory(cluster.driver, "owns").create("clients",
                    io.github.fl4j.core.api.NoState.CODEC);
            assertFalse(engine.ownsStates(store), "off by default");
            engine.ownStates(true);
            assertTrue(engine.ownsStates(store));
            assertFalse(engine.ownsStates(StateStoreFactory.inMemory().create("clients",
                    io.github.fl4j.core.api.NoState.CODEC)), "an in-memory store stays with the driver");
        }
    }
}
