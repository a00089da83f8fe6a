package io.github.fl4j.algorithms.async;

import static io.github.fl4j.algorithms.async.AsyncTests.arrival;
import static io.github.fl4j.algorithms.async.AsyncTests.setup;
import static io.github.fl4j.algorithms.async.AsyncTests.values;
import static io.github.fl4j.algorithms.async.AsyncTests.vec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.fl4j.algorithms.local.LocalTraining;
import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.time.AsyncServer;
import io.github.fl4j.core.time.AsyncTestEvents;
import io.github.fl4j.core.time.Staleness;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class AfaTest {
    private final AsyncTestEvents events = new AsyncTestEvents(new int[] {1, 1, 1}, 1, Precision.FLOAT64);

    private static Afa.Builder cd() {
        return Afa.cd().localTraining(LocalTraining.fullBatchSteps(2)).localLearningRate(0.5);
    }

    private static Afa.Builder cs() {
        return Afa.cs().localTraining(LocalTraining.fullBatchSteps(2)).localLearningRate(0.5);
    }

    private ClientStateStore<INDArray> table() {
        return events.context().table(Afa.LATEST_GRADIENTS_TABLE, Afa.GRADIENT_CODEC);
    }

    /** AFA-CD, m = 2, eta = 1, eta_L = 0.5, x = 0: G = 1 (no step), G = 3: x = 0 - 1 * 0.5 * (1/2) * 4 = -1. */
    @Test
    void cdStepsWithTheMeanOfMArrivals() {
        Afa alg = cd().arrivalsPerStep(2).build();
        AsyncServer<Afa.ServerState> server = alg.server();
        Afa.ServerState s = alg.initServerState(vec(0), setup(1, 1, 1, 1));
        s = server.receive(s, arrival(0, vec(1), vec(0), 0, 0), events.at(1));
        assertEquals(0, server.version(s));
        assertArrayEquals(new double[] {0}, values(s.model()));
        s = server.receive(s, arrival(0, vec(3), vec(0), 0, 0), events.at(2));
        assertArrayEquals(new double[] {-1}, values(s.model()));
        assertEquals(1, server.version(s));
        assertArrayEquals(new double[] {0}, values(s.sum()));
    }

    /**
     * AFA-CS, m = 1, eta = 1, eta_L = 0.5, x = 0, three workers: c0 G = 2: mean over {c0} = 2, x = -1; c1 G = 4: mean
     * over {c0, c1} = 3, x = -2.5; c0 G = 0 (replaces its 2): mean (0 + 4)/2 = 2, x = -3.5.
     */
    @Test
    void csStepsWithTheMeanOfEveryWorkersLatestGradient() {
        Afa alg = cs().arrivalsPerStep(1).build();
        AsyncServer<Afa.ServerState> server = alg.server();
        Afa.ServerState s = alg.initServerState(vec(0), setup(1, 1, 1, 1));
        s = server.receive(s, arrival(0, vec(2), vec(0), 0, 0), events.at(1));
        assertArrayEquals(new double[] {-1}, values(s.model()));
        s = server.receive(s, arrival(1, vec(4), vec(0), 0, 1), events.at(2));
        assertArrayEquals(new double[] {-2.5}, values(s.model()));
        s = server.receive(s, arrival(0, vec(0), vec(0), 0, 2), events.at(3));
        assertArrayEquals(new double[] {-3.5}, values(s.model()));
        assertEquals(3, server.version(s));
        assertEquals(2, s.seen());
        assertArrayEquals(new double[] {0}, values(table().get(0)));
        assertArrayEquals(new double[] {4}, values(table().get(1)));
        assertNull(table().get(2));
    }

    /** AFA-CS with m = 2 updates the table at every arrival and steps every second one. */
    @Test
    void csWithSeveralArrivalsPerStep() {
        Afa alg = cs().arrivalsPerStep(2).serverLearningRate(2).build();
        AsyncServer<Afa.ServerState> server = alg.server();
        Afa.ServerState s = alg.initServerState(vec(0), setup(1, 1, 1, 1));
        s = server.receive(s, arrival(0, vec(2), vec(0), 0, 0), events.at(1));
        s = server.receive(s, arrival(0, vec(6), vec(0), 0, 0), events.at(2));
        // one worker seen, its latest G = 6: x = -2 * 0.5 * 6 = -6
        assertArrayEquals(new double[] {-6}, values(s.model()));
        assertEquals(1, s.seen());
    }

    /**
     * The worker uploads its mean local gradient: f = (y - 8)^2 / 2, lr 0.5 from 0: y = 4, 6 after K = 2 steps,
     * G = (0 - 6) / (0.5 * 2) = -6 = mean of the gradients -8 and -4; with 3 assigned steps y = 7, G = -7 / 1.5.
     */
    @Test
    void workerUploadsItsMeanGradient() {
        Afa alg = cd().arrivalsPerStep(1).build();
        assertArrayEquals(new double[] {-6},
                values(AsyncTests.upload(alg.client(), NoState.INSTANCE, AsyncTests.pointTarget(8), vec(0), 0)));
        assertArrayEquals(new double[] {-7 * (1 / 1.5)},
                values(AsyncTests.upload(alg.client(), NoState.INSTANCE, AsyncTests.pointTarget(8), vec(0), 3)));
    }

    /** With K = 2, AFA-CD at eta = K takes FedBuff's steps (constant s, buffer m, eta_g = 1), up to rounding. */
    @Test
    void cdAtEtaKIsFedBuff() {
        Afa afa = cd().arrivalsPerStep(2).serverLearningRate(2).build();
        FedBuff buff = FedBuff.builder().localTraining(LocalTraining.fullBatchSteps(2)).localLearningRate(0.5)
                .bufferSize(2).staleness(Staleness.constant()).build();
        Afa.ServerState a = afa.initServerState(vec(1), setup(1, 1, 1, 1));
        FedBuff.ServerState b = buff.initServerState(vec(1), setup(1, 1, 1, 1));
        double[] targets = {3, -2, 5, 0.5};
        for (int k = 0; k < targets.length; k++) {
            INDArray xa = a.model().dup();
            INDArray xb = b.model().dup();
            INDArray g = AsyncTests.upload(afa.client(), NoState.INSTANCE, AsyncTests.pointTarget(targets[k]), xa, 0);
            INDArray d = AsyncTests.upload(buff.client(), NoState.INSTANCE, AsyncTests.pointTarget(targets[k]), xb, 0);
            a = afa.server().receive(a, arrival(k % 3, g, xa, 0, 0), events.at(k));
            b = buff.server().receive(b, arrival(k % 3, d, xb, 0, 0), events.at(k));
        }
        assertEquals(2, a.version());
        assertEquals(values(b.model())[0], values(a.model())[0], 1e-12);
    }

    /** Encoding mid-step keeps x, v, k, the sum and |seen| (the table is the engine's, copied here). */
    @Test
    void codecKeepsEveryField() {
        for (Afa alg : new Afa[] {cd().arrivalsPerStep(3).build(), cs().arrivalsPerStep(3).build()}) {
            AsyncTestEvents ea = new AsyncTestEvents(new int[] {1, 1, 1}, 1, Precision.FLOAT64);
            AsyncServer<Afa.ServerState> server = alg.server();
            Afa.ServerState s = alg.initServerState(vec(0.5, 1), setup(2, 1, 1, 1));
            for (int k = 0; k < 4; k++) {
                s = server.receive(s, arrival(k % 2, vec(k, 1 - k), vec(0, 0), 0, 0), ea.at(k));
            }
            Afa.ServerState back = AsyncTests.roundTrip(alg.serverStateCodec(), s);
            assertEquals(1, back.arrivals());
            assertEquals(s.seen(), back.seen());
            AsyncTestEvents eb = new AsyncTestEvents(new int[] {1, 1, 1}, 1, Precision.FLOAT64);
            ClientStateStore<INDArray> ta = ea.context().table(Afa.LATEST_GRADIENTS_TABLE, Afa.GRADIENT_CODEC);
            ClientStateStore<INDArray> tb = eb.context().table(Afa.LATEST_GRADIENTS_TABLE, Afa.GRADIENT_CODEC);
            for (int id = 0; id < 3; id++) {
                if (ta.contains(id)) {
                    tb.put(id, ta.get(id));
                }
            }
            server.receive(s, arrival(2, vec(0.25, 0.5), vec(0, 0), 0, 0), ea.at(5));
            server.receive(s, arrival(0, vec(-1, 0.5), vec(0, 0), 0, 0), ea.at(6));
            server.receive(back, arrival(2, vec(0.25, 0.5), vec(0, 0), 0, 0), eb.at(5));
            server.receive(back, arrival(0, vec(-1, 0.5), vec(0, 0), 0, 0), eb.at(6));
            assertEquals(2, back.version());
            assertArrayEquals(AsyncTests.encode(alg.serverStateCodec(), s),
                    AsyncTests.encode(alg.serverStateCodec(), back), alg.name());
        }
        assertNull(Afa.latestGradient(new io.github.fl4j.core.state.ServerTables(), 0));
    }

    @Test
    void validationNamesFieldAndValue() {
        assertEquals("arrivalsPerStep must be set (m >= 1)",
                assertThrows(IllegalArgumentException.class, () -> cd().build()).getMessage());
        assertEquals("arrivalsPerStep must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> cs().arrivalsPerStep(0).build()).getMessage());
        assertEquals("serverLearningRate must be > 0 and finite, was -1.0",
                assertThrows(IllegalArgumentException.class,
                        () -> cd().arrivalsPerStep(1).serverLearningRate(-1).build()).getMessage());
        assertEquals("variant must not be null",
                assertThrows(IllegalArgumentException.class, () -> cd().arrivalsPerStep(1).variant(null).build())
                        .getMessage());
    }

    @Test
    void nameShowsTheHyperParameters() {
        assertEquals("AFA-CD(K=5,B=32, lr=0.1, m=4)",
                Afa.cd().localSteps(5, 32).localLearningRate(0.1).arrivalsPerStep(4).build().name());
        assertEquals("AFA-CS(K=5,B=32, lr=0.1, m=4, server lr=5.0)",
                Afa.cs().localSteps(5, 32).localLearningRate(0.1).arrivalsPerStep(4).serverLearningRate(5).build()
                        .toString());
    }
}
