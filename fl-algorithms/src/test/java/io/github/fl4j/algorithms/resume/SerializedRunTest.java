package io.github.fl4j.algorithms.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.sim.ClientRunners;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.SerializingExecutionEngine;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real algorithms with client states, run through an engine that shares only bytes with the simulation (it builds
 * its own client runner from the run description), equal the in-process run bit for bit.
 */
class SerializedRunTest {

    @ParameterizedTest
    @ValueSource(strings = {"scaffold(lr=0.05,steps=3,batch=5)", "fedspeed(lr=0.05,steps=3,batch=5)",
        "ef21(lr=0.1,partial-participation=true)", "fedavg-ef(lr=0.05,steps=3,batch=5)"})
    void aRunThroughBytesEqualsTheInProcessRun(String algorithm) {
        RunDescription d = new RunDescription(Spec.parse(algorithm), Spec.parse("softmax"),
                Spec.parse("synthetic(alpha=1,beta=1,clients=10,samples=20,dimension=8,classes=3)"),
                RunDescription.defaultParticipation(4), Spec.parse("topk(fraction=0.3)"), Spec.parse("identity"),
                SimulationConfig.builder().rounds(5).clientsPerRound(4).seed(3).evalEvery(1).build());
        Registry registry = Registry.standard();
        SimulationResult<?> local = ClientRunners.simulation(d, registry).build().run();
        try (SerializingExecutionEngine engine = new SerializingExecutionEngine(2, registry)) {
            SimulationResult<?> remote = ClientRunners.simulation(d, registry).engine(engine).build().run();
            assertEquals(local.reports().stream().map(RoundReport::withoutTimings).toList(),
                    remote.reports().stream().map(RoundReport::withoutTimings).toList());
            assertArrayEquals(Tensors.toDoubleArray(local.finalParameters()),
                    Tensors.toDoubleArray(remote.finalParameters()), 0);
            assertEquals(local.ledger().entries(), remote.ledger().entries());
            assertTrue(engine.bytesShipped() > 0);
        }
    }
}
