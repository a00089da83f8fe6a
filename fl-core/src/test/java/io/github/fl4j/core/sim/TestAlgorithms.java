package io.github.fl4j.core.sim;

import io.github.fl4j.core.api.FederatedAlgorithm;

/** Public access to the package's test algorithms for tests in other packages. */
public final class TestAlgorithms {
    private TestAlgorithms() {
    }

    /** FedSGD with server learning rate {@code lr} (see {@code SimulationTest.FedSgd}). */
    public static FederatedAlgorithm<?, ?> fedSgd(double lr) {
        return new SimulationTest.FedSgd(lr);
    }
}
