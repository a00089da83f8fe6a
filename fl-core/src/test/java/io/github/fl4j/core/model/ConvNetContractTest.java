package io.github.fl4j.core.model;

import io.github.fl4j.core.api.Evaluation;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The convolutional network against the model contract, on 5-feature rows read as a 1 x 5 x 1 image: a 3x3
 * convolution with 4 channels and padding 1 (1 x 5 x 4), GroupNorm with 2 groups, ReLU, 1x1 max-pooling, dense 3;
 * d = 9*4 + 4 + 8 + 5*4*3 + 3 = 111.
 */
class ConvNetContractTest extends ModelContractTest {
    private static final int CLASSES = 3;

    @Override
    protected Model model() {
        return ConvNet.builder(1, FEATURES, 1).conv(4, 3, 1).groupNorm(2).relu().maxPool(1).dense(CLASSES).build();
    }

    @Override
    protected Dataset batch(RandomStream rng, int m) {
        INDArray a = gaussianMatrix(rng, m, FEATURES);
        INDArray y = Nd4j.create(DataType.DOUBLE, m, 1);
        for (int i = 0; i < m; i++) {
            y.putScalar(i, 0, rng.nextInt(CLASSES));
        }
        return new Dataset(a, y);
    }

    @Override
    protected Evaluation evaluateInChunks(Model model, INDArray params, Dataset data, int chunkRows) {
        return ((ConvNet) model).evaluate(params, data, chunkRows);
    }
}
