package io.github.fl4j.benchmarks;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.data.CachedFederatedData;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.data.IndexPartition;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A population of 10^6 Synthetic(1, 1) clients as lazy data: the time until the data is ready for round 1, then FedAvg
 * (10 clients per round, 1,000 rounds, softmax regression) on it, with the memory it needs. Meant to be run with
 * {@code -Xmx1g}:
 *
 * <pre>
 * java -Xmx1g -cp fl-benchmarks/target/classes:$(cat cp.txt) io.github.fl4j.benchmarks.LazyDataBenchmark \
 *     [clients=1000000] [rounds=1000] [per-round=10] [threads=2] [cache=0] [seed=1] [mode=lazy|eager|partition]
 * </pre>
 *
 * {@code mode=eager} generates the same population with {@link SyntheticFedProx#generate} for comparison (feasible
 * for about 10^4 clients); {@code mode=partition} compares an {@link IndexPartition} with the eager partition of an
 * MNIST-sized dataset (see {@link #partition}).
 *
 * Prints the data preparation time (drawing N sizes, generating the test clients), the run time, the number of client
 * loads, heap used (after a GC), resident memory (VmRSS and VmHWM from /proc/self/status) and ND4J's off-heap bytes
 * (JavaCPP's tracked total and physical bytes).
 */
public final class LazyDataBenchmark {
    private LazyDataBenchmark() {
    }

    /** Runs the benchmark; arguments are key=value pairs (see the class comment). */
    public static void main(String[] args) throws IOException {
        int clients = 1_000_000;
        int rounds = 1000;
        int perRound = 10;
        int threads = 2;
        int cache = 0;
        long seed = 1;
        String mode = "lazy";
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("arguments are key=value, was " + a);
            }
            switch (kv[0]) {
                case "clients" -> clients = Integer.parseInt(kv[1]);
                case "rounds" -> rounds = Integer.parseInt(kv[1]);
                case "per-round" -> perRound = Integer.parseInt(kv[1]);
                case "threads" -> threads = Integer.parseInt(kv[1]);
                case "cache" -> cache = Integer.parseInt(kv[1]);
                case "seed" -> seed = Long.parseLong(kv[1]);
                case "mode" -> mode = kv[1];
                default -> throw new IllegalArgumentException("unknown argument " + kv[0] + " (clients, rounds, "
                        + "per-round, threads, cache, seed, mode)");
            }
        }
        if (mode.equals("partition")) {
            partition(rounds, perRound, threads, seed);
            return;
        }
        if (!mode.equals("lazy") && !mode.equals("eager")) {
            throw new IllegalArgumentException("mode must be lazy, eager or partition, was " + mode);
        }
        System.out.printf(Locale.ROOT, mode + " Synthetic(1,1): %d clients, FedAvg %d per round, %d rounds, %d threads, "
                + "max heap %d MB%n", clients, perRound, rounds, threads, Runtime.getRuntime().maxMemory() >> 20);
        memory("start");

        long t0 = System.nanoTime();
        SyntheticFedProx gen = SyntheticFedProx.builder().alpha(1).beta(1).clients(clients)
                .precision(Precision.FLOAT32).build();
        FederatedData source = mode.equals("eager")
                ? gen.generate(new SeedTree(seed).stream(io.github.fl4j.core.random.Purpose.DATA_GENERATION))
                : gen.lazy(new SeedTree(seed));
        CountingData counted = new CountingData(source);
        FederatedData data = cache > 0 ? new CachedFederatedData(counted, cache) : counted;
        double prepSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "data ready for round 1: %.2f s (%d clients, %d train samples, test set %d "
                + "samples)%n", prepSeconds, data.clientCount(), data.totalSize(), data.test().size());
        memory("data ready");

        FedAvg fedAvg = FedAvg.builder().localSteps(20, 10).localLearningRate(0.01).build();
        SimulationConfig config = SimulationConfig.builder().rounds(rounds).clientsPerRound(perRound)
                .threads(threads).seed(seed).evalEvery(Math.max(1, rounds / 10)).precision(Precision.FLOAT32).build();
        long t1 = System.nanoTime();
        SimulationResult<?> r = Simulation.builder(fedAvg).config(config)
                .model(new SoftmaxRegression(gen.dimension(), gen.classes())).data(data).build().run();
        double runSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf(Locale.ROOT, "FedAvg: %.2f s (%.2f ms per round), %d client loads, final accuracy %.4f, "
                + "test loss %.4f%n", runSeconds, 1e3 * runSeconds / rounds, counted.loads(), r.finalAccuracy(),
                r.finalTestLoss());
        if (data instanceof CachedFederatedData c) {
            System.out.printf(Locale.ROOT, "cache: %d hits, %d misses, %d clients kept%n", c.hits(), c.misses(),
                    c.cachedClients());
        }
        memory("after run");
    }

    /**
     * Gather or keep: FedAvg (5 local steps of batch 32, softmax) on an MNIST-sized random dataset (60,000 x 784,
     * float32) split IID into 100 clients, once as an {@link IndexPartition} (each participant's rows gathered when
     * it is loaded) and once as the eager partition (every client copied up front); prints the seconds per round of
     * each, alternating 3 times, and the median gather time of one client.
     */
    private static void partition(int rounds, int perRound, int threads, long seed) throws IOException {
        int m = 60_000;
        int p = 784;
        org.nd4j.linalg.api.ndarray.INDArray x = org.nd4j.linalg.factory.Nd4j.create(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, m, p);
        io.github.fl4j.core.random.RandomStream rng = new io.github.fl4j.core.random.RandomStream(seed);
        rng.fillGaussian(x, 0, 1);
        float[] labels = new float[m];
        for (int i = 0; i < m; i++) {
            labels[i] = rng.nextInt(10);
        }
        io.github.fl4j.core.data.Dataset train = new io.github.fl4j.core.data.Dataset(x,
                org.nd4j.linalg.factory.Nd4j.create(labels, new long[] {m, 1}, 'c'));
        io.github.fl4j.core.data.Dataset test = train.rows(java.util.stream.IntStream.range(0, 1000).toArray());
        int[][] parts = io.github.fl4j.core.data.Partitioners.iidIndices(m, 100,
                new SeedTree(seed).stream(io.github.fl4j.core.random.Purpose.PARTITION));
        IndexPartition indexed = IndexPartition.of(train, test, parts);
        long t = System.nanoTime();
        FederatedData eager = io.github.fl4j.core.data.Partitioners.toFederated(train, test, parts);
        System.out.printf(Locale.ROOT, "partition of 60,000 x 784 into 100 clients: eager copy %.3f s%n",
                (System.nanoTime() - t) / 1e9);
        double[] gather = new double[200];
        for (int i = -50; i < gather.length; i++) {
            long g = System.nanoTime();
            indexed.client(Math.floorMod(i * 37, 100));
            if (i >= 0) {
                gather[i] = (System.nanoTime() - g) / 1e6;
            }
        }
        java.util.Arrays.sort(gather);
        System.out.printf(Locale.ROOT, "gather of one 600-row client: median %.3f ms%n", gather[gather.length / 2]);
        FedAvg fedAvg = FedAvg.builder().localSteps(5, 32).localLearningRate(0.1).build();
        SimulationConfig config = SimulationConfig.builder().rounds(rounds).clientsPerRound(perRound)
                .threads(threads).seed(seed).evalEvery(rounds).precision(Precision.FLOAT32).build();
        for (int rep = 0; rep < 4; rep++) {
            for (FederatedData d : new FederatedData[] {indexed, eager}) {
                long s = System.nanoTime();
                SimulationResult<?> r = Simulation.builder(fedAvg).config(config).model(new SoftmaxRegression(p, 10))
                        .data(d).build().run();
                double secs = (System.nanoTime() - s) / 1e9;
                System.out.printf(Locale.ROOT, "  %s%s: %.2f ms per round (accuracy %.4f)%n",
                        rep == 0 ? "warm-up " : "", d == indexed ? "index partition" : "eager partition  ",
                        1e3 * secs / rounds, r.finalAccuracy());
            }
        }
        memory("after partition runs");
    }

    private static void memory(String when) throws IOException {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heapUsed = rt.totalMemory() - rt.freeMemory();
        String rss = "?";
        String hwm = "?";
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    rss = line.substring(6).trim();
                } else if (line.startsWith("VmHWM:")) {
                    hwm = line.substring(6).trim();
                }
            }
        }
        System.out.printf(Locale.ROOT, "  [%s] heap used %.1f MB (committed %.1f MB), VmRSS %s, VmHWM %s, ND4J "
                + "off-heap %.1f MB tracked, %.1f MB physical%n", when, heapUsed / 1048576.0,
                rt.totalMemory() / 1048576.0, rss, hwm, org.bytedeco.javacpp.Pointer.totalBytes() / 1048576.0,
                org.bytedeco.javacpp.Pointer.physicalBytes() / 1048576.0);
    }

    /** Counts the clients loaded through it. */
    private static final class CountingData extends io.github.fl4j.core.data.ForwardingFederatedData {
        private final java.util.concurrent.atomic.AtomicLong loads = new java.util.concurrent.atomic.AtomicLong();

        CountingData(FederatedData source) {
            super(source);
        }

        long loads() {
            return loads.get();
        }

        @Override
        public io.github.fl4j.core.data.Dataset client(int client) {
            loads.incrementAndGet();
            return source().client(client);
        }
    }
}
