package io.github.fl4j.algorithms.ef;

import static io.github.fl4j.algorithms.ef.EfTestProblems.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** CGD, the no-feedback baseline of the error-feedback experiments (EfRegimesTest). */
class CompressedGdTest extends AlgorithmContractTest {
    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return CompressedGd.builder().learningRate(0.1).build();
    }

    /** With the identity compressor and full participation CGD is GD bit for bit. */
    @Test
    void identityIsGradientDescent() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(3, 4, 5, 41);
        LeastSquares model = new LeastSquares(4);
        INDArray x0 = Nd4j.ones(DataType.DOUBLE, 4);
        INDArray cgd = EfTestProblems.run(CompressedGd.builder().learningRate(0.05).build(), model, data,
                IdentityCompressor.INSTANCE, x0, 20);
        assertArrayEquals(bits(EfTestProblems.gradientDescent(model, data, x0, 0.05, 20)), bits(cgd));
    }
}
