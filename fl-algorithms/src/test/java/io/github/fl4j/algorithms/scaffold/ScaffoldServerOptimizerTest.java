package io.github.fl4j.algorithms.scaffold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.Aggregator;
import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SCAFFOLD with a server optimizer on its model step: the one-vector form with FedAdam under the algorithm contract,
 * plus the equivalences with the old options, the aggregator seam and the state codec.
 */
class ScaffoldServerOptimizerTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return Scaffold.builder().localSteps(3, 8).localLearningRate(0.1).oneVectorUplink(true)
                .serverOptimizer(ServerOptimizers.adam(0.03)).build();
    }

    private static SimulationResult<Scaffold.ServerState> run(Scaffold alg, Quadratics q, int rounds) {
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(3).evalEvery(0).seed(31)
                .precision(Precision.FLOAT64).build();
        return Simulation.builder(alg).config(cfg).model(new LeastSquares(q.dimension)).data(q.data)
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, q.dimension)).build().run();
    }

    private static Scaffold.Builder base(Quadratics q) {
        return Scaffold.builder().localSteps(10, 4).localLearningRate(0.2 / q.lMax);
    }

    /** serverOptimizer(sgd(eta_g)) is serverLearningRate(eta_g) bit for bit, in both uplink forms. */
    @Test
    void sgdOptimizerEqualsTheServerLearningRateOptionBitForBit() {
        Quadratics q = Quadratics.fiveDimensional();
        for (boolean oneVector : new boolean[] {false, true}) {
            SimulationResult<Scaffold.ServerState> a = run(base(q).oneVectorUplink(oneVector).serverLearningRate(0.8)
                    .build(), q, 30);
            SimulationResult<Scaffold.ServerState> b = run(base(q).oneVectorUplink(oneVector)
                    .serverOptimizer(ServerOptimizers.sgd(0.8)).build(), q, 30);
            assertArrayEquals(bits(a.finalParameters()), bits(b.finalParameters()), "one-vector " + oneVector);
            assertArrayEquals(bits(a.serverState().control()), bits(b.serverState().control()));
        }
    }

    /**
     * With FedAdam the one-vector form still equals the two-vector form up to rounding (the optimizer sees the same
     * Delta_x = -K eta_l (c + mean delta_n) = mean Delta y_n), on the d = 5 quadratics over 60 rounds, and both reach
     * a point much closer to the fixed point than x^0 = 0 is.
     */
    @Test
    void oneVectorFormMatchesTwoVectorFormWithFedAdam() {
        Quadratics q = Quadratics.fiveDimensional();
        Scaffold two = base(q).serverOptimizer(ServerOptimizers.adam(0.05)).build();
        Scaffold one = base(q).serverOptimizer(ServerOptimizers.adam(0.05)).oneVectorUplink(true).build();
        SimulationResult<Scaffold.ServerState> a = run(two, q, 60);
        SimulationResult<Scaffold.ServerState> b = run(one, q, 60);
        double[] xa = Tensors.toDoubleArray(a.finalParameters());
        assertArrayEquals(xa, Tensors.toDoubleArray(b.finalParameters()), 1e-9);
        assertArrayEquals(Tensors.toDoubleArray(a.serverState().control()),
                Tensors.toDoubleArray(b.serverState().control()), 1e-9);
        assertEquals("adam", b.serverState().optimizerState().kind());
        // SCAFFOLD's fixed point is the minimiser of the average of the quadratics; FedAdam moves towards it.
        double[] xStar = Tensors.toDoubleArray(run(base(q).serverLearningRate(1).build(), q, 400).finalParameters());
        double before = 0;
        double after = 0;
        for (int j = 0; j < xa.length; j++) {
            before += xStar[j] * xStar[j];
            after += (xa[j] - xStar[j]) * (xa[j] - xStar[j]);
        }
        assertTrue(after < 0.1 * before, "|x - x*|^2 = " + after + " against |x*|^2 = " + before);
        assertTrue(one.name().contains("server adam(lr=0.05") && one.name().endsWith("one-vector uplink)"),
                one.name());
    }

    /** The model step goes through the configured aggregator; the control variate keeps its own 1/N sum. */
    @Test
    void theConfiguredAggregatorIsTheOneCalled() {
        Quadratics q = Quadratics.fiveDimensional();
        Aggregator zero = (uploads, slot, out, ctx) -> Tensors.fillZero(out);
        SimulationResult<Scaffold.ServerState> r = run(base(q).aggregator(zero).build(), q, 5);
        assertArrayEquals(new double[q.dimension], Tensors.toDoubleArray(r.finalParameters()), 0.0);
        assertNotEquals(0.0, Tensors.norm2(r.serverState().control()));
        assertTrue(base(q).aggregator(zero).build().name().contains(", aggregator="));
        assertEquals(base(q).build().name(), base(q).aggregator(io.github.fl4j.core.aggregation.WeightedMean.uniform())
                .build().name());
    }

    @Test
    void stateCodecCarriesTheOptimizerAndReadsVersionOne() throws IOException {
        Scaffold alg = (Scaffold) algorithm();
        StateCodec<Scaffold.ServerState> codec = alg.serverStateCodec();
        SimulationResult<?> r = Simulation.builder(alg).config(config(1)).model(model()).data(data()).build().run();
        Scaffold.ServerState s = (Scaffold.ServerState) r.serverState();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        codec.write(s, new DataOutputStream(bytes));
        Scaffold.ServerState back = codec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals("adam", back.optimizerState().kind());
        assertArrayEquals(bits(s.optimizerState().vector(1)), bits(back.optimizerState().vector(1)));
        // version 1 (x, c; written before the optimizers) reads as an SGD state
        ByteArrayOutputStream v1 = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(v1);
        out.writeByte(1);
        Tensors.write(Nd4j.createFromArray(1.0, 2.0), out);
        Tensors.write(Nd4j.createFromArray(3.0, 4.0), out);
        Scaffold.ServerState old = codec.read(new DataInputStream(new ByteArrayInputStream(v1.toByteArray())));
        assertEquals("sgd", old.optimizerState().kind());
        assertArrayEquals(new double[] {3, 4}, Tensors.toDoubleArray(old.control()), 0.0);
        IOException e = assertThrows(IOException.class,
                () -> codec.read(new DataInputStream(new ByteArrayInputStream(new byte[] {3}))));
        assertEquals("SCAFFOLD server state format version must be 2, was 3", e.getMessage());
    }

    @Test
    void inconsistentServerOptionsAreNamed() {
        assertEquals("serverLearningRate 0.5 conflicts with serverOptimizer yogi(lr=0.1, beta1=0.9, beta2=0.99, "
                + "tau=0.001): set the learning rate in the optimizer only", assertThrows(
                IllegalArgumentException.class, () -> Scaffold.builder().localSteps(1, 1).localLearningRate(0.1)
                        .serverOptimizer(ServerOptimizers.yogi(0.1)).serverLearningRate(0.5).build()).getMessage());
    }
}
