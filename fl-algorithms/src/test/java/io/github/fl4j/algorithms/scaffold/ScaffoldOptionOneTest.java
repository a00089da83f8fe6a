package io.github.fl4j.algorithms.scaffold;

import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;

/** The algorithm contract for SCAFFOLD option I (extra full-batch gradient at x for c_n). */
class ScaffoldOptionOneTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return Scaffold.builder().localSteps(3, 8).localLearningRate(0.1).option(Scaffold.Option.I).build();
    }
}
