package io.github.fl4j.core.participation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import org.junit.jupiter.api.Test;

/**
 * Bernoulli, Markov and cyclic participation (FedAU's {@code util/util.py} patterns, Wang and Ji, ICLR 2024).
 * Statistical bounds are 5 standard deviations of the count (a false alarm has probability below 1e-6 per check).
 */
class HeterogeneousParticipationTest {
    private static final SeedTree SEEDS = new SeedTree(31);

    private static int[] counts(Participation.Process process, int population, int rounds) {
        int[] counts = new int[population];
        for (int t = 1; t <= rounds; t++) {
            int[] s = process.select(t, SEEDS.stream(Purpose.PARTICIPATION, t, SeedTree.GLOBAL));
            for (int k = 0; k < s.length; k++) {
                assertTrue(k == 0 || s[k] > s[k - 1], "increasing ids");
                counts[s[k]]++;
            }
        }
        return counts;
    }

    @Test
    void bernoulliRatesArePn() {
        double[] p = {0.02, 0.1, 0.3, 0.5, 0.9};
        int rounds = 20000;
        BernoulliParticipation b = new BernoulliParticipation(p).allowingEmptyRounds();
        int[] c = counts(b.start(p.length, SEEDS), p.length, rounds);
        for (int n = 0; n < p.length; n++) {
            // count ~ Binomial(T, p_n): independent rounds.
            double sd = Math.sqrt(rounds * p[n] * (1 - p[n]));
            assertEquals(rounds * p[n], c[n], 5 * sd, "client " + n);
        }
    }

    @Test
    void bernoulliRedrawsEmptyRoundsByDefault() {
        // Two clients with p = 0.1: P(empty) = 0.81, so conditioned on non-empty the rate is 0.1 / 0.19.
        double[] p = {0.1, 0.1};
        int rounds = 20000;
        Participation b = Participation.bernoulli(p);
        Participation.Process process = b.start(2, SEEDS);
        int[] c = new int[2];
        for (int t = 1; t <= rounds; t++) {
            int[] s = process.select(t, SEEDS.stream(Purpose.PARTICIPATION, t, SeedTree.GLOBAL));
            assertTrue(s.length > 0, "round " + t + " is empty");
            for (int id : s) {
                c[id]++;
            }
        }
        double rate = 0.1 / 0.19;
        double sd = Math.sqrt(rounds * rate * (1 - rate));
        assertEquals(rounds * rate, c[0], 5 * sd);
        assertEquals(rounds * rate, c[1], 5 * sd);
        // the stateless select gives the same draws as the process
        assertArrayEquals(b.select(7, 2, SEEDS.stream(Purpose.PARTICIPATION, 7, SeedTree.GLOBAL)),
                b.start(2, SEEDS).select(7, SEEDS.stream(Purpose.PARTICIPATION, 7, SeedTree.GLOBAL)));
    }

    @Test
    void markovTransitionsAreRescaledAsInTheReferenceCode() {
        MarkovParticipation m = new MarkovParticipation(new double[] {0.5, 0.1, 0.02}, 0.05);
        assertEquals(0.05, m.turnOnProbability(0), 0);
        assertEquals(0.05, m.turnOffProbability(0), 1e-15);          // q (1/p - 1) = 0.05
        assertEquals(0.45, m.turnOffProbability(1), 1e-15);          // 0.05 * 9
        assertEquals(1.0, m.turnOffProbability(2), 0);               // 0.05 * 49 = 2.45 > 1: rescaled
        assertEquals(0.05 / 2.45, m.turnOnProbability(2), 1e-15);    // stationary rate still 0.02
    }

    @Test
    void markovStationaryRateIsPn() {
        double[] p = {0.1, 0.5, 0.02};
        double q = 0.05;
        int rounds = 100000;
        MarkovParticipation m = new MarkovParticipation(p, q).allowingEmptyRounds();
        int[] c = counts(m.start(p.length, SEEDS), p.length, rounds);
        for (int n = 0; n < p.length; n++) {
            // A stationary two-state chain with lag-1 correlation lambda = 1 - P(on) - P(off) has
            // Var(count) ~ T p (1 - p) (1 + lambda) / (1 - lambda).
            double lambda = 1 - m.turnOnProbability(n) - m.turnOffProbability(n);
            double sd = Math.sqrt(rounds * p[n] * (1 - p[n]) * (1 + lambda) / (1 - lambda));
            assertEquals(rounds * p[n], c[n], 5 * sd, "client " + n);
        }
    }

    @Test
    void markovKeepsStateAndIsReproducible() {
        MarkovParticipation m = new MarkovParticipation(new double[] {0.3, 0.3, 0.3}, 0.1);
        Participation.Process a = m.start(3, SEEDS);
        Participation.Process b = m.start(3, SEEDS);
        for (int t = 1; t <= 200; t++) {
            int[] sa = a.select(t, SEEDS.stream(Purpose.PARTICIPATION, t, SeedTree.GLOBAL));
            assertTrue(sa.length > 0, "empty rounds are skipped by default");
            assertArrayEquals(sa, b.select(t, SEEDS.stream(Purpose.PARTICIPATION, t, SeedTree.GLOBAL)));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> a.select(500, SEEDS.stream(Purpose.PARTICIPATION, 500, SeedTree.GLOBAL)));
        assertEquals("rounds must be selected in order: expected round 201, was 500", e.getMessage());
        assertThrows(IllegalStateException.class, () -> m.select(1, 3, new RandomStream(1)));
    }

    @Test
    void cyclicPatternByHand() {
        // cycle 10: p = 0.3 -> a = 3, b = 7; p = 0.05 -> a = max(1, rint(0.5) = 0) = 1, b = 9;
        // p = 0.25 -> a = rint(2.5) = 2 (half to even, Python's round), b = 8.
        CyclicParticipation c = CyclicParticipation.withNearestRates(new double[] {0.3, 0.05, 0.25}, 10);
        assertEquals(3, c.activeRounds(0));
        assertEquals(7, c.inactiveRounds(0));
        assertEquals(1, c.activeRounds(1));
        assertEquals(9, c.inactiveRounds(1));
        assertEquals(2, c.activeRounds(2));
        assertEquals(8, c.inactiveRounds(2));
        // phases (2, 0, 7): client n active at t iff (phi_n + t - 1) mod (a_n + b_n) >= b_n:
        // client 0 at t = 6, 7, 8 (16, 17, 18, ...), client 1 at t = 10, 20, client 2 at t = 2, 3, 12, 13.
        int[][] exact = {{}, {2}, {2}, {}, {}, {0}, {0}, {0}, {}, {1}, {}, {2}, {2}, {}, {}, {0}, {0}, {0}, {}, {1}};
        Participation.Process keep = c.allowingEmptyRounds().phases(new int[] {2, 0, 7});
        for (int t = 1; t <= exact.length; t++) {
            assertArrayEquals(exact[t - 1], keep.select(t, null), "round " + t);
        }
        // Default: empty clock ticks are skipped, so the rounds are the non-empty entries above, in order.
        Participation.Process skip = c.phases(new int[] {2, 0, 7});
        int t = 0;
        for (int[] e : exact) {
            if (e.length > 0) {
                t++;
                assertArrayEquals(e, skip.select(t, null), "round " + t);
            }
        }
    }

    @Test
    void cyclicRandomPhasesAndRates() {
        double[] p = {0.1, 0.02, 0.5};
        CyclicParticipation c = new CyclicParticipation(p, 100);
        int rounds = 10000; // 100 whole periods of every client (a + b = 100 for all three)
        int[] counts = counts(c.allowingEmptyRounds().start(3, SEEDS), 3, rounds);
        for (int n = 0; n < p.length; n++) {
            assertEquals(Math.round(rounds * p[n]), counts[n], "client " + n); // exact: a_n per period of 100
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.phases(new int[] {100, 0, 0}));
        // exact rates: a phase is any point of the period of a + b = 100 rounds
        assertEquals("phase of client 0 must be in [0, 100), was 100", e.getMessage());
    }

    @Test
    void probabilitiesCorrelatedWithLabels() {
        int[][] hist = {{10, 0, 0}, {0, 5, 5}, {1, 1, 1}, {0, 0, 4}};
        double[] p = ParticipationProbabilities.correlatedWithLabels(hist, 0.5, 0.1, 0.02, new RandomStream(9));
        double[] u = Partitioners.dirichlet(0.5, 3, new RandomStream(9)); // the same draws
        double[][] q = {{1, 0, 0}, {0, 0.5, 0.5}, {1 / 3.0, 1 / 3.0, 1 / 3.0}, {0, 0, 1}};
        for (int n = 0; n < hist.length; n++) {
            double dot = 0;
            for (int k = 0; k < 3; k++) {
                dot += q[n][k] * u[k];
            }
            assertEquals(Math.min(1, Math.max(0.02, 0.1 * 3 * dot)), p[n], 1e-12, "client " + n);
        }
        assertEquals(0.1, p[2], 1e-12); // a uniform label distribution gives pBar whatever u is
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParticipationProbabilities.correlatedWithLabels(new int[][] {{1, 2}, {3}}, 0.1, 0.1, 0.02,
                        new RandomStream(1)));
        assertEquals("labelHistograms[1] must have 2 classes (as row 0), had 1", e.getMessage());
    }

    @Test
    void badProbabilitiesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BernoulliParticipation(new double[] {0.5, 0}));
        assertEquals("p[1] must be in (0, 1], was 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MarkovParticipation(new double[] {0.5}, 0));
        assertEquals("q must be in (0, 1], was 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CyclicParticipation(new double[] {0.5}, 0));
        assertEquals("cycle must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Participation.bernoulli(0.5, 0.5).start(3, SEEDS));
        assertEquals("the number of clients must equal the 2 participation probabilities, was 3", e.getMessage());
    }
}
