package io.github.fl4j.algorithms.async;

import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.time.AsyncAlgorithm;
import io.github.fl4j.core.time.AsyncAlgorithmContractTest;
import io.github.fl4j.core.time.Staleness;

/** The asynchronous-algorithm contract (determinism, resume mid-run, codec, invariants, ledger) for FedCompass. */
class FedCompassContractTest extends AsyncAlgorithmContractTest {
    @Override
    protected AsyncAlgorithm<?, ?> algorithm() {
        return FedCompass.builder().minLocalSteps(1).localSteps(6, 5).localLearningRate(0.1).build();
    }
}
