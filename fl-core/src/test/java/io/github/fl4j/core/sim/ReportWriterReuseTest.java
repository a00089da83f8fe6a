package io.github.fl4j.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.participation.Participation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two reliability cases: a report writer serves a second simulation (it failed with "Stream closed"), and Bernoulli
 * participation that can almost never draw anybody fails when the run starts instead of redrawing forever (p = 1e-12
 * for every client hung).
 */
class ReportWriterReuseTest {

    @Test
    void oneWriterServesTwoRuns(@TempDir Path dir) throws Exception {
        CsvReportWriter csv = new CsvReportWriter(dir.resolve("r.csv"));
        JsonLinesReportWriter json = new JsonLinesReportWriter(dir.resolve("r.jsonl"));
        for (int run = 0; run < 2; run++) {
            SimulationTest.sim(0.5, 3 + run, 2).listener(csv).listener(json).build().run();
            List<String> lines = Files.readAllLines(dir.resolve("r.csv"));
            assertEquals(CsvReportWriter.HEADER, lines.get(0));
            assertEquals(1 + 3 + run, lines.size(), "the file holds the latest run");
            assertEquals(3 + run, Files.readAllLines(dir.resolve("r.jsonl")).size());
        }
    }

    @Test
    void bernoulliThatAlmostNeverDrawsAnybodyFailsAtTheStart() {
        double[] p = new double[4];
        java.util.Arrays.fill(p, 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimulationTest.sim(0.5, 3, 2).participation(Participation.bernoulli(p)).build().run());
        assertTrue(e.getMessage().contains("allowingEmptyRounds()") && e.getMessage().contains("draws nobody"),
                e.getMessage());
        // keeping empty rounds is accepted when the run starts
        new io.github.fl4j.core.participation.BernoulliParticipation(p).allowingEmptyRounds()
                .start(4, new io.github.fl4j.core.random.SeedTree(1));
    }
}
