package io.github.fl4j.algorithms.fedau;

import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;

/** The algorithm contract for the MIFA baseline (its N x d table is part of the server state and its codec). */
class FedAuMifaContractTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return FedAu.builder().localSteps(3, 8).localLearningRate(0.1).aggregation(FedAu.Aggregation.MIFA).build();
    }
}
