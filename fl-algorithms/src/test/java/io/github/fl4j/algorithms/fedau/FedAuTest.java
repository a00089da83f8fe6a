package io.github.fl4j.algorithms.fedau;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.AlgorithmContractTest;
import io.github.fl4j.core.api.AlgorithmSetup;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Message;
import io.github.fl4j.core.api.ServerContext;
import io.github.fl4j.core.api.Upload;
import io.github.fl4j.core.comm.IdentityCompressor;
import io.github.fl4j.core.participation.MarkovParticipation;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.state.ServerTables;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationException;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** FedAU (Wang and Ji, ICLR 2024): the algorithm contract, reductions, hand-computed rounds and validation. */
class FedAuTest extends AlgorithmContractTest {

    @Override
    protected FederatedAlgorithm<?, ?> algorithm() {
        return FedAu.builder().localSteps(3, 8).localLearningRate(0.1).cutoff(50).build();
    }

    private <S, C> SimulationResult<S> fullParticipation(FederatedAlgorithm<S, C> alg) {
        SimulationConfig cfg = SimulationConfig.builder().rounds(5).clientsPerRound(10).seed(11).evalEvery(0)
                .build();
        return Simulation.builder(alg).config(cfg).model(model()).data(data()).build().run();
    }

    /** Reduction: under full participation every Omega_n = 1, so FedAU is FedAvg with weights 1/N. */
    @Test
    void fullParticipationIsFedAvgWithUniformWeightsBitForBit() {
        FedAvg fedAvg = FedAvg.builder().localSteps(3, 8).localLearningRate(0.1).serverLearningRate(1.5)
                .weighting(WeightedMean.Weighting.UNIFORM).build();
        long[] expected = bits(fullParticipation(fedAvg).finalParameters());
        for (FedAu alg : new FedAu[] {
                FedAu.builder().localSteps(3, 8).localLearningRate(0.1).serverLearningRate(1.5).build(),
                FedAu.builder().localSteps(3, 8).localLearningRate(0.1).serverLearningRate(1.5).cutoff(1).build(),
                FedAu.builder().localSteps(3, 8).localLearningRate(0.1).serverLearningRate(1.5)
                        .aggregation(FedAu.Aggregation.AVERAGE_ALL).build()}) {
            assertArrayEquals(expected, bits(fullParticipation(alg).finalParameters()), alg.name());
        }
    }

    private static final SeedTree SEEDS = new SeedTree(1);

    /** The server tables of the test's run (one per test: JUnit makes a new instance for every test method). */
    private ServerTables tables = new ServerTables();

    private ServerContext ctx(int round, int population, int... participants) {
        return new ServerContext(round, new int[population], participants, SEEDS, Precision.FLOAT64, tables);
    }

    private static List<Upload> uploads(int[] ids, double[]... deltas) {
        List<Upload> out = new ArrayList<>();
        for (int k = 0; k < ids.length; k++) {
            out.add(new Upload(ids[k], 1, Message.of(Nd4j.createFromArray(deltas[k].clone()))));
        }
        return out;
    }

    private <S> double[] apply(FederatedAlgorithm<S, ?> alg, S s, int round, int population, int[] ids,
                                      double[]... deltas) {
        alg.server().apply(s, uploads(ids, deltas), ctx(round, population, ids));
        return Tensors.toDoubleArray(alg.server().model(s));
    }

    private static AlgorithmSetup setup(int population) {
        return new AlgorithmSetup(3, new int[population], Precision.FLOAT64, IdentityCompressor.INSTANCE,
                IdentityCompressor.INSTANCE);
    }

    /**
     * N = 3, d = 3, eta = 1. Rounds {0}, {1}, {0, 1}, {0}. Weights (FedAu javadoc): round 1 omega_0 = 1 (no
     * interval), records 1; round 2 omega_1 = 1, records 2 (absent in round 1); round 3 omega_0 = 1 then records 2
     * (Omega_0 = 1.5), omega_1 = 2 then records 1 (Omega_1 = 1.5); round 4 omega_0 = 1.5. Update x += (1/3) sum.
     */
    @Test
    void handComputedAdaptiveRounds() {
        FedAu alg = FedAu.builder().localSteps(1, 1).localLearningRate(0.1).build();
        FedAu.ServerState s = alg.initServerState(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 3),
                setup(3));
        double[] a = {3, 0, 0};
        double[] b = {0, 3, 0};
        double[] x = apply(alg, s, 1, 3, new int[] {0}, a);
        assertArrayEquals(new double[] {1, 0, 0}, x, 1e-15);
        x = apply(alg, s, 2, 3, new int[] {1}, b);
        assertArrayEquals(new double[] {1, 1, 0}, x, 1e-15);
        x = apply(alg, s, 3, 3, new int[] {0, 1}, a, b);
        assertArrayEquals(new double[] {2, 3, 0}, x, 1e-15);  // + (1 * a + 2 * b) / 3
        assertEquals(1.5, s.estimator().weight(0), 0);
        assertEquals(1.5, s.estimator().weight(1), 0);
        x = apply(alg, s, 4, 3, new int[] {0}, a);
        assertArrayEquals(new double[] {3.5, 3, 0}, x, 1e-15); // + 1.5 * a / 3
        // an empty round moves nothing but counts: client 2 has now been absent 5 rounds
        x = apply(alg, s, 5, 3, new int[0]);
        assertArrayEquals(new double[] {3.5, 3, 0}, x, 1e-15);
        assertEquals(5, s.estimator().roundsSinceLast(2));
    }

    /**
     * MIFA and FedVarp, N = 2, eta = 1, rounds {0} with a, then {1} with b (FedAu javadoc). MIFA: x += (a + 0)/2,
     * then += (a + b)/2. FedVarp: round 1 (a - 0) + 0 = a; round 2 (b - 0) + ubar^old = b + a/2.
     */
    @Test
    void handComputedMemoryBaselines() {
        double[] a = {2, 0, 4};
        double[] b = {0, 6, 0};
        FedAu mifa = FedAu.builder().localSteps(1, 1).localLearningRate(0.1).aggregation(FedAu.Aggregation.MIFA)
                .build();
        FedAu.ServerState s = mifa.initServerState(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 3),
                setup(2));
        List<Upload> up = uploads(new int[] {0}, a);
        mifa.server().apply(s, up, ctx(1, 2, 0));
        Tensors.fillZero(up.get(0).vector(0)); // the engine recycles lent uploads: the table must hold a copy
        assertArrayEquals(new double[] {1, 0, 2}, Tensors.toDoubleArray(s.model()), 1e-15);
        assertArrayEquals(a, Tensors.toDoubleArray(FedAu.lastUpdate(tables, 0)), 0);
        assertArrayEquals(new double[] {2, 3, 4}, apply(mifa, s, 2, 2, new int[] {1}, b), 1e-15);

        tables = new ServerTables(); // a new run
        FedAu varp = FedAu.builder().localSteps(1, 1).localLearningRate(0.1).aggregation(FedAu.Aggregation.FEDVARP)
                .build();
        FedAu.ServerState v = varp.initServerState(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 3),
                setup(2));
        assertArrayEquals(a, apply(varp, v, 1, 2, new int[] {0}, a), 1e-15);
        assertArrayEquals(new double[] {3, 6, 6}, apply(varp, v, 2, 2, new int[] {1}, b), 1e-15);
        assertArrayEquals(new double[] {1, 3, 2}, Tensors.toDoubleArray(v.lastUpdateMean()), 1e-15);
    }

    /** Known p: x += (1/N) sum Delta_n / p_n; average participating: 1/|S|. */
    @Test
    void handComputedWeightBaselines() {
        double[] a = {1, 1, 1};
        double[] b = {2, 0, 0};
        FedAu known = FedAu.builder().localSteps(1, 1).localLearningRate(0.1)
                .aggregation(FedAu.Aggregation.KNOWN_PROBABILITIES).probabilities(0.5, 0.25).build();
        FedAu.ServerState s = known.initServerState(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 3),
                setup(2));
        assertArrayEquals(new double[] {5, 1, 1}, apply(known, s, 1, 2, new int[] {0, 1}, a, b), 1e-15);
        FedAu avg = FedAu.builder().localSteps(1, 1).localLearningRate(0.1)
                .aggregation(FedAu.Aggregation.AVERAGE_PARTICIPATING).build();
        FedAu.ServerState t = avg.initServerState(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 3),
                setup(4));
        assertArrayEquals(new double[] {1.5, 0.5, 0.5}, apply(avg, t, 1, 4, new int[] {0, 3}, a, b), 1e-15);
    }

    /** The engine runs FedAU and FedAvg through a pattern with memory and empty rounds (FedAvg skips them). */
    @Test
    void engineAcceptsEmptyRoundsWhenTheProcessAllowsThem() {
        double[] p = new double[10];
        java.util.Arrays.fill(p, 0.05); // P(all off) is large: empty rounds certainly occur in 40 rounds
        SimulationConfig cfg = SimulationConfig.builder().rounds(40).clientsPerRound(1).seed(5).evalEvery(0).build();
        SimulationResult<FedAu.ServerState> r = Simulation.builder(FedAu.builder().localSteps(2, 8)
                        .localLearningRate(0.1).build()).config(cfg).model(model()).data(data())
                .participation(new MarkovParticipation(p, 0.05).allowingEmptyRounds()).build().run();
        long empty = r.reports().stream().filter(rep -> rep.participants() == 0).count();
        assertEquals(true, empty > 0, "empty rounds: " + empty);
        FedAvg fedAvg = FedAvg.builder().localSteps(2, 8).localLearningRate(0.1).build();
        SimulationResult<FedAvg.ServerState> f = Simulation.builder(fedAvg).config(cfg).model(model()).data(data())
                .participation(new MarkovParticipation(p, 0.05).allowingEmptyRounds()).build().run();
        assertEquals(empty, f.reports().stream().filter(rep -> rep.participants() == 0).count(),
                "the same seed gives FedAvg the same empty rounds");
        // by default the pattern skips empty rounds, and FedAvg runs
        Simulation.builder(fedAvg).config(cfg).model(model()).data(data())
                .participation(new MarkovParticipation(p, 0.05)).build().run();
    }

    @Test
    void badConfigurationsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FedAu.builder().localSteps(5, 16).localLearningRate(-0.1).build());
        assertEquals("localLearningRate must be > 0 and finite, was -0.1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FedAu.builder().localSteps(5, 16).localLearningRate(0.1).cutoff(0).build());
        assertEquals("cutoff must be >= 1 (or IntervalEstimator.NO_CUTOFF), was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FedAu.builder().localSteps(5, 16)
                .localLearningRate(0.1).aggregation(FedAu.Aggregation.KNOWN_PROBABILITIES).build());
        assertEquals("probabilities must be set for KNOWN_PROBABILITIES, was null", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FedAu.builder().localSteps(5, 16)
                .localLearningRate(0.1).aggregation(FedAu.Aggregation.KNOWN_PROBABILITIES).probabilities(0.5, 1.5)
                .build());
        assertEquals("probabilities[1] must be in (0, 1], was 1.5", e.getMessage());
        FedAu known = FedAu.builder().localSteps(5, 16).localLearningRate(0.1)
                .aggregation(FedAu.Aggregation.KNOWN_PROBABILITIES).probabilities(0.5, 0.5).build();
        INDArray x0 = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 3);
        e = assertThrows(IllegalArgumentException.class, () -> known.initServerState(x0, setup(3)));
        assertEquals("probabilities must have one entry per client (3), had 2", e.getMessage());
    }
}
