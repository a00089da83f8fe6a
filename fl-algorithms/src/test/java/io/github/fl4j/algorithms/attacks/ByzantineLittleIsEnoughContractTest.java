package io.github.fl4j.algorithms.attacks;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.aggregation.CoordinateMedian;
import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;

/**
 * The algorithm contract (determinism for any thread count, declared vectors in the ledger, codecs, checkpoint and
 * resume) for FedAvg with the coordinate median under "A Little Is Enough" from clients 1, 4 and 7: the server-side
 * attack keeps the run deterministic and resumable.
 */
class ByzantineLittleIsEnoughContractTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return Byzantine.wrap(FedAvg.builder().localSteps(3, 8).localLearningRate(0.1)
                .aggregator(CoordinateMedian.INSTANCE).build(), Attack.littleIsEnough(), 1, 4, 7);
    }
}
