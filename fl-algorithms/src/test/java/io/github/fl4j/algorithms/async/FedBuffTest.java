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
import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.time.AsyncServer;
import io.github.fl4j.core.time.AsyncTestEvents;
import io.github.fl4j.core.time.Staleness;
import org.junit.jupiter.api.Test;

class FedBuffTest {
    private final AsyncTestEvents events = new AsyncTestEvents(new int[] {1, 1, 1}, 1, Precision.FLOAT64);

    private static FedBuff.Builder base() {
        return FedBuff.builder().localTraining(LocalTraining.fullBatchSteps(1)).localLearningRate(1.0);
    }

    /**
     * K = 2, eta_g = 0.5, s = 1, x = 0. Delta = 1 arrives: buffered (Dbar = 1/2), x and v unchanged. Delta = 3 arrives:
     * Dbar = 1/2 + 3/2 = 2, x = 0 + 0.5 * 2 = 1, v = 1, the buffer is emptied. Then with the polynomial weight
     * (a = 0.5): Delta = 4 at tau = 3 (s = 1/2) adds 1, Delta = 2 at tau = 0 adds 1: x = 1 + 0.5 * 2 = 2.
     */
    @Test
    void stepsEveryKArrivalsWithTheMean() {
        FedBuff alg = base().bufferSize(2).serverLearningRate(0.5).staleness(Staleness.constant()).build();
        AsyncServer<FedBuff.ServerState> server = alg.server();
        FedBuff.ServerState s = alg.initServerState(vec(0), setup(1, 1, 1, 1));
        s = server.receive(s, arrival(0, vec(1), vec(0), 0, 0), events.at(1));
        assertArrayEquals(new double[] {0.0}, values(s.model()));
        assertEquals(0, server.version(s));
        assertEquals(1, s.buffered());
        assertArrayEquals(new double[] {0.5}, values(s.buffer()));
        s = server.receive(s, arrival(1, vec(3), vec(0), 0, 0), events.at(2));
        assertArrayEquals(new double[] {1.0}, values(s.model()));
        assertEquals(1, server.version(s));
        assertEquals(0, s.buffered());
        assertArrayEquals(new double[] {0.0}, values(s.buffer()));

        FedBuff poly = base().bufferSize(2).serverLearningRate(0.5).build();
        FedBuff.ServerState p = poly.initServerState(vec(1), setup(1, 1, 1, 1));
        p = poly.server().receive(p, arrival(0, vec(4), vec(0), 0, 3), events.at(3));
        p = poly.server().receive(p, arrival(1, vec(2), vec(1), 0, 0), events.at(4));
        assertArrayEquals(new double[] {2.0}, values(p.model()));
    }

    /** NVFlare's weight 1/(1 + sqrt(tau)): tau = 4 gives 1/3; K = 1, Delta = 3: x = 0 + 1. */
    @Test
    void nvflareStalenessWeight() {
        FedBuff alg = base().bufferSize(1).staleness(Staleness.nvflare()).build();
        FedBuff.ServerState s = alg.initServerState(vec(0), setup(1, 1, 1, 1));
        s = alg.server().receive(s, arrival(0, vec(3), vec(0), 0, 4), events.at(1));
        assertEquals(1.0, values(s.model())[0], 1e-15);
    }

    /**
     * A server optimizer gets Dbar as the update (pseudo-gradient -Dbar). Momentum(eta = 1, beta = 0.5), K = 1, s = 1:
     * Delta = 1: v = -1, x = 1; Delta = 1 again: v = 0.5 (-1) - 1 = -1.5, x = 2.5. And sgd(0.5) as an optimizer is the
     * shorthand serverLearningRate(0.5), bit for bit.
     */
    @Test
    void serverOptimizerGetsTheBufferedMean() {
        FedBuff alg = base().bufferSize(1).staleness(Staleness.constant())
                .serverOptimizer(ServerOptimizers.momentum(1.0, 0.5)).build();
        FedBuff.ServerState s = alg.initServerState(vec(0), setup(1, 1, 1, 1));
        s = alg.server().receive(s, arrival(0, vec(1), vec(0), 0, 0), events.at(1));
        s = alg.server().receive(s, arrival(0, vec(1), vec(1), 1, 0), events.at(2));
        assertArrayEquals(new double[] {2.5}, values(s.model()));
        assertArrayEquals(new double[] {-1.5}, values(s.optimizerState().vector(0)));

        FedBuff a = base().bufferSize(2).serverLearningRate(0.5).build();
        FedBuff b = base().bufferSize(2).serverOptimizer(ServerOptimizers.sgd(0.5)).build();
        FedBuff.ServerState sa = a.initServerState(vec(0.1, 0.2), setup(2, 1, 1, 1));
        FedBuff.ServerState sb = b.initServerState(vec(0.1, 0.2), setup(2, 1, 1, 1));
        for (int k = 0; k < 4; k++) {
            sa = a.server().receive(sa, arrival(k % 3, vec(0.3 * k, -0.7), vec(0, 0), 0, k), events.at(k));
            sb = b.server().receive(sb, arrival(k % 3, vec(0.3 * k, -0.7), vec(0, 0), 0, k), events.at(k));
        }
        assertArrayEquals(AsyncTests.encode(a.serverStateCodec(), sa), AsyncTests.encode(b.serverStateCodec(), sb));
    }

    /** Encoding mid-buffer with an adaptive optimizer keeps x, v, Dbar, k and the moments. */
    @Test
    void codecKeepsEveryField() {
        FedBuff alg = base().bufferSize(3).serverOptimizer(ServerOptimizers.adam(0.1)).build();
        AsyncServer<FedBuff.ServerState> server = alg.server();
        FedBuff.ServerState s = alg.initServerState(vec(0.5, -1), setup(2, 1, 1, 1));
        for (int k = 0; k < 4; k++) {
            s = server.receive(s, arrival(k % 3, vec(0.25 * k, 1 - k), vec(0, 0), 0, k % 2), events.at(k));
        }
        assertEquals(1, s.buffered());
        FedBuff.ServerState back = AsyncTests.roundTrip(alg.serverStateCodec(), s);
        assertEquals(1, back.buffered());
        assertEquals(1, back.version());
        for (FedBuff.ServerState st : new FedBuff.ServerState[] {s, back}) {
            for (int k = 0; k < 2; k++) {
                server.receive(st, arrival(k, vec(0.1, 0.2 * k), vec(0, 0), 0, 1), events.at(10 + k));
            }
        }
        assertEquals(2, back.version());
        assertArrayEquals(AsyncTests.encode(alg.serverStateCodec(), s),
                AsyncTests.encode(alg.serverStateCodec(), back));
    }

    @Test
    void clientUploadsItsDelta() {
        FedBuff alg = base().build();
        assertArrayEquals(new double[] {-3.0},
                values(AsyncTests.upload(alg.client(), NoState.INSTANCE, AsyncTests.pointTarget(-1), vec(2), 0)));
    }

    @Test
    void validationNamesFieldAndValue() {
        assertEquals("bufferSize must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> base().bufferSize(0).build()).getMessage());
        assertEquals("serverLearningRate must be > 0 and finite, was -1.0",
                assertThrows(IllegalArgumentException.class, () -> base().serverLearningRate(-1).build())
                        .getMessage());
        assertEquals("staleness must not be null",
                assertThrows(IllegalArgumentException.class, () -> base().staleness(null).build()).getMessage());
        String conflict = assertThrows(IllegalArgumentException.class,
                () -> base().serverLearningRate(0.5).serverOptimizer(ServerOptimizers.sgd(1)).build()).getMessage();
        assertEquals(true, conflict.startsWith("serverLearningRate 0.5 conflicts with serverOptimizer"), conflict);
    }

    @Test
    void nameShowsTheHyperParameters() {
        assertEquals("FedBuff(K=5,B=32, lr=0.1, buffer=10, staleness=polynomial(a=0.5))",
                FedBuff.builder().localSteps(5, 32).localLearningRate(0.1).build().name());
        assertEquals("FedBuff(K=5,B=32, lr=0.1, buffer=4, staleness=nvflare, server lr=0.5)",
                FedBuff.builder().localSteps(5, 32).localLearningRate(0.1).bufferSize(4)
                        .staleness(Staleness.nvflare()).serverLearningRate(0.5).build().toString());
    }
}
