package io.github.fl4j.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.model.LeastSquares;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeCsvWriterTest {

    @Test
    void writesOneLinePerVersionAndSessionAndServesTwoRuns(@TempDir Path dir) throws Exception {
        Path versions = dir.resolve("out/versions.csv");
        Path sessions = dir.resolve("out/sessions.csv");
        TimeCsvWriter w = new TimeCsvWriter(versions, sessions);
        for (int run = 0; run < 2; run++) {
            TimedResult<BufferedDelta.State> r = TimedSimulation.builder(new BufferedDelta(2, 1.0,
                            Staleness.constant()))
                    .model(new LeastSquares(1)).data(TimedSimulationTest.scalar(new double[] {0, 1, 2}, new int[] {1, 2, 3}))
                    .config(TimedSimulationTest.config(5, 1)).schedule(Schedule.closed(2)).listener(w).build().run();
            List<String> lines = Files.readAllLines(versions);
            assertEquals(TimeCsvWriter.HEADER, lines.get(0));
            assertEquals(6, lines.size());
            assertEquals(TimeCsvWriter.line(r.reports().get(4)), lines.get(5));
            List<String> s = Files.readAllLines(sessions);
            assertEquals(TimeCsvWriter.SESSION_HEADER, s.get(0));
            assertTrue(s.size() >= 11, "10 applied sessions at least, had " + (s.size() - 1));
            assertTrue(s.get(1).contains(",APPLIED,"), s.get(1));
        }
    }
}
