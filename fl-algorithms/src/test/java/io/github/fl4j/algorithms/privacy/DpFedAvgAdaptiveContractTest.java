package io.github.fl4j.algorithms.privacy;

import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.comm.Direction;

/**
 * The algorithm contract for DP-FedAvg with adaptive clipping: the clip norm C is part of the server state and its
 * codec, and one more value travels each way per participant (C down, the clipped bit up).
 */
class DpFedAvgAdaptiveContractTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return DpFedAvg.builder().localSteps(3, 8).localLearningRate(0.1).clipNorm(0.5).noiseMultiplier(1.0)
                .samplingRate(0.4).adaptiveClipping(0.5, 0.2, 0.8).build();
    }

    @Override
    protected long valuesPerParticipant(Direction direction, long d) {
        return d + 1;
    }
}
