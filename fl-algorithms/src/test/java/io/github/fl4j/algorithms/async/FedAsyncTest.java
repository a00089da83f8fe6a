package io.github.fl4j.algorithms.async;

import static io.github.fl4j.algorithms.async.AsyncTests.arrival;
import static io.github.fl4j.algorithms.async.AsyncTests.setup;
import static io.github.fl4j.algorithms.async.AsyncTests.values;
import static io.github.fl4j.algorithms.async.AsyncTests.vec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.time.AsyncServer;
import io.github.fl4j.core.time.AsyncTestEvents;
import io.github.fl4j.core.time.Staleness;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class FedAsyncTest {
    private final AsyncTestEvents events = new AsyncTestEvents(new int[] {1, 1}, 1, Precision.FLOAT64);

    private static FedAsync.Builder base() {
        return FedAsync.builder().localTraining(LocalTraining.fullBatchSteps(1)).localLearningRate(1.0);
    }

    /**
     * MIX, alpha = 0.5, s = 1, x = 0; both clients downloaded x_0 = 0. y = 1 arrives: x = 0.5 x + 0.5 * 1 = 0.5;
     * y = 3 arrives (tau = 1): x = 0.5 * 0.5 + 0.5 * 3 = 1.75.
     */
    @Test
    void mixMovesTowardTheClientModels() {
        FedAsync alg = base().alpha(0.5).staleness(Staleness.constant()).build();
        AsyncServer<FedAsync.ServerState> server = alg.server();
        FedAsync.ServerState s = alg.initServerState(vec(0), setup(1, 1, 1));
        INDArray x0 = vec(0);
        s = server.receive(s, arrival(0, vec(1), x0, 0, 0), events.at(1));
        assertArrayEquals(new double[] {0.5}, values(server.model(s)));
        assertEquals(1, server.version(s));
        s = server.receive(s, arrival(1, vec(3), x0, 0, 1), events.at(2));
        assertArrayEquals(new double[] {1.75}, values(server.model(s)));
        assertEquals(2, server.version(s));
    }

    /** DELTA from the same arrivals: x = 0 + 0.5 * 1 = 0.5, then 0.5 + 0.5 * 3 = 2. */
    @Test
    void deltaAddsTheStartModelDelta() {
        FedAsync alg = base().alpha(0.5).staleness(Staleness.constant()).mode(MixingMode.DELTA).build();
        AsyncServer<FedAsync.ServerState> server = alg.server();
        FedAsync.ServerState s = alg.initServerState(vec(0), setup(1, 1, 1));
        s = server.receive(s, arrival(0, vec(1), vec(0), 0, 0), events.at(1));
        s = server.receive(s, arrival(1, vec(3), vec(0), 0, 1), events.at(2));
        assertArrayEquals(new double[] {2.0}, values(server.model(s)));
        assertEquals(2, server.version(s));
    }

    /**
     * The two modes differ by the drift of x during the session: x = 2 now, the client started from x_v = 0 with
     * Delta = 1 (y = 1); alpha = 0.5. MIX: 0.5 * 2 + 0.5 * 1 = 1.5. DELTA: 2 + 0.5 * 1 = 2.5.
     */
    @Test
    void mixUsesTheStartModelNotTheCurrentOne() {
        for (MixingMode mode : MixingMode.values()) {
            FedAsync alg = base().alpha(0.5).staleness(Staleness.constant()).mode(mode).build();
            FedAsync.ServerState s = alg.initServerState(vec(2), setup(1, 1, 1));
            s = alg.server().receive(s, arrival(0, vec(1), vec(0), 0, 3), events.at(1));
            assertArrayEquals(new double[] {mode == MixingMode.MIX ? 1.5 : 2.5}, values(s.model()), mode.name());
        }
    }

    /**
     * Staleness weights: polynomial a = 0.5 at tau = 3 gives s = 1/2, so w = 0.5 * 0.5 = 0.25 and y = 4 from x = 0
     * gives 1; hinge(a = 1, b = 1) at tau = 3 gives 1/3, w = 1/6 with alpha = 0.5, so DELTA 6 gives 1.
     */
    @Test
    void stalenessFunctionsDampTheWeight() {
        FedAsync poly = base().alpha(0.5).build();
        FedAsync.ServerState s = poly.initServerState(vec(0), setup(1, 1, 1));
        s = poly.server().receive(s, arrival(0, vec(4), vec(0), 0, 3), events.at(1));
        assertArrayEquals(new double[] {1.0}, values(s.model()));

        FedAsync hinge = base().alpha(0.5).staleness(Staleness.hinge(1, 1)).mode(MixingMode.DELTA).build();
        FedAsync.ServerState h = hinge.initServerState(vec(0), setup(1, 1, 1));
        h = hinge.server().receive(h, arrival(0, vec(6), vec(0), 0, 3), events.at(1));
        assertEquals(1.0, values(h.model())[0], 1e-15);
    }

    /** Encoding mid-run keeps x and v: both copies continue to the same bits. */
    @Test
    void codecKeepsEveryField() {
        FedAsync alg = base().build();
        AsyncServer<FedAsync.ServerState> server = alg.server();
        FedAsync.ServerState s = alg.initServerState(vec(0.3, -1), setup(2, 1, 1));
        s = server.receive(s, arrival(0, vec(1, 2), vec(0.3, -1), 0, 0), events.at(1));
        FedAsync.ServerState back = AsyncTests.roundTrip(alg.serverStateCodec(), s);
        assertEquals(1, server.version(back));
        for (FedAsync.ServerState st : new FedAsync.ServerState[] {s, back}) {
            server.receive(st, arrival(1, vec(-0.7, 0.25), vec(0.3, -1), 0, 1), events.at(2));
        }
        assertArrayEquals(AsyncTests.encode(alg.serverStateCodec(), s),
                AsyncTests.encode(alg.serverStateCodec(), back));
        assertEquals(2, back.version());
    }

    /** The client solves f(y) = (y - b)^2 / 2 exactly with one step of lr 1 and uploads Delta = b - x. */
    @Test
    void clientUploadsItsDelta() {
        FedAsync alg = base().build();
        INDArray up = AsyncTests.upload(alg.client(), NoState.INSTANCE, AsyncTests.pointTarget(5), vec(2), 0);
        assertArrayEquals(new double[] {3.0}, values(up));
    }

    /**
     * Proximal term rho = 1, lr 0.25, x = 0, b = 4: each step y -= 0.25 ((y - 4) + (y - 0)), so y = 1 after one step
     * and 1 - 0.25 (-3 + 1) = 1.5 after two (the server assigns 2 steps).
     */
    @Test
    void proximalClientHonoursAssignedSteps() {
        FedAsync alg = FedAsync.builder().localTraining(LocalTraining.fullBatchSteps(1)).localLearningRate(0.25)
                .proximalWeight(1).build();
        assertArrayEquals(new double[] {1.0},
                values(AsyncTests.upload(alg.client(), NoState.INSTANCE, AsyncTests.pointTarget(4), vec(0), 0)));
        assertArrayEquals(new double[] {1.5},
                values(AsyncTests.upload(alg.client(), NoState.INSTANCE, AsyncTests.pointTarget(4), vec(0), 2)));
    }

    @Test
    void validationNamesFieldAndValue() {
        assertEquals("alpha must be in (0, 1], was 0.0",
                assertThrows(IllegalArgumentException.class, () -> base().alpha(0).build()).getMessage());
        assertEquals("alpha must be in (0, 1], was 1.5",
                assertThrows(IllegalArgumentException.class, () -> base().alpha(1.5).build()).getMessage());
        assertEquals("proximalWeight must be >= 0 and finite, was -1.0",
                assertThrows(IllegalArgumentException.class, () -> base().proximalWeight(-1).build()).getMessage());
        assertEquals("staleness must not be null",
                assertThrows(IllegalArgumentException.class, () -> base().staleness(null).build()).getMessage());
        assertEquals("mode must not be null",
                assertThrows(IllegalArgumentException.class, () -> base().mode(null).build()).getMessage());
        assertEquals("localLearningRate must be > 0 and finite, was NaN",
                assertThrows(IllegalArgumentException.class,
                        () -> FedAsync.builder().localSteps(1, 1).build()).getMessage());
    }

    @Test
    void nameShowsTheHyperParameters() {
        FedAsync alg = FedAsync.builder().localSteps(5, 32).localLearningRate(0.1).proximalWeight(0.01).build();
        assertEquals("FedAsync(K=5,B=32, lr=0.1, alpha=0.9, staleness=polynomial(a=0.5), mode=mix, rho=0.01)",
                alg.name());
        assertEquals(alg.name(), alg.toString());
        assertEquals(1, alg.downlinkVectors());
        assertEquals(1, alg.uplinkVectors());
        // 100 samples in batches of 32: an epoch is 32 + 32 + 32 + 4; 5 steps = one epoch and one batch
        assertEquals(100 + 32, alg.minimumWork(100, 0));
        assertEquals(3 * 32, alg.minimumWork(100, 3));
    }
}
