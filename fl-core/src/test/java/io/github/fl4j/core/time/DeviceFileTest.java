package io.github.fl4j.core.time;

import static io.github.fl4j.core.time.DevicesTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.random.SeedTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Device traces read by {@link Devices#fromFile}. */
class DeviceFileTest {
    private static final String HEADER = "client,samples_per_second,uplink_bps,downlink_bps,latency_seconds\n";

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    @Test
    void readsOneDevicePerClientWithCommentsAndSpaces() throws IOException {
        Path f = file("devices.csv", "# measured on 2024-01-01\n\n" + HEADER
                + "0,120.5,2.0e6,1.0e7,0.05\n"
                + "# a comment between records\n"
                + " 1 , 35 , 5e5 , Infinity , 0 \n\n"
                + "2,1,1,1,3\n");
        DeviceModel m = Devices.fromFile(f);
        SeedTree seeds = new SeedTree(1);
        assertEquals(new Device(120.5, 2e6, 1e7, 0.05), m.device(0, seeds));
        assertEquals(new Device(35, 5e5, Double.POSITIVE_INFINITY, 0), m.device(1, seeds));
        assertEquals(new Device(1, 1, 1, 3), m.device(2, new SeedTree(99)));
        assertMessage(new IllegalStateException(m.describe()), "devices.csv", "3 clients");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> m.device(3, seeds)), "client 3",
                "devices.csv", "clients 0..2");
    }

    @Test
    void badContentNamesFileLineColumnAndValue() throws IOException {
        String[][] cases = {
            // content, expected message parts
            {HEADER + "0,fast,1,1,0\n", "line 2", "samples_per_second 'fast'", "not a number"},
            {HEADER + "0,1,1,1,0\n1,0,1,1,0\n", "line 3", "samples_per_second '0'", "must be > 0"},
            {HEADER + "0,1,-2,1,0\n", "line 2", "uplink_bps '-2'", "must be > 0"},
            {HEADER + "0,1,1,NaN,0\n", "line 2", "downlink_bps 'NaN'", "not a number"},
            {HEADER + "0,1,1,0,0\n", "line 2", "downlink_bps '0'", "must be > 0"},
            {HEADER + "0,1,1,1,-0.1\n", "line 2", "latency_seconds '-0.1'", "finite and >= 0"},
            {HEADER + "0,1,1,1,Infinity\n", "line 2", "latency_seconds 'Infinity'", "finite and >= 0"},
            {HEADER + "0,1,1,1,\n", "line 2", "latency_seconds ''", "not a number"},
            {HEADER + "0,1,1,1,0\n2,1,1,1,0\n", "line 3", "client '2'", "client 1 is missing"},
            {HEADER + "0,1,1,1,0\n1,1,1,1,0\n1,1,1,1,0\n", "line 4", "client '1'", "duplicate"},
            {HEADER + "x,1,1,1,0\n", "line 2", "client 'x'", "not an integer"},
            {HEADER + "-1,1,1,1,0\n", "line 2", "client '-1'", "must be >= 0"},
            {HEADER + "0,1,1,1\n", "line 2", "expected 5", "found 4"},
            {HEADER + "0,1,1,1,0,7\n", "line 2", "found 6"},
            {"client,speed,up,down,latency\n0,1,1,1,0\n", "line 1", "header must be", "client,speed"},
            {"# only a comment\n", "is empty", "expected the header"},
            {HEADER + "# no clients\n", "holds no client lines"},
        };
        for (int i = 0; i < cases.length; i++) {
            Path f = file("bad" + i + ".csv", cases[i][0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.fromFile(f),
                    cases[i][0]);
            assertMessage(e, f.toString());
            for (int k = 1; k < cases[i].length; k++) {
                assertMessage(e, cases[i][k]);
            }
        }
    }

    @Test
    void anUnreadableFileIsAnIoException() {
        Path missing = dir.resolve("missing.csv");
        IOException e = assertThrows(IOException.class, () -> Devices.fromFile(missing));
        assertTrue(e.getMessage().contains("missing.csv"), e.getMessage());
    }
}
