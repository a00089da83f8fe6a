package io.github.fl4j.experiments.mnist;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationResult;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MNIST FedAvg, 20 rounds, from {@code ../shared/data/mnist} (skipped when absent). The Python simulators reached
 * 0.902-0.908 test accuracy after round 20 in this setup (see {@link MnistFedAvgSetup}); the bar is 0.89.
 */
class MnistFedAvgIT {
    private static FederatedDataset data;

    @BeforeAll
    static void load() throws Exception {
        Optional<Path> dir = MnistFedAvgSetup.defaultDataDir();
        Assumptions.assumeTrue(dir.isPresent(), "shared/data/mnist not found beside the project; skipping");
        data = MnistFedAvgSetup.load(dir.get(), 1);
    }

    @ParameterizedTest
    @EnumSource(MnistFedAvgSetup.ModelKind.class)
    void twentyRoundsReachTheAccuracyOfThePythonSimulators(MnistFedAvgSetup.ModelKind kind) {
        SimulationResult<?> r = Simulation.builder(MnistFedAvgSetup.algorithm())
                .config(MnistFedAvgSetup.config(MnistFedAvgSetup.ROUNDS, 2, 1, 0))
                .model(kind.model()).data(data).build().run();
        assertTrue(r.finalAccuracy() >= 0.89, kind + " accuracy after 20 rounds " + r.finalAccuracy());
    }
}
