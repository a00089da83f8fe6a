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
import io.github.fl4j.core.time.StalenessFunction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class FedCompassTest {

    private static FedCompass.Builder base(int qmin, int qmax) {
        return FedCompass.builder().localTraining(LocalTraining.fullBatchSteps(qmax)).minLocalSteps(qmin)
                .localLearningRate(1.0).speedMomentum(1.0);
    }

    /** Drives one run: the state, the server and the event driver. */
    private static final class Run {
        final FedCompass alg;
        final AsyncServer<FedCompass.ServerState> server;
        final AsyncTestEvents events;
        FedCompass.ServerState s;

        Run(FedCompass alg, int clients) {
            this.alg = alg;
            this.server = alg.server();
            int[] sizes = new int[clients];
            java.util.Arrays.fill(sizes, 1);
            this.events = new AsyncTestEvents(sizes, 1, Precision.FLOAT64);
            this.s = alg.initServerState(vec(0), setup(1, sizes));
        }

        int dispatch(int client, double t) {
            return events.dispatch(server, s, client, t).assignedSteps();
        }

        void arrive(int client, double delta, double start, long startVersion, double startTime, double time,
                    int steps) {
            s = server.receive(s, arrival(client, vec(delta), vec(start), startVersion, s.version() - startVersion,
                    startTime, time, steps), events.at(time));
        }

        void timer(int tag, double t) {
            s = server.timer(s, tag, events.at(t));
        }

        List<List<Double>> timers() {
            List<List<Double>> out = new ArrayList<>();
            for (double[] e : events.timers()) {
                out.add(List.of(e[0], e[1]));
            }
            return out;
        }

        double x() {
            return values(s.model())[0];
        }
    }

    /**
     * The scheduler by hand: Q_min = 4, Q_max = 8, lambda = 1.5, mu = 1 (speed = last measurement). Speeds (seconds
     * per step) c0 = 1, c1 = 2, c2 = 0.5 then 0.625, c3 = 2.5; every first session runs Q_max = 8 steps from t = 0.
     * <pre>
     *   t=4   c2 arrives, S=0.5; dispatch: no group -> create: Q=8, g0: E = 4 + 8*0.5 = 8, L = 4 + 4*1.5 = 10
     *   t=8   c0 arrives, S=1; dispatch: join g0: floor((8-8)/1) = 0 &lt; 4, no;
     *         create: g0 open, F = 0.5, floor((10 + 0.5*8 - 8)/1) = 6: Q=6, g1: E = 14, L = 8 + 6*1.5 = 17
     *   t=9   c2 arrives (g0, before L): g0 has nobody left in flight -> aggregated, closed; S = 5/8 = 0.625
     *         dispatch: join g1: floor((14-9)/0.625) = 8 in [4, 8]: joins g1 with Q=8
     *   t=16  c1 arrives, S=2; dispatch: join g1: 14-16 &lt; 0, no;
     *         create: g1 open, F = min(1, 0.625), floor((17 + 5 - 16)/2) = 3 &lt; Q_min: Q=4,
     *         g2: E = 16 + 8 = 24, L = 16 + 8*1.5 = 28
     *   t=20  c3 arrives, S=2.5; dispatch: join g1 (E=14) no, g2: floor(4/2.5) = 1 &lt; 4, no;
     *         create: g1 closed for it (20 &gt;= 17); g2: F = 2, floor((28 + 16 - 20)/2.5) = 9 &gt; Q_max, not a
     *         candidate: Q = Q_max = 8, g3: E = 40, L = 20 + 20*1.5 = 50
     * </pre>
     */
    @Test
    void schedulerAssignsStepsFromSpeeds() {
        Run r = new Run(base(4, 8).build(), 4);
        for (int c = 0; c < 4; c++) {
            assertEquals(8, r.dispatch(c, 0), "first session of " + c);
            assertEquals(FedCompass.NO_GROUP, r.s.groupOf(c));
        }
        r.arrive(2, 1, 0, 0, 0, 4, 8);
        assertEquals(0.5, r.s.speed(2));
        assertEquals(1, r.s.version(), "a client without a group is applied at once");
        assertEquals(8, r.dispatch(2, 4));
        assertEquals(List.of(0), r.s.groupIds());
        assertEquals(8.0, r.s.expectedArrival(0));
        assertEquals(10.0, r.s.latestArrival(0));

        r.arrive(0, 1, 0, 0, 0, 8, 8);
        assertEquals(6, r.dispatch(0, 8));
        assertEquals(1, r.s.groupOf(0));
        assertEquals(14.0, r.s.expectedArrival(1));
        assertEquals(17.0, r.s.latestArrival(1));

        r.arrive(2, 1, 0, 1, 4, 9, 8);
        assertEquals(0.625, r.s.speed(2));
        assertEquals(List.of(1), r.s.groupIds(), "g0 aggregated when its last member arrived");
        assertEquals(3, r.s.version());
        assertEquals(8, r.dispatch(2, 9));
        assertEquals(1, r.s.groupOf(2));
        assertEquals(List.of(0, 2), r.s.pendingClients(1));

        r.arrive(1, 1, 0, 0, 0, 16, 8);
        assertEquals(4, r.dispatch(1, 16), "3 steps clamped to Q_min");
        assertEquals(2, r.s.groupOf(1));
        assertEquals(24.0, r.s.expectedArrival(2));
        assertEquals(28.0, r.s.latestArrival(2));

        r.arrive(3, 1, 0, 0, 0, 20, 8);
        assertEquals(2.5, r.s.speed(3));
        assertEquals(8, r.dispatch(3, 20));
        assertEquals(3, r.s.groupOf(3));
        assertEquals(40.0, r.s.expectedArrival(3));
        assertEquals(50.0, r.s.latestArrival(3));
        assertEquals(List.of(List.of(10.0, 0.0), List.of(17.0, 1.0), List.of(28.0, 2.0), List.of(50.0, 3.0)),
                r.timers());
    }

    /** Speeds are smoothed as (1 - mu) S + mu measured: mu = 0.5, measurements 1 then 2 give 1.5. */
    @Test
    void speedMomentum() {
        Run r = new Run(base(1, 4).speedMomentum(0.5).build(), 1);
        r.dispatch(0, 0);
        r.arrive(0, 1, 0, 0, 0, 4, 4);
        assertEquals(1.0, r.s.speed(0));
        r.dispatch(0, 4);
        r.arrive(0, 1, 0, 1, 4, 12, 4);
        assertEquals(1.5, r.s.speed(0));
    }

    /**
     * Two clients, Q = 1..4, alpha = 0.5 (alpha_i = alpha s / N = 0.25 s), MIX, s = 1 if tau = 0 else 1/2.
     * <pre>
     *   t=4   c0 (from x=0, v0) Delta 2, alone: x = 0.75*0 + 0.25*2 = 0.5,  v=1; dispatch: g0 (E 8, L 10), Q=4
     *   t=8   c1 (from x=0, v0, tau 1) Delta 4, alone: x = 0.875*0.5 + 0.125*4 = 0.9375, v=2;
     *         dispatch: g0 gives 0 steps; create: F=1, floor((10+4-8)/2) = 3: g1 (E 14, L 17), Q=3
     *   t=10  g0's deadline, nobody arrived: closed, no new model
     *   t=11  c0 (from x=0.5, v1) Delta 1: its group is closed -&gt; general buffer, y = 1.5
     *   t=14  c1 (from x=0.9375, v2) Delta 1.0625 -&gt; y = 2; g1 complete: aggregated with the general buffer,
     *         tau counted now: c0 tau = 1 (alpha 0.125), c1 tau = 0 (alpha 0.25):
     *         x = (1 - 0.375) 0.9375 + 0.125*1.5 + 0.25*2 = 1.2734375, v=3
     * </pre>
     */
    @Test
    void lateArrivalsJoinTheNextGroupAggregation() {
        StalenessFunction half = Staleness.threshold(0, 0.5);
        Run r = new Run(base(1, 4).alpha(0.5).staleness(half).build(), 2);
        r.dispatch(0, 0);
        r.dispatch(1, 0);
        r.arrive(0, 2, 0, 0, 0, 4, 4);
        assertEquals(0.5, r.x());
        assertEquals(4, r.dispatch(0, 4));
        r.arrive(1, 4, 0, 0, 0, 8, 4);
        assertEquals(0.9375, r.x());
        assertEquals(3, r.dispatch(1, 8));
        r.timer(0, 10);
        assertEquals(List.of(1), r.s.groupIds());
        assertEquals(2, r.s.version());
        r.arrive(0, 1, 0.5, 1, 4, 11, 4);
        assertEquals(List.of(0), r.s.generalBuffer());
        assertEquals(2, r.s.version());
        r.arrive(1, 1.0625, 0.9375, 2, 8, 14, 3);
        assertEquals(1.2734375, r.x());
        assertEquals(3, r.s.version());
        assertEquals(List.of(), r.s.generalBuffer());
        assertEquals(List.of(), r.s.groupIds());
        r.timer(1, 17);
        assertEquals(3, r.s.version(), "the deadline of an aggregated group does nothing");
    }

    /**
     * As above with s = 1, but c0 is dispatched again at t = 11 (S = 7/4: floor((14 - 11)/1.75) = 1, joins g1) and
     * arrives in g1 at 12.75 with y = 1.375 + 0.625 = 2: its group entry replaces its general entry, so g1 aggregates
     * c0 and c1 (both y = 2, alpha 0.25): x = 0.5 * 1.375 + 0.5 * 2 = 1.6875. DELTA mode on the late-merge schedule:
     * x = 0.5, then 1.5, then 1.5 + 0.25 * 1 + 0.25 * 0.5 = 1.875.
     */
    @Test
    void aNewerResultReplacesTheSameClientsBufferedOne() {
        Run r = new Run(base(1, 4).alpha(0.5).staleness(Staleness.constant()).build(), 2);
        r.dispatch(0, 0);
        r.dispatch(1, 0);
        r.arrive(0, 2, 0, 0, 0, 4, 4);
        r.dispatch(0, 4);
        r.arrive(1, 4, 0, 0, 0, 8, 4);
        assertEquals(1.375, r.x());
        r.dispatch(1, 8);
        r.timer(0, 10);
        r.arrive(0, 1, 0.5, 1, 4, 11, 4);
        assertEquals(1.75, r.s.speed(0));
        assertEquals(1, r.dispatch(0, 11));
        assertEquals(List.of(1, 0), r.s.pendingClients(1));
        r.arrive(0, 0.625, 1.375, 2, 11, 12.75, 1);
        assertEquals(List.of(0), r.s.arrivedClients(1));
        assertEquals(List.of(0), r.s.generalBuffer());
        FedCompass.ServerState mid = AsyncTests.roundTrip(r.alg.serverStateCodec(), r.s);
        r.arrive(1, 0.625, 1.375, 2, 8, 14, 3);
        assertEquals(1.6875, r.x());
        assertEquals(3, r.s.version());

        Run d = new Run(base(1, 4).alpha(0.5).staleness(Staleness.constant()).mode(MixingMode.DELTA).build(), 2);
        d.dispatch(0, 0);
        d.dispatch(1, 0);
        d.arrive(0, 2, 0, 0, 0, 4, 4);
        d.dispatch(0, 4);
        d.arrive(1, 4, 0, 0, 0, 8, 4);
        assertEquals(1.5, d.x());
        d.dispatch(1, 8);
        d.timer(0, 10);
        d.arrive(0, 1, 0.5, 1, 4, 11, 4);
        d.arrive(1, 0.5, 1.5, 2, 8, 14, 3);
        assertEquals(1.875, d.x());

        // the state encoded before c1's arrival continues to the same bits
        Run again = new Run(r.alg, 2);
        again.s = mid;
        again.arrive(1, 0.625, 1.375, 2, 8, 14, 3);
        assertArrayEquals(AsyncTests.encode(r.alg.serverStateCodec(), r.s),
                AsyncTests.encode(r.alg.serverStateCodec(), again.s));
    }

    /**
     * A lost member leaves its group: the group is aggregated at once when the others have arrived, and closed
     * without a new model when nobody has.
     */
    @Test
    void lostSessionsLeaveTheirGroup() {
        Run r = new Run(base(1, 4).alpha(0.5).staleness(Staleness.constant()).build(), 2);
        r.dispatch(0, 0);
        r.dispatch(1, 0);
        r.arrive(0, 2, 0, 0, 0, 4, 4);
        r.arrive(1, 2, 0, 0, 0, 4, 4);
        assertEquals(4, r.dispatch(0, 4));
        assertEquals(4, r.dispatch(1, 4), "same speed, same time: joins c0's group with 4 steps");
        assertEquals(List.of(0, 1), r.s.pendingClients(0));
        long v = r.s.version();
        r.arrive(0, 1, r.x(), v, 4, 8, 4);
        r.s = r.server.lost(r.s, 1, v, r.events.at(9));
        assertEquals(v + 1, r.s.version(), "aggregated when the last member in flight was lost");
        assertEquals(List.of(), r.s.groupIds());

        r.dispatch(0, 9);
        assertEquals(List.of(1), r.s.groupIds());
        r.s = r.server.lost(r.s, 0, v + 1, r.events.at(10));
        assertEquals(List.of(), r.s.groupIds());
        assertEquals(v + 1, r.s.version(), "a group nobody arrived in makes no model");
    }

    /** Every field survives the codec: speeds, groups, members, buffers, and the next group id. */
    @Test
    void codecKeepsEveryField() {
        Run r = new Run(base(4, 8).build(), 4);
        for (int c = 0; c < 4; c++) {
            r.dispatch(c, 0);
        }
        r.arrive(2, 1, 0, 0, 0, 4, 8);
        r.dispatch(2, 4);
        r.arrive(0, 1, 0, 0, 0, 8, 8);
        r.dispatch(0, 8);
        r.arrive(2, 1, 0, 1, 4, 9, 8);
        r.dispatch(2, 9);
        r.arrive(1, 1, 0, 0, 0, 16, 8);
        r.dispatch(1, 16);
        r.timer(1, 17);
        r.arrive(0, 0.5, 0.25, 2, 8, 18, 6);
        FedCompass.ServerState back = AsyncTests.roundTrip(r.alg.serverStateCodec(), r.s);
        assertEquals(r.s.groupIds(), back.groupIds());
        assertEquals(r.s.generalBuffer(), back.generalBuffer());
        for (int c = 0; c < 4; c++) {
            assertEquals(r.s.speed(c), back.speed(c));
            assertEquals(r.s.groupOf(c), back.groupOf(c));
        }
        Run b = new Run(r.alg, 4);
        b.s = back;
        int before = r.timers().size();
        for (Run run : new Run[] {r, b}) {
            run.dispatch(0, 18);
            run.arrive(3, 1, 0, 0, 0, 20, 8);
            run.dispatch(3, 20);
            run.arrive(1, 0.3, 0.1, 3, 16, 24, 4);
        }
        assertArrayEquals(AsyncTests.encode(r.alg.serverStateCodec(), r.s),
                AsyncTests.encode(r.alg.serverStateCodec(), b.s));
        assertEquals(r.timers().subList(before, r.timers().size()), b.timers(), "the same deadlines after the codec");
        assertEquals(false, b.timers().isEmpty());
    }

    @Test
    void clientRunsTheAssignedSteps() {
        FedCompass alg = FedCompass.builder().localTraining(LocalTraining.fullBatchSteps(4)).minLocalSteps(1)
                .localLearningRate(0.5).build();
        // f = (y - 8)^2 / 2, lr 0.5 from 0: each step halves the distance to 8: 4, 6, 7, 7.5
        INDArray one = AsyncTests.upload(alg.client(), NoState.INSTANCE, AsyncTests.pointTarget(8), vec(0), 1);
        INDArray three = AsyncTests.upload(alg.client(), NoState.INSTANCE, AsyncTests.pointTarget(8), vec(0), 3);
        INDArray none = AsyncTests.upload(alg.client(), NoState.INSTANCE, AsyncTests.pointTarget(8), vec(0), 0);
        assertArrayEquals(new double[] {4}, values(one));
        assertArrayEquals(new double[] {7}, values(three));
        assertArrayEquals(new double[] {7.5}, values(none));
    }

    @Test
    void validationNamesFieldAndValue() {
        assertEquals("minLocalSteps must be set (1 <= Q_min <= Q_max = 8)",
                assertThrows(IllegalArgumentException.class,
                        () -> FedCompass.builder().localSteps(8, 4).localLearningRate(1).build()).getMessage());
        assertEquals("minLocalSteps must be in [1, 8] (Q_max), was 9",
                assertThrows(IllegalArgumentException.class, () -> base(9, 8).build()).getMessage());
        assertEquals("minLocalSteps must be in [1, 8] (Q_max), was 0",
                assertThrows(IllegalArgumentException.class, () -> base(0, 8).build()).getMessage());
        assertEquals("FedCompass needs localSteps(Q_max, B), not epochs, was E=1,B=4",
                assertThrows(IllegalArgumentException.class,
                        () -> FedCompass.builder().localEpochs(1, 4).minLocalSteps(1).localLearningRate(1).build())
                        .getMessage());
        assertEquals("latestTimeFactor must be >= 1 and finite, was 0.5",
                assertThrows(IllegalArgumentException.class, () -> base(1, 8).latestTimeFactor(0.5).build())
                        .getMessage());
        assertEquals("speedMomentum must be in (0, 1], was 0.0",
                assertThrows(IllegalArgumentException.class, () -> base(1, 8).speedMomentum(0).build())
                        .getMessage());
        assertEquals("alpha must be in (0, 1], was -0.1",
                assertThrows(IllegalArgumentException.class, () -> base(1, 8).alpha(-0.1).build()).getMessage());
    }

    @Test
    void nameShowsTheHyperParameters() {
        assertEquals("FedCompass(K=100,B=64, lr=0.01, Qmin=20, alpha=0.9, staleness=polynomial(a=0.5), lambda=1.5, "
                        + "speed momentum=0.9, mode=mix)",
                FedCompass.builder().localSteps(100, 64).minLocalSteps(20).localLearningRate(0.01).build().name());
    }
}
