package io.github.fl4j.algorithms.privacy;

import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;

/** The algorithm contract for DP-FedAvg with a fixed clip norm and central noise (4 of 10 clients: q = 0.4). */
class DpFedAvgContractTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return DpFedAvg.builder().localSteps(3, 8).localLearningRate(0.1).clipNorm(0.5).noiseMultiplier(1.0)
                .samplingRate(0.4).build();
    }
}
