package io.github.fl4j.core.time;

import static io.github.fl4j.core.time.DevicesTest.assertMessage;
import static io.github.fl4j.core.time.DevicesTest.assertWithin5Se;
import static io.github.fl4j.core.time.DevicesTest.meanSd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The availability models of {@link AvailabilityModels} (trace files: {@link AvailabilityFileTest}). */
class AvailabilityModelsTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    private static Map<String, AvailabilityModel> randomModels() {
        Map<String, AvailabilityModel> m = new LinkedHashMap<>();
        m.put("bernoulli", AvailabilityModels.bernoulli(1.3, 0.4));
        m.put("markov", AvailabilityModels.markov(0.05, 0.08));
        m.put("diurnal", AvailabilityModels.diurnal(0.7, 10, 0.5, 0.4));
        return m;
    }

    private static AvailabilityModel handReplay() {
        Map<Integer, double[]> iv = new HashMap<>();
        iv.put(0, new double[] {1, 2, 2, 3, 5, INF});
        iv.put(2, new double[] {0, 1, 4.5, 6.25});
        iv.put(3, new double[] {});
        iv.put(9, new double[] {0, INF});
        return AvailabilityModels.replay(iv);
    }

    @Test
    void alwaysIsOnlineEverywhere() {
        AvailabilityModel m = AvailabilityModels.always();
        assertTrue(m.alwaysOnline());
        assertFalse(AvailabilityModels.bernoulli(1, 1).alwaysOnline());
        assertEquals("always", m.describe());
        Availability a = m.start(3, new SeedTree(1));
        assertEquals(7.5, a.nextAvailable(2, 7.5));
        assertEquals(0.0, a.nextAvailable(0, 0));
        assertEquals(INF, a.availableUntil(1, 3));
    }

    @Test
    void answersDoNotDependOnTheOrderOfQueries() {
        int clients = 20;
        RandomStream rng = new RandomStream(3);
        List<double[]> queries = new ArrayList<>();
        for (int q = 0; q < 2000; q++) {
            queries.add(new double[] {rng.nextInt(clients), 200 * rng.nextDouble()});
        }
        for (Map.Entry<String, AvailabilityModel> e : randomModels().entrySet()) {
            // Reference: each query on a fresh Availability (no cache at all).
            double[][] expected = new double[queries.size()][];
            for (int q = 0; q < queries.size(); q++) {
                Availability fresh = e.getValue().start(clients, new SeedTree(11));
                int c = (int) queries.get(q)[0];
                double t = queries.get(q)[1];
                expected[q] = new double[] {fresh.nextAvailable(c, t), fresh.availableUntil(c, t)};
            }
            // One Availability, queried by increasing time, then decreasing, then in a random order.
            Availability shared = e.getValue().start(clients, new SeedTree(11));
            Integer[] byTime = new Integer[queries.size()];
            for (int q = 0; q < byTime.length; q++) {
                byTime[q] = q;
            }
            java.util.Arrays.sort(byTime, (x, y) -> Double.compare(queries.get(x)[1], queries.get(y)[1]));
            List<Integer> orders = new ArrayList<>(java.util.Arrays.asList(byTime));
            for (int q = byTime.length - 1; q >= 0; q--) {
                orders.add(byTime[q]);
            }
            for (int q : rng.permutation(queries.size())) {
                orders.add(q);
            }
            for (int q : orders) {
                int c = (int) queries.get(q)[0];
                double t = queries.get(q)[1];
                assertEquals(expected[q][0], shared.nextAvailable(c, t), e.getKey() + " nextAvailable " + c + " " + t);
                assertEquals(expected[q][1], shared.availableUntil(c, t), e.getKey() + " availableUntil " + c + " "
                        + t);
            }
            Availability other = e.getValue().start(clients, new SeedTree(12));
            int differ = 0;
            for (int q = 0; q < 100; q++) {
                int c = (int) queries.get(q)[0];
                double t = queries.get(q)[1];
                if (other.nextAvailable(c, t) != expected[q][0]) {
                    differ++;
                }
            }
            assertTrue(differ > 10, e.getKey() + ": another seed should give other answers, " + differ + " differ");
        }
    }

    @Test
    void markovRecomputesFarBeforeItsCursor() {
        // About 20,000 intervals per client: the walk crosses many remembered boundaries.
        AvailabilityModel m = AvailabilityModels.markov(0.01, 0.02);
        Availability forward = m.start(2, new SeedTree(5));
        double[] times = new double[400];
        double[] answers = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            times[i] = i * 1.0 + 0.37;
            answers[i] = forward.nextAvailable(1, times[i]);
        }
        Availability backward = m.start(2, new SeedTree(5));
        for (int i = times.length - 1; i >= 0; i--) {
            assertEquals(answers[i], backward.nextAvailable(1, times[i]), "t=" + times[i]);
        }
        for (int i = 0; i < times.length; i += 37) {
            assertEquals(answers[i], backward.nextAvailable(1, times[i]), "again t=" + times[i]);
        }
    }

    /**
     * For random t: a = nextAvailable(c, t) &gt;= t; the client is offline on [t, a) (asking there gives a), online
     * on [a, u) with u = availableUntil(c, a) &gt; a (asking there gives itself and u), and offline at u.
     */
    private static void checkConsistency(String name, Availability av, int clients, double horizon, long seed) {
        RandomStream rng = new RandomStream(seed);
        int finite = 0;
        for (int trial = 0; trial < 600; trial++) {
            int c = rng.nextInt(clients);
            double t = trial % 10 == 0 ? Math.floor(horizon * rng.nextDouble()) : horizon * rng.nextDouble();
            String at = name + " client " + c + " t=" + t;
            double a = av.nextAvailable(c, t);
            assertTrue(a >= t, at + ": nextAvailable " + a + " < t");
            if (a > t) {
                assertEquals(t, av.availableUntil(c, t), at + ": offline at t, so availableUntil is t");
                for (int k = 0; k < 5; k++) {
                    double s = t + (Math.min(a, t + 1e6) - t) * rng.nextDouble();
                    assertEquals(a, av.nextAvailable(c, s), at + ": offline at s=" + s + " before " + a);
                }
                if (a < INF) {
                    assertEquals(a, av.nextAvailable(c, Math.nextDown(a)), at);
                }
            }
            if (a == INF) {
                continue;
            }
            finite++;
            double u = av.availableUntil(c, a);
            assertTrue(u > a, at + ": online at " + a + " but availableUntil " + u);
            assertEquals(a, av.nextAvailable(c, a), at);
            for (int k = 0; k < 5; k++) {
                double s = a + (Math.min(u, a + 1e6) - a) * rng.nextDouble();
                assertEquals(s, av.nextAvailable(c, s), at + ": online at s=" + s + " in [" + a + ", " + u + ")");
                assertEquals(u, av.availableUntil(c, s), at + ": s=" + s);
            }
            if (u < INF) {
                double next = av.nextAvailable(c, u);
                assertTrue(next > u, at + ": offline at the end " + u + " of its interval, next " + next);
                assertEquals(u, av.availableUntil(c, Math.nextDown(u)), at);
            }
        }
        assertTrue(finite > 100, name + ": too few online answers to test, " + finite);
    }

    @Test
    void nextAvailableAndAvailableUntilAreConsistent() {
        for (Map.Entry<String, AvailabilityModel> e : randomModels().entrySet()) {
            checkConsistency(e.getKey(), e.getValue().start(10, new SeedTree(8)), 10, 100, 21);
        }
        checkConsistency("markov-slow", AvailabilityModels.markov(30, 7).start(5, new SeedTree(8)), 5, 1000, 22);
        checkConsistency("bernoulli-dense", AvailabilityModels.bernoulli(0.1, 0.9).start(5, new SeedTree(8)), 5, 50,
                23);
        checkConsistency("always", AvailabilityModels.always().start(4, new SeedTree(8)), 4, 50, 24);
        checkConsistency("replay", handReplay().start(10, new SeedTree(8)), 10, 8, 25);
    }

    @Test
    void replayAnswersByHand() {
        Availability a = handReplay().start(10, new SeedTree(1));
        assertEquals(1.0, a.nextAvailable(0, 0));
        assertEquals(1.0, a.nextAvailable(0, 1));
        assertEquals(3.0, a.availableUntil(0, 1), "[1,2) and [2,3) touch: one interval");
        assertEquals(2.5, a.nextAvailable(0, 2.5));
        assertEquals(5.0, a.nextAvailable(0, 3));
        assertEquals(3.0, a.availableUntil(0, 3), "offline at 3: availableUntil is t");
        assertEquals(5.0, a.nextAvailable(0, 4));
        assertEquals(INF, a.availableUntil(0, 5));
        assertEquals(1e9, a.nextAvailable(0, 1e9));
        assertEquals(INF, a.nextAvailable(1, 0), "absent client: never online");
        assertEquals(0.0, a.availableUntil(1, 0));
        assertEquals(0.5, a.nextAvailable(2, 0.5));
        assertEquals(1.0, a.availableUntil(2, 0.5));
        assertEquals(4.5, a.nextAvailable(2, 1));
        assertEquals(6.25, a.availableUntil(2, 4.5));
        assertEquals(INF, a.nextAvailable(2, 6.25));
        assertEquals(INF, a.nextAvailable(3, 0), "empty array: never online");
        assertEquals(3.0, a.nextAvailable(9, 3.0));
        assertEquals(INF, a.availableUntil(9, 0));
        assertEquals("replay(3 clients, 5 intervals)", handReplay().describe());
        // Clients beyond the population are ignored.
        Availability small = handReplay().start(3, new SeedTree(1));
        assertEquals(5.0, small.nextAvailable(0, 4));
        assertThrows(IllegalArgumentException.class, () -> small.nextAvailable(9, 0));
    }

    @Test
    void bernoulliIsOnlineInAFractionPOfPeriods() {
        double p = 0.3;
        double period = 2.5;
        Availability a = AvailabilityModels.bernoulli(period, p).start(200, new SeedTree(4));
        int online = 0;
        int n = 0;
        for (int c = 0; c < 200; c++) {
            for (int k = 0; k < 100; k++) {
                double start = k * period;
                boolean on = a.nextAvailable(c, start) == start;
                // A period is all online or all offline.
                assertEquals(on, a.nextAvailable(c, start + 0.99 * period) == start + 0.99 * period);
                online += on ? 1 : 0;
                n++;
            }
        }
        assertWithin5Se(p, online / (double) n, Math.sqrt(p * (1 - p) / n), "online fraction");
        Availability never = AvailabilityModels.bernoulli(1, 0).start(2, new SeedTree(4));
        assertEquals(INF, never.nextAvailable(1, 5));
        assertEquals(5.0, never.availableUntil(1, 5));
        Availability ever = AvailabilityModels.bernoulli(1, 1).start(2, new SeedTree(4));
        assertEquals(5.0, ever.nextAvailable(1, 5));
        assertEquals(INF, ever.availableUntil(1, 5));
    }

    @Test
    void aTinyProbabilityFailsNamingTheClientInsteadOfLoopingForEver() {
        Availability a = AvailabilityModels.bernoulli(1, 1e-15).start(4, new SeedTree(4));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.nextAvailable(3, 0));
        assertMessage(e, "client 3", "bernoulli(period=1.0, p=1.0E-15)", "10000000 periods");
    }

    @Test
    void markovHasItsStationaryOnlineFractionAndMeanIntervalLengths() {
        double on = 3;
        double off = 5;
        double pi = on / (on + off);
        int clients = 4000;
        Availability a = AvailabilityModels.markov(on, off).start(clients, new SeedTree(6));
        // At a fixed time, each client is online with probability pi (stationary start).
        int onlineAt = 0;
        for (int c = 0; c < clients; c++) {
            onlineAt += a.nextAvailable(c, 17.0) == 17.0 ? 1 : 0;
        }
        assertWithin5Se(pi, onlineAt / (double) clients, Math.sqrt(pi * (1 - pi) / clients), "online at t=17");
        // Time averages over [0, T] per client, and the first 6 online and offline intervals of each client.
        double horizon = 200;
        double[] fractions = new double[clients];
        double[] onLengths = new double[clients * 6];
        double[] offLengths = new double[clients * 6];
        int nOn = 0;
        int nOff = 0;
        for (int c = 0; c < clients; c++) {
            double t = 0;
            double onTime = 0;
            while (true) {
                double start = a.nextAvailable(c, t);
                if (start >= horizon) {
                    break;
                }
                double until = a.availableUntil(c, start);
                onTime += Math.min(until, horizon) - start;
                t = until;
            }
            fractions[c] = onTime / horizon;
            // Interval lengths from time 0 on: the interval under way at time 0 is a full exponential draw too
            // (memorylessness), so every interval counts.
            t = 0;
            int gotOn = 0;
            int gotOff = 0;
            while (gotOn < 6 || gotOff < 6) {
                double start = a.nextAvailable(c, t);
                if (start > t && gotOff < 6) {
                    offLengths[nOff++] = start - t;
                    gotOff++;
                }
                double until = a.availableUntil(c, start);
                if (gotOn < 6) {
                    onLengths[nOn++] = until - start;
                    gotOn++;
                }
                t = until;
            }
        }
        double[] f = meanSd(fractions);
        assertWithin5Se(pi, f[0], f[1] / Math.sqrt(clients), "time-average online fraction");
        assertWithin5Se(on, meanSd(onLengths)[0], on / Math.sqrt(nOn), "mean online interval");
        assertWithin5Se(off, meanSd(offLengths)[0], off / Math.sqrt(nOff), "mean offline interval");
    }

    @Test
    void diurnalAveragesToItsMeanAndFollowsTheDailyWave() {
        double mean = 0.35;
        double amplitude = 0.3;
        double day = 24;
        double period = 2; // 12 periods a day
        int clients = 300;
        int days = 10;
        Availability a = AvailabilityModels.diurnal(period, day, mean, amplitude).start(clients, new SeedTree(9));
        int online = 0;
        int n = 0;
        for (int c = 0; c < clients; c++) {
            for (int k = 0; k < 12 * days; k++) {
                online += a.nextAvailable(c, k * period) == k * period ? 1 : 0;
                n++;
            }
        }
        assertWithin5Se(mean, online / (double) n, 0.5 / Math.sqrt(n), "diurnal online fraction");

        // One client over many days, 4 periods a day, mean 1/2 and amplitude 1/2 (no clipping): the period of the day
        // sets its probability 1/2 + 1/2 sin(phase + j pi / 2), so opposite periods sum to 1 and the wave is wide.
        int manyDays = 3000;
        Availability w = AvailabilityModels.diurnal(6, 24, 0.5, 0.5).start(3, new SeedTree(10));
        double[] slot = new double[4];
        for (int k = 0; k < 4 * manyDays; k++) {
            slot[k % 4] += w.nextAvailable(2, k * 6.0) == k * 6.0 ? 1.0 / manyDays : 0;
        }
        double se = Math.sqrt(2 * 0.25 / manyDays);
        assertWithin5Se(1.0, slot[0] + slot[2], se, "slots 0 and 2");
        assertWithin5Se(1.0, slot[1] + slot[3], se, "slots 1 and 3");
        double max = Math.max(Math.max(slot[0], slot[1]), Math.max(slot[2], slot[3]));
        double min = Math.min(Math.min(slot[0], slot[1]), Math.min(slot[2], slot[3]));
        assertTrue(max - min > 0.5, "the daily wave should show: " + java.util.Arrays.toString(slot));
    }

    @Test
    void diurnalWithoutAmplitudeIsBernoulliDrawForDraw() {
        Availability d = AvailabilityModels.diurnal(1.5, 24, 0.6, 0).start(10, new SeedTree(2));
        Availability b = AvailabilityModels.bernoulli(1.5, 0.6).start(10, new SeedTree(2));
        for (int c = 0; c < 10; c++) {
            for (double t = 0; t < 60; t += 0.7) {
                assertEquals(b.nextAvailable(c, t), d.nextAvailable(c, t));
                assertEquals(b.availableUntil(c, t), d.availableUntil(c, t));
            }
        }
    }

    @Test
    void everyBadParameterOrQueryIsNamedWithItsValue() {
        Map<String, Executable> cases = new LinkedHashMap<>();
        cases.put("period must be finite and > 0, was 0.0", () -> AvailabilityModels.bernoulli(0, 0.5));
        cases.put("period must be finite and > 0, was Infinity", () -> AvailabilityModels.bernoulli(INF, 0.5));
        cases.put("p must be in [0, 1], was 1.5", () -> AvailabilityModels.bernoulli(1, 1.5));
        cases.put("p must be in [0, 1], was NaN", () -> AvailabilityModels.bernoulli(1, Double.NaN));
        cases.put("meanOnline must be finite and > 0, was 0.0", () -> AvailabilityModels.markov(0, 1));
        cases.put("meanOffline must be finite and > 0, was -2.0", () -> AvailabilityModels.markov(1, -2));
        cases.put("meanOffline must be finite and > 0, was Infinity", () -> AvailabilityModels.markov(1, INF));
        cases.put("period must be finite and > 0, was -1.0", () -> AvailabilityModels.diurnal(-1, 24, 0.5, 0.1));
        cases.put("day must be finite and > 0, was 0.0", () -> AvailabilityModels.diurnal(1, 0, 0.5, 0.1));
        cases.put("mean must be in [0, 1], was -0.1", () -> AvailabilityModels.diurnal(1, 24, -0.1, 0.1));
        cases.put("amplitude must be finite and >= 0, was -0.2", () -> AvailabilityModels.diurnal(1, 24, 0.5, -0.2));
        cases.put("amplitude must be finite and >= 0, was NaN",
                () -> AvailabilityModels.diurnal(1, 24, 0.5, Double.NaN));
        cases.put("population must be >= 1, was 0", () -> AvailabilityModels.markov(1, 1).start(0, new SeedTree(1)));
        cases.put("seeds must not be null", () -> AvailabilityModels.always().start(3, null));
        for (AvailabilityModel m : List.of(AvailabilityModels.always(), AvailabilityModels.bernoulli(1, 0.5),
                AvailabilityModels.markov(1, 1), AvailabilityModels.diurnal(1, 24, 0.5, 0.1), handReplay())) {
            Availability a = m.start(4, new SeedTree(1));
            cases.put(m.describe() + ": client must be in [0, 4), was 4", () -> withPrefix(m, () -> a.nextAvailable(4,
                    0)));
            cases.put(m.describe() + ": client must be in [0, 4), was -1", () -> withPrefix(m, () -> a.availableUntil(
                    -1, 0)));
            cases.put(m.describe() + ": t must be >= 0, was -1.0", () -> withPrefix(m, () -> a.nextAvailable(0, -1)));
            cases.put(m.describe() + ": t must be >= 0, was NaN", () -> withPrefix(m, () -> a.availableUntil(0,
                    Double.NaN)));
        }
        cases.put("intervals must not be null", () -> AvailabilityModels.replay(null));
        cases.put("replay: a client id must be >= 0, was -1", () -> AvailabilityModels.replay(Map.of(-1,
                new double[] {0, 1})));
        cases.put("replay: intervals of client 2 must not be null", () -> AvailabilityModels.replay(
                nullIntervals(2)));
        cases.put("replay: intervals of client 1 must be pairs from, until (an even length), length was 3",
                () -> AvailabilityModels.replay(Map.of(1, new double[] {0, 1, 2})));
        cases.put("replay: intervals of client 0: [2] (online_from) must be finite and >= 0, was -1.0",
                () -> AvailabilityModels.replay(Map.of(0, new double[] {0, 1, -1, 2})));
        cases.put("replay: intervals of client 0: [0] (online_from) must be finite and >= 0, was Infinity",
                () -> AvailabilityModels.replay(Map.of(0, new double[] {INF, INF})));
        cases.put("replay: intervals of client 5: [1] (online_until) must be > online_from 3.0, was 3.0",
                () -> AvailabilityModels.replay(Map.of(5, new double[] {3, 3})));
        cases.put("replay: intervals of client 4: [2] (online_from) must be >= the previous online_until 5.0 "
                + "(sorted, non-overlapping), was 4.0",
                () -> AvailabilityModels.replay(Map.of(4, new double[] {1, 5, 4, 8})));
        cases.put("replay: intervals of client 3: [1] (online_until) is +infinity, so the interval must be the last, "
                + "but 1 follow", () -> AvailabilityModels.replay(Map.of(3, new double[] {1, INF, 4, 8})));
        for (Map.Entry<String, Executable> e : cases.entrySet()) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e.getValue(), e.getKey());
            assertEquals(e.getKey(), ex.getMessage());
        }
    }

    private static Map<Integer, double[]> nullIntervals(int client) {
        Map<Integer, double[]> m = new HashMap<>();
        m.put(client, null);
        return m;
    }

    /** Runs {@code query} and rethrows its IllegalArgumentException with the model's description as a prefix. */
    private static void withPrefix(AvailabilityModel m, Executable query) throws Throwable {
        try {
            query.execute();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(m.describe() + ": " + e.getMessage(), e);
        }
    }
}
