package io.github.fl4j.algorithms.ef;

import static io.github.fl4j.algorithms.ef.EfTestProblems.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** EF14 (docs/algorithms/ef14.md) under the contract (partial participation, minibatches) and its two forms. */
class Ef14Test extends AlgorithmContractTest {
    private static final int D = 5;

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return Ef14.builder().learningRate(0.1).minibatch(8).build();
    }

    /** A contractive uplink (Top-30%), so that the error-feedback state is not trivially zero. */
    @Override
    protected io.github.fl4j.core.api.Compressor uplinkCompressor() {
        return io.github.fl4j.compression.Compressors.topK(0.3);
    }

    private static INDArray x0() {
        INDArray x = Nd4j.zeros(DataType.DOUBLE, D);
        x.assign(1.0);
        return x;
    }

    /** Gradient-unit form with identity: q_i = g_i + 0 exactly, so it is GD bit for bit. */
    @Test
    void gradientUnitWithIdentityIsGradientDescent() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(3, D, 6, 31);
        LeastSquares model = new LeastSquares(D);
        INDArray ef = EfTestProblems.run(Ef14.builder().learningRate(0.05).form(Ef14.Form.GRADIENT_UNIT).build(),
                model, data, IdentityCompressor.INSTANCE, x0(), 25);
        assertArrayEquals(bits(EfTestProblems.gradientDescent(model, data, x0(), 0.05, 25)), bits(ef));
    }

    /** The two forms are equivalent for a constant gamma (to rounding), here with Top-1. */
    @Test
    void formsAgreeForConstantStepSize() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(3, D, 6, 32);
        LeastSquares model = new LeastSquares(D);
        INDArray m = EfTestProblems.run(Ef14.builder().learningRate(0.05).build(), model, data, new TestTopK(1), x0(),
                60);
        INDArray g = EfTestProblems.run(Ef14.builder().learningRate(0.05).form(Ef14.Form.GRADIENT_UNIT).build(),
                model, data, new TestTopK(1), x0(), 60);
        assertArrayEquals(Tensors.toDoubleArray(m), Tensors.toDoubleArray(g), 1e-12);
    }

    @Test
    void unbiasedCompressorIsRejectedAtBuildTime() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(2, D, 3, 33);
        SimulationConfig cfg = SimulationConfig.builder().rounds(1).clientsPerRound(2).precision(Precision.FLOAT64)
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Simulation.builder(algorithm()).config(cfg).model(new LeastSquares(D)).data(data)
                        .uplinkCompressor(EfTestProblems.unbiased(1)).build());
        assertTrue(e.getMessage().contains("EF14") && e.getMessage().contains("test-randk-unscaled"), e.getMessage());
    }
}
