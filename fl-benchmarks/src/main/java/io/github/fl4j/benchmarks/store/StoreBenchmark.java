package io.github.fl4j.benchmarks.store;

import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.benchmarks.BenchmarkEnvironment;
import io.github.fl4j.core.api.StateCodec;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.RoundListener;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.state.ClientStateStore;
import io.github.fl4j.core.state.DiskClientStateStore;
import io.github.fl4j.core.state.InMemoryClientStateStore;
import io.github.fl4j.core.state.StateStoreFactory;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The client-state stores, in three parts, each printing time, heap (used, and live after a GC), resident memory
 * (VmRSS, and its peak VmHWM) and the bytes on disk.
 *
 * <ol>
 *   <li><b>store</b>: a round's batch {@code getAll} + {@code putAll} of 100 float32 states of d values (random ids
 *       of a filled population), for the in-memory store and the disk store (default cache, 64 MiB), at d = 7,850
 *       (10,000 states, 300 MiB) and d = 200,000 (600 states, 460 MiB); the median over {@code storeRounds} rounds.
 *       </li>
 *   <li><b>scaffold10k</b>: SCAFFOLD (option II, 5 local steps of batch 10) on softmax regression 784 x 10
 *       (d = 7,850), 10^4 clients, 100 per round, {@code rounds10k} rounds per run, with the memory store and with the
 *       disk store, interleaved (M D M D ...) after one warm-up of each, 1 worker thread; the median over all rounds
 *       of all repetitions of the round's wall time without evaluation, and the ratio disk / memory. The two runs
 *       give the same bits (the final parameters are compared).</li>
 *   <li><b>scaffold1m</b>: the same SCAFFOLD on 10^6 clients, 100 per round, {@code rounds1m} rounds (2,000) with the
 *       disk store, printing the figures every {@code every} rounds. The memory store would need the encoded states
 *       of every client seen (about 31 KiB each, 5.7 GB after 2,000 rounds) on the heap.</li>
 * </ol>
 *
 * <p>The data is synthetic and cheap on purpose, since the figure is the store's: a pool of 100 local datasets of 20
 * samples (784 Gaussian features, labels from a fixed random linear map), client i holding pool[i mod 100], and a
 * test set of 200 samples. Run with a 2 GiB heap, from the repository root (the examples module has this module on its
 * class path and runs main classes; {@code exec:java} runs in Maven's JVM, so the heap is set by {@code MAVEN_OPTS}):
 * <pre>
 * MAVEN_OPTS=-Xmx2g mvn -B -q -pl examples -am test-compile exec:java \
 *     -Dexec.mainClass=io.github.fl4j.benchmarks.store.StoreBenchmark -Dexec.args="part=all"
 * </pre>
 * Arguments ({@code key=value}): {@code part} (all, store,
 * scaffold10k, scaffold1m; all), {@code storeRounds} (50), {@code rounds10k} (200), {@code reps} (3),
 * {@code rounds1m} (2000), {@code every} (100), {@code dir} (where the disk stores go; a new folder under the
 * temporary directory, deleted at the end).
 */
public final class StoreBenchmark {
    private static final int FEATURES = 784;
    private static final int CLASSES = 10;
    private static final int PER_ROUND = 100;

    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("logback.configurationFile") == null) {
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
        if (!List.of("all", "store", "scaffold10k", "scaffold1m").contains(part)) {
            throw new IllegalArgumentException("part must be all, store, scaffold10k or scaffold1m, was '" + part + "'");
        }
        Path dir = a.containsKey("dir") ? Path.of(a.get("dir")) : Files.createTempDirectory("fl4j-store-benchmark");
        NativeThreads.useOneThreadPerOp();
        System.out.println(BenchmarkEnvironment.describe());
        System.out.printf(Locale.ROOT, "JVM %s, max heap %d MiB, stores in %s%n", Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20, dir);
        try {
            if (part.equals("all") || part.equals("store")) {
                int rounds = Integer.parseInt(a.getOrDefault("storeRounds", "50"));
                storeRound(7_850, 10_000, rounds, dir);
                storeRound(200_000, 600, rounds, dir);
            }
            if (part.equals("all") || part.equals("scaffold10k")) {
                scaffold10k(Integer.parseInt(a.getOrDefault("rounds10k", "200")),
                        Integer.parseInt(a.getOrDefault("reps", "3")), dir);
            }
            if (part.equals("all") || part.equals("scaffold1m")) {
                scaffold1m(Integer.parseInt(a.getOrDefault("rounds1m", "2000")),
                        Integer.parseInt(a.getOrDefault("every", "100")), dir);
            }
        } finally {
            if (!a.containsKey("dir")) {
                delete(dir);
            }
        }
    }

    // ---- part 1: a round's get + put

    private static void storeRound(int d, int population, int rounds, Path dir) {
        StateCodec<INDArray> codec = StateCodec.ofVector("state", v -> v, v -> v);
        for (String kind : List.of("memory", "disk")) {
            ClientStateStore<INDArray> store = kind.equals("memory") ? new InMemoryClientStateStore<>("clients", codec)
                    : DiskClientStateStore.create(dir.resolve("part1"), "clients", codec,
                    DiskClientStateStore.DEFAULT_CACHE_BYTES);
            try {
                RandomStream rng = new SeedTree(1).stream(Purpose.DATA_GENERATION);
                List<INDArray> batch = new ArrayList<>();
                for (int i = 0; i < PER_ROUND; i++) {
                    INDArray v = Nd4j.create(DataType.FLOAT, d);
                    rng.fillGaussian(v, 0, 1);
                    batch.add(v);
                }
                for (int s = 0; s < population; s += PER_ROUND) {
                    int n = Math.min(PER_ROUND, population - s);
                    int[] ids = new int[n];
                    final int base = s;
                    Arrays.setAll(ids, i -> base + i);
                    store.putAll(ids, batch.subList(0, n));
                }
                long[] nanos = new long[rounds];
                for (int t = 0; t < rounds; t++) {
                    int[] ids = rng.sampleWithoutReplacement(population, PER_ROUND);
                    long t0 = System.nanoTime();
                    List<INDArray> got = store.getAll(ids);
                    store.putAll(ids, got);
                    nanos[t] = System.nanoTime() - t0;
                    got.forEach(store::release);
                }
                Arrays.sort(nanos);
                double ms = nanos[rounds / 2] / 1e6;
                long stateBytes = store.encodedBytes() / store.size();
                double mbPerSecond = 2.0 * PER_ROUND * stateBytes / (ms / 1e3) / 1e6;
                String file = store instanceof DiskClientStateStore<?> ds
                        ? String.format(Locale.ROOT, ", file %d MiB, cache %d MiB", ds.fileBytes() >> 20,
                        ds.cachedBytes() >> 20) : "";
                System.out.printf(Locale.ROOT, "store %-6s d = %,d: %,d states (%d MiB encoded): a round's get + put "
                                + "of %d: median %.2f ms (%.0f MB/s)%s; %s%n", kind, d, population,
                        store.encodedBytes() >> 20, PER_ROUND, ms, mbPerSecond, file, memory());
            } finally {
                store.close();
            }
        }
    }

    // ---- the SCAFFOLD runs

    private static FederatedDataset data(int clients) {
        RandomStream rng = new SeedTree(7).stream(Purpose.DATA_GENERATION);
        INDArray w = Nd4j.create(DataType.FLOAT, FEATURES, CLASSES);
        rng.fillGaussian(w, 0, 1);
        Dataset[] pool = new Dataset[100];
        for (int k = 0; k < pool.length; k++) {
            pool[k] = sample(rng, w, 20);
        }
        List<Dataset> local = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            local.add(pool[i % pool.length]);
        }
        return new FederatedDataset(local, sample(rng, w, 200));
    }

    private static Dataset sample(RandomStream rng, INDArray w, int m) {
        INDArray x = Nd4j.create(DataType.FLOAT, m, FEATURES);
        rng.fillGaussian(x, 0, 1);
        INDArray y = x.mmul(w).argMax(1).castTo(DataType.FLOAT).reshape(m, 1);
        return new Dataset(x, y);
    }

    private static Simulation.Builder<?, ?> scaffold(FederatedDataset data, int rounds, StateStoreFactory stores,
                                                     RoundListener listener) {
        SimulationConfig cfg = SimulationConfig.builder().rounds(rounds).clientsPerRound(PER_ROUND).threads(1).seed(1)
                .evalEvery(0).precision(Precision.FLOAT32).build();
        Simulation.Builder<?, ?> b = Simulation.builder(Scaffold.builder().localSteps(5, 10).localLearningRate(0.05)
                        .build()).config(cfg).model(new SoftmaxRegression(FEATURES, CLASSES)).data(data)
                .stateStores(stores);
        return listener == null ? b : b.listener(listener);
    }

    private static void scaffold10k(int rounds, int reps, Path dir) {
        FederatedDataset data = data(10_000);
        StateStoreFactory disk = StateStoreFactory.onDisk(dir.resolve("part2"));
        List<Long> memoryNanos = new ArrayList<>();
        List<Long> diskNanos = new ArrayList<>();
        long[] memoryBits = null;
        long[] diskBits = null;
        for (int rep = 0; rep <= reps; rep++) {
            for (boolean onDisk : new boolean[] {false, true}) {
                List<Long> nanos = rep == 0 ? new ArrayList<>() : onDisk ? diskNanos : memoryNanos;
                SimulationResult<?> r = scaffold(data, rounds, onDisk ? disk : StateStoreFactory.inMemory(), null)
                        .build().run();
                for (RoundReport rep1 : r.reports()) {
                    nanos.add(rep1.wallNanos() - rep1.evalNanos());
                }
                long[] bits = bits(r.finalParameters());
                if (onDisk) {
                    diskBits = bits;
                } else {
                    memoryBits = bits;
                }
            }
        }
        double m = median(memoryNanos) / 1e6;
        double d = median(diskNanos) / 1e6;
        System.out.printf(Locale.ROOT, "SCAFFOLD d = 7,850, 10^4 clients, 100 per round, %d rounds x %d repetitions "
                        + "(interleaved, after a warm-up): median round %.2f ms with the memory store, %.2f ms with the "
                        + "disk store: ratio disk / memory %.3f; final parameters bit-identical: %s; %s%n", rounds,
                reps, m, d, d / m, Arrays.equals(memoryBits, diskBits), memory());
    }

    private static void scaffold1m(int rounds, int every, Path dir) {
        long t0 = System.nanoTime();
        FederatedDataset data = data(1_000_000);
        Path stores = dir.resolve("part3");
        System.out.printf(Locale.ROOT, "SCAFFOLD d = 7,850, 10^6 clients, 100 per round, %d rounds, disk store in %s "
                + "(data made in %.1f s)%n", rounds, stores, (System.nanoTime() - t0) / 1e9);
        long start = System.nanoTime();
        long[] window = new long[1];
        window[0] = start;
        RoundListener progress = report -> {
            if (report.round() % every == 0 || report.round() == rounds) {
                long now = System.nanoTime();
                System.out.printf(Locale.ROOT, "  round %d: %.1f s elapsed, %.1f ms per round (last %d), disk %d MiB, "
                                + "%s%n", report.round(), (now - start) / 1e9, (now - window[0]) / 1e6 / every, every,
                        diskBytes(stores) >> 20, memory());
                window[0] = now;
            }
        };
        SimulationResult<?> r = scaffold(data, rounds, StateStoreFactory.onDisk(stores), progress).build().run();
        double seconds = (System.nanoTime() - start) / 1e9;
        int seen = 0;
        for (int c : r.participationCounts()) {
            seen += c > 0 ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "  done: %d rounds in %.1f s (%.1f ms per round), %,d clients with a state, disk "
                        + "%d MiB at the end, final test accuracy %.4f; %s%n", rounds, seconds, seconds * 1e3 / rounds,
                seen, diskBytes(stores) >> 20, r.finalAccuracy(), memory());
    }

    // ---- helpers

    private static long[] bits(INDArray x) {
        long[] b = new long[(int) x.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = Double.doubleToRawLongBits(x.getDouble(i));
        }
        return b;
    }

    private static double median(List<Long> v) {
        long[] s = v.stream().mapToLong(Long::longValue).sorted().toArray();
        return s.length == 0 ? Double.NaN : s[s.length / 2];
    }

    private static long diskBytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Heap used and committed, heap live after a System.gc(), VmRSS and its peak VmHWM (the whole process). */
    static String memory() {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        long committed = rt.totalMemory();
        System.gc();
        long live = rt.totalMemory() - rt.freeMemory();
        String rss = "n/a";
        String peak = "n/a";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = line.substring(6).trim();
                } else if (line.startsWith("VmHWM:")) {
                    peak = line.substring(6).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return String.format(Locale.ROOT, "heap used %d MiB of %d MiB committed, %d MiB live after GC, resident %s "
                + "(peak %s)", used >> 20, committed >> 20, live >> 20, rss, peak);
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
