package io.github.fl4j.experiments.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.time.Schedule;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "systems" axis of a JSON grid: its syntax, and errors that name the field and the value. */
class GridSpecSystemsTest {
    private static final String VALID = """
            {
              "strategies": {"FedAvg": "fedavg"},
              "participation": ["uniform:10"],
              "heterogeneity": ["synthetic:1:1"],
              "systems": {
                "equal": "equal",
                "lognormal": {"devices": "lognormal:200:1.0:2e6:1.0:2e7:1.0", "availability": "markov:3600:1800",
                              "dropout": "probability:0.05", "rounds": "deadline:30,overselect:1.3"},
                "slow": {"devices": "slow-label:3:10:jitter:0.3:latency:0.05:constant:100:1e6:inf",
                         "availability": "diurnal:3600:86400:0.5:0.3", "dropout": "hazard:0.001",
                         "rounds": "first:5"},
                "uni": {"devices": "uniform:10:100:1e5:1e6:1e6:1e7", "availability": "bernoulli:600:0.8"}
              },
              "maxVirtualTime": 3600,
              "model": "softmax",
              "seeds": 2,
              "rounds": 5,
              "targetAccuracy": 0.7,
              "output": "out"
            }
            """;

    @Test
    void parsesTheSystemsAxis() {
        Grid g = GridSpec.parse(VALID, Path.of("/tmp/base")).build();
        assertTrue(g.timed());
        assertEquals(3600, g.maxVirtualTime());
        assertEquals(4 * 2, g.keys().size());
        assertEquals(new RunKey("FedAvg", "identity", "uniform:10", "synthetic:1:1", "lognormal", 1),
                g.keys().get(2));
        assertEquals("FedAvg__identity__uniform-10__synthetic-1-1__lognormal-seed1.csv", g.keys().get(2).fileName());
    }

    @Test
    void eachPartMapsToItsModel() throws Exception {
        Path base = Path.of(".");
        SystemSetting s = GridSpec.system("systems.x", new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"devices\": \"constant:100:1e6:inf\", \"availability\": \"markov:3600:1800\", "
                        + "\"dropout\": \"probability:0.05\", \"rounds\": \"deadline:30,overselect:1.3\"}"), base);
        FederatedDataset d = SyntheticFedProx.builder().alpha(1).beta(1).clients(4).dimension(3).classes(2)
                .maxSamples(10).build().generate(new SeedTree(1).stream(Purpose.DATA_GENERATION));
        var device = s.devices().apply(d).device(0, new SeedTree(1));
        assertEquals(100, device.samplesPerSecond());
        assertEquals(1e6, device.uplinkBitsPerSecond());
        assertEquals(Double.POSITIVE_INFINITY, device.downlinkBitsPerSecond());
        assertEquals(30, s.rounds().deadline());
        assertEquals(1.3, s.rounds().overSelectionFactor());
        assertTrue(s.availability().describe().contains("3600"), s.availability().describe());
        assertTrue(s.dropout().describe().contains("0.05"), s.dropout().describe());
        SystemSetting eq = GridSpec.system("systems.e", new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("\"equal\""), base);
        assertEquals(1.0, eq.devices().apply(d).device(3, new SeedTree(1)).samplesPerSecond());
        assertTrue(eq.availability().alwaysOnline() && eq.dropout().neverFails() && eq.rounds().waitsForAll());
        assertEquals(Schedule.rounds().firstK(4).describe(), GridSpec.rounds("r", "first:4").describe());
    }

    /** slow-label needs the run's data: clients whose most frequent label is 0 compute 10 times slower. */
    @Test
    void slowLabelIsBuiltFromTheRunsData() {
        FederatedDataset d = SyntheticFedProx.builder().alpha(1).beta(1).clients(20).dimension(3).classes(2)
                .maxSamples(10).build().generate(new SeedTree(1).stream(Purpose.DATA_GENERATION));
        var model = GridSpec.devices("systems.s.devices", "slow-label:0:10:constant:100:inf:inf", Path.of("."))
                .apply(d);
        int slow = 0;
        for (int i = 0; i < d.clientCount(); i++) {
            double speed = model.device(i, new SeedTree(1)).samplesPerSecond();
            int[] counts = new int[2];
            for (int y : io.github.fl4j.core.data.Labels.classIndices(d.client(i))) {
                counts[y]++;
            }
            assertEquals(counts[0] >= counts[1] ? 10.0 : 100.0, speed, "client " + i);
            slow += speed == 10 ? 1 : 0;
        }
        assertTrue(slow > 0 && slow < d.clientCount(), "some clients slowed, not all: " + slow);
    }

    @Test
    void deviceAndAvailabilityFilesAreRelativeToTheBase(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("devices.csv"), "client,samples_per_second,uplink_bps,downlink_bps,"
                + "latency_seconds\n0,50,1e6,1e7,0.1\n1,5,1e5,1e6,0.2\n");
        Files.writeString(dir.resolve("online.csv"), "client,online_from,online_until\n0,0,100\n1,50,Infinity\n");
        SystemSetting s = GridSpec.system("systems.f", new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"devices\": \"file:devices.csv\", \"availability\": \"file:online.csv\"}"), dir);
        assertEquals(5, s.devices().apply(null).device(1, new SeedTree(1)).samplesPerSecond());
        assertEquals(50, s.availability().start(2, new SeedTree(1)).nextAvailable(1, 0));
        String m = assertThrows(IllegalArgumentException.class, () -> GridSpec.devices("systems.f.devices",
                "file:missing.csv", dir)).getMessage();
        assertTrue(m.startsWith("systems.f.devices \"file:missing.csv\"") && m.contains("missing.csv"), m);
    }

    private static String error(String from, String to) {
        assertTrue(VALID.contains(from), from);
        return assertThrows(IllegalArgumentException.class,
                () -> GridSpec.parse(VALID.replace(from, to), Path.of("."))).getMessage();
    }

    @Test
    void errorsNameFieldAndValue() {
        String m = error("lognormal:200:1.0:2e6", "lognormal:200:x:2e6");
        assertTrue(m.startsWith("systems.lognormal.devices \"lognormal:200:x:2e6:1.0:2e7:1.0\"") && m.contains("'x'"),
                m);
        m = error("lognormal:200:1.0:2e6", "lognormal:200:-1:2e6");
        assertTrue(m.contains("systems.lognormal.devices") && m.contains("sigmaSpeed") && m.contains("-1"), m);
        m = error("lognormal:200:1.0:2e6:1.0:2e7:1.0", "lognormal:200:1.0");
        assertTrue(m.startsWith("systems.lognormal.devices must be one of equal, constant:SPEED:UP:DOWN")
                && m.contains("was \"lognormal:200:1.0\""), m);
        m = error("\"equal\": \"equal\"", "\"equal\": \"fast\"");
        assertTrue(m.contains("systems.equal must be one of") && m.contains("\"fast\""), m);
        m = error("markov:3600:1800", "markov:3600:-5");
        assertTrue(m.contains("systems.lognormal.availability") && m.contains("-5"), m);
        m = error("markov:3600:1800", "sometimes");
        assertTrue(m.contains("systems.lognormal.availability must be one of always") && m.contains("sometimes"), m);
        m = error("probability:0.05", "probability:1.5");
        assertTrue(m.contains("systems.lognormal.dropout") && m.contains("1.5"), m);
        m = error("hazard:0.001", "crash:0.001");
        assertTrue(m.contains("systems.slow.dropout must be one of none") && m.contains("crash:0.001"), m);
        m = error("deadline:30,overselect:1.3", "deadline:-30");
        assertTrue(m.contains("systems.lognormal.rounds") && m.contains("-30"), m);
        m = error("deadline:30,overselect:1.3", "deadline:30,deadline:20");
        assertTrue(m.contains("systems.lognormal.rounds") && m.contains("deadline given twice")
                && m.contains("deadline:30,deadline:20"), m);
        m = error("deadline:30,overselect:1.3", "overselect:0.5");
        assertTrue(m.contains("systems.lognormal.rounds") && m.contains("0.5"), m);
        m = error("\"first:5\"", "\"last:5\"");
        assertTrue(m.contains("systems.slow.rounds must be all, or") && m.contains("last:5"), m);
        m = error("slow-label:3:10", "slow-label:-3:10");
        assertTrue(m.contains("systems.slow.devices") && m.contains("-3"), m);
        m = error("slow-label:3:10", "slow-label:3:0.5");
        assertTrue(m.contains("systems.slow.devices") && m.contains("FACTOR") && m.contains("0.5"), m);
        m = error("jitter:0.3", "jitter:-0.3");
        assertTrue(m.contains("systems.slow.devices") && m.contains("-0.3"), m);
        m = error("\"dropout\": \"probability:0.05\"", "\"dropouts\": \"probability:0.05\"");
        assertTrue(m.contains("systems.lognormal.dropouts is not a field of a system (did you mean 'dropout'?)")
                && m.contains("0.05"), m);
        m = error("\"availability\": \"bernoulli:600:0.8\"", "\"availability\": 0.8");
        assertTrue(m.contains("systems.uni.availability must be a string") && m.contains("0.8"), m);
        m = error("\"maxVirtualTime\": 3600", "\"maxVirtualTime\": -1");
        assertTrue(m.contains("maxVirtualTime") && m.contains("-1"), m);
        m = error("\"systems\": {", "\"systemz\": {");
        assertTrue(m.contains("systemz"), m);
    }
}
