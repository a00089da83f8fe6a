package io.github.fl4j.algorithms.fedau;

import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;

/** The algorithm contract for the FEDVARP baseline (its N x d table is part of the server state and its codec). */
class FedAuFedVarpContractTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return FedAu.builder().localSteps(3, 8).localLearningRate(0.1).aggregation(FedAu.Aggregation.FEDVARP).build();
    }
}
