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
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** EControl (Gao, Islamov, Stich, ICLR 2024): contract under full participation and the two reductions. */
class EControlTest extends AlgorithmContractTest {
    private static final int D = 6;

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return EControl.builder().learningRate(0.1).feedbackStrength(0.2).build();
    }

    /** A contractive uplink (Top-30%), so that the error-feedback state is not trivially zero. */
    @Override
    protected io.github.fl4j.core.api.Compressor uplinkCompressor() {
        return io.github.fl4j.compression.Compressors.topK(0.3);
    }

    @Override
    protected SimulationConfig config(int threads) {
        return SimulationConfig.builder().rounds(6).clientsPerRound(10).threads(threads).seed(2024).evalEvery(2)
                .build();
    }

    private static INDArray x0() {
        INDArray x = Nd4j.zeros(DataType.DOUBLE, D);
        for (int j = 0; j < D; j++) {
            x.putScalar(j, 0.5 + 0.3 * j);
        }
        return x;
    }

    /** Reduction: EControl with the identity compressor is gradient descent bit for bit, for any eta. */
    @Test
    void identityCompressorIsGradientDescentBitForBit() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(5, D, 8, 21);
        LeastSquares model = new LeastSquares(D);
        double gamma = 0.04;
        for (double eta : new double[] {0, 0.3, 1}) {
            INDArray ec = EfTestProblems.run(EControl.builder().learningRate(gamma).feedbackStrength(eta).build(),
                    model, data, IdentityCompressor.INSTANCE, x0(), 35);
            INDArray gd = EfTestProblems.gradientDescent(model, data, x0(), gamma, 35);
            assertArrayEquals(bits(gd), bits(ec), "eta = " + eta);
        }
    }

    /**
     * Reduction: eta = 0 with h_i^0 = C(g_i^0) reduces exactly to EF21 (with g_i^0 = C(grad f_i(x^0))): e_i is
     * never read, and h_i &lt;- h_i + C(g_i - h_i). Bit for bit over 40 rounds of Top-2, and also with the EXACT first
     * message (both then run the same warm-up).
     */
    @Test
    void etaZeroIsEf21BitForBit() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(4, D, 8, 22);
        LeastSquares model = new LeastSquares(D);
        for (FirstMessage first : FirstMessage.values()) {
            INDArray ec = EfTestProblems.run(EControl.builder().learningRate(0.05).feedbackStrength(0)
                    .firstMessage(first).build(), model, data, new TestTopK(2), x0(), 40);
            INDArray ef = EfTestProblems.run(Ef21.builder().learningRate(0.05).firstMessage(first).build(), model,
                    data, new TestTopK(2), x0(), 40);
            assertArrayEquals(bits(ef), bits(ec), first.name());
        }
    }

    /** With eta &gt; 0 and Top-K the feedback changes the iterates (the reduction above is not vacuous). */
    @Test
    void positiveEtaDiffersFromEf21() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(4, D, 8, 23);
        LeastSquares model = new LeastSquares(D);
        INDArray ec = EfTestProblems.run(EControl.builder().learningRate(0.05).feedbackStrength(0.5).build(), model,
                data, new TestTopK(2), x0(), 20);
        INDArray ef = EfTestProblems.run(Ef21.builder().learningRate(0.05).build(), model, data, new TestTopK(2),
                x0(), 20);
        assertTrue(!java.util.Arrays.equals(bits(ef), bits(ec)));
    }

    @Test
    void unbiasedCompressorIsRejectedAtBuildTimeAndFieldsAreNamed() {
        FederatedDataset data = EfTestProblems.randomLeastSquares(2, D, 3, 24);
        SimulationConfig cfg = SimulationConfig.builder().rounds(1).clientsPerRound(2).precision(Precision.FLOAT64)
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Simulation.builder(algorithm()).config(cfg).model(new LeastSquares(D)).data(data)
                        .uplinkCompressor(EfTestProblems.unbiased(1)).build());
        assertTrue(e.getMessage().contains("EControl") && e.getMessage().contains("test-randk-unscaled"),
                e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> EControl.builder().learningRate(0.1).feedbackStrength(1.5).build()).getMessage()
                .contains("feedbackStrength must be in [0, 1], was 1.5"));
    }
}
