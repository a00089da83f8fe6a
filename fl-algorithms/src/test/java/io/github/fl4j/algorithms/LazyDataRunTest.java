package io.github.fl4j.algorithms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.algorithms.async.FedBuff;
import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.data.CachedFederatedData;
import io.github.fl4j.core.data.CountingFederatedData;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.data.IndexPartition;
import io.github.fl4j.core.data.LazySyntheticFedProx;
import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.time.Schedule;
import io.github.fl4j.core.time.TimedResult;
import io.github.fl4j.core.time.TimedSimulation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Runs on lazy federated data: what is loaded, and that the results are those of the same data loaded eagerly. */
class LazyDataRunTest {


    private static LazySyntheticFedProx lazy(int clients) {
        return SyntheticFedProx.builder().clients(clients).dimension(6).classes(3).maxSamples(40)
                .precision(Precision.FLOAT32).build().lazy(new SeedTree(21), Math.min(clients, 20));
    }

    private static SimulationConfig config(int rounds, int perRound, int threads) {
        return SimulationConfig.builder().rounds(rounds).clientsPerRound(perRound).threads(threads).seed(5)
                .evalEvery(2).precision(Precision.FLOAT32).build();
    }

    private static FedAvg fedAvg() {
        return FedAvg.builder().localSteps(3, 4).localLearningRate(0.05).build();
    }

    private static SimulationResult<?> run(FederatedData data, int rounds, int perRound, int threads) {
        return Simulation.builder(fedAvg()).config(config(rounds, perRound, threads)).model(new SoftmaxRegression(6, 3))
                .data(data).build().run();
    }

    private static double[] bits(SimulationResult<?> r) {
        return r.finalParameters().castTo(DataType.DOUBLE).dup().data().asDouble();
    }

    private static List<RoundReport> untimed(SimulationResult<?> r) {
        List<RoundReport> out = new ArrayList<>();
        for (RoundReport rep : r.reports()) {
            out.add(rep.withoutTimings());
        }
        return out;
    }

    @Test
    void onlyParticipantsAreLoadedAndNothingBeforeRoundOne() {
        CountingFederatedData data = new CountingFederatedData(lazy(500));
        Simulation<?, ?> sim = Simulation.builder(fedAvg()).config(config(6, 4, 2)).model(new SoftmaxRegression(6, 3))
                .data(data).build();
        assertEquals(0, data.loads.get(), "building the simulation loads no client");
        SimulationResult<?> r = sim.run();
        int[] counts = r.participationCounts();
        assertEquals(24, data.loads.get(), "6 rounds x 4 participants, one load each");
        int participants = 0;
        for (int i = 0; i < 500; i++) {
            assertEquals(counts[i], data.perClient[i], "client " + i);
            participants += counts[i] > 0 ? 1 : 0;
        }
        assertTrue(participants <= 24 && participants >= 20, "distinct participants " + participants);
    }

    @Test
    void aRunOnLazyDataEqualsTheRunOnTheSameDataLoadedEagerly() {
        LazySyntheticFedProx lazy = lazy(60);
        SimulationResult<?> onLazy = run(lazy, 5, 4, 1);
        SimulationResult<?> onEager = run(lazy.materialize(), 5, 4, 1);
        SimulationResult<?> cached = run(new CachedFederatedData(lazy, 3), 5, 4, 2);
        SimulationResult<?> twoThreads = run(lazy, 5, 4, 2);
        assertArrayEquals(bits(onEager), bits(onLazy));
        assertArrayEquals(bits(onEager), bits(cached));
        assertArrayEquals(bits(onEager), bits(twoThreads));
        assertEquals(untimed(onEager), untimed(onLazy));
        assertEquals(untimed(onEager), untimed(cached));
        // and the lazy float64 view of float32 data equals the eager conversion
        SimulationResult<?> f64Lazy = Simulation.builder(fedAvg()).config(config(3, 4, 1).toBuilder()
                        .precision(Precision.FLOAT64).build()).model(new SoftmaxRegression(6, 3)).data(lazy).build()
                .run();
        SimulationResult<?> f64Eager = Simulation.builder(fedAvg()).config(config(3, 4, 1).toBuilder()
                        .precision(Precision.FLOAT64).build()).model(new SoftmaxRegression(6, 3))
                .data(lazy.materialize()).build().run();
        assertArrayEquals(bits(f64Eager), bits(f64Lazy));
    }

    @Test
    void aRunOnAnIndexPartitionEqualsTheRunOnTheEagerPartition() {
        FederatedData pool = lazy(30).materialize();
        List<Dataset> all = new ArrayList<>();
        for (int i = 0; i < pool.clientCount(); i++) {
            all.add(pool.client(i));
        }
        // one shared dataset: the concatenation of the synthetic clients' rows
        org.nd4j.linalg.api.ndarray.INDArray x = org.nd4j.linalg.factory.Nd4j.vstack(
                all.stream().map(Dataset::features).toArray(org.nd4j.linalg.api.ndarray.INDArray[]::new));
        org.nd4j.linalg.api.ndarray.INDArray y = org.nd4j.linalg.factory.Nd4j.vstack(
                all.stream().map(Dataset::labels).toArray(org.nd4j.linalg.api.ndarray.INDArray[]::new));
        Dataset train = new Dataset(x, y);
        int[][] parts = Partitioners.iidIndices(train.size(), 40, new SeedTree(3).stream(Purpose.PARTITION));
        CountingFederatedData indexed = new CountingFederatedData(IndexPartition.of(train, pool.test(), parts));
        SimulationResult<?> a = run(indexed, 4, 5, 2);
        SimulationResult<?> b = run(Partitioners.iid(train, pool.test(), 40, new SeedTree(3).stream(Purpose.PARTITION)),
                4, 5, 1);
        assertArrayEquals(bits(b), bits(a));
        assertEquals(untimed(b), untimed(a));
        assertEquals(20, indexed.loads.get());
    }

    @Test
    void theRegistryBuildsLazySyntheticDataAndASoftmaxModelWithoutLoadingClients() {
        Registry r = Registry.standard();
        FederatedData data = r.data(Spec.parse("synthetic(clients=100000,dimension=5,classes=4,lazy=true,"
                + "test-clients=3)"), 9);
        assertTrue(data instanceof LazySyntheticFedProx, data.toString());
        assertEquals(100000, data.clientCount());
        assertEquals(4 * 5 + 4, r.model(Spec.parse("softmax"), data).dimension());
        CountingFederatedData counted = new CountingFederatedData(data);
        Simulation.builder(fedAvg()).config(config(2, 3, 1)).model(new SoftmaxRegression(5, 4)).data(counted)
                .build().run();
        assertEquals(6, counted.loads.get());
    }

    @Test
    void theTimedEngineLoadsOnlyDispatchedClientsAndMatchesEagerData() {
        LazySyntheticFedProx lazy = lazy(200);
        CountingFederatedData counted = new CountingFederatedData(lazy);
        FedBuff fedBuff = FedBuff.builder().bufferSize(3).localSteps(2, 4).localLearningRate(0.05).build();
        TimedResult<?> onLazy = TimedSimulation.builder(fedBuff).config(config(5, 4, 2))
                .model(new SoftmaxRegression(6, 3)).data(counted).schedule(Schedule.closed(4)).build().run();
        TimedResult<?> onEager = TimedSimulation.builder(fedBuff).config(config(5, 4, 1))
                .model(new SoftmaxRegression(6, 3)).data(lazy.materialize()).schedule(Schedule.closed(4)).build()
                .run();
        assertArrayEquals(onEager.finalParameters().castTo(DataType.DOUBLE).dup().data().asDouble(),
                onLazy.finalParameters().castTo(DataType.DOUBLE).dup().data().asDouble());
        int applied = 0;
        for (int i = 0; i < 200; i++) {
            applied += onLazy.appliedPerClient()[i];
            assertTrue(counted.perClient[i] >= onLazy.appliedPerClient()[i], "client " + i);
        }
        assertTrue(counted.loads.get() <= applied + 4, counted.loads.get() + " loads, " + applied + " applied");
    }
}
