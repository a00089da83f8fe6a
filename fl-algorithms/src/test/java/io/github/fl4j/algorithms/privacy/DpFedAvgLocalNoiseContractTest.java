package io.github.fl4j.algorithms.privacy;

import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;

/** The algorithm contract for DP-FedAvg with local noise only (the clients' noise comes from their own streams). */
class DpFedAvgLocalNoiseContractTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return DpFedAvg.builder().localSteps(3, 8).localLearningRate(0.1).clipNorm(0.5).noiseMultiplier(0)
                .localNoiseMultiplier(0.5).samplingRate(0.4).build();
    }
}
