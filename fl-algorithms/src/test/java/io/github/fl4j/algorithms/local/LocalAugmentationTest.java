package io.github.fl4j.algorithms.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.fedprox.FedProx;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.image.CropFlip;
import io.github.fl4j.core.data.image.ImageShape;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.registry.SpecException;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Workspace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Augmentation of the local minibatches ({@link LocalTraining#withAugmentation}) on the training path. */
class LocalAugmentationTest {
    private static final ImageShape SHAPE = new ImageShape(3, 4, 4);

    /**
     * Least squares f(x) = (a.x - y)^2 / 2 on one sample a = (1, 2, 3, 4) (a 1 x 1 x 4 image), y = 10, x0 = 0, lr 0.1,
     * one full-batch step with a flip-only augmentation: the gradient at 0 is -y a' with a' the sample the step sees,
     * so x1 = lr y a' = (4, 3, 2, 1) if the AUGMENTATION stream's first draw nextInt(2) is 1, else (1, 2, 3, 4).
     * Two steps: x2 = x1 - lr (a''.x1 - y) a''.
     */
    @Test
    void handDerivedFlippedSteps() {
        Dataset one = new Dataset(Nd4j.createFromArray(new double[][] {{1, 2, 3, 4}}),
                Nd4j.createFromArray(new double[][] {{10}}));
        CropFlip flip = new CropFlip(new ImageShape(1, 1, 4), 0, true, null);
        LocalTraining t = LocalTraining.fullBatchSteps(2).withAugmentation(flip);
        SeedTree seeds = new SeedTree(3);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 4);
        LocalSgd.run(new LeastSquares(4), one, t, 0.1, y, Nd4j.zeros(DataType.DOUBLE, 4), null, 0.0, null,
                seeds.stream(Purpose.LOCAL_DATA_ORDER, 1, 0), seeds.stream(Purpose.AUGMENTATION, 1, 0),
                new Workspace());
        RandomStream replay = seeds.stream(Purpose.AUGMENTATION, 1, 0);
        double[] x = new double[4];
        for (int step = 0; step < 2; step++) {
            double[] a = replay.nextInt(2) == 1 ? new double[] {4, 3, 2, 1} : new double[] {1, 2, 3, 4};
            double r = a[0] * x[0] + a[1] * x[1] + a[2] * x[2] + a[3] * x[3] - 10;
            for (int k = 0; k < 4; k++) {
                x[k] -= 0.1 * r * a[k];
            }
        }
        assertArrayEquals(x, y.toDoubleVector(), 1e-12);
        // without the stream the training refuses to run rather than silently not augmenting
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalSgd.run(new LeastSquares(4),
                one, t, 0.1, Nd4j.zeros(DataType.DOUBLE, 4), Nd4j.zeros(DataType.DOUBLE, 4), null,
                new RandomStream(1), new Workspace()));
        assertTrue(e.getMessage().contains("no AUGMENTATION stream"), e.getMessage());
    }

    /** 6 clients of 3 x 4 x 4 images in 3 classes, float32. */
    private static FederatedDataset images() {
        RandomStream gen = new RandomStream(11);
        List<Dataset> clients = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            int m = 9 + c;
            INDArray x = Nd4j.create(DataType.FLOAT, m, SHAPE.size());
            gen.fillUniform(x, -1, 1);
            float[] y = new float[m];
            for (int i = 0; i < m; i++) {
                y[i] = gen.nextInt(3);
            }
            clients.add(new Dataset(x, Nd4j.create(y, new long[] {m, 1}, 'c')));
        }
        return new FederatedDataset(clients, clients.get(0));
    }

    private static float[] run(FederatedAlgorithm<?, ?> alg, int threads) {
        SimulationConfig cfg = SimulationConfig.builder().rounds(3).clientsPerRound(4).threads(threads).seed(8)
                .evalEvery(0).precision(Precision.FLOAT32).build();
        return Simulation.builder(alg).config(cfg).model(new SoftmaxRegression(SHAPE.size(), 3)).data(images())
                .build().run().finalParameters().dup().data().asFloat();
    }

    @Test
    void fedAvgWithCropFlipIsTheSameBitsOnOneAndFourThreads() {
        FedAvg.Builder b = FedAvg.builder().localSteps(5, 4).localLearningRate(0.1);
        float[] plain = run(b.build(), 1);
        FederatedAlgorithm<?, ?> augmented = FedAvg.builder().localSteps(5, 4).localLearningRate(0.1)
                .augmentation(new CropFlip(SHAPE, 1, true, null)).build();
        float[] one = run(augmented, 1);
        assertArrayEquals(one, run(augmented, 4));
        assertFalse(java.util.Arrays.equals(plain, one), "the augmentation must change the updates");
        // an augmentation that draws but changes nothing (no padding, no flip) leaves the run bit for bit: the
        // minibatch order does not depend on it
        FederatedAlgorithm<?, ?> identity = FedAvg.builder().localSteps(5, 4).localLearningRate(0.1)
                .augmentation(new CropFlip(SHAPE, 0, false, null)).build();
        assertArrayEquals(plain, run(identity, 2));
        // FedProx goes through the same path
        FederatedAlgorithm<?, ?> prox = FedProx.builder().proximalWeight(0.1).localSteps(5, 4).localLearningRate(0.1)
                .augmentation(new CropFlip(SHAPE, 1, true, null)).build();
        assertArrayEquals(run(prox, 1), run(prox, 3));
    }

    @Test
    void registrySpec() {
        Registry r = Registry.standard();
        FedAvg f = (FedAvg) r.algorithm(Spec.parse("fedavg(lr=0.1,steps=2,batch=4,"
                + "augment=crop-flip(image=3x4x4,padding=1,fill=-1;-2;-3))"));
        assertEquals(new CropFlip(SHAPE, 1, true, new double[] {-1, -2, -3}), f.training().augmentation());
        FedAvg none = (FedAvg) r.algorithm(Spec.parse("fedavg(lr=0.1,augment=none)"));
        assertFalse(none.training().augments());
        SpecException bad = assertThrows(SpecException.class, () -> r.algorithm(Spec.parse(
                "fedavg(lr=0.1,augment=rotate(image=1x2x2))")));
        assertTrue(bad.getMessage().contains("augment") && bad.getMessage().contains("rotate"), bad.getMessage());
        SpecException shape = assertThrows(SpecException.class, () -> r.algorithm(Spec.parse(
                "fedavg(lr=0.1,augment=crop-flip(image=3x4))")));
        assertTrue(shape.getMessage().contains("image") && shape.getMessage().contains("3x4"), shape.getMessage());
        SpecException padding = assertThrows(SpecException.class, () -> r.algorithm(Spec.parse(
                "fedavg(lr=0.1,augment=crop-flip(image=1x2x2,padding=3))")));
        assertTrue(padding.getMessage().contains("padding must be in [0, 2]"), padding.getMessage());
    }
}
