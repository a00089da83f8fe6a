package io.github.fl4j.examples;

import io.github.fl4j.algorithms.async.FedAsync;
import io.github.fl4j.algorithms.async.FedBuff;
import io.github.fl4j.algorithms.async.FedFix;
import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.Labels;
import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.data.io.IdxReader;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.core.time.Device;
import io.github.fl4j.core.time.DeviceModel;
import io.github.fl4j.core.time.Devices;
import io.github.fl4j.core.time.Schedule;
import io.github.fl4j.core.time.SessionRecord;
import io.github.fl4j.core.time.TimeCsvWriter;
import io.github.fl4j.core.time.TimeListener;
import io.github.fl4j.core.time.TimeReport;
import io.github.fl4j.core.time.TimedResult;
import io.github.fl4j.core.time.TimedSimulation;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Asynchronous against synchronous federated learning on a virtual clock: MNIST, softmax regression, 100 clients with
 * log-normal devices, compared on <em>virtual</em> time (modelled from the devices and the exact bit counts, never
 * measured) and on total bits.
 *
 * <p><b>Setup.</b> MNIST split over 100 clients by McMahan's shards (2 shards of 300 images per client, sorted by
 * label: each client holds at most two digits, 600 images). Every algorithm trains the same way locally (10 SGD steps
 * of batch 10 at learning rate 0.05) from the same seed. Devices ({@code Devices.logNormal}): compute speed median
 * 200 samples/s with sigma 1.0, uplink median 500 kbit/s with sigma 1.0, downlink median 2 Mbit/s with sigma 1.0, and
 * a per-session compute jitter of sigma 0.3. A model is 7,850 float32 values (251,200 bits), so a median device spends
 * 0.5 s computing, 0.5 s uploading and 0.13 s downloading: communication is about half of a session. Every run gets
 * the same virtual-time budget (default 600 s) and is compared at its end:
 * <ul>
 *   <li>FedAvg waiting for all: 10 clients per round, the round closes when the slowest has uploaded;</li>
 *   <li>FedAvg with a deadline D: the 70th percentile of a session's duration over the 100 devices (20 sessions each,
 *       with their jitter, exactly as the engine draws them); later uploads are dropped and counted as waste;</li>
 *   <li>FedAsync: 10 sessions always in flight, alpha 0.3 (with the default 0.9 each arrival pulls the model
 *       too far toward one client's two digits: tail accuracy 0.878 against 0.898), staleness weight
 *       (1 + tau)^-1/2;</li>
 *   <li>FedBuff: buffer K = 10, 30 sessions in flight, server learning rate 1, same staleness weight;</li>
 *   <li>FedFix: aggregation every D seconds (the deadline), 10 sessions in flight, unbiased weights.</li>
 * </ul>
 * Printed: final test accuracy, the mean accuracy over the versions evaluated in the last 20 % of the virtual time
 * ("tail"), virtual time to the target accuracy (0.85), server versions, applied uploads, uplink
 * and downlink Mbit, wasted sessions and their Mbit, mean and maximum staleness, and the wall time of each run. Files
 * in {@code out}: one CSV per run ({@link TimeCsvWriter}), {@code staleness.csv} and PNG plots of accuracy against
 * virtual time and of the staleness histograms.
 *
 * <p><b>Data-speed coupling.</b> Then every client holds one digit (1 shard of 600), and the clients whose digit is
 * {@code label} (default 3) compute {@code factor} (default 10) times slower ({@code Devices.slowForLabel}). Every
 * client is now always training in the asynchronous runs (C = 100 sessions in flight for FedAsync, FedBuff and
 * FedFix), the setting in which a client's share of the arrivals follows its speed. The table shows the test accuracy
 * on that digit alone (the model's own evaluation on the test rows of that digit), averaged over the versions
 * evaluated in the last 20 % of the virtual time (one model is noisy: the last uploads pull it toward their digits),
 * next to the mean over the other digits, the same two numbers for the same runs without the slow-down, the share of
 * applied uploads that came from the slow clients (their share of the data is about 10 %) and the mean staleness of
 * their uploads and of the others', for the same five algorithms plus FedFix with plain weights
 * ({@code unbiased(false)}, its server learning rate scaled so that its mean step matches the unbiased run's).
 *
 * <p>Run (about 3 minutes on 2 cores, Maven included):
 * {@code mvn -B -q -pl examples -am test-compile exec:java -Dexec.mainClass=io.github.fl4j.examples.AsyncVersusSync}.
 * Arguments ({@code key=value}): {@code mnist} (folder with the four IDX files; by default {@code -Dfl4j.mnist} or
 * {@code FL4J_MNIST} if set, else downloaded once into {@code ~/.fl4j/datasets/mnist} by
 * {@link io.github.fl4j.core.data.io.MnistDatasets}), {@code time} (virtual seconds per run; 600), {@code versions} (at
 * most this many server versions per run; 1000000), {@code target} (0.85), {@code lr} (0.05), {@code steps} (10),
 * {@code batch} (10), {@code alpha} (FedAsync's; 0.3), {@code percentile} (of the session duration, for the deadline
 * and FedFix's period; 70), {@code part} (all, compare or coupled; all), {@code label} (3), {@code factor} (10),
 * {@code concurrency} (sessions in flight of the asynchronous runs of the coupled part, one number or three for
 * FedAsync, FedBuff and FedFix; 100), {@code reference} (run the coupled part without the slow-down too; true),
 * {@code threads} (2), {@code seed} (1), {@code out} (out/async-versus-sync).
 */
public final class AsyncVersusSync {
    private static final int CLIENTS = 100;
    private static final int CLASSES = 10;
    private static final int CLIENTS_PER_ROUND = 10;
    private static final int BUFFER = 10;
    private static final double SPEED_MEDIAN = 200;
    private static final double SPEED_SIGMA = 1.0;
    private static final double UPLINK_MEDIAN = 500e3;
    private static final double UPLINK_SIGMA = 1.0;
    private static final double DOWNLINK_MEDIAN = 2e6;
    private static final double DOWNLINK_SIGMA = 1.0;
    private static final double JITTER_SIGMA = 0.3;
    /** One colour per algorithm, the same in every plot. */
    private static final java.awt.Color[] PALETTE = {new java.awt.Color(0x1f77b4), new java.awt.Color(0xff7f0e),
        new java.awt.Color(0x2ca02c), new java.awt.Color(0xd62728), new java.awt.Color(0x9467bd),
        new java.awt.Color(0x8c564b)};
    /** The tail of a run over which accuracies are averaged: its last 20 % of virtual time. */
    private static final double TAIL = 0.2;

    private AsyncVersusSync() {
    }

    /** What every run of one scenario shares. */
    private record Setup(FederatedDataset data, Dataset[] testByClass, Model model, DeviceModel devices, int steps,
                         int batch, double lr, double time, int versions, int threads, long seed, double target,
                         BitSet slow, Path out) {
    }

    /** One finished run. */
    private record Run(String name, TimedResult<?> result, double accuracy, double tailAccuracy,
                       double[] tailClassAccuracy, Group slow, Group others, double wallSeconds) {
    }

    /** Applied uploads of a group of clients and the sum of their staleness. */
    private static final class Group {
        long applied;
        long staleness;

        double meanStaleness() {
            return applied == 0 ? Double.NaN : (double) staleness / applied;
        }
    }

    /** Runs the example; arguments are {@code key=value} pairs (see the class comment). */
    public static void main(String[] args) throws Exception {
        // Many runs: keep the per-version log lines out of the table (examples' logback.xml reads this property).
        System.setProperty("fl4j.log.level", System.getProperty("fl4j.log.level", "WARN"));
        Args a = Args.parse(args);
        Path dir = ExampleData.mnist(a);
        double time = a.doubleValue("time", 600);
        int versions = a.intValue("versions", 1_000_000);
        double target = a.doubleValue("target", 0.85);
        double lr = a.doubleValue("lr", 0.05);
        int steps = a.intValue("steps", 10);
        int batch = a.intValue("batch", 10);
        double alpha = a.doubleValue("alpha", 0.3);
        double percentile = a.doubleValue("percentile", 70);
        int label = a.intValue("label", 3);
        double factor = a.doubleValue("factor", 10);
        String part = a.value("part", "all").toLowerCase(Locale.ROOT);
        int threads = a.intValue("threads", 2);
        long seed = a.longValue("seed", 1);
        Path out = Path.of(a.value("out", "out/async-versus-sync"));
        Concurrency coupledConcurrency = Concurrency.parse(a.value("concurrency", Integer.toString(CLIENTS)));
        boolean withReference = Boolean.parseBoolean(a.value("reference", "true"));
        if (!part.equals("all") && !part.equals("compare") && !part.equals("coupled")) {
            throw new IllegalArgumentException("part must be all, compare or coupled, was '" + part + "'");
        }
        if (!(percentile > 0 && percentile < 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100), was " + percentile);
        }

        long wall0 = System.nanoTime();
        Dataset train = IdxReader.mnist(dir, true, Precision.FLOAT32);
        Dataset test = IdxReader.mnist(dir, false, Precision.FLOAT32);
        Dataset[] testByClass = byClass(test);
        Model model = new SoftmaxRegression(784, CLASSES);
        DeviceModel devices = Devices.withJitter(Devices.logNormal(SPEED_MEDIAN, SPEED_SIGMA, UPLINK_MEDIAN,
                UPLINK_SIGMA, DOWNLINK_MEDIAN, DOWNLINK_SIGMA), JITTER_SIGMA);

        // The deadline (and FedFix's period) from the distribution of a session's duration on these devices.
        long bits = 32L * model.dimension();
        double[] durations = sessionDurations(devices, CLIENTS, seed, bits, bits, (long) steps * batch, 20);
        double deadline = quantile(durations, percentile / 100);
        System.out.printf(Locale.ROOT, "MNIST, softmax regression (d = %d, %d bits per model), %d clients, %d local "
                        + "steps of batch %d at lr %s, seed %d, %s virtual seconds per run%n", model.dimension(), bits,
                CLIENTS, steps, batch, lr, seed, trim(time));
        System.out.printf(Locale.ROOT, "devices: speed median %s samples/s (sigma %s), uplink median %s kbit/s "
                        + "(sigma %s), downlink median %s kbit/s (sigma %s), compute jitter sigma %s%n",
                trim(SPEED_MEDIAN), trim(SPEED_SIGMA), trim(UPLINK_MEDIAN / 1e3), trim(UPLINK_SIGMA),
                trim(DOWNLINK_MEDIAN / 1e3), trim(DOWNLINK_SIGMA), trim(JITTER_SIGMA));
        System.out.printf(Locale.ROOT, "session duration over %d sessions: 10%% %.2f s, median %.2f s, 70%% %.2f s, "
                        + "90%% %.2f s, max %.1f s; deadline and FedFix period = %s%% quantile = %.2f s%n",
                durations.length, quantile(durations, 0.1), quantile(durations, 0.5), quantile(durations, 0.7),
                quantile(durations, 0.9), quantile(durations, 1), trim(percentile), deadline);

        if (!part.equals("coupled")) {
            FederatedDataset data = Partitioners.shards(train, test, CLIENTS, 2,
                    new SeedTree(seed).stream(Purpose.PARTITION));
            Setup s = new Setup(data, testByClass, model, devices, steps, batch, lr, time, versions, threads, seed,
                    target, new BitSet(), out.resolve("compare"));
            System.out.printf(Locale.ROOT, "%nShards: 2 per client (at most two digits each)%n");
            List<Run> runs = compare(s, deadline, alpha, new Concurrency(10, 30, 10), false);
            printTable(runs, target);
            writeFiles(runs, s.out(), "shards (2 per client)");
        }
        if (!part.equals("compare")) {
            FederatedDataset data = Partitioners.shards(train, test, CLIENTS, 1,
                    new SeedTree(seed).stream(Purpose.PARTITION));
            DeviceModel coupled = Devices.slowForLabel(devices, data, label, factor);
            BitSet slow = new BitSet(CLIENTS);
            for (int i = 0; i < CLIENTS; i++) {
                if (coupled.device(i, new SeedTree(seed)).samplesPerSecond()
                        < devices.device(i, new SeedTree(seed)).samplesPerSecond()) {
                    slow.set(i);
                }
            }
            Setup s = new Setup(data, testByClass, model, coupled, steps, batch, lr, time, versions, threads, seed,
                    target, slow, out.resolve("coupled"));
            System.out.printf(Locale.ROOT, "%nData-speed coupling: 1 shard per client (one digit each); the %d clients "
                    + "whose digit is %d compute %s times slower; asynchronous algorithms with C = %d, %d, %d%n",
                    slow.cardinality(), label, trim(factor), coupledConcurrency.fedAsync(),
                    coupledConcurrency.fedBuff(), coupledConcurrency.fedFix());
            List<Run> runs = compare(s, deadline, alpha, coupledConcurrency, true);
            printTable(runs, target);
            List<Run> reference = null;
            if (withReference) {
                // The same runs without the slow-down: how well each algorithm learns the digit anyway.
                System.out.printf(Locale.ROOT, "%nReference: the same, without the slow-down%n");
                reference = compare(new Setup(data, testByClass, model, devices, steps, batch, lr, time, versions,
                        threads, seed, target, slow, out.resolve("coupled-reference")), deadline, alpha,
                        coupledConcurrency, true);
            }
            printBias(runs, reference, label, slow.cardinality());
            writeFiles(runs, s.out(), "one digit per client, digit " + label + " " + trim(factor) + "x slower");
        }
        System.out.printf(Locale.ROOT, "%ntotal wall time %.1f s; files in %s%n", (System.nanoTime() - wall0) / 1e9,
                out.toAbsolutePath().normalize());
    }

    /** How many sessions each asynchronous algorithm keeps in flight. */
    private record Concurrency(int fedAsync, int fedBuff, int fedFix) {
        /** One number for all three, or three numbers "fedAsync,fedBuff,fedFix". */
        static Concurrency parse(String v) {
            String[] p = v.split(",");
            try {
                if (p.length == 1) {
                    int c = Integer.parseInt(p[0].trim());
                    return new Concurrency(c, c, c);
                }
                if (p.length == 3) {
                    return new Concurrency(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()),
                            Integer.parseInt(p[2].trim()));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("concurrency must be one integer or three (FedAsync,FedBuff,FedFix), "
                    + "was '" + v + "'");
        }
    }

    /** The five algorithms (and FedFix with plain weights when {@code plain}), in that order. */
    private static List<Run> compare(Setup s, double deadline, double alpha, Concurrency c, boolean plain)
            throws IOException {
        List<Run> runs = new ArrayList<>();
        FedAvg fedAvg = FedAvg.builder().localSteps(s.steps(), s.batch()).localLearningRate(s.lr())
                .weighting(WeightedMean.Weighting.UNIFORM).build();
        runs.add(run("FedAvg (wait for all)", TimedSimulation.synchronous(fedAvg).schedule(Schedule.rounds()), 1, s));
        runs.add(run(String.format(Locale.ROOT, "FedAvg (deadline %.2f s)", deadline),
                TimedSimulation.synchronous(fedAvg).schedule(Schedule.rounds().deadline(deadline)), 1, s));
        // Evaluation every C arrivals for FedAsync and FedBuff (about once per mean session), every version for the
        // others: a few virtual seconds apart for every algorithm.
        FedAsync fedAsync = FedAsync.builder().localSteps(s.steps(), s.batch()).localLearningRate(s.lr())
                .alpha(alpha).build();
        runs.add(run("FedAsync (C = " + c.fedAsync() + ")", TimedSimulation.builder(fedAsync)
                .schedule(Schedule.closed(c.fedAsync())), c.fedAsync(), s));
        FedBuff fedBuff = FedBuff.builder().localSteps(s.steps(), s.batch()).localLearningRate(s.lr())
                .bufferSize(BUFFER).build();
        runs.add(run("FedBuff (K = " + BUFFER + ", C = " + c.fedBuff() + ")", TimedSimulation.builder(fedBuff)
                .schedule(Schedule.closed(c.fedBuff())), Math.max(1, c.fedBuff() / BUFFER), s));
        FedFix fedFix = FedFix.builder().localSteps(s.steps(), s.batch()).localLearningRate(s.lr()).period(deadline)
                .build();
        Run unbiased = run("FedFix (C = " + c.fedFix() + ")", TimedSimulation.builder(fedFix)
                .schedule(Schedule.closed(c.fedFix())), 1, s);
        runs.add(unbiased);
        if (plain) {
            // Plain weights p_i = 1/N sum to (uploads per aggregation) / N instead of about 1: scale the server step
            // so that its mean matches the unbiased run's, and only the relative weights differ.
            TimedResult<?> r = unbiased.result();
            double perAggregation = (double) r.counts().applied() / Math.max(1, r.reports().size());
            double eta = CLIENTS / perAggregation;
            FedFix fedFixPlain = FedFix.builder().localSteps(s.steps(), s.batch()).localLearningRate(s.lr())
                    .period(deadline).unbiased(false).serverLearningRate(eta).build();
            runs.add(run(String.format(Locale.ROOT, "FedFix plain (C = %d, eta %.1f)", c.fedFix(), eta),
                    TimedSimulation.builder(fedFixPlain).schedule(Schedule.closed(c.fedFix())), 1, s));
        }
        return runs;
    }

    private static Run run(String name, TimedSimulation.Builder<?, ?> builder, int evalEvery, Setup s)
            throws IOException {
        Group slow = new Group();
        Group others = new Group();
        TimeListener groups = new TimeListener() {
            @Override
            public void onSession(SessionRecord r) {
                if (r.outcome() == SessionRecord.Outcome.APPLIED) {
                    Group g = s.slow().get(r.client()) ? slow : others;
                    g.applied++;
                    g.staleness += r.staleness();
                }
            }
        };
        // Per-digit accuracy is noisy from one model when every client holds one digit (the last uploads pull the
        // model toward their digits), so it is averaged over the versions evaluated in the tail of the run.
        double tailStart = (1 - TAIL) * s.time();
        double[] classSums = new double[CLASSES];
        int[] tailModels = new int[1];
        INDArray copy = Tensors.zeros(Precision.FLOAT32, s.model().dimension());
        TimeListener perClass = new TimeListener() {
            @Override
            public void onServerModel(long version, INDArray model) {
                Tensors.copy(model, copy);
            }

            @Override
            public void onVersion(TimeReport r) {
                if (r.evaluated() && r.time() >= tailStart && !s.slow().isEmpty()) {
                    for (int c = 0; c < CLASSES; c++) {
                        classSums[c] += s.model().evaluate(copy, s.testByClass()[c]).accuracy();
                    }
                    tailModels[0]++;
                }
            }
        };
        long t0 = System.nanoTime();
        TimedResult<?> r;
        try (TimeCsvWriter csv = new TimeCsvWriter(s.out().resolve(slug(name) + ".csv"))) {
            r = builder.config(SimulationConfig.builder().rounds(s.versions()).clientsPerRound(CLIENTS_PER_ROUND)
                            .threads(s.threads()).seed(s.seed()).evalEvery(evalEvery).precision(Precision.FLOAT32)
                            .build())
                    .model(s.model()).data(s.data()).devices(s.devices()).maxTime(s.time())
                    .listener(csv).listener(groups).listener(perClass)
                    .build().run();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double accuracy = s.model().evaluate(r.finalParameters(), s.data().test()).accuracy();
        double[] tailClass = new double[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            tailClass[c] = classSums[c] / tailModels[0];
        }
        long evalNanos = r.reports().stream().mapToLong(TimeReport::evalNanos).sum();
        long silent = Arrays.stream(r.appliedPerClient()).filter(k -> k == 0).count();
        System.out.printf(Locale.ROOT, "  %-32s done: %d versions, %d sessions, %d events, %d clients never applied, "
                        + "%.1f s wall (%.1f s of it evaluating)%n", name, r.reports().size(), r.counts().started(),
                r.counts().events(), silent, wall, evalNanos / 1e9);
        return new Run(name, r, accuracy, tail(r, tailStart), tailClass, slow, others, wall);
    }

    private static void printTable(List<Run> runs, double target) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-32s %8s %8s %7s %8s %8s %8s %8s %8s %7s %8s %8s %5s %6s%n", "algorithm",
                "accuracy", "tail", "t@" + trim(target), "up@" + trim(target), "versions", "applied", "up Mbit",
                "dn Mbit", "wasted", "wst Mbit", "mean tau", "max", "wall s");
        for (Run run : runs) {
            TimedResult<?> r = run.result();
            TimeReport reached = r.reports().stream().filter(rep -> rep.evaluated() && rep.testAccuracy() >= target)
                    .findFirst().orElse(null);
            long[] h = r.stalenessHistogram();
            long n = 0;
            long sum = 0;
            for (int tau = 0; tau < h.length; tau++) {
                n += h[tau];
                sum += tau * h[tau];
            }
            System.out.printf(Locale.ROOT, "%-32s %8.4f %8.4f %7s %8s %8d %8d %8.0f %8.0f %7d %8.0f %8.2f %5d %6.1f%n",
                    run.name(), run.accuracy(), run.tailAccuracy(),
                    reached == null ? "-" : String.format(Locale.ROOT, "%.0f s", reached.time()),
                    reached == null ? "-" : String.format(Locale.ROOT, "%.0f", reached.cumulativeUplink() / 1e6),
                    r.reports().size(), r.counts().applied(), r.ledger().totalBits(Direction.UPLINK) / 1e6,
                    r.ledger().totalBits(Direction.DOWNLINK) / 1e6, r.counts().wastedUpdates(),
                    r.counts().wastedBits() / 1e6, n == 0 ? Double.NaN : (double) sum / n, h.length - 1,
                    run.wallSeconds());
        }
        System.out.printf(Locale.ROOT, "(t@%s and up@%s: virtual time and uplink Mbit when the test accuracy first "
                + "reached %s; Mbit = 10^6 bits)%n", trim(target), trim(target), trim(target));
    }

    /** The mean test accuracy of the versions evaluated at or after virtual time {@code from}. */
    private static double tail(TimedResult<?> r, double from) {
        return r.reports().stream().filter(rep -> rep.evaluated() && rep.time() >= from)
                .mapToDouble(TimeReport::testAccuracy).average().orElse(Double.NaN);
    }

    private static void printBias(List<Run> runs, List<Run> reference, int label, int slowClients) {
        System.out.printf(Locale.ROOT, "%nTest accuracy averaged over the versions evaluated in the last %d%% of the "
                        + "virtual time (reference: without the slow-down):%n%-32s %8s %8s %8s %10s %10s %10s %7s %7s%n",
                Math.round(100 * TAIL), "algorithm", "all", "digit " + label, "others", "ref " + label,
                "ref others", "slow share", "tau slow", "tau fast");
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            Run ref = reference == null ? null : reference.get(i);
            long all = run.slow().applied + run.others().applied;
            System.out.printf(Locale.ROOT, "%-32s %8.4f %8.4f %8.4f %10s %10s %9.1f%% %7.1f %7.1f%n", run.name(),
                    run.tailAccuracy(), run.tailClassAccuracy()[label], othersMean(run, label),
                    ref == null ? "-" : String.format(Locale.ROOT, "%.4f", ref.tailClassAccuracy()[label]),
                    ref == null ? "-" : String.format(Locale.ROOT, "%.4f", othersMean(ref, label)),
                    100.0 * run.slow().applied / Math.max(1, all), run.slow().meanStaleness(),
                    run.others().meanStaleness());
        }
        System.out.printf(Locale.ROOT, "(slow share: the slow clients' share of the applied uploads; they are %d of "
                + "%d clients and hold %d%% of the data; tau: their mean staleness and the others')%n", slowClients,
                CLIENTS, Math.round(100.0 * slowClients / CLIENTS));
    }

    private static double othersMean(Run run, int label) {
        double sum = 0;
        for (int c = 0; c < CLASSES; c++) {
            if (c != label) {
                sum += run.tailClassAccuracy()[c];
            }
        }
        return sum / (CLASSES - 1);
    }

    /** Per-run CSV files are written by the runs; here the staleness histograms and the plots. */
    private static void writeFiles(List<Run> runs, Path dir, String title) throws IOException {
        Files.createDirectories(dir);
        try (Writer w = Files.newBufferedWriter(dir.resolve("staleness.csv"), StandardCharsets.UTF_8)) {
            w.write("algorithm,staleness,applied_uploads\n");
            for (Run run : runs) {
                long[] h = run.result().stalenessHistogram();
                for (int tau = 0; tau < h.length; tau++) {
                    w.write(String.format(Locale.ROOT, "\"%s\",%d,%d%n", run.name(), tau, h[tau]));
                }
            }
        }
        System.setProperty("java.awt.headless", "true");
        XYChart accuracy = new XYChartBuilder().width(900).height(600).title("Test accuracy against virtual time ("
                + title + ")").xAxisTitle("virtual time, s").yAxisTitle("test accuracy").build();
        XYChart staleness = new XYChartBuilder().width(900).height(600).title("Staleness of applied uploads ("
                + title + ")").xAxisTitle("1 + staleness (server versions), log scale")
                .yAxisTitle("fraction of applied uploads, log scale").build();
        for (XYChart c : new XYChart[] {accuracy, staleness}) {
            c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        }
        accuracy.getStyler().setYAxisMin(0.5);
        accuracy.getStyler().setYAxisMax(1.0);
        staleness.getStyler().setXAxisLogarithmic(true);
        staleness.getStyler().setYAxisLogarithmic(true);
        staleness.getStyler().setMarkerSize(5);
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            java.awt.Color color = PALETTE[i % PALETTE.length];
            List<double[]> pts = new ArrayList<>();
            for (TimeReport rep : run.result().reports()) {
                if (rep.evaluated()) {
                    pts.add(new double[] {rep.time(), rep.testAccuracy()});
                }
            }
            if (!pts.isEmpty()) {
                XYSeries line = accuracy.addSeries(run.name(), column(pts, 0), column(pts, 1));
                line.setMarker(SeriesMarkers.NONE);
                line.setLineColor(color);
            }
            long[] h = run.result().stalenessHistogram();
            long total = Arrays.stream(h).sum();
            if (h.length > 1 && total > 0) {
                // Synchronous runs have staleness 0 only and are left out; so are empty bins (log scale).
                List<double[]> bins = new ArrayList<>();
                for (int tau = 0; tau < h.length; tau++) {
                    if (h[tau] > 0) {
                        bins.add(new double[] {1 + tau, (double) h[tau] / total});
                    }
                }
                XYSeries line = staleness.addSeries(run.name(), column(bins, 0), column(bins, 1));
                line.setMarker(SeriesMarkers.CIRCLE);
                line.setMarkerColor(color);
                line.setLineColor(color);
            }
        }
        BitmapEncoder.saveBitmap(accuracy, dir.resolve("accuracy-time.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(staleness, dir.resolve("staleness.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * The modelled duration of {@code sessions} sessions of every client (sessions 1, 2, ... with their jitter), as
     * the engine computes it: latency + down bits / downlink + samples * jitter / speed + up bits / uplink.
     */
    static double[] sessionDurations(DeviceModel devices, int clients, long seed, long downBits, long upBits,
                                     long samples, int sessions) {
        SeedTree seeds = new SeedTree(seed);
        double[] out = new double[clients * sessions];
        for (int i = 0; i < clients; i++) {
            Device d = devices.device(i, seeds);
            for (int k = 1; k <= sessions; k++) {
                double jitter = devices.computeJitter(i, k, seeds);
                out[i * sessions + k - 1] = d.latencySeconds() + d.downloadSeconds(downBits)
                        + d.computeSeconds(samples, jitter) + d.uploadSeconds(upBits);
            }
        }
        Arrays.sort(out);
        return out;
    }

    /** The q-quantile of sorted values (linear interpolation). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** The test rows of each class. */
    private static Dataset[] byClass(Dataset test) {
        int[] labels = Labels.classIndices(test);
        Dataset[] out = new Dataset[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            final int cls = c;
            out[c] = test.rows(java.util.stream.IntStream.range(0, labels.length).filter(r -> labels[r] == cls)
                    .toArray());
        }
        return out;
    }

    private static double[] column(List<double[]> pts, int j) {
        double[] v = new double[pts.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = pts.get(i)[j];
        }
        return v;
    }

    private static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-|-$", "");
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
