package io.github.fl4j.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.factory.Nd4j;

/** The device models and decorators of {@link Devices} (trace files: {@link DeviceFileTest}). */
class DevicesTest {
    private static final SeedTree SEEDS = new SeedTree(2024);

    static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    /** Mean and sample standard deviation. */
    static double[] meanSd(double[] x) {
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= x.length;
        double ss = 0;
        for (double v : x) {
            ss += (v - m) * (v - m);
        }
        return new double[] {m, Math.sqrt(ss / (x.length - 1))};
    }

    static void assertWithin5Se(double expected, double actual, double se, String what) {
        assertTrue(Math.abs(actual - expected) <= 5 * se,
                what + ": expected " + expected + " +- 5 * " + se + ", was " + actual);
    }

    @Test
    void constantGivesEveryClientTheSameDevice() {
        DeviceModel m = Devices.constant(50, 1e6, Double.POSITIVE_INFINITY);
        Device d = m.device(0, SEEDS);
        assertEquals(new Device(50, 1e6, Double.POSITIVE_INFINITY, 0), d);
        assertEquals(d, m.device(12345, new SeedTree(7)));
        assertEquals(1.0, m.computeJitter(3, 4, SEEDS));
        assertEquals(0.0, d.downloadSeconds(1_000_000));
        assertMessage(new IllegalArgumentException(m.describe()), "samplesPerSecond=50.0", "uplinkBps=1000000.0");
    }

    @Test
    void logNormalHasTheGivenMediansAndLogStandardDeviations() {
        int n = 20_000;
        double[][] params = {{80, 0.7}, {2e6, 1.1}, {1e7, 0.3}};
        DeviceModel m = Devices.logNormal(params[0][0], params[0][1], params[1][0], params[1][1], params[2][0],
                params[2][1]);
        double[][] logs = new double[3][n];
        int[] belowMedian = new int[3];
        for (int i = 0; i < n; i++) {
            Device d = m.device(i, SEEDS);
            double[] v = {d.samplesPerSecond(), d.uplinkBitsPerSecond(), d.downlinkBitsPerSecond()};
            for (int q = 0; q < 3; q++) {
                logs[q][i] = Math.log(v[q]);
                if (v[q] < params[q][0]) {
                    belowMedian[q]++;
                }
            }
            assertEquals(0.0, d.latencySeconds());
        }
        for (int q = 0; q < 3; q++) {
            double sigma = params[q][1];
            double[] ms = meanSd(logs[q]);
            assertWithin5Se(Math.log(params[q][0]), ms[0], sigma / Math.sqrt(n), "mean log of quantity " + q);
            assertWithin5Se(sigma, ms[1], sigma / Math.sqrt(2.0 * n), "sd log of quantity " + q);
            assertWithin5Se(0.5, belowMedian[q] / (double) n, 0.5 / Math.sqrt(n), "fraction below median " + q);
        }
        // The three quantities come from different streams: uncorrelated.
        for (int[] pair : new int[][] {{0, 1}, {0, 2}, {1, 2}}) {
            double r = correlation(logs[pair[0]], logs[pair[1]]);
            assertWithin5Se(0.0, r, 1 / Math.sqrt(n), "correlation of quantities " + pair[0] + "," + pair[1]);
        }
    }

    private static double correlation(double[] x, double[] y) {
        double[] mx = meanSd(x);
        double[] my = meanSd(y);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (x[i] - mx[0]) * (y[i] - my[0]);
        }
        return s / (x.length - 1) / (mx[1] * my[1]);
    }

    @Test
    void logNormalWithZeroSigmaIsTheMedian() {
        DeviceModel m = Devices.logNormal(10, 0, 100, 0, Double.POSITIVE_INFINITY, 2);
        assertEquals(new Device(10, 100, Double.POSITIVE_INFINITY, 0), m.device(9, SEEDS));
    }

    @Test
    void uniformStaysInItsRangeWithTheRightMean() {
        int n = 20_000;
        DeviceModel m = Devices.uniform(10, 30, 1e5, 1e6, 5e6, 5e6);
        double[] speeds = new double[n];
        for (int i = 0; i < n; i++) {
            Device d = m.device(i, SEEDS);
            speeds[i] = d.samplesPerSecond();
            assertTrue(speeds[i] >= 10 && speeds[i] <= 30, "speed " + speeds[i]);
            assertTrue(d.uplinkBitsPerSecond() >= 1e5 && d.uplinkBitsPerSecond() <= 1e6);
            assertEquals(5e6, d.downlinkBitsPerSecond());
        }
        assertWithin5Se(20, meanSd(speeds)[0], 20 / Math.sqrt(12.0 * n), "mean uniform speed");
    }

    @Test
    void devicesArePureFunctionsOfSeedAndClientWhateverTheOrder() {
        DeviceModel[] models = {Devices.logNormal(50, 1, 1e6, 1, 1e7, 1), Devices.uniform(1, 9, 1, 9, 1, 9),
            Devices.withJitter(Devices.logNormal(50, 1, 1e6, 1, 1e7, 1), 0.5)};
        int n = 300;
        for (DeviceModel m : models) {
            Device[] forward = new Device[n];
            double[] jitterForward = new double[n];
            for (int i = 0; i < n; i++) {
                forward[i] = m.device(i, new SeedTree(5));
                jitterForward[i] = m.computeJitter(i, i % 7, new SeedTree(5));
            }
            int[] order = new RandomStream(99).permutation(n);
            SeedTree shared = new SeedTree(5);
            for (int i : order) {
                assertEquals(forward[i], m.device(i, shared), m.describe() + " client " + i);
                assertEquals(jitterForward[i], m.computeJitter(i, i % 7, shared));
            }
            assertNotEquals(forward[0], m.device(0, new SeedTree(6)), "another seed, another device");
        }
    }

    @Test
    void jitterHasMeanOneAndTheGivenLogSdAndVariesPerSession() {
        double sigma = 0.4;
        DeviceModel m = Devices.withJitter(Devices.constant(10, 1, 1), sigma);
        assertEquals(new Device(10, 1, 1, 0), m.device(3, SEEDS));
        int clients = 400;
        int sessions = 50;
        double[] j = new double[clients * sessions];
        double[] logs = new double[j.length];
        for (int c = 0; c < clients; c++) {
            for (int d = 0; d < sessions; d++) {
                j[c * sessions + d] = m.computeJitter(c, d + 1, SEEDS);
                logs[c * sessions + d] = Math.log(j[c * sessions + d]);
            }
        }
        double sd = Math.sqrt(Math.expm1(sigma * sigma));
        assertWithin5Se(1.0, meanSd(j)[0], sd / Math.sqrt(j.length), "mean jitter");
        assertWithin5Se(sigma, meanSd(logs)[1], sigma / Math.sqrt(2.0 * j.length), "sd of log jitter");
        assertNotEquals(m.computeJitter(0, 1, SEEDS), m.computeJitter(0, 2, SEEDS));
        assertEquals(1.0, Devices.withJitter(Devices.constant(1, 1, 1), 0).computeJitter(4, 4, SEEDS));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> m.computeJitter(0, -1, SEEDS)),
                "dispatch", "-1");
    }

    @Test
    void jitterNeverReusesTheDrawsOfTheDevice() {
        // With equal sigmas and no mean shift a shared stream would show as equal normal draws.
        double sigma = 1.0;
        DeviceModel m = Devices.withJitter(Devices.logNormal(1, sigma, 1, sigma, 1, sigma), sigma);
        for (int c = 0; c < 500; c++) {
            Device d = m.device(c, SEEDS);
            double[] persistent = {Math.log(d.samplesPerSecond()), Math.log(d.uplinkBitsPerSecond()),
                Math.log(d.downlinkBitsPerSecond())};
            for (long dispatch = 0; dispatch <= 8; dispatch++) {
                double z = (Math.log(m.computeJitter(c, dispatch, SEEDS)) + sigma * sigma / 2) / sigma;
                for (double p : persistent) {
                    assertTrue(Math.abs(z - p) > 1e-9, "client " + c + " dispatch " + dispatch + " reuses " + p);
                }
            }
        }
    }

    @Test
    void latencyAndSlowDownsChangeOnlyWhatTheySay() {
        DeviceModel base = Devices.withJitter(Devices.logNormal(50, 1, 1e6, 1, 1e7, 1), 0.3);
        DeviceModel lat = Devices.withLatency(Devices.withLatency(base, 0.25), 0.5);
        DeviceModel slow = Devices.slowerFor(base, c -> c % 3 == 0, 4, "every third");
        for (int c = 0; c < 30; c++) {
            Device b = base.device(c, SEEDS);
            Device l = lat.device(c, SEEDS);
            assertEquals(new Device(b.samplesPerSecond(), b.uplinkBitsPerSecond(), b.downlinkBitsPerSecond(), 0.75),
                    l);
            Device s = slow.device(c, SEEDS);
            double speed = c % 3 == 0 ? b.samplesPerSecond() / 4 : b.samplesPerSecond();
            assertEquals(new Device(speed, b.uplinkBitsPerSecond(), b.downlinkBitsPerSecond(), 0), s);
            assertEquals(base.computeJitter(c, 3, SEEDS), lat.computeJitter(c, 3, SEEDS));
            assertEquals(base.computeJitter(c, 3, SEEDS), slow.computeJitter(c, 3, SEEDS));
        }
        assertMessage(new IllegalStateException(slow.describe()), "every third", "factor=4.0", "withJitter",
                "logNormal");
    }

    /** A client dataset with one feature and the given class labels. */
    static Dataset labelled(int... labels) {
        double[] y = new double[labels.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels[i];
        }
        return new Dataset(Nd4j.zeros(labels.length, 1).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE),
                Nd4j.create(y, new long[] {labels.length, 1}, 'c'));
    }

    @Test
    void slowForLabelSlowsTheClientsWhoseMostFrequentLabelItIs() {
        List<Dataset> clients = new ArrayList<>();
        clients.add(labelled(2, 2, 2));        // majority 2
        clients.add(labelled(0, 1, 2, 2, 1));  // tie 1/2 -> 1
        clients.add(labelled(2, 0, 2));        // majority 2
        clients.add(labelled(0));              // 0
        FederatedDataset data = new FederatedDataset(clients, labelled(0));
        DeviceModel base = Devices.constant(100, 1e6, 1e6);
        DeviceModel m = Devices.slowForLabel(base, data, 2, 10);
        double[] expected = {10, 100, 10, 100};
        for (int c = 0; c < 4; c++) {
            assertEquals(expected[c], m.device(c, SEEDS).samplesPerSecond(), "client " + c);
        }
        assertMessage(new IllegalStateException(m.describe()), "most frequent label is 2", "2 of 4", "factor=10.0");
        assertEquals(50, Devices.slowForLabel(base, data, 1, 2).device(1, SEEDS).samplesPerSecond());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> m.device(4, SEEDS)), "client", "4");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Devices.slowForLabel(base, data, 7, 2)),
                "no client", "7");
        FederatedDataset signed = new FederatedDataset(List.of(labelled(0), labelled(1)), labelled(0));
        DeviceModel one = Devices.slowForLabel(base, signed, 1, 3);
        assertEquals(100, one.device(0, SEEDS).samplesPerSecond());
        assertEquals(100 / 3.0, one.device(1, SEEDS).samplesPerSecond());
    }

    @Test
    void ofGivesClientIElementIAndNamesAMissingClient() {
        List<Device> list = List.of(new Device(1, 2, 3, 0), new Device(4, 5, 6, 0.5));
        DeviceModel m = Devices.of(list);
        assertSame(list.get(1), m.device(1, SEEDS));
        assertEquals(list.get(0), m.device(0, new SeedTree(1)));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> m.device(2, SEEDS)), "client 2",
                "clients 0..1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> m.device(-1, SEEDS)), "client", "-1");
    }

    @Test
    void everyBadParameterIsNamedWithItsValue() {
        DeviceModel ok = Devices.constant(1, 1, 1);
        Map<String, Executable> cases = new LinkedHashMap<>();
        cases.put("samplesPerSecond must be > 0, was 0.0", () -> Devices.constant(0, 1, 1));
        cases.put("uplinkBps must be > 0, was -1.0", () -> Devices.constant(1, -1, 1));
        cases.put("downlinkBps must be > 0, was NaN", () -> Devices.constant(1, 1, Double.NaN));
        cases.put("medianSpeed must be finite and > 0, was Infinity",
                () -> Devices.logNormal(Double.POSITIVE_INFINITY, 1, 1, 1, 1, 1));
        cases.put("sigmaSpeed must be finite and >= 0, was -1.0", () -> Devices.logNormal(1, -1, 1, 1, 1, 1));
        cases.put("medianUplinkBps must be > 0, was 0.0", () -> Devices.logNormal(1, 1, 0, 1, 1, 1));
        cases.put("sigmaUplink must be finite and >= 0, was NaN", () -> Devices.logNormal(1, 1, 1, Double.NaN, 1, 1));
        cases.put("medianDownlinkBps must be > 0, was -5.0", () -> Devices.logNormal(1, 1, 1, 1, -5, 1));
        cases.put("sigmaDownlink must be finite and >= 0, was Infinity",
                () -> Devices.logNormal(1, 1, 1, 1, 1, Double.POSITIVE_INFINITY));
        cases.put("minSpeed must be finite and > 0, was 0.0", () -> Devices.uniform(0, 1, 1, 1, 1, 1));
        cases.put("maxSpeed must be finite and >= minSpeed (2.0), was 1.0", () -> Devices.uniform(2, 1, 1, 1, 1, 1));
        cases.put("minUp must be finite and > 0, was -1.0", () -> Devices.uniform(1, 1, -1, 1, 1, 1));
        cases.put("maxUp must be finite and >= minUp (1.0), was Infinity",
                () -> Devices.uniform(1, 1, 1, Double.POSITIVE_INFINITY, 1, 1));
        cases.put("minDown must be finite and > 0, was NaN", () -> Devices.uniform(1, 1, 1, 1, Double.NaN, 1));
        cases.put("maxDown must be finite and >= minDown (3.0), was 2.0", () -> Devices.uniform(1, 1, 1, 1, 3, 2));
        cases.put("devices must hold at least one device, was empty", () -> Devices.of(List.of()));
        cases.put("devices must hold at least one device, was null", () -> Devices.of(null));
        cases.put("devices[1] must not be null",
                () -> Devices.of(java.util.Arrays.asList(new Device(1, 1, 1, 0), null)));
        cases.put("base device model must not be null", () -> Devices.withJitter(null, 1));
        cases.put("jitter sigma must be finite and >= 0, was -0.5", () -> Devices.withJitter(ok, -0.5));
        cases.put("latency seconds must be finite and >= 0, was -1.0", () -> Devices.withLatency(ok, -1));
        cases.put("latency seconds must be finite and >= 0, was Infinity",
                () -> Devices.withLatency(ok, Double.POSITIVE_INFINITY));
        cases.put("slow-down factor must be finite and >= 1, was 0.5", () -> Devices.slowerFor(ok, c -> true, 0.5,
                "all"));
        cases.put("clients (the predicate) must not be null", () -> Devices.slowerFor(ok, null, 2, "all"));
        cases.put("why must be a non-blank description of the chosen clients, was ' '",
                () -> Devices.slowerFor(ok, c -> true, 2, " "));
        cases.put("data must not be null", () -> Devices.slowForLabel(ok, null, 0, 2));
        cases.put("client must be >= 0, was -3", () -> ok.device(-3, SEEDS));
        for (Map.Entry<String, Executable> e : cases.entrySet()) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e.getValue(), e.getKey());
            assertEquals(e.getKey(), ex.getMessage());
        }
        FederatedDataset data = new FederatedDataset(List.of(labelled(0)), labelled(0));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Devices.slowForLabel(ok, data, -1, 2)),
                "label must be >= 0, was -1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Devices.slowForLabel(ok, data, 0, 0.9)),
                "factor", "0.9");
    }

    @Test
    void anExtremeSigmaFailsClearlyInsteadOfMakingAZeroSpeed() {
        DeviceModel m = Devices.logNormal(1, 1000, 1, 0, 1, 0);
        IllegalStateException e = null;
        for (int c = 0; c < 10 && e == null; c++) {
            int client = c;
            try {
                m.device(client, SEEDS);
            } catch (IllegalStateException x) {
                e = x;
            }
        }
        assertTrue(e != null, "a sigma of 1000 should overflow or underflow a speed among 10 clients");
        assertMessage(e, "sigma", "client");
    }
}
