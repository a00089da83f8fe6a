package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.registry.Registry;
import org.junit.jupiter.api.Test;

class SerializingExecutionEngineTest extends ExecutionEngineContractTest {
    @Override
    protected ExecutionEngine engine(int threads, Registry registry) {
        return new SerializingExecutionEngine(threads, registry);
    }

    @Test
    void aSimulationWithoutADescriptionIsRefusedWithAHint() {
        try (SerializingExecutionEngine engine = new SerializingExecutionEngine(1, Registry.standard())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SimulationTest.sim(0.5, 2, 2)
                    .engine(engine).build().run());
            assertTrue(e.getMessage().contains("ClientRunners.simulation"), e.getMessage());
        }
    }
}
