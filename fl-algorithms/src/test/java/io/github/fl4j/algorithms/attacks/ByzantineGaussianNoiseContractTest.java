package io.github.fl4j.algorithms.attacks;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;

/**
 * The algorithm contract for FedAvg under Gaussian-noise uploads from clients 1, 4 and 7: the client-side attack
 * (private capture channel, then the real uplink) keeps the declared vectors, the bits and the determinism.
 */
class ByzantineGaussianNoiseContractTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return Byzantine.wrap(FedAvg.builder().localSteps(3, 8).localLearningRate(0.1).build(),
                Attack.gaussianNoise(0.1), 1, 4, 7);
    }
}
