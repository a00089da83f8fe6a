package io.github.fl4j.core.participation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import org.junit.jupiter.api.Test;

class ParticipationTest {

    @Test
    void fullParticipationIsEveryone() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, Participation.all().select(1, 4, null));
    }

    @Test
    void uniformIsDeterministicPerRoundAndUnbiased() {
        SeedTree seeds = new SeedTree(5);
        Participation p = Participation.uniform(10);
        int[] counts = new int[100];
        int rounds = 5000;
        for (int t = 1; t <= rounds; t++) {
            int[] s = p.select(t, 100, seeds.stream(Purpose.PARTICIPATION, t, SeedTree.GLOBAL));
            assertEquals(10, s.length);
            assertArrayEquals(s, p.select(t, 100, seeds.stream(Purpose.PARTICIPATION, t, SeedTree.GLOBAL)));
            for (int c : s) {
                counts[c]++;
            }
        }
        // Inclusion probability m/N = 0.1 (McMahan et al. 2017): count ~ Binomial(5000, 0.1), sd = 21.2; 5 sd = 106.
        for (int c : counts) {
            assertTrue(Math.abs(c - 500) < 106, "count " + c);
        }
    }

    @Test
    void badSizesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Participation.uniform(0));
        assertEquals("clientsPerRound must be >= 1, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Participation.uniform(11).select(1, 10, null));
        assertTrue(e.getMessage().contains("was 11"), e.getMessage());
    }
}
