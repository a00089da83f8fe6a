package io.github.fl4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.model.GradientCheck;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The factory's models: McMahan et al.'s parameter counts, the CNN's layout and a float64 gradient check. */
class Dl4jModelsTest {

    @Test
    void parameterCountsAreMcMahansFor2nnAndCnn() {
        // McMahan et al., "Communication-Efficient Learning of Deep Networks from Decentralized Data" (AISTATS 2017),
        // section 3: the 2NN has 199,210 parameters, the CNN 1,663,370.
        // 2NN: 784*200 + 200 + 200*200 + 200 + 200*10 + 10 = 199,210
        assertEquals(199_210, Dl4jModels.mlp(784, new int[] {200, 200}, 10).dimension());
        // CNN: conv 5*5*1*32 + 32 = 832; conv 5*5*32*64 + 64 = 51,264; dense 7*7*64*512 + 512 = 1,606,144;
        // output 512*10 + 10 = 5,130; total 1,663,370
        Dl4jModel cnn = Dl4jModels.mnistCnn();
        assertEquals(1_663_370, cnn.dimension());
        assertEquals(784, cnn.features());
        assertEquals(10, cnn.classes());
    }

    @Test
    void theCnnStoresConvolutionBiasesBeforeTheirKernels() {
        // DL4J 1.0.0-M2.1: convolution layers put b [nOut] first, then W [nOut, nIn, kH, kW] in c-order; dense and
        // output layers put W [nIn, nOut] in f-order first, then b
        List<Dl4jModel.Block> blocks = Dl4jModels.mnistCnn().blocks();
        assertEquals(8, blocks.size());
        String[] expected = {
            "Block[layer 0 b at 0, shape [32] 'c', bias]",
            "Block[layer 0 W at 32, shape [32, 1, 5, 5] 'c', weight]",
            "Block[layer 2 b at 832, shape [64] 'c', bias]",
            "Block[layer 2 W at 896, shape [64, 32, 5, 5] 'c', weight]",
            "Block[layer 4 W at 52096, shape [3136, 512] 'f', weight]",
            "Block[layer 4 b at 1657728, shape [512] 'c', bias]",
            "Block[layer 5 W at 1658240, shape [512, 10] 'f', weight]",
            "Block[layer 5 b at 1663360, shape [10] 'c', bias]"};
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], blocks.get(j).toString());
        }
    }

    @Test
    void cnnGradientPassesAFloat64FiniteDifferenceCheckOnRandomCoordinates() {
        // a 2-sample batch of U(0, 1) "images", parameters from the model's initialiser (U(+-1/sqrt(fanIn)), so the
        // activations stay of order 1 and the softmax is far from its 1e-10 clipping); 4 coordinates drawn from each of
        // the 8 blocks. Central differences with h = 1e-6 (ModelContractTest explains the 1e-6 threshold); a ReLU or
        // max-pool switch within h of a coordinate is possible but has probability of order 1e-6 per unit.
        Dl4jModel cnn = Dl4jModels.mnistCnn();
        RandomStream rng = new RandomStream(2017);
        INDArray a = Nd4j.create(DataType.DOUBLE, 2, 784);
        rng.fillUniform(a, 0.0, 1.0);
        Dataset b = new Dataset(a, Nd4j.createFromArray(new double[][] {{3}, {8}}));
        INDArray x = Tensors.zeros(Precision.FLOAT64, cnn.dimension());
        cnn.initialParameters(rng, x);
        List<Dl4jModel.Block> blocks = cnn.blocks();
        long[] coordinates = new long[4 * blocks.size()];
        for (int j = 0; j < blocks.size(); j++) {
            Dl4jModel.Block block = blocks.get(j);
            for (int t = 0; t < 4; t++) {
                coordinates[4 * j + t] = block.offset() + rng.nextInt((int) block.length());
            }
        }
        // the check is not vacuous: most checked derivatives are non-zero (a few may be exactly 0 behind a ReLU)
        INDArray g = Tensors.zeros(Precision.FLOAT64, cnn.dimension());
        cnn.lossAndGradient(x, b, g);
        int nonZero = 0;
        for (long c : coordinates) {
            nonZero += g.getDouble(c) != 0.0 ? 1 : 0;
        }
        assertTrue(nonZero >= coordinates.length / 2, nonZero + " of " + coordinates.length + " non-zero");
        GradientCheck.Result r = GradientCheck.check(cnn, x, b, GradientCheck.DEFAULT_STEP, coordinates);
        assertTrue(r.passes(1e-6), r.toString());
        assertEquals(coordinates.length, r.checkedCoordinates());
    }

    @Test
    void cnnRunsInFloat32AndEvaluates() {
        // smoke test of the float32 path and of evaluation on the CNN: at the initial point the 10 classes are nearly
        // equally likely, so the loss is near log 10 = 2.303 (within 0.5) and the accuracy is a fraction of 4
        Dl4jModel cnn = Dl4jModels.mnistCnn();
        RandomStream rng = new RandomStream(5);
        INDArray a = Nd4j.create(DataType.FLOAT, 4, 784);
        rng.fillUniform(a, 0.0, 1.0);
        Dataset b = new Dataset(a, Nd4j.createFromArray(new float[][] {{0}, {1}, {2}, {9}}));
        INDArray x = Tensors.zeros(Precision.FLOAT32, cnn.dimension());
        cnn.initialParameters(new RandomStream(6), x);
        INDArray g = Tensors.zeros(Precision.FLOAT32, cnn.dimension());
        double loss = cnn.lossAndGradient(x, b, g);
        assertEquals(Math.log(10), loss, 0.5);
        assertTrue(Tensors.isFinite(g));
        assertTrue(Tensors.norm2(g) > 0.0);
        Evaluation e = cnn.evaluate(x, b);
        assertEquals(loss, e.loss(), 1e-5 * loss);
        assertEquals(4, e.samples());
        assertEquals(0.0, e.accuracy() * 4 - Math.rint(e.accuracy() * 4), 1e-12);
    }

    @Test
    void mlpRejectsBadSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dl4jModels.mlp(784, new int[] {200, 0}, 10));
        assertEquals("hidden[1] must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dl4jModels.mlp(0, new int[] {2}, 10));
        assertEquals("in must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dl4jModels.mlp(3, new int[] {2}, 1));
        assertEquals("classes must be >= 2, was 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dl4jModels.mlp(3, null, 2));
        assertTrue(e.getMessage().startsWith("hidden must not be null"));
    }
}
