package io.github.fl4j.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.sim.ExecutionEngine;
import io.github.fl4j.core.sim.ExecutionEngineContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine contract on an embedded cluster of two data members and a lite driver: outcomes in task order, every
 * task run and the first failure in task order rethrown, a whole run equal to the in-process run bit for bit.
 */
class HazelcastExecutionEngineTest extends ExecutionEngineContractTest {
    private static EmbeddedCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new EmbeddedCluster("fl4j-contract-test", 2, Registry.standard());
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
        return cluster.engine();
    }

    @Test
    void theClusterHasTwoDataMembersAndALiteDriver() {
        assertEquals(3, cluster.driver.getCluster().getMembers().size());
        try (HazelcastExecutionEngine e = cluster.engine()) {
            assertEquals(2 * EmbeddedCluster.THREADS, e.parallelism());
        }
    }

    @Test
    void aSimulationWithoutADescriptionIsRefusedWithAHint() {
        try (HazelcastExecutionEngine engine = cluster.engine()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> engine.execute(
                    new io.github.fl4j.core.sim.RoundWork<>(1, io.github.fl4j.core.api.Message.of(
                            io.github.fl4j.core.tensor.Tensors.zeros(io.github.fl4j.core.tensor.Precision.FLOAT32, 2)),
                            java.util.List.<io.github.fl4j.core.sim.ClientTask<Object>>of(), t -> null, null)));
            assertTrue(e.getMessage().contains("ClientRunners.simulation"), e.getMessage());
        }
    }
}
