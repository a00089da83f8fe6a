package io.github.fl4j.algorithms.fedavg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationException;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class FedAvgTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return FedAvg.builder().localSteps(3, 8).localLearningRate(0.1).build();
    }

    private static Dataset ds(double[][] features, double[] labels) {
        return new Dataset(Nd4j.createFromArray(features), Nd4j.createFromArray(labels).reshape(labels.length, 1));
    }

    /**
     * Two clients, d = 3, least squares f_n(x) = (1/(2 m_n)) ||A_n x - y_n||^2, K = 2 full-gradient steps, eta_l = 0.5,
     * x^0 = 0.
     * <pre>
     * client 0: A = [[1,0,0],[0,1,0]], y = (1,2), m = 2: grad = ((x1-1)/2, (x2-2)/2, 0); each step multiplies
     *           (y_j - b_j) by 1 - 0.5/2 = 3/4 on coordinates 1, 2 (b = (1, 2)); after 2 steps by 9/16, so
     *           Delta_0 = (7/16)(b - x) on coordinates 1, 2 and 0 on coordinate 3. From x = 0: (0.4375, 0.875, 0).
     * client 1: A = [[0,0,1]], y = (3), m = 1: grad = (0, 0, x3 - 3); each step multiplies (y3 - 3) by 1/2, after 2
     *           steps by 1/4, so Delta_1 = (3/4)(3 - x3) on coordinate 3. From x = 0: (0, 0, 2.25).
     * sample weights (2/3, 1/3): x^1 = (2/3)(0.4375, 0.875, 0) + (1/3)(0, 0, 2.25) = (7/24, 7/12, 3/4).
     * uniform weights (1/2, 1/2):  x^1 = (0.21875, 0.4375, 1.125).
     * Round t in general (sample weights): x_j - b_j shrinks by 1 - (2/3)(7/16) = 17/24 (j = 1, 2) and x_3 - 3 by
     * 1 - (1/3)(3/4) = 3/4, so x^2 = (1 - (17/24)^2) (1, 2) and x^2_3 = 3 (1 - (3/4)^2):
     * x^2 = (287/576, 574/576, 21/16).
     * FedAvgM (beta = 1/2, eta_g = 1): v^1 = -Delta^1, x^1 as FedAvg; v^2 = v^1/2 - Delta^2, so
     * x^2_M = x^1 + Delta^2 + Delta^1/2 = x^2_FedAvg + x^1/2 (x^0 = 0).
     * </pre>
     */
    private static FederatedDataset twoClients() {
        Dataset c0 = ds(new double[][] {{1, 0, 0}, {0, 1, 0}}, new double[] {1, 2});
        Dataset c1 = ds(new double[][] {{0, 0, 1}}, new double[] {3});
        return new FederatedDataset(List.of(c0, c1), c0);
    }

    private static double[] runTwoClients(FedAvg alg, int rounds) {
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(2).seed(1)
                .precision(Precision.FLOAT64).build();
        SimulationResult<?> r = Simulation.builder(alg).config(cfg).model(new LeastSquares(3)).data(twoClients())
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, 3)).build().run();
        return Tensors.toDoubleArray(r.finalParameters());
    }

    @Test
    void handComputedRoundOnTwoClients() {
        FedAvg.Builder b = FedAvg.builder().localTraining(
                io.github.fl4j.algorithms.local.LocalTraining.fullBatchSteps(2)).localLearningRate(0.5);
        assertArrayEquals(new double[] {7.0 / 24, 7.0 / 12, 0.75}, runTwoClients(b.build(), 1), 1e-15);
        assertArrayEquals(new double[] {287.0 / 576, 574.0 / 576, 21.0 / 16}, runTwoClients(b.build(), 2), 1e-15);
        assertArrayEquals(new double[] {0.21875, 0.4375, 1.125},
                runTwoClients(b.weighting(WeightedMean.Weighting.UNIFORM).build(), 1), 1e-15);
        // eta_g = 0.5 halves the first step: x^1 = 0.5 * (7/24, 7/12, 3/4).
        assertArrayEquals(new double[] {7.0 / 48, 7.0 / 24, 0.375},
                runTwoClients(b.weighting(WeightedMean.Weighting.SAMPLE_COUNT).serverLearningRate(0.5).build(), 1),
                1e-15);
        double[] m = runTwoClients(b.serverLearningRate(1).serverMomentum(0.5).build(), 2);
        assertArrayEquals(new double[] {287.0 / 576 + 7.0 / 48, 574.0 / 576 + 7.0 / 24, 21.0 / 16 + 0.375}, m,
                1e-15);
    }

    @Test
    void ledgerIsThirtyTwoBitsPerCoordinatePerParticipantPerRound() {
        // d = 60 * 10 + 10 = 610 (softmax regression on Synthetic features), m = 10 clients per round, T = 5 rounds:
        // 32 * 610 * 10 * 5 = 976,000 bits each way.
        FederatedDataset data = SyntheticFedProx.builder().clients(30).build()
                .generate(new SeedTree(3).stream(Purpose.DATA_GENERATION));
        SimulationResult<?> r = Simulation.builder(algorithm())
                .config(SimulationConfig.builder().rounds(5).clientsPerRound(10).seed(3).build())
                .model(new SoftmaxRegression(60, 10)).data(data).build().run();
        assertEquals(976_000L, r.uplinkBits());
        assertEquals(976_000L, r.downlinkBits());
        for (RoundReport rep : r.reports()) {
            assertEquals(195_200L, rep.uplinkBits());
            assertEquals(195_200L, rep.downlinkBits());
        }
    }

    @Test
    void quickstartSizedRunIsBitIdenticalForOneTwoAndFourThreads() {
        FederatedDataset data = SyntheticFedProx.builder().clients(100).build()
                .generate(new SeedTree(11).stream(Purpose.DATA_GENERATION));
        FedAvg alg = FedAvg.builder().localSteps(10, 10).localLearningRate(0.05).build();
        SimulationResult<?> base = null;
        for (int threads : new int[] {1, 2, 4}) {
            SimulationResult<?> r = Simulation.builder(alg)
                    .config(SimulationConfig.builder().rounds(4).clientsPerRound(10).threads(threads).seed(11)
                            .build())
                    .model(new SoftmaxRegression(60, 10)).data(data).build().run();
            if (base == null) {
                base = r;
                continue;
            }
            for (int i = 0; i < r.reports().size(); i++) {
                assertEquals(base.reports().get(i).withoutTimings(), r.reports().get(i).withoutTimings());
            }
            assertArrayEquals(bits(base.finalParameters()), bits(r.finalParameters()));
        }
    }

    @Test
    void badHyperParametersAreNamed() {
        assertEquals("localLearningRate must be > 0 and finite, was -0.1", assertThrows(
                IllegalArgumentException.class,
                () -> FedAvg.builder().localSteps(1, 1).localLearningRate(-0.1).build()).getMessage());
        assertEquals("localLearningRate must be > 0 and finite, was NaN", assertThrows(
                IllegalArgumentException.class, () -> FedAvg.builder().localSteps(1, 1).build()).getMessage());
        assertEquals("serverLearningRate must be > 0 and finite, was 0.0", assertThrows(
                IllegalArgumentException.class, () -> FedAvg.builder().localSteps(1, 1).localLearningRate(0.1)
                        .serverLearningRate(0).build()).getMessage());
        assertEquals("serverMomentum must be in [0, 1), was 1.0", assertThrows(IllegalArgumentException.class,
                () -> FedAvg.builder().localSteps(1, 1).localLearningRate(0.1).serverMomentum(1).build())
                .getMessage());
        assertEquals("localSteps must be >= 1, was 0", assertThrows(IllegalArgumentException.class,
                () -> FedAvg.builder().localSteps(0, 1)).getMessage());
        assertEquals("localEpochs must be >= 1, was -2", assertThrows(IllegalArgumentException.class,
                () -> FedAvg.builder().localEpochs(-2, 1)).getMessage());
        assertEquals("batchSize must be >= 1, was 0", assertThrows(IllegalArgumentException.class,
                () -> FedAvg.builder().localSteps(5, 0)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FedAvg.builder().localLearningRate(0.1).build()).getMessage().contains("localSteps"));
    }

    @Test
    void tooManyClientsPerRoundIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Simulation.builder(algorithm())
                        .config(SimulationConfig.builder().clientsPerRound(3).build())
                        .model(new LeastSquares(3)).data(twoClients()).build());
        assertEquals("clientsPerRound must be <= the number of clients 2, was 3", e.getMessage());
    }

    @Test
    void divergenceStopsWithRoundClientAndSeed() {
        // Least squares on client 1 (A = [[0,0,1]]): each local step multiplies (x3 - 3) by (1 - eta_l); with
        // eta_l = 1e3 that is -999 per step, so after a few rounds of 20 steps the float64 iterate overflows.
        FedAvg alg = FedAvg.builder().localTraining(io.github.fl4j.algorithms.local.LocalTraining.fullBatchSteps(20))
                .localLearningRate(1e3).build();
        SimulationException e = assertThrows(SimulationException.class, () -> Simulation.builder(alg)
                .config(SimulationConfig.builder().rounds(50).clientsPerRound(2).seed(77)
                        .precision(Precision.FLOAT64).build())
                .model(new LeastSquares(3)).data(twoClients()).build().run());
        assertTrue(e.getMessage().matches("round \\d+, (client \\d|server), seed 77: .*"), e.getMessage());
        assertTrue(e.round() >= 1 && e.round() <= 50);
        assertEquals(77, e.seed());
    }
}
