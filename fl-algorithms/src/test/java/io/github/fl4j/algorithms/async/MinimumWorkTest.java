package io.github.fl4j.algorithms.async;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.Client;
import io.github.fl4j.core.api.ClientContext;
import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.comm.Channel;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.tensor.Workspace;
import io.github.fl4j.core.time.AsyncAlgorithm;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * minimumWork is exact: it equals the samples the client's gradient evaluations actually touch, for fixed steps and
 * epochs, batch sizes that do and do not divide the data, full batches, and assigned step counts.
 */
class MinimumWorkTest {

    /** Counts the samples of the gradient evaluations (as the engine's work counter does). */
    private static final class Counting implements Model {
        private final Model model;
        private long samples;

        Counting(Model model) {
            this.model = model;
        }

        @Override
        public long dimension() {
            return model.dimension();
        }

        @Override
        public void initialParameters(RandomStream rng, INDArray out) {
            model.initialParameters(rng, out);
        }

        @Override
        public double lossAndGradient(INDArray params, Dataset batch, INDArray gradientOut) {
            samples += batch.size();
            return model.lossAndGradient(params, batch, gradientOut);
        }

        @Override
        public double sgdStep(INDArray params, Dataset batch, double learningRate, INDArray scratch) {
            samples += batch.size();
            return model.sgdStep(params, batch, learningRate, scratch);
        }

        @Override
        public double loss(INDArray params, Dataset batch) {
            return model.loss(params, batch);
        }

        @Override
        public Evaluation evaluate(INDArray params, Dataset data) {
            return model.evaluate(params, data);
        }
    }

    private static long counted(Client<NoState> client, int n, int assigned) {
        RandomStream rng = new RandomStream(n);
        INDArray features = Nd4j.zeros(DataType.DOUBLE, n, 2);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, n, 1);
        rng.fillGaussian(features, 0, 1);
        rng.fillGaussian(labels, 0, 1);
        Counting model = new Counting(new LeastSquares(2));
        Channel up = new Channel(Direction.UPLINK, 1, 0, IdentityCompressor.INSTANCE, new RandomStream(5));
        ClientContext ctx = new ClientContext(0, 1, new Dataset(features, labels), model, new SeedTree(3), up,
                Precision.FLOAT64, new Workspace(), assigned);
        client.train(Message.of(Tensors.zeros(Precision.FLOAT64, 2)), NoState.INSTANCE, ctx);
        return model.samples;
    }

    @Test
    void minimumWorkEqualsTheCountedSamples() {
        List<LocalTraining> trainings = List.of(LocalTraining.steps(1, 4), LocalTraining.steps(5, 4),
                LocalTraining.steps(9, 3), LocalTraining.steps(4, 10), LocalTraining.fullBatchSteps(3),
                LocalTraining.epochs(1, 4), LocalTraining.epochs(2, 3), LocalTraining.epochs(2, LocalTraining.FULL_BATCH));
        for (LocalTraining t : trainings) {
            List<AsyncAlgorithm<?, NoState>> algs = List.of(
                    FedAsync.builder().localTraining(t).localLearningRate(0.01).build(),
                    FedBuff.builder().localTraining(t).localLearningRate(0.01).build(),
                    FedFix.builder().localTraining(t).localLearningRate(0.01).period(1).build(),
                    Afa.cd().localTraining(t).localLearningRate(0.01).arrivalsPerStep(1).build());
            for (AsyncAlgorithm<?, NoState> alg : algs) {
                for (int n : new int[] {1, 7, 10, 12}) {
                    for (int assigned : new int[] {0, 1, 7}) {
                        assertEquals(counted(alg.client(), n, assigned), alg.minimumWork(n, assigned),
                                alg.name() + " n=" + n + " assigned=" + assigned);
                    }
                }
            }
        }
    }

    @Test
    void fedCompassWorkFollowsTheAssignedSteps() {
        FedCompass alg = FedCompass.builder().localSteps(10, 4).minLocalSteps(2).localLearningRate(0.01).build();
        for (int n : new int[] {3, 10}) {
            for (int assigned : new int[] {0, 2, 6}) {
                assertEquals(counted(alg.client(), n, assigned), alg.minimumWork(n, assigned));
            }
        }
        // 10 samples in batches of 4 (4 + 4 + 2 per epoch): 6 steps = two epochs = 20 samples
        assertEquals(20, alg.minimumWork(10, 6));
    }
}
