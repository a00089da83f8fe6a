package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.state.StateStoreFactory;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The round loop's owned-state path ({@link ExecutionEngine#ownsStates}) with a reference engine that owns an
 * in-memory store: it reads each participant's state from the store (the description's initial state when there is
 * none), runs the in-process runner and stores the new state. The run equals the ordinary one bit for bit (reports,
 * parameters, ledger, every client state), the engine gets tasks without states, and the round loop itself never
 * reads or writes a client state.
 */
class OwnedStatesSimulationTest {

    /** Counts the store calls made outside the engine's {@code execute} (that is, by the round loop). */
    static final class CountingStores implements StateStoreFactory {
        final AtomicInteger outside = new AtomicInteger();
        volatile boolean inEngine;

        @Override
        public <T> ClientStateStore<T> create(String name, StateCodec<T> codec) {
            ClientStateStore<T> inner = StateStoreFactory.inMemory().create(name, codec);
            if (!name.equals("clients")) {
                return inner;
            }
            return new ClientStateStore<>() {
                @Override
                public List<T> getAll(int[] ids) {
                    count();
                    return inner.getAll(ids);
                }

                @Override
                public void putAll(int[] ids, List<T> states) {
                    count();
                    inner.putAll(ids, states);
                }

                private void count() {
                    if (!inEngine) {
                        outside.incrementAndGet();
                    }
                }

                @Override
                public boolean contains(int id) {
                    return inner.contains(id);
                }

                @Override
                public int size() {
                    return inner.size();
                }

                @Override
                public long encodedBytes() {
                    return inner.encodedBytes();
                }

                @Override
                public void writeTo(java.io.DataOutput out) throws java.io.IOException {
                    inner.writeTo(out);
                }

                @Override
                public void readFrom(java.io.DataInput in) throws java.io.IOException {
                    inner.readFrom(in);
                }
            };
        }
    }

    /** Owns every store: runs each task against the state read from the store, writes the new one back. */
    static final class OwningEngine implements ExecutionEngine {
        final ClientSide<?> side;
        final CountingStores stores;
        int tasks;

        OwningEngine(ClientSide<?> side, CountingStores stores) {
            this.side = side;
            this.stores = stores;
        }

        @Override
        public boolean ownsStates(ClientStateStore<?> store) {
            return true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <C> List<ClientOutcome<C>> execute(RoundWork<C> work) {
            ClientStateStore<C> store = work.ownedStates();
            assertNotNull(store, "the round loop hands the store to an engine that owns it");
            stores.inEngine = true;
            try {
                List<ClientOutcome<C>> out = new ArrayList<>();
                for (ClientTask<C> t : work.tasks()) {
                    assertNull(t.state(), "tasks come without states");
                    C s = store.get(t.clientId());
                    if (s == null) {
                        s = ((ClientSide<C>) side).initialState().apply(t.clientId());
                    }
                    ClientOutcome<C> o = work.runner().run(new ClientTask<>(t.clientId(), t.round(), t.downlink(), s,
                            t.assignedSteps()));
                    store.put(t.clientId(), o.state());
                    out.add(new ClientOutcome<>(o.clientId(), o.upload(), o.uplinkBits(), null, o.trainLoss(),
                            o.work()));
                    tasks++;
                }
                return out;
            } finally {
                stores.inEngine = false;
            }
        }

        @Override
        public int parallelism() {
            return 1;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aRunWhoseEngineOwnsTheStatesEqualsTheOrdinaryRun() {
        Registry registry = ProbeAlgorithm.registry();
        RunDescription d = new RunDescription(Spec.parse("probe(lr=0.5)"), Spec.parse("softmax"),
                Spec.parse("synthetic(alpha=1,beta=1,clients=8,samples=20,dimension=6,classes=3)"),
                RunDescription.defaultParticipation(3), Spec.parse("identity"), Spec.parse("identity"),
                SimulationConfig.builder().rounds(5).clientsPerRound(3).threads(1).seed(31).evalEvery(2)
                        .precision(Precision.FLOAT64).build());
        SimulationResult<?> reference = ClientRunners.simulation(d, registry).build().run();
        CountingStores stores = new CountingStores();
        OwningEngine engine = new OwningEngine(ClientRunners.clientSide(d, registry), stores);
        SimulationResult<?> r = ClientRunners.simulation(d, registry).engine(engine).stateStores(stores).chunkSize(2)
                .build().run();
        assertEquals(0, stores.outside.get(), "the round loop read or wrote no client state");
        assertEquals(reference.reports().stream().map(RoundReport::withoutTimings).toList(),
                r.reports().stream().map(RoundReport::withoutTimings).toList());
        assertArrayEquals(Tensors.toDoubleArray(reference.finalParameters()),
                Tensors.toDoubleArray(r.finalParameters()), 0);
        assertEquals(reference.ledger().entries(), r.ledger().entries());
        for (int id = 0; id < 8; id++) {
            assertEquals(reference.runState().clientStates().get(id), r.runState().clientStates().get(id),
                    "client " + id);
        }
        assertEquals(5 * 3, engine.tasks, "5 rounds x 3 participants");
    }
}
