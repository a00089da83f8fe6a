package io.github.fl4j.core.sim;

import io.github.fl4j.core.registry.Registry;

class LocalExecutionEngineTest extends ExecutionEngineContractTest {
    @Override
    protected ExecutionEngine engine(int threads, Registry registry) {
        return new LocalExecutionEngine(threads);
    }
}
