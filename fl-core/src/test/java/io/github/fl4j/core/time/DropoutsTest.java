package io.github.fl4j.core.time;

import static io.github.fl4j.core.time.DevicesTest.assertWithin5Se;
import static io.github.fl4j.core.time.DevicesTest.meanSd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The dropout models of {@link Dropouts}. */
class DropoutsTest {
    private static final SeedTree SEEDS = new SeedTree(77);
    private static final int N = 20_000;

    private static RandomStream stream(int i) {
        return SEEDS.stream(Purpose.DROPOUT, 1 + i / 100, i % 100);
    }

    @Test
    void noneNeverFailsAndDrawsNothing() {
        RandomStream rng = new RandomStream(1);
        assertSame(FailurePoint.NONE, Dropouts.none().draw(rng));
        assertEquals(new RandomStream(1).nextLong(), rng.nextLong());
        assertEquals(Double.POSITIVE_INFINITY, Dropouts.none().draw(rng).failureOffset(10));
        assertEquals("none", Dropouts.none().describe());
    }

    @Test
    void probabilityFailsAFractionQAtAUniformPoint() {
        double q = 0.3;
        DropoutModel m = Dropouts.probability(q);
        int failed = 0;
        double[] fractions = new double[N];
        for (int i = 0; i < N; i++) {
            FailurePoint f = m.draw(stream(i));
            if (f.fractionOfSession() < Double.POSITIVE_INFINITY) {
                assertEquals(Double.POSITIVE_INFINITY, f.afterSeconds());
                assertTrue(f.fractionOfSession() >= 0 && f.fractionOfSession() < 1);
                fractions[failed++] = f.fractionOfSession();
            } else {
                assertSame(FailurePoint.NONE, f);
            }
        }
        assertWithin5Se(q, failed / (double) N, Math.sqrt(q * (1 - q) / N), "failed fraction");
        double[] ms = meanSd(Arrays.copyOf(fractions, failed));
        assertWithin5Se(0.5, ms[0], Math.sqrt(1 / 12.0) / Math.sqrt(failed), "mean failure fraction");
        assertEquals("probability(q=0.3)", m.describe());
        assertSame(FailurePoint.NONE, Dropouts.probability(0).draw(new RandomStream(3)));
        assertTrue(Dropouts.probability(1).draw(new RandomStream(3)).fractionOfSession() < 1);
    }

    @Test
    void probabilityDrawsTheBernoulliFirstThenTheFraction() {
        DropoutModel m = Dropouts.probability(0.5);
        for (long seed = 0; seed < 200; seed++) {
            RandomStream reference = new RandomStream(seed);
            double u = reference.nextDouble();
            double v = reference.nextDouble();
            RandomStream rng = new RandomStream(seed);
            FailurePoint f = m.draw(rng);
            if (u < 0.5) {
                assertEquals(new FailurePoint(Double.POSITIVE_INFINITY, v), f);
                assertEquals(reference.nextLong(), rng.nextLong(), "two draws when it fails");
            } else {
                assertSame(FailurePoint.NONE, f);
                assertEquals(v, rng.nextDouble(), "one draw when it does not fail");
            }
        }
    }

    @Test
    void hazardFailsAfterAnExponentialTimeOfMeanOneOverTheRate() {
        double rate = 0.25;
        DropoutModel m = Dropouts.hazard(rate);
        double[] after = new double[N];
        for (int i = 0; i < N; i++) {
            FailurePoint f = m.draw(stream(i));
            assertEquals(Double.POSITIVE_INFINITY, f.fractionOfSession());
            after[i] = f.afterSeconds();
            assertTrue(after[i] >= 0);
        }
        assertWithin5Se(1 / rate, meanSd(after)[0], (1 / rate) / Math.sqrt(N), "mean failure time");
        // P(T > 1/rate) = 1/e.
        long survived = Arrays.stream(after).filter(a -> a > 1 / rate).count();
        double pe = Math.exp(-1);
        assertWithin5Se(pe, survived / (double) N, Math.sqrt(pe * (1 - pe) / N), "survival at the mean");
        assertEquals("hazard(ratePerSecond=0.25)", m.describe());
        assertSame(Dropouts.none(), Dropouts.hazard(0));
        FailurePoint same = m.draw(SEEDS.stream(Purpose.DROPOUT, 4, 2));
        assertEquals(same, m.draw(SEEDS.stream(Purpose.DROPOUT, 4, 2)), "a pure function of the stream");
    }

    @Test
    void everyBadParameterIsNamedWithItsValue() {
        Map<String, Executable> cases = new LinkedHashMap<>();
        cases.put("dropout probability q must be in [0, 1], was -0.1", () -> Dropouts.probability(-0.1));
        cases.put("dropout probability q must be in [0, 1], was 1.01", () -> Dropouts.probability(1.01));
        cases.put("dropout probability q must be in [0, 1], was NaN", () -> Dropouts.probability(Double.NaN));
        cases.put("hazard ratePerSecond must be finite and >= 0, was -1.0", () -> Dropouts.hazard(-1));
        cases.put("hazard ratePerSecond must be finite and >= 0, was Infinity",
                () -> Dropouts.hazard(Double.POSITIVE_INFINITY));
        cases.put("hazard ratePerSecond must be finite and >= 0, was NaN", () -> Dropouts.hazard(Double.NaN));
        for (Map.Entry<String, Executable> e : cases.entrySet()) {
            assertEquals(e.getKey(), assertThrows(IllegalArgumentException.class, e.getValue()).getMessage());
        }
    }
}
