package io.github.fl4j.benchmarks.time;

import io.github.fl4j.algorithms.async.FedBuff;
import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.benchmarks.BenchmarkEnvironment;
import io.github.fl4j.experiments.mnist.MnistFedAvgSetup;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.data.io.IdxReader;
import io.github.fl4j.core.model.LeastSquares;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.time.DeviceModel;
import io.github.fl4j.core.time.Devices;
import io.github.fl4j.core.time.Schedule;
import io.github.fl4j.core.time.TimeReport;
import io.github.fl4j.core.time.TimedResult;
import io.github.fl4j.core.time.TimedSimulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times the engine of simulations with time ({@link TimedSimulation}) in two parts, each printed with the JVM, the
 * worker threads, and the resident memory and heap used at its end.
 *
 * <ol>
 *   <li><b>Events per second.</b> FedBuff (K = 10, one local SGD step of batch 10) on least squares with 4 features,
 *       1,000 clients of 10 samples, log-normal devices, a closed system with C sessions in flight (100 and 1,000),
 *       about 10^6 events per run (2 per session; evaluation only at the end). One warm-up run per C, then
 *       {@code reps} runs; the median of events processed / wall seconds of {@code run()}.</li>
 *   <li><b>Per-update cost against synchronous FedAvg</b> (skipped without MNIST). MNIST split IID over 3,000
 *       clients (20 images each), softmax regression, the same local training everywhere (10 SGD steps of batch 10 at
 *       lr 0.05), 2 worker threads: FedBuff (K = 10) with 1,000 sessions in flight against FedAvg with 100 clients per
 *       round on the round engine ({@link Simulation}), and, for information, the same FedAvg on the time engine
 *       ({@code TimedSimulation.synchronous}). The runs are interleaved (A B C A B C ...) after one warm-up of each;
 *       every run applies the same number of client updates (20,000 by default). Reported: the median over the
 *       repetitions of the training wall time (evaluation excluded) per applied update (FedBuff) or per participating
 *       client (FedAvg), over the whole run and over its steady part (from the first 20 % of the updates on, which
 *       leaves out the start of the 1,000 first sessions), and the ratio FedBuff / FedAvg.</li>
 * </ol>
 *
 * <p>Run (from the repository root; the examples module has this module on its class path and runs main classes):
 * <pre>
 * mvn -B -q -pl examples -am test-compile exec:java -Dexec.mainClass=io.github.fl4j.benchmarks.time.TimedEngineBenchmark
 * </pre>
 * Arguments ({@code key=value}): {@code part} (all, events or mnist; all), {@code reps} (5), {@code threads} (2),
 * {@code events} (events per run of part 1; 1000000), {@code inflight} (C of part 1, comma-separated; 100,1000),
 * {@code updates} (client updates per run of part 2; 20000), {@code runs} (which of A, B, C part 2 runs, for
 * profiling one alone; ABC), {@code mnist} (folder of the IDX files; found beside the project by default, as for the
 * MNIST benchmark).
 */
public final class TimedEngineBenchmark {
    private static final int BUFFER = 10;

    private TimedEngineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("logback.configurationFile") == null) {
            // Quiet per-version logging; the file has its own name so that it cannot clash with an application's.
            System.setProperty("logback.configurationFile", "fl4j-benchmarks-logback.xml");
        }
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments must look like key=value, was '" + arg + "'");
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String part = a.getOrDefault("part", "all");
        if (!part.equals("all") && !part.equals("events") && !part.equals("mnist")) {
            throw new IllegalArgumentException("part must be all, events or mnist, was '" + part + "'");
        }
        int reps = Integer.parseInt(a.getOrDefault("reps", "5"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        long events = Long.parseLong(a.getOrDefault("events", "1000000"));
        int updates = Integer.parseInt(a.getOrDefault("updates", "20000"));
        int[] inflight = Arrays.stream(a.getOrDefault("inflight", "100,1000").split(",")).map(String::trim)
                .mapToInt(Integer::parseInt).toArray();

        NativeThreads.useOneThreadPerOp();
        System.out.println(BenchmarkEnvironment.describe());
        System.out.printf(Locale.ROOT, "JVM %s, max heap %d MiB, %d worker threads, %d repetitions after 1 warm-up%n",
                Runtime.version(), Runtime.getRuntime().maxMemory() >> 20, threads, reps);
        if (!part.equals("mnist")) {
            for (int c : inflight) {
                eventsPerSecond(c, events, reps, threads);
            }
            System.out.println("  " + memory());
        }
        if (!part.equals("events")) {
            Optional<Path> dir = a.containsKey("mnist") ? Optional.of(Path.of(a.get("mnist")))
                    : MnistFedAvgSetup.defaultDataDir();
            if (dir.isEmpty() || !Files.isDirectory(dir.get())) {
                System.out.println("\nPart 2 skipped: MNIST not found (pass mnist=<folder with the four IDX files> or "
                        + "-Dfl4j.mnist=<folder>)");
                return;
            }
            perUpdateCost(dir.get(), updates, reps, threads, a.getOrDefault("runs", "ABC"));
            System.out.println("  " + memory());
        }
    }

    // ---- part 1: events per second

    private static void eventsPerSecond(int concurrency, long events, int reps, int threads) {
        int clients = Math.max(1000, concurrency);
        FederatedDataset data = leastSquaresData(clients, 10, 4, 7);
        // One session is two events (start, end); a version is K applied sessions.
        int versions = (int) Math.max(1, (events / 2 + BUFFER - 1) / BUFFER);
        System.out.printf(Locale.ROOT, "%nPart 1: events per second. FedBuff (K = %d, 1 local step of batch 10) on "
                        + "least squares (4 features), %d clients of 10 samples, closed system C = %d, %d versions%n",
                BUFFER, clients, concurrency, versions);
        runLeastSquares(data, concurrency, Math.max(1, versions / 5), threads); // warm-up
        double[] rates = new double[reps];
        long[] counts = new long[reps];
        double[] seconds = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            TimedResult<?> res = runLeastSquares(data, concurrency, versions, threads);
            seconds[r] = (System.nanoTime() - t0) / 1e9;
            counts[r] = res.counts().events();
            rates[r] = counts[r] / seconds[r];
        }
        double med = median(rates);
        System.out.printf(Locale.ROOT, "  events per run %s, wall s %s%n", Arrays.toString(counts), fmt(seconds, "%.2f"));
        System.out.printf(Locale.ROOT, "  events per second: median %.0f (runs %s); 10^6 events in %.2f s%n", med,
                fmt(rates, "%.0f"), 1e6 / med);
    }

    private static TimedResult<?> runLeastSquares(FederatedDataset data, int concurrency, int versions, int threads) {
        FedBuff fedBuff = FedBuff.builder().localSteps(1, 10).localLearningRate(0.01).bufferSize(BUFFER).build();
        return TimedSimulation.builder(fedBuff)
                .config(SimulationConfig.builder().rounds(versions).threads(threads).seed(1).evalEvery(0)
                        .precision(Precision.FLOAT32).build())
                .model(new LeastSquares(data.featureCount())).data(data)
                .schedule(Schedule.closed(concurrency))
                .devices(Devices.logNormal(200, 1.0, 1e6, 1.0, 1e7, 1.0))
                .build().run();
    }

    /** Client i: {@code rows} samples a ~ N(0, I_p), y = a . w + 0.1 N(0, 1), w ~ N(0, I_p) shared. */
    static FederatedDataset leastSquaresData(int clients, int rows, int p, long seed) {
        RandomStream rng = new RandomStream(seed);
        double[] w = new double[p];
        for (int j = 0; j < p; j++) {
            w[j] = rng.nextGaussian();
        }
        List<Dataset> parts = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            float[][] x = new float[rows][p];
            float[][] y = new float[rows][1];
            for (int r = 0; r < rows; r++) {
                double dot = 0;
                for (int j = 0; j < p; j++) {
                    x[r][j] = (float) rng.nextGaussian();
                    dot += x[r][j] * w[j];
                }
                y[r][0] = (float) (dot + 0.1 * rng.nextGaussian());
            }
            parts.add(new Dataset(Nd4j.createFromArray(x), Nd4j.createFromArray(y)));
        }
        return new FederatedDataset(parts, parts.get(0));
    }

    // ---- part 2: FedBuff per applied update against FedAvg per participating client

    private static void perUpdateCost(Path dir, int updates, int reps, int threads, String runs)
            throws IOException {
        int clients = 3000;
        int inFlight = 1000;
        int perRound = 100;
        int steps = 10;
        int batch = 10;
        double lr = 0.05;
        long t0 = System.nanoTime();
        Dataset train = IdxReader.mnist(dir, true, Precision.FLOAT32);
        Dataset test = IdxReader.mnist(dir, false, Precision.FLOAT32);
        FederatedDataset data = Partitioners.iid(train, test, clients, new SeedTree(1).stream(Purpose.PARTITION));
        Model model = new SoftmaxRegression(784, 10);
        System.out.printf(Locale.ROOT, "%nPart 2: per-update cost. MNIST IID over %d clients (loaded in %.1f s), softmax "
                        + "regression (d = %d), %d local steps of batch %d at lr %s, %d client updates per run%n",
                clients, (System.nanoTime() - t0) / 1e9, model.dimension(), steps, batch, lr, updates);
        System.out.printf(Locale.ROOT, "  A: FedBuff K = %d, %d in flight, %d versions; B: FedAvg %d per round, %d "
                        + "rounds (round engine); C: the same FedAvg on the time engine%n", BUFFER, inFlight,
                updates / BUFFER, perRound, updates / perRound);
        FedBuff fedBuff = FedBuff.builder().localSteps(steps, batch).localLearningRate(lr).bufferSize(BUFFER).build();
        FedAvg fedAvg = FedAvg.builder().localSteps(steps, batch).localLearningRate(lr)
                .weighting(WeightedMean.Weighting.UNIFORM).build();
        DeviceModel devices = Devices.logNormal(200, 1.0, 5e5, 1.0, 2e6, 1.0);

        // Warm-up: one short run of each.
        if (runs.contains("A")) {
            runFedBuff(fedBuff, model, data, devices, inFlight, updates / 5, threads);
        }
        if (runs.contains("B")) {
            runFedAvg(fedAvg, model, data, perRound, updates / 5, threads);
        }
        if (runs.contains("C")) {
            runFedAvgTimed(fedAvg, model, data, devices, perRound, updates / 5, threads);
        }

        double[][] whole = new double[3][reps];
        double[][] steady = new double[3][reps];
        Cost none = new Cost(Double.NaN, Double.NaN);
        for (int r = 0; r < reps; r++) {
            Cost a = runs.contains("A") ? runFedBuff(fedBuff, model, data, devices, inFlight, updates, threads) : none;
            Cost b = runs.contains("B") ? runFedAvg(fedAvg, model, data, perRound, updates, threads) : none;
            Cost c = runs.contains("C") ? runFedAvgTimed(fedAvg, model, data, devices, perRound, updates, threads)
                    : none;
            Cost[] all = {a, b, c};
            for (int k = 0; k < 3; k++) {
                whole[k][r] = all[k].whole;
                steady[k][r] = all[k].steady;
            }
            System.out.printf(Locale.ROOT, "  rep %d: us per update, whole run / steady part: A %.1f / %.1f, B %.1f / "
                    + "%.1f, C %.1f / %.1f%n", r + 1, a.whole, a.steady, b.whole, b.steady, c.whole, c.steady);
        }
        String[] names = {"A FedBuff, per applied update", "B FedAvg (rounds), per client", "C FedAvg (time), per client"};
        for (int k = 0; k < 3; k++) {
            System.out.printf(Locale.ROOT, "  %-32s median %.1f us (whole run), %.1f us (steady part)%n", names[k],
                    median(whole[k]), median(steady[k]));
        }
        System.out.printf(Locale.ROOT, "  ratio A / B: %.2f (whole run), %.2f (steady part); C / B: %.2f, %.2f%n",
                median(whole[0]) / median(whole[1]), median(steady[0]) / median(steady[1]),
                median(whole[2]) / median(whole[1]), median(steady[2]) / median(steady[1]));
    }

    /** Microseconds of training wall time per client update, over the whole run and over its steady part. */
    private record Cost(double whole, double steady) {
    }

    private static Cost runFedBuff(FedBuff fedBuff, Model model, FederatedDataset data, DeviceModel devices,
                                   int inFlight, int updates, int threads) {
        TimedResult<?> r = TimedSimulation.builder(fedBuff)
                .config(config(updates / BUFFER, threads))
                .model(model).data(data).schedule(Schedule.closed(inFlight)).devices(devices)
                .build().run();
        return timedCost(r);
    }

    private static Cost runFedAvgTimed(FedAvg fedAvg, Model model, FederatedDataset data, DeviceModel devices,
                                       int perRound, int updates, int threads) {
        TimedResult<?> r = TimedSimulation.synchronous(fedAvg)
                .config(config(updates / perRound, threads).toBuilder().clientsPerRound(perRound).build())
                .model(model).data(data).devices(devices)
                .build().run();
        return timedCost(r);
    }

    private static Cost timedCost(TimedResult<?> r) {
        List<TimeReport> reps = r.reports();
        long applied = r.counts().applied();
        long wall = 0;
        long steadyWall = 0;
        long steadyUpdates = 0;
        long seen = 0;
        for (TimeReport rep : reps) {
            long w = rep.wallNanos() - rep.evalNanos();
            wall += w;
            if (seen >= applied / 5) {
                steadyWall += w;
                steadyUpdates += rep.arrivals();
            }
            seen += rep.arrivals();
        }
        return new Cost(wall / 1e3 / applied, steadyWall / 1e3 / Math.max(1, steadyUpdates));
    }

    private static Cost runFedAvg(FedAvg fedAvg, Model model, FederatedDataset data, int perRound, int updates,
                                  int threads) {
        SimulationResult<?> r = Simulation.builder(fedAvg)
                .config(config(updates / perRound, threads).toBuilder().clientsPerRound(perRound).build())
                .model(model).data(data).build().run();
        List<RoundReport> reps = r.reports();
        long wall = 0;
        long steadyWall = 0;
        int steadyRounds = 0;
        for (int i = 0; i < reps.size(); i++) {
            long w = reps.get(i).wallNanos() - reps.get(i).evalNanos();
            wall += w;
            if (i >= reps.size() / 5) {
                steadyWall += w;
                steadyRounds++;
            }
        }
        return new Cost(wall / 1e3 / ((long) reps.size() * perRound),
                steadyWall / 1e3 / ((long) Math.max(1, steadyRounds) * perRound));
    }

    private static SimulationConfig config(int rounds, int threads) {
        return SimulationConfig.builder().rounds(rounds).threads(threads).seed(1).evalEvery(0)
                .precision(Precision.FLOAT32).build();
    }

    // ---- helpers

    /**
     * Resident set size (VmRSS of /proc/self/status, when readable; the whole JVM, so under {@code exec:java} Maven's
     * too), heap used, and heap used after a {@code System.gc()} (what the part left live).
     */
    static String memory() {
        Runtime rt = Runtime.getRuntime();
        long committed = rt.totalMemory();
        long heap = committed - rt.freeMemory();
        String rss = rss();
        System.gc();
        long live = rt.totalMemory() - rt.freeMemory();
        return String.format(Locale.ROOT, "memory at the end of the part: resident %s, heap used %d MiB (of %d MiB "
                + "committed), %d MiB after System.gc() (resident then %s)", rss, heap >> 20, committed >> 20,
                live >> 20, rss());
    }

    private static String rss() {
        String rss = "n/a";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = line.substring(6).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave n/a
        }
        return rss;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static String fmt(double[] v, String f) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, f, v[i]));
        }
        return sb.append(']').toString();
    }
}
