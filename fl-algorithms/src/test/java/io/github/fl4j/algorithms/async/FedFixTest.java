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
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.time.AsyncContext;
import io.github.fl4j.core.time.AsyncServer;
import io.github.fl4j.core.time.AsyncTestEvents;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FedFixTest {

    private static FedFix.Builder base() {
        return FedFix.builder().localTraining(LocalTraining.fullBatchSteps(1)).localLearningRate(1.0).period(10);
    }

    private static ClientStateStore<FedFix.Deliveries> table(AsyncContext ctx) {
        return ctx.table(FedFix.DELIVERY_TABLE, FedFix.DELIVERIES_CODEC);
    }

    private static List<Double> timerTimes(AsyncTestEvents events) {
        List<Double> t = new ArrayList<>();
        for (double[] e : events.timers()) {
            assertEquals(FedFix.AGGREGATION_TIMER, (int) e[1]);
            t.add(e[0]);
        }
        return t;
    }

    /**
     * Delta_t = 10, two clients of 1 and 3 samples (p = 1/4, 3/4), eta = 1, x = 0, unbiased.
     * <pre>
     *   t = 4   client 0 (started 0) Delta 1: applied by aggregation 1, first update: interval 1 - 0 = 1,
     *           omega = p_0 * 1 = 0.25;  record (1, M = 1, Mbar = 1)
     *   t = 10  aggregation 1: x = 0.25, v = 1
     *   t = 12  client 0 (started 10) Delta 1: aggregation 2, interval 2 - 1 = 1, omega = 0.25 * 1;  record (2, 2, 1)
     *   t = 20  aggregation 2: x = 0.5, v = 2
     *   t = 25  client 1 (started 0) Delta 2: aggregation 3, first: interval 3 - 0 = 3, omega = 0.75;  record (3, 1, 3)
     *   t = 30  aggregation 3: x = 0.5 + 1.5 = 2, v = 3
     *   t = 31  client 1 (started 25) Delta 2: aggregation 4, interval 1, omega = 0.75 * 3 = 2.25;  record (4, 2, 2)
     *   t = 40  aggregation 4: x = 2 + 4.5 = 6.5, v = 4
     *   t = 50  aggregation 5: nothing arrived, x and v unchanged
     * </pre>
     * The plain mode (omega = p) ends at 2 + 0.75 * 2 = 3.5.
     */
    @Test
    void aggregatesPeriodicallyWithUnbiasingWeights() {
        for (boolean unbiased : new boolean[] {true, false}) {
            FedFix alg = base().unbiased(unbiased).build();
            AsyncServer<FedFix.ServerState> server = alg.server();
            AsyncTestEvents events = new AsyncTestEvents(new int[] {1, 3}, 1, Precision.FLOAT64);
            FedFix.ServerState s = alg.initServerState(vec(0), setup(1, 1, 3));
            s = server.start(s, events.at(0));
            assertEquals(List.of(10.0), timerTimes(events));
            s = server.receive(s, arrival(0, vec(1), vec(0), 0, 0, 0, 4, 0), events.at(4));
            assertEquals(0, server.version(s));
            s = server.timer(s, FedFix.AGGREGATION_TIMER, events.at(10));
            assertArrayEquals(new double[] {0.25}, values(s.model()));
            assertEquals(1, server.version(s));
            s = server.receive(s, arrival(0, vec(1), vec(0.25), 1, 0, 10, 12, 0), events.at(12));
            s = server.timer(s, FedFix.AGGREGATION_TIMER, events.at(20));
            assertArrayEquals(new double[] {0.5}, values(s.model()));
            s = server.receive(s, arrival(1, vec(2), vec(0), 0, 2, 0, 25, 0), events.at(25));
            s = server.timer(s, FedFix.AGGREGATION_TIMER, events.at(30));
            assertArrayEquals(new double[] {2.0}, values(s.model()));
            s = server.receive(s, arrival(1, vec(2), vec(0.5), 2, 1, 25, 31, 0), events.at(31));
            s = server.timer(s, FedFix.AGGREGATION_TIMER, events.at(40));
            assertArrayEquals(new double[] {unbiased ? 6.5 : 3.5}, values(s.model()));
            assertEquals(4, server.version(s));
            s = server.timer(s, FedFix.AGGREGATION_TIMER, events.at(50));
            assertArrayEquals(new double[] {unbiased ? 6.5 : 3.5}, values(s.model()));
            assertEquals(4, server.version(s), "an aggregation without updates makes no new model");
            assertEquals(5, s.aggregations());
            assertEquals(List.of(10.0, 20.0, 30.0, 40.0, 50.0, 60.0), timerTimes(events));
            if (unbiased) {
                assertEquals(new FedFix.Deliveries(2, 2, 1.0), table(events.context()).get(0));
                assertEquals(new FedFix.Deliveries(4, 2, 2.0), table(events.context()).get(1));
                assertEquals(new FedFix.Deliveries(4, 2, 2.0), FedFix.deliveries(tablesOf(events), 1));
            } else {
                assertEquals(0, table(events.context()).size(), "the plain mode keeps no statistics");
            }
        }
    }

    private static io.github.fl4j.core.state.ServerTables tablesOf(AsyncTestEvents events) {
        // the context's tables, seen through a ServerTables view of the one table this test reads
        io.github.fl4j.core.state.ServerTables t = new io.github.fl4j.core.state.ServerTables();
        ClientStateStore<FedFix.Deliveries> src = table(events.context());
        ClientStateStore<FedFix.Deliveries> dst = t.table(FedFix.DELIVERY_TABLE, FedFix.DELIVERIES_CODEC);
        for (int id = 0; id < 2; id++) {
            if (src.contains(id)) {
                dst.put(id, src.get(id));
            }
        }
        return t;
    }

    /**
     * Two updates of one client applied by the same aggregation: the second has interval 0, so a client delivering
     * twice per period gets mean interval 1/2 and weight p/2 per update: p per aggregation. Client 0 of 1 (p = 1),
     * Delta = 1 each: t = 2 (first, interval 1, omega 1), t = 4 (interval 0, omega 1 * 1), aggregation 1: x = 2;
     * t = 12 (interval 1, omega 1 * mean(1, 0) = 0.5), t = 14 (interval 0, omega mean(1, 0, 1) = 2/3).
     */
    @Test
    void severalUpdatesInOnePeriod() {
        FedFix alg = base().build();
        AsyncServer<FedFix.ServerState> server = alg.server();
        AsyncTestEvents events = new AsyncTestEvents(new int[] {1}, 1, Precision.FLOAT64);
        FedFix.ServerState s = alg.initServerState(vec(0), setup(1, 1));
        s = server.start(s, events.at(0));
        s = server.receive(s, arrival(0, vec(1), vec(0), 0, 0, 0, 2, 0), events.at(2));
        s = server.receive(s, arrival(0, vec(1), vec(0), 0, 0, 2, 4, 0), events.at(4));
        s = server.timer(s, FedFix.AGGREGATION_TIMER, events.at(10));
        assertArrayEquals(new double[] {2.0}, values(s.model()));
        s = server.receive(s, arrival(0, vec(1), vec(2), 1, 0, 10, 12, 0), events.at(12));
        s = server.receive(s, arrival(0, vec(1), vec(2), 1, 0, 12, 14, 0), events.at(14));
        assertEquals(0.5 + 2.0 / 3.0, values(s.pending())[0], 1e-15);
        assertEquals(new FedFix.Deliveries(2, 4, 0.5), table(events.context()).get(0));
    }

    /** The aggregation index of a start time uses the timers' own k * Delta_t, so a start at a timer counts it. */
    @Test
    void aggregationIndexMatchesTheTimerTimes() {
        FedFix alg = base().period(0.1).build();
        assertEquals(0, alg.aggregationAt(0));
        assertEquals(0, alg.aggregationAt(0.09));
        assertEquals(3, alg.aggregationAt(3 * 0.1));
        assertEquals(2, alg.aggregationAt(Math.nextDown(3 * 0.1)));
        assertEquals(7, alg.aggregationAt(7 * 0.1));
        assertEquals(10, alg.aggregationAt(10 * 0.1));
    }

    /** Encoding mid-period keeps x, v, B, n and the aggregation count; with the tables copied, both continue alike. */
    @Test
    void codecKeepsEveryField() {
        FedFix alg = base().build();
        AsyncServer<FedFix.ServerState> server = alg.server();
        AsyncTestEvents a = new AsyncTestEvents(new int[] {2, 5}, 1, Precision.FLOAT64);
        FedFix.ServerState s = alg.initServerState(vec(0.5, -1), setup(2, 2, 5));
        s = server.start(s, a.at(0));
        s = server.receive(s, arrival(0, vec(1, 2), vec(0.5, -1), 0, 0, 0, 3, 0), a.at(3));
        s = server.timer(s, FedFix.AGGREGATION_TIMER, a.at(10));
        s = server.receive(s, arrival(1, vec(-0.3, 0.7), vec(0.5, -1), 0, 1, 0, 13, 0), a.at(13));
        FedFix.ServerState back = AsyncTests.roundTrip(alg.serverStateCodec(), s);
        assertEquals(1, back.pendingCount());
        assertEquals(1, back.aggregations());
        assertEquals(1, back.version());
        AsyncTestEvents b = new AsyncTestEvents(new int[] {2, 5}, 1, Precision.FLOAT64);
        for (int id = 0; id < 2; id++) {
            FedFix.Deliveries d = table(a.context()).get(id);
            if (d != null) {
                table(b.context()).put(id, d);
            }
        }
        Object[][] runs = {{s, a}, {back, b}};
        for (Object[] run : runs) {
            FedFix.ServerState st = (FedFix.ServerState) run[0];
            AsyncTestEvents ev = (AsyncTestEvents) run[1];
            server.receive(st, arrival(0, vec(0.1, 0.1), vec(1, 1), 1, 0, 10, 15, 0), ev.at(15));
            server.timer(st, FedFix.AGGREGATION_TIMER, ev.at(20));
            server.receive(st, arrival(1, vec(0.2, -0.1), vec(1, 1), 1, 1, 13, 24, 0), ev.at(24));
        }
        assertArrayEquals(AsyncTests.encode(alg.serverStateCodec(), s),
                AsyncTests.encode(alg.serverStateCodec(), back));
        for (int id = 0; id < 2; id++) {
            assertEquals(table(a.context()).get(id), table(b.context()).get(id));
        }
        assertNull(FedFix.deliveries(new io.github.fl4j.core.state.ServerTables(), 0));
    }

    @Test
    void uniformWeightsAreOneOverN() {
        FedFix alg = base().clientWeights(FedFix.ClientWeights.UNIFORM).unbiased(false).build();
        AsyncTestEvents events = new AsyncTestEvents(new int[] {1, 3, 4, 8}, 1, Precision.FLOAT64);
        FedFix.ServerState s = alg.initServerState(vec(0), setup(1, 1, 3, 4, 8));
        s = alg.server().receive(s, arrival(3, vec(2), vec(0), 0, 0, 0, 1, 0), events.at(1));
        assertArrayEquals(new double[] {0.5}, values(s.pending()));
    }

    @Test
    void validationNamesFieldAndValue() {
        assertEquals("period must be set (the aggregation period Delta_t > 0)",
                assertThrows(IllegalArgumentException.class,
                        () -> FedFix.builder().localSteps(1, 1).localLearningRate(1).build()).getMessage());
        assertEquals("period must be > 0 and finite, was -1.0",
                assertThrows(IllegalArgumentException.class, () -> base().period(-1).build()).getMessage());
        assertEquals("serverLearningRate must be > 0 and finite, was 0.0",
                assertThrows(IllegalArgumentException.class, () -> base().serverLearningRate(0).build())
                        .getMessage());
        assertEquals("clientWeights must not be null",
                assertThrows(IllegalArgumentException.class, () -> base().clientWeights(null).build()).getMessage());
    }

    @Test
    void nameShowsTheHyperParameters() {
        assertEquals("FedFix(K=5,B=32, lr=0.1, period=2.5)",
                FedFix.builder().localSteps(5, 32).localLearningRate(0.1).period(2.5).build().name());
        assertEquals("FedFix(E=1,B=8, lr=0.1, period=2.5, server lr=0.5, uniform, plain)",
                FedFix.builder().localEpochs(1, 8).localLearningRate(0.1).period(2.5).serverLearningRate(0.5)
                        .clientWeights(FedFix.ClientWeights.UNIFORM).unbiased(false).build().toString());
    }
}
