package io.github.fl4j.algorithms.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.fedspeed.FedSpeed;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationException;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.tensor.Workspace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradient clipping of the local steps, on one-sample least squares f(x) = (x - b)^2 / 2 (gradient x - b), where
 * every step can be computed by hand.
 */
class GradientClippingTest {
    /** Clients holding one sample (a = 1, y = b_n) each. */
    private static FederatedDataset scalarClients(double... b) {
        List<Dataset> parts = new ArrayList<>();
        for (double v : b) {
            parts.add(new Dataset(Nd4j.createFromArray(new double[][] {{1}}),
                    Nd4j.createFromArray(new double[][] {{v}})));
        }
        return new FederatedDataset(parts, parts.get(0));
    }

    private static double[] run(FederatedAlgorithm<?, ?> alg, FederatedDataset data, int rounds, double x0) {
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(data.clientCount())
                .evalEvery(0).seed(5).precision(Precision.FLOAT64).build();
        return Tensors.toDoubleArray(Simulation.builder(alg).config(cfg).model(new LeastSquares(1)).data(data)
                .initialParameters(Nd4j.createFromArray(new double[] {x0})).build().run().finalParameters());
    }

    /**
     * b = 100, x0 = 0, lr 0.5, K = 3 full-gradient steps. Unclipped: x = 50, 75, 87.5. Clipped to C = 2 the gradient
     * -100, -99, -98 becomes -2 each time: x = 1, 2, 3. One client, eta_g = 1, so the round's result is x_K.
     */
    @Test
    void handComputedRound() {
        FederatedDataset data = scalarClients(100);
        FedAvg.Builder b = FedAvg.builder().localTraining(LocalTraining.fullBatchSteps(3)).localLearningRate(0.5);
        assertEquals(87.5, run(b.build(), data, 1, 0)[0], 0.0);
        assertEquals(3.0, run(b.gradientClipping(2).build(), data, 1, 0)[0], 0.0);
    }

    /**
     * The correction is clipped with the gradient (SCAFFOLD's c - c_n enters the direction before the clip). b = 1,
     * c = 10, lr 0.5, C = 2, x0 = 0: direction (0 - 1) + 10 = 9 -> 2, x = -1; then (-1 - 1) + 10 = 8 -> 2, x = -2.
     * Unclipped: x = -4.5, then -4.5 - 0.5 (-5.5 + 10) = -6.75.
     */
    @Test
    void correctionIsClippedWithTheGradient() {
        Dataset one = scalarClients(1).client(0);
        INDArray c = Nd4j.createFromArray(new double[] {10});
        for (double[] clipAndExpected : new double[][] {{2, -2}, {LocalTraining.NO_CLIPPING, -6.75}}) {
            INDArray y = Nd4j.zeros(DataType.DOUBLE, 1);
            LocalSgd.run(new LeastSquares(1), one, LocalTraining.fullBatchSteps(2).withGradientClipping(
                    clipAndExpected[0]), 0.5, y, Nd4j.zeros(DataType.DOUBLE, 1), c, new RandomStream(1),
                    new Workspace());
            assertEquals(clipAndExpected[1], y.getDouble(0), 0.0, "clip " + clipAndExpected[0]);
        }
    }

    /** A norm above every direction's changes nothing: FedAvg and FedSpeed (rho 0, no prox) bit for bit. */
    @Test
    void clippingAboveEveryNormIsTheUnclippedRun() {
        FederatedDataset data = scalarClients(1, 2, 5, -3);
        LocalTraining training = LocalTraining.fullBatchSteps(4);
        double[] plain = run(FedAvg.builder().localTraining(training).localLearningRate(0.3).build(), data, 6, 0);
        double[] loose = run(FedAvg.builder().localTraining(training).localLearningRate(0.3).gradientClipping(1e300)
                .build(), data, 6, 0);
        assertArrayEquals(plain, loose, 0.0);
        double[] clipped = run(FedAvg.builder().localTraining(training).localLearningRate(0.3).gradientClipping(0.5)
                .weighting(io.github.fl4j.core.aggregation.WeightedMean.Weighting.UNIFORM).build(), data, 6, 0);
        double[] fedSpeed = run(FedSpeed.builder().localTraining(training).localLearningRate(0.3).rho(0)
                .withoutProx().gradientClipping(0.5).build(), data, 6, 0);
        assertArrayEquals(clipped, fedSpeed, 0.0); // FedSpeed clips the same direction at the same place
        assertTrue(Math.abs(clipped[0] - plain[0]) > 1e-3, "C = 0.5 must change this run");
    }

    /**
     * lr 2.5 on f = (x - 1)^2 / 2 multiplies the error by -1.5 per step: unclipped it overflows and the run stops;
     * clipped to C = 1 the error stays bounded (once |x - 1| > C a step moves x by 2.5 towards and past 1, so |x - 1|
     * never exceeds 1.5 C + 2.5 C = 4 after the first rounds).
     */
    @Test
    void clippingKeepsAnUnstableStepSizeBounded() {
        FederatedDataset data = scalarClients(1);
        FedAvg.Builder b = FedAvg.builder().localTraining(LocalTraining.fullBatchSteps(10)).localLearningRate(2.5);
        assertThrows(SimulationException.class, () -> run(b.build(), data, 200, 0));
        double x = run(b.gradientClipping(1).build(), data, 200, 0)[0];
        assertTrue(Math.abs(x - 1) <= 4, "x = " + x);
    }

    @Test
    void badNormsNameTheField() {
        for (double bad : new double[] {0, -1, Double.NaN}) {
            String m = assertThrows(IllegalArgumentException.class, () -> FedAvg.builder().localSteps(1, 1)
                    .localLearningRate(0.1).gradientClipping(bad).build()).getMessage();
            assertEquals("maxGradientNorm must be > 0 (or NO_CLIPPING), was " + bad, m);
        }
        assertEquals("K=5,B=10,clip=2.5", LocalTraining.steps(5, 10).withGradientClipping(2.5).toString());
    }
}
