package io.github.fl4j.benchmarks;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.data.CachedFederatedData;
import io.github.fl4j.core.data.FederatedData;
import io.github.fl4j.core.data.LazySyntheticFedProx;
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
 *     [clients=1000000] [rounds=1000] [per-round=10] [threads=2] [cache=0] [seed=1]
 * </pre>
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
                default -> throw new IllegalArgumentException("unknown argument " + kv[0] + " (clients, rounds, "
                        + "per-round, threads, cache, seed)");
            }
        }
        System.out.printf(Locale.ROOT, "lazy Synthetic(1,1): %d clients, FedAvg %d per round, %d rounds, %d threads, "
                + "max heap %d MB%n", clients, perRound, rounds, threads, Runtime.getRuntime().maxMemory() >> 20);
        memory("start");

        long t0 = System.nanoTime();
        LazySyntheticFedProx lazy = SyntheticFedProx.builder().alpha(1).beta(1).clients(clients)
                .precision(Precision.FLOAT32).build().lazy(new SeedTree(seed));
        CountingData counted = new CountingData(lazy);
        FederatedData data = cache > 0 ? new CachedFederatedData(counted, cache) : counted;
        double prepSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "data ready for round 1: %.2f s (%d clients, %d train samples, test set %d "
                + "samples from %d clients)%n", prepSeconds, data.clientCount(), data.totalSize(), data.test().size(),
                lazy.testClients());
        memory("data ready");

        FedAvg fedAvg = FedAvg.builder().localSteps(20, 10).localLearningRate(0.01).build();
        SimulationConfig config = SimulationConfig.builder().rounds(rounds).clientsPerRound(perRound)
                .threads(threads).seed(seed).evalEvery(Math.max(1, rounds / 10)).precision(Precision.FLOAT32).build();
        long t1 = System.nanoTime();
        SimulationResult<?> r = Simulation.builder(fedAvg).config(config)
                .model(new SoftmaxRegression(lazy.featureCount(), lazy.knownClassCount())).data(data).build().run();
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
    private static final class CountingData implements FederatedData {
        private final FederatedData source;
        private final java.util.concurrent.atomic.AtomicLong loads = new java.util.concurrent.atomic.AtomicLong();

        CountingData(FederatedData source) {
            this.source = source;
        }

        long loads() {
            return loads.get();
        }

        @Override
        public int clientCount() {
            return source.clientCount();
        }

        @Override
        public int clientSize(int client) {
            return source.clientSize(client);
        }

        @Override
        public int[] clientSizes() {
            return source.clientSizes();
        }

        @Override
        public io.github.fl4j.core.data.Dataset client(int client) {
            loads.incrementAndGet();
            return source.client(client);
        }

        @Override
        public io.github.fl4j.core.data.Dataset test() {
            return source.test();
        }

        @Override
        public int featureCount() {
            return source.featureCount();
        }

        @Override
        public Precision precision() {
            return source.precision();
        }

        @Override
        public String toString() {
            return "counted " + source;
        }
    }
}
