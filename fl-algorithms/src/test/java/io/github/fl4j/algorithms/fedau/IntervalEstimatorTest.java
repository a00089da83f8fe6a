package io.github.fl4j.algorithms.fedau;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.fl4j.core.participation.BernoulliParticipation;
import io.github.fl4j.core.participation.CyclicParticipation;
import io.github.fl4j.core.participation.MarkovParticipation;
import io.github.fl4j.core.participation.Participation;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import org.junit.jupiter.api.Test;

/**
 * FedAU's interval estimator against reference values from an independent simulation (same semantics as IBM/fedau).
 * Instead of 5 seeds of one client, each check runs 5 independent clients with the same p for 20000 rounds and averages
 * their final Omega_n (the same statistic). Tolerances are 5 standard deviations of that average, computed from the
 * interval distribution (stated at each check).
 */
class IntervalEstimatorTest {
    private static final int ROUNDS = 20000;
    private static final int CLIENTS = 5;

    /** Mean over the clients of the final Omega_n, the pattern's empty rounds kept (FedAU's semantics). */
    private static double run(Participation.Process process, int cutoff, int rounds, IntervalEstimator[] out) {
        SeedTree seeds = new SeedTree(2306);
        IntervalEstimator est = new IntervalEstimator(CLIENTS, cutoff);
        for (int t = 1; t <= rounds; t++) {
            est.endRound(process.select(t, seeds.stream(Purpose.PARTICIPATION, t, SeedTree.GLOBAL)));
        }
        if (out != null) {
            out[0] = est;
        }
        double s = 0;
        for (int n = 0; n < CLIENTS; n++) {
            s += est.meanInterval(n);
        }
        return s / CLIENTS;
    }

    private static double[] same(double p) {
        double[] a = new double[CLIENTS];
        java.util.Arrays.fill(a, p);
        return a;
    }

    private static double bernoulli(double p, int cutoff) {
        return run(new BernoulliParticipation(same(p)).allowingEmptyRounds().start(CLIENTS, new SeedTree(1)),
                cutoff, ROUNDS, null);
    }

    /** Mean and variance of min(Geom(p), K), Geom on {1, 2, ...}: sums over k = 1..K of P(X = k). */
    private static double[] truncatedGeometric(double p, int k) {
        double m1 = 0;
        double m2 = 0;
        for (int j = 1; j <= k; j++) {
            double pr = j < k ? Math.pow(1 - p, j - 1) * p : Math.pow(1 - p, k - 1);
            m1 += j * pr;
            m2 += (double) j * j * pr;
        }
        return new double[] {m1, m2 - m1 * m1};
    }

    /** 5 sd of the average of all recorded intervals (about CLIENTS * ROUNDS / mean of them). */
    private static double fiveSd(double mean, double variance) {
        return 5 * Math.sqrt(variance / (CLIENTS * ROUNDS / mean));
    }

    @Test
    void bernoulliWithoutCutoffEstimatesOneOverP() {
        // 9.2: p = 0.1, K = inf -> 9.80 (1/p = 10). Geom(0.1): variance (1 - p) / p^2 = 90; tolerance 0.67.
        assertEquals(10, bernoulli(0.1, IntervalEstimator.NO_CUTOFF), fiveSd(10, 90));
        // 9.2: p = 0.5 -> 2.00; variance 2.
        assertEquals(2, bernoulli(0.5, IntervalEstimator.NO_CUTOFF), fiveSd(2, 2));
    }

    @Test
    void bernoulliWithCutoffIsBiasedLow() {
        // 9.2: p = 0.02, K = 50 -> 31.90; theory (1 - 0.98^50) / 0.02 = 31.79 (the truncated geometric mean).
        double[] mv = truncatedGeometric(0.02, 50);
        assertEquals((1 - Math.pow(0.98, 50)) / 0.02, mv[0], 1e-9);
        assertEquals(31.79, mv[0], 0.005);
        assertEquals(mv[0], bernoulli(0.02, 50), fiveSd(mv[0], mv[1]));
        // 9.2: p = 0.1, K = 50 -> theory 9.95.
        double[] mv2 = truncatedGeometric(0.1, 50);
        assertEquals(mv2[0], bernoulli(0.1, 50), fiveSd(mv2[0], mv2[1]));
    }

    @Test
    void cyclicIntervalsAreExactAfterWholeCycles() {
        // 9.2: cycle 100, p = 0.1: a = 10 active, 90 inactive rounds. Phase 0: rounds 1-90 inactive, 91-100 active.
        // K = 50: per cycle the intervals are 50 (cutoff), 41 (40 more inactive + the active round) and nine 1's:
        // 11 intervals summing to 100, so Omega = 100/11 = 9.09 after whole cycles (reference 9.08 with random phases).
        CyclicParticipation c = new CyclicParticipation(same(0.1), 100).allowingEmptyRounds();
        IntervalEstimator[] est = new IntervalEstimator[1];
        assertEquals(100.0 / 11, run(c.phases(new int[CLIENTS]), 50, ROUNDS, est), 1e-9);
        assertEquals(11 * ROUNDS / 100, est[0].intervals(0));
        // K = inf: 91 and nine 1's, Omega = 10 exactly (reference 9.99).
        assertEquals(10, run(c.phases(new int[CLIENTS]), IntervalEstimator.NO_CUTOFF, ROUNDS, null), 1e-9);
        // p = 0.02, K = 50: a = 2; intervals 50, 49, 1: Omega = 100/3 (reference 33.3).
        CyclicParticipation rare = new CyclicParticipation(same(0.02), 100).allowingEmptyRounds();
        assertEquals(100.0 / 3, run(rare.phases(new int[CLIENTS]), 50, ROUNDS, null), 1e-9);
    }

    @Test
    void markovEstimatesOneOverP() {
        // 9.2: Markov q = 0.05, p = 0.1, K = inf -> 10.19. An interval is 1 when the chain stays on (prob 0.55), else
        // 1 + G with G ~ Geom(0.05) (the off spell): mean 0.55 + 0.45 * 21 = 10, E[X^2] = 0.55 + 0.45 * 821 = 370,
        // variance 270.
        MarkovParticipation m = new MarkovParticipation(same(0.1), 0.05).allowingEmptyRounds();
        double omega = run(m.start(CLIENTS, new SeedTree(3)), IntervalEstimator.NO_CUTOFF, ROUNDS, null);
        assertEquals(10, omega, fiveSd(10, 270));
    }

    @Test
    void weightExcludesTheIntervalEndingNow() {
        // One client, pattern on, off, off, on, on. The weight of a round is read before endRound.
        IntervalEstimator e = new IntervalEstimator(1, IntervalEstimator.NO_CUTOFF);
        assertEquals(1, e.weight(0), 0);      // round 1: no interval yet -> weight 1
        e.endRound(new int[] {0});             // records 1
        e.endRound(new int[0]);
        e.endRound(new int[0]);
        assertEquals(2, e.roundsSinceLast(0));
        assertEquals(1, e.weight(0), 0);      // round 4 uses Omega = 1, not the interval 3 that ends now
        e.endRound(new int[] {0});             // records 3: Omega = 2
        assertEquals(2, e.weight(0), 0);      // round 5
        e.endRound(new int[] {0});             // records 1: Omega = 5/3
        assertEquals(5.0 / 3, e.weight(0), 1e-15);
        assertEquals(3, e.intervals(0));
    }

    @Test
    void cutoffRecordsKAndRestarts() {
        IntervalEstimator e = new IntervalEstimator(2, 3);
        for (int t = 0; t < 7; t++) {
            e.endRound(new int[] {1});
        }
        // client 0 absent 7 rounds with K = 3: records 3 at rounds 3 and 6, then S = 1
        assertEquals(2, e.intervals(0));
        assertEquals(3, e.meanInterval(0), 0);
        assertEquals(1, e.roundsSinceLast(0));
        assertEquals(1, e.weight(1), 0);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.endRound(new int[] {2}));
        assertEquals("participants must be increasing ids in [0, 2), entry 0 was 2", ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> new IntervalEstimator(3, 0));
        assertEquals("cutoff must be >= 1, was 0", ex.getMessage());
    }
}
