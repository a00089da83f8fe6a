package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SimulationConfigTest {

    private static void rejects(String expected, SimulationConfig.Builder b) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void everyFieldNamesItsBadValue() {
        rejects("rounds must be >= 1, was 0", SimulationConfig.builder().rounds(0));
        rejects("rounds must be >= 1, was -5", SimulationConfig.builder().rounds(-5));
        rejects("clientsPerRound must be >= 1, was 0", SimulationConfig.builder().clientsPerRound(0));
        rejects("threads must be >= 1, was 0", SimulationConfig.builder().threads(0));
        rejects("threads must be <= 4096, was 5000", SimulationConfig.builder().threads(5000));
        rejects("evalEvery must be >= 0, was -1", SimulationConfig.builder().evalEvery(-1));
        rejects("precision must not be null, was null", SimulationConfig.builder().precision(null));
    }

    @Test
    void evaluationScheduleIncludesTheLastRound() {
        SimulationConfig c = SimulationConfig.builder().rounds(10).evalEvery(3).build();
        assertTrue(c.evaluates(3));
        assertTrue(c.evaluates(9));
        assertTrue(c.evaluates(10));
        assertFalse(c.evaluates(4));
        SimulationConfig onlyEnd = c.toBuilder().evalEvery(0).build();
        assertFalse(onlyEnd.evaluates(9));
        assertTrue(onlyEnd.evaluates(10));
    }
}
