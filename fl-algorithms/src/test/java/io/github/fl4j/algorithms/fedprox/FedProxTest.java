package io.github.fl4j.algorithms.fedprox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FedProxTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return FedProx.builder().localSteps(3, 8).localLearningRate(0.1).proximalWeight(0.1).build();
    }

    private INDArray runDefault(FederatedAlgorithm<?, ?> alg, int rounds) {
        return Simulation.builder(alg).config(config(1).toBuilder().rounds(rounds).build()).model(model())
                .data(data()).build().run().finalParameters();
    }

    /** Reduction: mu = 0 is FedAvg (same weighting, eta_g, minibatches), bit for bit. */
    @Test
    void zeroProximalWeightIsFedAvgBitForBit() {
        for (WeightedMean.Weighting w : WeightedMean.Weighting.values()) {
            FedProx p = FedProx.builder().localSteps(3, 8).localLearningRate(0.1).proximalWeight(0).weighting(w)
                    .serverLearningRate(0.9).build();
            FedAvg f = FedAvg.builder().localSteps(3, 8).localLearningRate(0.1).weighting(w).serverLearningRate(0.9)
                    .build();
            assertArrayEquals(bits(runDefault(f, 4)), bits(runDefault(p, 4)), w.toString());
        }
    }

    private static Dataset ds(double[][] features, double[] labels) {
        return new Dataset(Nd4j.createFromArray(features), Nd4j.createFromArray(labels).reshape(labels.length, 1));
    }

    /**
     * Hand-computed: the two clients of FedAvgTest, least squares f_n = (1/(2 m_n)) ||A_n y - y_n||^2, x^0 = 0,
     * K = 2 full-gradient steps, eta_l = 0.5, mu = 1; each step is y = y - 0.5 (grad f_n(y) + 1 (y - 0)).
     * <pre>
     * client 0 (rows e1, e2, targets (1, 2), m = 2): on coordinates j = 1, 2 with b = (1, 2):
     *   y = y - 0.5 ((y - b_j)/2 + y) = y/4 + b_j/4;  y1 = b/4,  y2 = b/16 + b/4 = (5/16) b;  coordinate 3 stays 0.
     *   Delta_0 = (5/16, 5/8, 0).
     * client 1 (row e3, target 3, m = 1): y = y - 0.5 ((y - 3) + y) = 3/2;  y1 = y2 = 3/2.  Delta_1 = (0, 0, 3/2).
     * sample weights (2/3, 1/3): x^1 = (5/24, 5/12, 1/2).   (FedAvg, mu = 0, gives (7/24, 7/12, 3/4).)
     * </pre>
     */
    @Test
    void handComputedRoundWithProximalTerm() {
        Dataset c0 = ds(new double[][] {{1, 0, 0}, {0, 1, 0}}, new double[] {1, 2});
        Dataset c1 = ds(new double[][] {{0, 0, 1}}, new double[] {3});
        FederatedDataset data = new FederatedDataset(List.of(c0, c1), c0);
        FedProx alg = FedProx.builder().localTraining(LocalTraining.fullBatchSteps(2)).localLearningRate(0.5)
                .proximalWeight(1).build();
        SimulationResult<?> r = Simulation.builder(alg)
                .config(SimulationConfig.builder().rounds(1).clientsPerRound(2).seed(1).precision(Precision.FLOAT64)
                        .build())
                .model(new LeastSquares(3)).data(data).initialParameters(Nd4j.zeros(DataType.DOUBLE, 3)).build()
                .run();
        assertArrayEquals(new double[] {5.0 / 24, 5.0 / 12, 0.5}, Tensors.toDoubleArray(r.finalParameters()), 1e-15);
        assertEquals(64L * 3 * 2, r.uplinkBits());
    }

    @Test
    void badHyperParametersAreNamed() {
        assertEquals("proximalWeight (mu) must be >= 0 and finite, was NaN", assertThrows(
                IllegalArgumentException.class, () -> FedProx.builder().localSteps(1, 1).localLearningRate(0.1)
                        .build()).getMessage());
        assertEquals("proximalWeight (mu) must be >= 0 and finite, was -0.5", assertThrows(
                IllegalArgumentException.class, () -> FedProx.builder().localSteps(1, 1).localLearningRate(0.1)
                        .proximalWeight(-0.5).build()).getMessage());
        assertEquals("localLearningRate must be > 0 and finite, was 0.0", assertThrows(
                IllegalArgumentException.class, () -> FedProx.builder().localSteps(1, 1).localLearningRate(0)
                        .proximalWeight(0.1).build()).getMessage());
        assertEquals("serverLearningRate must be > 0 and finite, was Infinity", assertThrows(
                IllegalArgumentException.class, () -> FedProx.builder().localSteps(1, 1).localLearningRate(0.1)
                        .proximalWeight(0.1).serverLearningRate(Double.POSITIVE_INFINITY).build()).getMessage());
        assertEquals("FedProx(K=3,B=8, lr=0.1, mu=0.1)", algorithm().name());
    }
}
