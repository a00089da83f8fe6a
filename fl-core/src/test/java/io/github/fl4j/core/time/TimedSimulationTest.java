package io.github.fl4j.core.time;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fl4j.core.api.NoState;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The event engine on scalar problems where every number is known: FLSim's event list (O7), the staleness laws of
 * closed and open systems (O5, O6), the engine invariants, determinism for any thread count and bit-exact resume.
 */
class TimedSimulationTest {

    /** Client i holds sizes[i] samples a = 1, y = b[i]: f_i(x) = (x - b_i)^2 / 2. */
    static FederatedDataset scalar(double[] b, int[] sizes) {
        List<Dataset> parts = new ArrayList<>();
        for (int i = 0; i < b.length; i++) {
            double[][] a = new double[sizes[i]][1];
            double[][] y = new double[sizes[i]][1];
            for (int r = 0; r < sizes[i]; r++) {
                a[r][0] = 1;
                y[r][0] = b[i];
            }
            parts.add(new Dataset(Nd4j.createFromArray(a), Nd4j.createFromArray(y)));
        }
        return new FederatedDataset(parts, parts.get(0));
    }

    static FederatedDataset scalar(double... b) {
        int[] sizes = new int[b.length];
        java.util.Arrays.fill(sizes, 1);
        return scalar(b, sizes);
    }

    static SimulationConfig config(int versions, int threads) {
        return SimulationConfig.builder().rounds(versions).clientsPerRound(1).threads(threads).seed(7)
                .evalEvery(0).precision(Precision.FLOAT64).build();
    }

    /** Unit speed, unlimited bandwidth; session compute time multiplied by an Exp(1) draw per (client, session). */
    static final class ExponentialDurations implements DeviceModel {
        private final double[] mean;

        ExponentialDurations(double... mean) {
            this.mean = mean;
        }

        @Override
        public Device device(int client, SeedTree seeds) {
            double mu = mean.length == 1 ? mean[0] : mean[client];
            return new Device(1.0 / mu, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0);
        }

        @Override
        public double computeJitter(int client, long dispatch, SeedTree seeds) {
            return -Math.log(1.0 - seeds.stream(Purpose.DEVICE, dispatch, client).nextDouble());
        }

        @Override
        public String describe() {
            return "exponential" + java.util.Arrays.toString(mean);
        }
    }

    /** Records sessions and checks the engine invariants on every one. */
    static final class Trace implements TimeListener {
        final List<SessionRecord> sessions = new ArrayList<>();
        final List<TimeReport> reports = new ArrayList<>();
        final int maxInFlight;
        double last = 0;

        Trace(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }

        @Override
        public void onSession(SessionRecord r) {
            assertTrue(r.endTime() >= last, "virtual time went back: " + r);
            last = r.endTime();
            if (r.outcome() != SessionRecord.Outcome.FAILED) {
                assertEquals(r.startTime() + r.duration(), r.endTime(), 1e-9 * Math.max(1, r.endTime()),
                        "completion must be start + duration: " + r);
                assertTrue(r.staleness() >= 0, "staleness must be >= 0: " + r);
            } else {
                assertTrue(r.endTime() <= r.startTime() + r.duration(), "a failure must come before the end: " + r);
            }
            assertTrue(r.inFlight() + 1 <= maxInFlight, "in flight " + (r.inFlight() + 1) + " > " + maxInFlight);
            sessions.add(r);
        }

        @Override
        public void onVersion(TimeReport r) {
            assertTrue(r.time() >= (reports.isEmpty() ? 0 : reports.get(reports.size() - 1).time()));
            assertTrue(r.inFlight() <= maxInFlight);
            reports.add(r);
        }
    }

    /**
     * O7, FLSim's own event-list test: (gap, duration) = (1,3), (2,5), (2,1), (10,10) gives start@1, start@3,
     * end@4 (tau 0), start@5, end@6 (tau 0), end@8 (tau 2), start@15, end@25 (tau 0). Durations are sample counts at
     * one sample per second, so every time is an exact integer.
     */
    @Test
    void o7EventList() {
        Trace trace = new Trace(4);
        TimedResult<BufferedDelta.State> r = TimedSimulation.builder(new BufferedDelta(1, 0.5, Staleness.constant()))
                .model(new LeastSquares(1)).data(scalar(new double[] {0, 1, 2, 3}, new int[] {3, 5, 1, 10}))
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, 1)).config(config(4, 1))
                .schedule(Schedule.replay(new double[] {1, 3, 5, 15}, new int[] {0, 1, 2, 3}))
                .listener(trace).build().run();
        double[][] expected = {{0, 1, 4, 0}, {2, 5, 6, 0}, {1, 3, 8, 2}, {3, 15, 25, 0}};
        assertEquals(4, trace.sessions.size());
        for (int i = 0; i < 4; i++) {
            SessionRecord s = trace.sessions.get(i);
            assertEquals((int) expected[i][0], s.client(), "client of end " + i);
            assertEquals(expected[i][1], s.startTime(), "start of end " + i);
            assertEquals(expected[i][2], s.endTime(), "end " + i);
            assertEquals((long) expected[i][3], s.staleness(), "staleness of end " + i);
        }
        assertEquals(25.0, r.virtualTime());
        assertArrayEquals(new long[] {3, 0, 1}, r.stalenessHistogram());
        assertEquals(8, r.counts().events());
    }

    /**
     * O5: a closed system of C clients always busy with iid Exp(1) durations and one version per update has staleness
     * Geometric(1/C) on {0, 1, ...}: mean C - 1, variance C(C - 1): 7 and 56 for C = 8. Checked within 5 standard
     * errors (batch means, since successive stalenesses are correlated).
     */
    @Test
    void o5ClosedSystemStalenessIsGeometric() {
        int c = 8;
        int updates = 30_000;
        Trace trace = new Trace(c);
        TimedSimulation.builder(new BufferedDelta(1, 0.5, Staleness.constant()))
                .model(new LeastSquares(1)).data(scalar(new double[c])).config(config(updates, 1))
                .schedule(Schedule.closed(c)).devices(new ExponentialDurations(1.0)).listener(trace).build().run();
        double[] tau = trace.sessions.stream().skip(1000).mapToDouble(SessionRecord::staleness).toArray();
        assertWithin(tau, 7.0, 56.0);
    }

    /**
     * O5 with a buffer: C = 100 always busy, one version per K = 10 updates: the mean staleness is about (C - 1)/K
     * (9.9; a long simulation gives 9.895), checked within 5 batch-means standard errors plus 0.1 for "about".
     */
    @Test
    void o5WithABufferTheMeanStalenessIsAboutCMinusOneOverK() {
        Trace trace = new Trace(100);
        TimedSimulation.builder(new BufferedDelta(10, 0.5, Staleness.constant()))
                .model(new LeastSquares(1)).data(scalar(new double[100])).config(config(3_000, 1))
                .schedule(Schedule.closed(100)).devices(new ExponentialDurations(1.0)).listener(trace).build().run();
        double[] tau = trace.sessions.stream().skip(2000).mapToDouble(SessionRecord::staleness).toArray();
        int batches = 50;
        int per = tau.length / batches;
        double[] bm = new double[batches];
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < per; i++) {
                bm[b] += tau[b * per + i] / per;
            }
        }
        double m = java.util.Arrays.stream(bm).average().orElseThrow();
        double se = sd(bm) / Math.sqrt(batches);
        assertEquals(9.895, m, 5 * se + 0.1, "mean staleness " + m + " (se " + se + ")");
    }

    /**
     * O6: an open system with Poisson starts at rate 10 and Exp(1) durations: tau | T ~ Poisson(10 T), so E[tau] = 10
     * and Var[tau] = 10 + 100 = 110; the mean number in flight is 10 (Little's law).
     */
    @Test
    void o6OpenSystemStalenessIsMixedPoisson() {
        int updates = 30_000;
        Trace trace = new Trace(1000);
        TimedResult<BufferedDelta.State> r = TimedSimulation.builder(new BufferedDelta(1, 0.5, Staleness.constant()))
                .model(new LeastSquares(1)).data(scalar(new double[1000])).config(config(updates, 1))
                .schedule(Schedule.poisson(10)).devices(new ExponentialDurations(1.0)).listener(trace).build()
                .run();
        double[] tau = trace.sessions.stream().skip(1000).mapToDouble(SessionRecord::staleness).toArray();
        assertWithin(tau, 10.0, 110.0);
        double[] inFlight = trace.reports.stream().skip(1000).mapToDouble(TimeReport::inFlight).toArray();
        double meanInFlight = java.util.Arrays.stream(inFlight).average().orElseThrow();
        assertEquals(10.0, meanInFlight, 0.5, "Little's law: mean in flight = rate x mean duration");
        assertEquals(0, r.counts().skippedStarts());
    }

    /** Mean and variance within 5 standard errors estimated by 50 batch means. */
    static void assertWithin(double[] x, double mean, double variance) {
        int batches = 50;
        int per = x.length / batches;
        double[] bm = new double[batches];
        double[] bv = new double[batches];
        for (int b = 0; b < batches; b++) {
            double s = 0;
            for (int i = 0; i < per; i++) {
                s += x[b * per + i];
            }
            double m = s / per;
            double v = 0;
            for (int i = 0; i < per; i++) {
                v += (x[b * per + i] - mean) * (x[b * per + i] - mean);
            }
            bm[b] = m;
            bv[b] = v / per;
        }
        double m = java.util.Arrays.stream(bm).average().orElseThrow();
        double v = java.util.Arrays.stream(bv).average().orElseThrow();
        double seM = sd(bm) / Math.sqrt(batches);
        double seV = sd(bv) / Math.sqrt(batches);
        assertEquals(mean, m, 5 * seM, "mean staleness " + m + " (se " + seM + ")");
        assertEquals(variance, v, 5 * seV, "staleness variance " + v + " (se " + seV + ")");
    }

    static double sd(double[] a) {
        double m = java.util.Arrays.stream(a).average().orElseThrow();
        double s = 0;
        for (double v : a) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (a.length - 1));
    }

    static TimedSimulation.Builder<BufferedDelta.State, NoState> closedRun(int threads, int versions) {
        double[] b = new double[12];
        int[] sizes = new int[12];
        for (int i = 0; i < b.length; i++) {
            b[i] = i;
            sizes[i] = 1 + i % 4;
        }
        return TimedSimulation.builder(new BufferedDelta(3, 0.7, Staleness.polynomial(0.5)))
                .model(new LeastSquares(1)).data(scalar(b, sizes)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(versions, threads)).schedule(Schedule.closed(5))
                .devices(new ExponentialDurations(1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3));
    }

    @Test
    void sameBitsForOneTwoAndFourThreads() {
        TimedResult<BufferedDelta.State> one = closedRun(1, 200).build().run();
        for (int threads : new int[] {2, 4}) {
            TimedResult<BufferedDelta.State> other = closedRun(threads, 200).build().run();
            assertEquals(one.finalParameters(), other.finalParameters(), threads + " threads");
            assertEquals(strip(one.reports()), strip(other.reports()), threads + " threads");
            assertEquals(one.ledger().entries(), other.ledger().entries());
            assertEquals(one.counts(), other.counts());
        }
    }

    @Test
    void boundedLedgerWithAnEntryFileResumesByteForByte(@TempDir Path dir) throws Exception {
        Path wholeFile = dir.resolve("whole.bin");
        TimedResult<BufferedDelta.State> whole = closedRun(2, 90).ledger(
                io.github.fl4j.core.comm.LedgerOptions.keepAll().writingEntriesTo(wholeFile)).build().run();
        Path file = dir.resolve("resumed.bin");
        io.github.fl4j.core.comm.LedgerOptions bounded = io.github.fl4j.core.comm.LedgerOptions.totalsOnly()
                .writingEntriesTo(file);
        Path checkpoints = dir.resolve("checkpoints");
        TimedResult<BufferedDelta.State> first = closedRun(2, 90).ledger(bounded).checkpointEvery(30, checkpoints)
                .build().run();
        assertTrue(whole.ledger().sameAs(first.ledger()));
        assertEquals(strip(whole.reports()), strip(first.reports()));
        TimedResult<BufferedDelta.State> resumed = closedRun(1, 90).ledger(bounded).build().resumeFrom(
                io.github.fl4j.core.state.CheckpointDirectory.file(checkpoints, 60));
        assertTrue(whole.ledger().sameAs(resumed.ledger()));
        assertArrayEquals(java.nio.file.Files.readAllBytes(wholeFile), java.nio.file.Files.readAllBytes(file));
        assertEquals(whole.ledger().entries(), io.github.fl4j.core.comm.LedgerFile.read(file).entries());
    }

    static List<TimeReport> strip(List<TimeReport> r) {
        return r.stream().map(TimeReport::withoutTimings).toList();
    }

    @Test
    void resumeInTheMiddleOfAsynchronyIsBitExact(@TempDir Path dir) throws Exception {
        TimedResult<BufferedDelta.State> full = closedRun(2, 90).checkpointEvery(30, dir).build().run();
        Path mid = io.github.fl4j.core.state.CheckpointDirectory.file(dir, 60);
        assertTrue(java.nio.file.Files.exists(mid), "checkpoint at version 60");
        TimedResult<BufferedDelta.State> resumed = closedRun(1, 90).build().resumeFrom(mid);
        assertEquals(full.finalParameters(), resumed.finalParameters());
        assertEquals(strip(full.reports()), strip(resumed.reports()));
        assertEquals(full.ledger().entries(), resumed.ledger().entries());
        assertEquals(full.counts(), resumed.counts());
        assertEquals(full.virtualTime(), resumed.virtualTime());
        assertArrayEquals(full.stalenessHistogram(), resumed.stalenessHistogram());
    }

    @Test
    void equalDevicesTimeIsSamplesProcessed() {
        // every client holds 2 samples and takes one full-batch step: every session lasts exactly 2 s
        Trace trace = new Trace(3);
        TimedResult<BufferedDelta.State> r = TimedSimulation.builder(new BufferedDelta(3, 1.0, Staleness.constant()))
                .model(new LeastSquares(1)).data(scalar(new double[] {0, 1, 5}, new int[] {2, 2, 2}))
                .initialParameters(Nd4j.zeros(DataType.DOUBLE, 1)).config(config(5, 1))
                .schedule(Schedule.closed(3)).listener(trace).build().run();
        for (int v = 0; v < 5; v++) {
            assertEquals(2.0 * (v + 1), r.reports().get(v).time());
            assertEquals(0, r.reports().get(v).stalenessMax());
        }
        // x <- x + (1/3) sum (b_i - x): 2, 2, ... exactly (mean of b is 2)
        assertEquals(2.0, r.finalParameters().getDouble(0), 1e-15);
        assertEquals(Tensors.toDoubleArray(r.finalParameters())[0], 2.0, 1e-15);
    }

    @Test
    void aClientGoingOfflineLosesItsSessionAndStartsWhenBack() {
        Trace trace = new Trace(1);
        TimedResult<BufferedDelta.State> r = TimedSimulation.builder(new BufferedDelta(1, 1.0, Staleness.constant()))
                .model(new LeastSquares(1)).data(scalar(4.0)).initialParameters(Nd4j.zeros(DataType.DOUBLE, 1))
                .config(config(2, 1)).schedule(Schedule.closed(1))
                .availability(AvailabilityModels.replay(java.util.Map.of(0, new double[] {0, 1.5, 3, 100})))
                .listener(trace).build().run();
        // session 1: 0 -> 1 applied; session 2: 1 -> offline at 1.5, lost; session 3 starts when back at 3, ends 4
        assertEquals(3, trace.sessions.size());
        assertEquals(SessionRecord.Outcome.APPLIED, trace.sessions.get(0).outcome());
        assertEquals(SessionRecord.Outcome.FAILED, trace.sessions.get(1).outcome());
        assertEquals(1.5, trace.sessions.get(1).endTime());
        assertEquals(3.0, trace.sessions.get(2).startTime());
        assertEquals(4.0, trace.sessions.get(2).endTime());
        assertEquals(4.0, r.virtualTime());
        assertEquals(1, r.counts().failed());
        assertEquals(4.0, r.finalParameters().getDouble(0), 1e-15);
    }

    @Test
    void theClosedScheduleStartsOnlineClientsFirst() {
        // clients 0-2 come online at t = 100, client 3 is always online: until 100 only client 3 may start
        Trace trace = new Trace(2);
        TimedSimulation.builder(new BufferedDelta(1, 1.0, Staleness.constant()))
                .model(new LeastSquares(1)).data(scalar(0, 1, 2, 3)).config(config(150, 1))
                .schedule(Schedule.closed(2))
                .availability(AvailabilityModels.replay(java.util.Map.of(0, new double[] {100, 1e9},
                        1, new double[] {100, 1e9}, 2, new double[] {100, 1e9}, 3, new double[] {0, 1e9})))
                .listener(trace).build().run();
        for (SessionRecord r : trace.sessions) {
            if (r.startTime() < 100) {
                assertEquals(3, r.client(), "only the online client starts before t = 100: " + r);
            }
        }
        // the second slot waits for the first client to come online (client 0 at t = 100)
        assertTrue(trace.sessions.stream().anyMatch(r -> r.client() == 0 && r.startTime() == 100.0));
    }
}
