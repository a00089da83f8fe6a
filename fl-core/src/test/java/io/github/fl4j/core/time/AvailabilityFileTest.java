package io.github.fl4j.core.time;

import static io.github.fl4j.core.time.DevicesTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.fl4j.core.random.SeedTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Availability traces read by {@link AvailabilityModels#replayFile}. */
class AvailabilityFileTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final String HEADER = "client,online_from,online_until\n";

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    @Test
    void readsIntervalsInAnyOrderAndMergesTouchingOnes() throws IOException {
        Path f = file("online.csv", "# a trace\n" + HEADER
                + "1, 10, 20\n"
                + "0,7200,Infinity\n"
                + "\n"
                + "0,0,3600\n"
                + "1,0,10\n"
                + "3,5.5,6\n");
        AvailabilityModel m = AvailabilityModels.replayFile(f);
        assertMessage(new IllegalStateException(m.describe()), "online.csv", "3 clients", "4 intervals");
        Availability a = m.start(4, new SeedTree(1));
        assertEquals(100.0, a.nextAvailable(0, 100));
        assertEquals(3600.0, a.availableUntil(0, 100));
        assertEquals(7200.0, a.nextAvailable(0, 3600));
        assertEquals(INF, a.availableUntil(0, 7200));
        assertEquals(20.0, a.availableUntil(1, 0), "[0,10) and [10,20) merge");
        assertEquals(INF, a.nextAvailable(1, 20));
        assertEquals(INF, a.nextAvailable(2, 0), "client 2 has no line: never online");
        assertEquals(5.5, a.nextAvailable(3, 1));
        assertEquals(6.0, a.availableUntil(3, 5.75));
    }

    @Test
    void badContentNamesFileLineColumnAndValue() throws IOException {
        String[][] cases = {
            {HEADER + "0,0,1\nzero,0,1\n", "line 3", "client 'zero'", "not an integer"},
            {HEADER + "-2,0,1\n", "line 2", "client '-2'", "must be >= 0"},
            {HEADER + "0,soon,1\n", "line 2", "online_from 'soon'", "not a number"},
            {HEADER + "0,-1,1\n", "line 2", "online_from '-1'", "finite and >= 0"},
            {HEADER + "0,Infinity,Infinity\n", "line 2", "online_from 'Infinity'", "finite and >= 0"},
            {HEADER + "0,5,5\n", "line 2", "online_until '5'", "must be > online_from (5)"},
            {HEADER + "0,5,later\n", "line 2", "online_until 'later'", "not a number"},
            {HEADER + "0,0,10\n1,0,1\n0,5,12\n", "line 4", "client 0", "[5.0, 12.0)", "overlaps", "[0.0, 10.0)",
                "line 2"},
            {HEADER + "0,100,Infinity\n0,5,12\n0,200,300\n", "line 4", "[200.0, 300.0)", "overlaps", "line 2"},
            {HEADER + "0,1\n", "line 2", "expected 3", "found 2"},
            {"client,from,until\n", "line 1", "header must be 'client,online_from,online_until'"},
            {"\n\n", "is empty"},
            {HEADER, "holds no interval lines"},
        };
        for (int i = 0; i < cases.length; i++) {
            Path f = file("bad" + i + ".csv", cases[i][0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AvailabilityModels.replayFile(f), cases[i][0]);
            assertMessage(e, f.toString());
            for (int k = 1; k < cases[i].length; k++) {
                assertMessage(e, cases[i][k]);
            }
        }
    }

    @Test
    void anUnreadableFileIsAnIoException() {
        assertThrows(IOException.class, () -> AvailabilityModels.replayFile(dir.resolve("nope.csv")));
    }
}
