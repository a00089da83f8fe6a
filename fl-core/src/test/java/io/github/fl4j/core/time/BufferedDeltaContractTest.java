package io.github.fl4j.core.time;

import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.model.LeastSquares;

/** The contract on the engine's own test algorithm (FedBuff's rule on a least-squares model). */
class BufferedDeltaContractTest extends AsyncAlgorithmContractTest {
    @Override
    protected AsyncAlgorithm<?, ?> algorithm() {
        return new BufferedDelta(3, 0.5, Staleness.polynomial(0.5));
    }

    @Override
    protected Model model() {
        return new LeastSquares(10);
    }
}
