package io.github.fl4j.algorithms.async;

import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.time.AsyncAlgorithm;
import io.github.fl4j.core.time.AsyncAlgorithmContractTest;
import io.github.fl4j.core.time.Staleness;

/** The asynchronous-algorithm contract (determinism, resume mid-run, codec, invariants, ledger) for FedAsyncMix. */
class FedAsyncMixContractTest extends AsyncAlgorithmContractTest {
    @Override
    protected AsyncAlgorithm<?, ?> algorithm() {
        return FedAsync.builder().alpha(0.6).mode(MixingMode.MIX).localSteps(3, 5).localLearningRate(0.1).build();
    }
}
