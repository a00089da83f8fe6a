package io.github.fl4j.algorithms.fedavg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.ConvNet;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FedAvg with the built-in convolutional network is bit-identical for 1 and 2 threads, in float32 (the fast im2col,
 * col2im and pooling paths) and float64: McMahan's CNN layers on the Synthetic(1, 1) features read as 6 x 10 images
 * (one model instance shared by the client threads, each with its own scratch), 3 rounds of 5 clients, 3 local steps
 * of batch 8.
 */
class FedAvgConvNetDeterminismTest {

    private static long[] bits(INDArray x) {
        double[] d = Tensors.toDoubleArray(x);
        long[] b = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            b[i] = Double.doubleToLongBits(d[i]);
        }
        return b;
    }

    @Test
    void sameBitsForOneAndTwoThreadsInBothPrecisions() {
        FederatedDataset data = SyntheticFedProx.builder().clients(20).build()
                .generate(new SeedTree(5).stream(Purpose.DATA_GENERATION));
        FedAvg alg = FedAvg.builder().localSteps(3, 8).localLearningRate(0.05).build();
        for (Precision p : Precision.values()) {
            SimulationResult<?> base = null;
            for (int threads : new int[] {1, 2}) {
                SimulationResult<?> r = Simulation.builder(alg)
                        .config(SimulationConfig.builder().rounds(3).clientsPerRound(5).threads(threads).seed(5)
                                .precision(p).build())
                        .model(ConvNet.mcMahan(6, 10, 1, 10)).data(data).build().run();
                assertTrue(Double.isFinite(r.reports().get(2).trainLoss()), p + ": " + r.reports().get(2));
                if (base == null) {
                    base = r;
                    continue;
                }
                for (int i = 0; i < r.reports().size(); i++) {
                    assertEquals(base.reports().get(i).withoutTimings(), r.reports().get(i).withoutTimings(),
                            p + " round " + (i + 1));
                }
                assertArrayEquals(bits(base.finalParameters()), bits(r.finalParameters()), p.toString());
            }
        }
    }
}
