package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ExecutionEngine} must meet; an engine's test extends this class. The work comes from a
 * probe algorithm (FedSGD whose clients sleep longer the smaller their id, can be told to fail, and count their
 * participations in their state) on a small synthetic softmax problem, described by a {@link RunDescription} so that
 * engines that build their own runner from the description can run it.
 *
 * <ul>
 *   <li>outcomes come back in task order although later tasks finish first;</li>
 *   <li>when tasks fail, every task still runs and the first failure in task order is rethrown;</li>
 *   <li>a whole run through the engine, with 1 or 3 threads, equals the in-process run bit for bit (reports,
 *       parameters, ledger, client states), with the client states in the store of {@link #stores}.</li>
 * </ul>
 */
public abstract class ExecutionEngineContractTest {

    /** The engine under test with {@code threads} worker threads; it may look components up in {@code registry}. */
    protected abstract ExecutionEngine engine(int threads, Registry registry);

    /**
     * Where the whole-run test keeps the client states (default: the in-memory stores); an engine that
     * {@link ExecutionEngine#ownsStates owns the states} of some store returns such a store's factory, so that the
     * run goes through its owned-state path.
     */
    protected io.github.fl4j.core.state.StateStoreFactory stores(String run) {
        return io.github.fl4j.core.state.StateStoreFactory.inMemory();
    }

    private static RunDescription description(String probe, int perRound) {
        return new RunDescription(Spec.parse(probe), Spec.parse("softmax"),
                Spec.parse("synthetic(alpha=1,beta=1,clients=8,samples=20,dimension=6,classes=3)"),
                RunDescription.defaultParticipation(perRound), Spec.parse("identity"), Spec.parse("identity"),
                SimulationConfig.builder().rounds(4).clientsPerRound(perRound).threads(1).seed(31).evalEvery(2)
                        .precision(Precision.FLOAT64).build());
    }

    private static <C> RoundWork<C> work(Simulation<?, C> sim, RunDescription d, Registry registry) {
        @SuppressWarnings("unchecked")
        ClientRunner<C> runner = (ClientRunner<C>) ClientRunners.build(d, registry);
        List<ClientTask<C>> tasks = new ArrayList<>();
        C init = sim.algorithm().initClientState(0, null);
        org.nd4j.linalg.api.ndarray.INDArray x = Tensors.zeros(Precision.FLOAT64, sim.model().dimension());
        io.github.fl4j.core.api.Message down = io.github.fl4j.core.api.Message.of(x);
        for (int id = 0; id < 8; id++) {
            tasks.add(new ClientTask<>(id, 1, down, init));
        }
        return new RoundWork<>(1, down, tasks, runner, new RemoteRun<>(d, sim.algorithm().clientStateCodec()));
    }

    @Test
    void outcomesComeBackInTaskOrder() {
        Registry registry = ProbeAlgorithm.registry();
        RunDescription d = description("probe(sleep=3)", 8);
        Simulation<?, ?> sim = ClientRunners.simulation(d, registry).build();
        try (ExecutionEngine engine = engine(3, registry)) {
            List<? extends ClientOutcome<?>> out = engine.execute(work(sim, d, registry));
            assertEquals(8, out.size());
            for (int i = 0; i < 8; i++) {
                assertEquals(i, out.get(i).clientId(), "outcome " + i);
                assertEquals(1, ((ProbeAlgorithm.Count) out.get(i).state()).n());
            }
        }
    }

    @Test
    void everyTaskRunsAndTheFirstFailureInTaskOrderIsRethrown() {
        Registry registry = ProbeAlgorithm.registry();
        RunDescription d = description("probe(sleep=2,fail=6;3)", 8);
        Simulation<?, ?> sim = ClientRunners.simulation(d, registry).build();
        try (ExecutionEngine engine = engine(3, registry)) {
            int before = ProbeAlgorithm.RUNS.get();
            RuntimeException e = assertThrows(RuntimeException.class, () -> engine.execute(work(sim, d, registry)));
            assertTrue(e.getMessage().contains("probe failure of client 3"), e.getMessage());
            assertEquals(8, ProbeAlgorithm.RUNS.get() - before, "every task ran");
        }
    }

    @Test
    void aRunThroughTheEngineEqualsTheInProcessRunForAnyThreadCount() {
        Registry registry = ProbeAlgorithm.registry();
        RunDescription d = description("probe(lr=0.5)", 3);
        SimulationResult<?> reference = ClientRunners.simulation(d, registry).build().run();
        for (int threads : new int[] {1, 3}) {
            try (ExecutionEngine engine = engine(threads, registry)) {
                SimulationResult<?> r = ClientRunners.simulation(d, registry).engine(engine)
                        .stateStores(stores("contract-" + threads)).build().run();
                assertEquals(reference.reports().stream().map(RoundReport::withoutTimings).toList(),
                        r.reports().stream().map(RoundReport::withoutTimings).toList(), threads + " threads");
                assertArrayEquals(Tensors.toDoubleArray(reference.finalParameters()),
                        Tensors.toDoubleArray(r.finalParameters()), 0, threads + " threads");
                assertEquals(reference.ledger().entries(), r.ledger().entries());
                for (int id = 0; id < 8; id++) {
                    assertEquals(reference.runState().clientStates().get(id), r.runState().clientStates().get(id),
                            "client " + id + " with " + threads + " threads");
                }
            }
        }
    }
}
