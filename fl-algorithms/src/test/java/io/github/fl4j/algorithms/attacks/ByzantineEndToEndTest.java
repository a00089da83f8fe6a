package io.github.fl4j.algorithms.attacks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.aggregation.CoordinateMedian;
import io.github.fl4j.core.aggregation.Krum;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * FedAvg under attack, end to end. Problem: 3 Gaussian blobs in R^10 (class k has mean 3 e_k, identity covariance),
 * 20 clients with 50 i.i.d. samples each, a test set of 1,000; softmax regression; K = 5 local steps of B = 10 with
 * eta_l = 0.1; 20 rounds with every client participating. 20 % of the clients (4, chosen by
 * {@code Byzantine.wrapFraction(..., 0.2, 20, seed 1)}) upload lambda u with lambda = -10.
 *
 * <p>Measured final test accuracies (float32, seed 3):
 * <pre>
 *                      no attack   scaled(lambda = -10)   sign flipping
 *   weighted mean        0.972           0.006               0.974
 *   coordinate median    0.970           0.973               0.972
 *   Krum (f = 4)         0.970           0.970               0.970
 * </pre>
 * The mean's aggregate is (16 u - 40 u)/20 = -1.2 u for similar honest updates u: gradient ascent, and the accuracy
 * collapses below chance (1/3). (Sign flipping by 20 % only shrinks the mean's step to 0.6 u here, which this easy
 * problem does not notice.) The median and Krum ignore the 4 outliers. The assertions keep wide margins: the attacked
 * mean below chance, the robust aggregators within 0.05 of the unattacked mean.
 */
class ByzantineEndToEndTest {

    private static Dataset blob(RandomStream r, int m) {
        double[][] x = new double[m][10];
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            int k = r.nextInt(3);
            y[i] = k;
            for (int j = 0; j < 10; j++) {
                x[i][j] = r.nextGaussian() + (j == k ? 3 : 0);
            }
        }
        return new Dataset(Nd4j.createFromArray(x).castTo(DataType.FLOAT),
                Nd4j.createFromArray(y).castTo(DataType.FLOAT).reshape(m, 1));
    }

    private static FederatedDataset blobs() {
        RandomStream r = new SeedTree(3).stream(Purpose.DATA_GENERATION);
        List<Dataset> clients = new ArrayList<>();
        for (int n = 0; n < 20; n++) {
            clients.add(blob(r, 50));
        }
        return new FederatedDataset(clients, blob(r, 1000));
    }

    private static double accuracy(FederatedDataset data, Aggregator aggregator, Attack attack) {
        FedAvg fedAvg = FedAvg.builder().localSteps(5, 10).localLearningRate(0.1).aggregator(aggregator).build();
        FederatedAlgorithm<?, ?> alg = attack == null ? fedAvg : Byzantine.wrapFraction(fedAvg, attack, 0.2, 20, 1);
        return Simulation.builder(alg)
                .config(SimulationConfig.builder().rounds(20).clientsPerRound(20).seed(3).evalEvery(20).build())
                .model(new SoftmaxRegression(10, 3)).data(data).build().run().finalAccuracy();
    }

    @Test
    void theMeanCollapsesUnderScaledUpdatesWhileTheMedianAndKrumHold() {
        FederatedDataset data = blobs();
        double clean = accuracy(data, WeightedMean.bySampleCount(), null);
        assertTrue(clean > 0.9, "no-attack accuracy " + clean);
        Attack attack = Attack.scaled(-10);
        double mean = accuracy(data, WeightedMean.bySampleCount(), attack);
        assertTrue(mean < 1.0 / 3, "attacked mean " + mean);
        double median = accuracy(data, CoordinateMedian.INSTANCE, attack);
        assertTrue(median > clean - 0.05, "attacked median " + median + " against " + clean);
        double krum = accuracy(data, new Krum(4), attack);
        assertTrue(krum > clean - 0.05, "attacked Krum " + krum + " against " + clean);
    }
}
