package io.github.fl4j.algorithms.secagg;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.time.Schedule;
import org.junit.jupiter.api.Test;

/** The algorithm contract for FedAvg wrapped in secure aggregation with dropouts. */
class SecureAggregationContractTest extends AlgorithmContractTest {
    static final SecAggParams PARAMS = SecAggParams.builder().dropoutProbability(0.15).thresholdFraction(0.25)
            .build();

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return SecureAggregation.wrap(FedAvg.builder().localSteps(3, 8).localLearningRate(0.1)
                .weighting(WeightedMean.Weighting.UNIFORM).build(), PARAMS);
    }

    @Override
    protected void checkRoundBits(SimulationResult<?> r, SimulationConfig cfg) {
        long d = model().dimension();
        SecAggLedger.check(r.reports(), r.ledger(), PARAMS, cfg.seed(), d, cfg.precision().bits() * d, 1);
    }

    @Override
    protected boolean runsUnderTime() {
        return false;
    }

    @Test
    void theEngineWithTimeRefusesItClearly() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> timed(algorithm(), 1, Schedule.rounds()).build().run());
        String all = String.valueOf(e.getMessage()) + " " + e.getCause();
        assertTrue(all.contains("round engine"), all);
    }
}
