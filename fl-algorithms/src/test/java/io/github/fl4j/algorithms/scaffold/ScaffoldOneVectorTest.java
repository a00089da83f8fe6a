package io.github.fl4j.algorithms.scaffold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.CompressionClass;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.api.DeclaredCompressor;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** SCAFFOLD-II with the one-vector uplink (Huang, Li, Li, ICLR 2024): contract, equivalence, half the uplink. */
class ScaffoldOneVectorTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return Scaffold.builder().localSteps(3, 8).localLearningRate(0.1).oneVectorUplink(true).build();
    }

    private static SimulationResult<Scaffold.ServerState> run(Scaffold alg, Quadratics q, int rounds) {
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(3).evalEvery(0).seed(31)
                .precision(Precision.FLOAT64).build();
        return Simulation.builder(alg).config(cfg).model(new LeastSquares(q.dimension)).data(q.data)
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, q.dimension)).build().run();
    }

    /**
     * A reference simulation (3 of 8 clients, stochastic gradients) finds the forms equal to 1e-16: the identity
     * Delta y_n = -K eta_l (Delta c_n + c) makes x and c of the one-vector form equal to two-vector SCAFFOLD-II up to
     * rounding. Here: the d = 5 client-drift quadratics, minibatches of 4 of 12 rows, K = 10, 3 of 10 clients,
     * eta_g = 0.8, 60 rounds, float64; same seed, so the same participants and minibatches. Uplink bits: 1 instead of 2
     * d-vectors of 64 bits per participant and round: 60 * 3 * 5 * 64 = 57,600 bits against 115,200.
     */
    @Test
    void matchesTwoVectorScaffoldWithHalfTheUplink() {
        Quadratics q = Quadratics.fiveDimensional();
        double eta = 0.2 / q.lMax;
        Scaffold two = Scaffold.builder().localSteps(10, 4).localLearningRate(eta).serverLearningRate(0.8).build();
        Scaffold one = Scaffold.builder().localSteps(10, 4).localLearningRate(eta).serverLearningRate(0.8)
                .oneVectorUplink(true).build();
        SimulationResult<Scaffold.ServerState> a = run(two, q, 60);
        SimulationResult<Scaffold.ServerState> b = run(one, q, 60);
        double[] xa = Tensors.toDoubleArray(a.finalParameters());
        assertArrayEquals(xa, Tensors.toDoubleArray(b.finalParameters()), 1e-12);
        assertArrayEquals(Tensors.toDoubleArray(a.serverState().control()),
                Tensors.toDoubleArray(b.serverState().control()), 1e-12);
        double moved = Tensors.norm2(a.finalParameters());
        assertTrue(moved > 0.1, "the runs should have moved, |x| = " + moved);
        assertEquals(115_200L, a.uplinkBits());
        assertEquals(57_600L, b.uplinkBits());
        assertEquals(a.downlinkBits(), b.downlinkBits());
        assertEquals("SCAFFOLD-II(K=10,B=4, lr=" + eta + ", server lr=0.8, one-vector uplink)", one.name());
    }

    /**
     * Issue 5: the one-vector (SCALLION-type) form with a biased uplink operator fails when the
     * simulation is built, naming the algorithm and the compressor; an unbiased operator is accepted, and so is any
     * operator for the two-vector form.
     */
    @Test
    void biasedUplinkIsRejectedForTheOneVectorForm() {
        Quadratics q = Quadratics.fiveDimensional();
        SimulationConfig cfg = SimulationConfig.builder().rounds(1).clientsPerRound(2).precision(Precision.FLOAT64)
                .build();
        Scaffold oneVector = Scaffold.builder().localSteps(3, 2).localLearningRate(0.1).oneVectorUplink(true).build();
        for (Compressor biased : new Compressor[] {new DeclaredCompressor("test-topk", CompressionClass.contractive(0.01)),
            new DeclaredCompressor("test-sign", CompressionClass.biased())}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Simulation.builder(oneVector).config(cfg).model(new LeastSquares(q.dimension)).data(q.data)
                            .uplinkCompressor(biased).build());
            assertTrue(e.getMessage().contains("SCAFFOLD-II") && e.getMessage().contains(biased.name())
                    && e.getMessage().contains("unbiased"), e.getMessage());
            Scaffold twoVector = Scaffold.builder().localSteps(3, 2).localLearningRate(0.1).build();
            Simulation.builder(twoVector).config(cfg).model(new LeastSquares(q.dimension)).data(q.data)
                    .uplinkCompressor(biased).build(); // accepted
        }
        Simulation.builder(oneVector).config(cfg).model(new LeastSquares(q.dimension)).data(q.data)
                .uplinkCompressor(new DeclaredCompressor("test-randk", CompressionClass.unbiased(9)))
                .build(); // accepted
    }
}
