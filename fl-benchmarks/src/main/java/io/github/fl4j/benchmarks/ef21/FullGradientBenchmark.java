package io.github.fl4j.benchmarks.ef21;

import io.github.fl4j.algorithms.ef.Ef21;
import io.github.fl4j.benchmarks.BenchmarkEnvironment;
import io.github.fl4j.experiments.ef21.Ef21LibsvmSetup;
import io.github.fl4j.compression.Compressors;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.LaneIndex;
import io.github.fl4j.core.data.io.LibSvmReader;
import io.github.fl4j.core.model.LogisticRegression;
import io.github.fl4j.core.model.Simd;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Full gradients at memory speed: for LIBSVM files (a9a and w8a by default) read dense and read sparse (float64, the
 * EF21 split into 20 contiguous clients, logistic regression with the non-convex regulariser, lambda 0.1), prints
 *
 * <ul>
 *   <li>the time of one full gradient over all 20 workers ({@code lossAndGradient} of each client into a reused
 *       buffer), on 1 thread and on {@code threads} threads (clients dealt round-robin), median of {@code reps}
 *       interleaved repetitions after {@code gradient-warmup} untimed passes of each form (without them the first
 *       timed section ran while the JIT was still compiling: a9a's sparse one-thread medians came out 2-3 times the
 *       steady state), by the wall clock and by the CPU clock of the slowest thread (on a shared machine
 *       the CPU clock leaves out the time other processes hold the cores);</li>
 *   <li>the bytes one pass reads: features (dense m p 8; sparse by rows 12 per stored entry, or 4 when every stored
 *       value is 1 and the kernels read only the column indices, plus 4 per row pointer; sparse by columns, once the
 *       model has built a client's column index, twice 4 per entry plus its value, once for the margins and once for
 *       the gradient; with the SIMD kernels, the slots of the lane layout instead, padding included) and labels
 *       (8 m);</li>
 *   <li>the same-run bandwidth of a memory copy of the same number of bytes ({@code System.arraycopy} of a
 *       {@code double[]} split into the same number of parts, one per thread), timed interleaved with the gradients,
 *       and the gradient's bandwidth as a fraction of it;</li>
 *   <li>EF21's run time for {@code rounds} iterations (20 workers, Top-1 uplink, the theory step, float64,
 *       {@code ef21-threads} worker threads; x^0 ~ N(0, I) from the INIT stream of seed 1), median of
 *       {@code ef21-reps} interleaved runs after one untimed run of {@code ef21-warmup} iterations of each form (the
 *       JIT compiles the round's code in it; 0 skips it), and whether the dense and sparse runs ended at the same
 *       bits;</li>
 *   <li>after each timed section, on Linux, how much of the machine's CPU time went elsewhere meanwhile: to other
 *       guests of the hypervisor (steal) and to other processes ({@link BenchmarkEnvironment#cpuShareSince}), so that
 *       a slow figure taken on a busy shared machine says so.</li>
 * </ul>
 *
 * Run (after {@code mvn -pl fl-benchmarks -am package -DskipTests}):
 * <pre>
 * java --add-modules jdk.incubator.vector [-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0] \
 *     -cp fl-benchmarks/target/classes:$(cat cp.txt) io.github.fl4j.benchmarks.ef21.FullGradientBenchmark \
 *     [files=a9a,w8a] [reps=9] [passes=20] [threads=2] [rounds=2000] [ef21-reps=3] [ef21-threads=1] \
 *     [ef21-warmup=2000] [gradient-warmup=100] [dir=...]
 * </pre>
 * where {@code cp.txt} is written by {@code mvn -pl fl-benchmarks dependency:build-classpath
 * -Dmdep.outputFile=cp.txt}. The data folder defaults to {@link Ef21LibsvmSetup#defaultDataDir()}. The module lets
 * the SIMD kernels run; the property turns off the Vector API's bounds checks (see {@link Simd}); the first line
 * printed says which ran.
 */
public final class FullGradientBenchmark {
    private FullGradientBenchmark() {
    }

    /** Runs the benchmark; arguments are key=value pairs (see the class comment). */
    public static void main(String[] args) throws Exception {
        String[] files = {"a9a", "w8a"};
        int reps = 9;
        int passes = 20;
        int threads = 2;
        int rounds = 2000;
        int ef21Reps = 3;
        int ef21Threads = 1;
        int ef21Warmup = 2000;
        int gradientWarmup = 100;
        Path dir = Ef21LibsvmSetup.defaultDataDir().orElse(null);
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("arguments are key=value, was " + a);
            }
            switch (kv[0]) {
                case "files" -> files = kv[1].split(",");
                case "reps" -> reps = Integer.parseInt(kv[1]);
                case "passes" -> passes = Integer.parseInt(kv[1]);
                case "threads" -> threads = Integer.parseInt(kv[1]);
                case "rounds" -> rounds = Integer.parseInt(kv[1]);
                case "ef21-reps" -> ef21Reps = Integer.parseInt(kv[1]);
                case "ef21-threads" -> ef21Threads = Integer.parseInt(kv[1]);
                case "ef21-warmup" -> ef21Warmup = Integer.parseInt(kv[1]);
                case "gradient-warmup" -> gradientWarmup = Integer.parseInt(kv[1]);
                case "dir" -> dir = Path.of(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + kv[0] + " (files, reps, passes, "
                        + "threads, rounds, ef21-reps, ef21-threads, ef21-warmup, gradient-warmup, dir)");
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("no LIBSVM folder found beside the project; give dir=...");
        }
        NativeThreads.useOneThreadPerOp();
        System.out.println(BenchmarkEnvironment.describe());
        System.out.printf(Locale.ROOT, "reps=%d passes=%d threads=%d rounds=%d ef21-reps=%d ef21-threads=%d "
                + "ef21-warmup=%d gradient-warmup=%d%n", reps, passes, threads, rounds, ef21Reps, ef21Threads,
                ef21Warmup, gradientWarmup);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (String name : files) {
                Path file = dir.resolve(name.endsWith(".gz") ? name : name + ".txt.gz");
                FederatedDataset dense = Ef21LibsvmSetup.load(file, LibSvmReader.Storage.DENSE);
                FederatedDataset sparse = Ef21LibsvmSetup.load(file, LibSvmReader.Storage.SPARSE);
                gradients(name, dense, sparse, reps, passes, threads, gradientWarmup, pool);
                ef21(name, dense, sparse, rounds, ef21Reps, ef21Threads, ef21Warmup);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Bytes one full-gradient pass reads (features and labels of every client). A sparse client with a column index
     * (built by the model on its second pass) is read through the index twice, for the margins and for the gradient.
     */
    static long bytesPerPass(FederatedDataset data) {
        long bytes = 0;
        for (Dataset d : data.clients()) {
            long m = d.size();
            bytes += 8 * m; // labels
            if (d.hasSparseColumns() && d.sparseColumns().lanesIfBuilt() != null) {
                // the SIMD kernels: the column groups' slots for the gradient, the row groups' for the margins
                // (padding included), each a 4-byte index plus an 8-byte value unless every value is 1
                LaneIndex l = d.sparseColumns().lanesIfBuilt();
                int perSlot = 4 + (l.columnValues() == null ? 0 : 8);
                bytes += (long) perSlot * (l.columnSamples().length + l.rowColumns().length)
                        + 4L * (l.columnOfLane().length + l.rowOfLane().length);
            } else if (d.hasSparseColumns()) {
                var c = d.sparseColumns();
                int perEntry = 4 + (c.unitValues() ? 0 : c.doubleValues() != null ? 8 : 4);
                bytes += 2 * ((long) perEntry * c.nonZeros() + 4L * (c.cols() + 1));
            } else if (d.isSparse()) {
                // a column index per stored entry, plus its value unless every value is 1 (then none is read)
                int perEntry = d.sparseFeatures().unitValues() ? 4 : 12;
                bytes += perEntry * d.storedValues() + 4 * (m + 1);
            } else {
                bytes += 8 * m * d.featureCount();
            }
        }
        return bytes;
    }

    private static void gradients(String name, FederatedDataset dense, FederatedDataset sparse, int reps, int passes,
            int threads, int warmup, ExecutorService pool) throws Exception {
        LogisticRegression model = Ef21LibsvmSetup.model(dense);
        int p = dense.featureCount();
        INDArray x = Tensors.zeros(Precision.FLOAT64, p);
        new SeedTree(1).stream(Purpose.INIT).fillGaussian(x, 0, 1);
        FederatedDataset[] forms = {dense, sparse};
        String[] labels = {"dense", "sparse"};
        double[] warm = new double[2];
        for (FederatedDataset f : forms) {
            gradientPass(model, f, x, 1, 2, pool, warm); // the second pass builds the sparse clients' column index
        }
        for (int w = 0; w < warmup; w += 10) { // untimed, interleaved as the timed passes are: the JIT compiles first
            for (FederatedDataset f : forms) {
                gradientPass(model, f, x, 1, Math.min(10, warmup - w), pool, warm);
            }
        }
        long[] bytes = {bytesPerPass(dense), bytesPerPass(sparse)};
        boolean columns = sparse.clients().get(0).hasSparseColumns();
        System.out.printf(Locale.ROOT, "%s sparse clients: %s%n", name, !columns ? "row kernels"
                : sparse.clients().get(0).sparseColumns().lanesIfBuilt() != null ? "SIMD column kernels, "
                + Simd.describe() + " (column index built on the second pass)"
                : "column kernels (column index built on the second pass; SIMD " + Simd.describe() + ")");
        for (int t : threads == 1 ? new int[] {1} : new int[] {1, threads}) {
            double[][][] grad = new double[2][2][reps];
            double[][][] copy = new double[2][2][reps];
            double[] out = new double[2];
            long[] machine = BenchmarkEnvironment.cpuTimes();
            for (int rep = 0; rep < reps; rep++) {
                for (int f = 0; f < 2; f++) {
                    gradientPass(model, forms[f], x, t, passes, pool, out);
                    grad[f][0][rep] = out[0];
                    grad[f][1][rep] = out[1];
                    copyPass(bytes[f], t, passes, pool, out);
                    copy[f][0][rep] = out[0];
                    copy[f][1][rep] = out[1];
                }
            }
            for (int f = 0; f < 2; f++) {
                for (int clock = 0; clock < 2; clock++) {
                    double g = median(grad[f][clock]);
                    double c = median(copy[f][clock]);
                    double gbG = bytes[f] / (g * 1e6);
                    double gbC = bytes[f] / (c * 1e6);
                    System.out.printf(Locale.ROOT, "%s %-6s %d thread(s) %-4s: full gradient over %d workers %.3f ms "
                            + "(min %.3f), %.2f MB per pass, %.1f GB/s; same-run copy of those bytes %.3f ms, %.1f "
                            + "GB/s; gradient/copy bandwidth %.0f%%%n", name, labels[f], t, clock == 0 ? "wall" : "cpu",
                            forms[f].clientCount(), g, min(grad[f][clock]), bytes[f] / 1e6, gbG, c, gbC,
                            100 * gbG / gbC);
                }
            }
            String share = BenchmarkEnvironment.cpuShareSince(machine);
            System.out.printf(Locale.ROOT, "%s %d thread(s): sparse/dense time %.3f (wall), %.3f (cpu)%s%n", name, t,
                    median(grad[1][0]) / median(grad[0][0]), median(grad[1][1]) / median(grad[0][1]),
                    share.isEmpty() ? "" : "; during these runs: " + share + " of the machine's CPU time");
        }
    }

    private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory
            .getThreadMXBean();

    /**
     * Milliseconds per full gradient (mean of {@code passes} passes), the clients dealt to {@code threads}: wall time
     * into {@code out[0]}, CPU time of the slowest thread (its thread CPU clock) into {@code out[1]}.
     */
    private static void gradientPass(LogisticRegression model, FederatedDataset data, INDArray x, int threads,
            int passes, ExecutorService pool, double[] out) throws Exception {
        List<Dataset> clients = data.clients();
        List<Future<Long>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int first = t;
            fs.add(pool.submit(() -> {
                INDArray g = Tensors.zeros(Precision.FLOAT64, model.dimension());
                long c0 = MX.getCurrentThreadCpuTime();
                for (int pass = 0; pass < passes; pass++) {
                    for (int c = first; c < clients.size(); c += threads) {
                        model.lossAndGradient(x, clients.get(c), g);
                    }
                }
                return MX.getCurrentThreadCpuTime() - c0;
            }));
        }
        long cpu = 0;
        for (Future<Long> f : fs) {
            cpu = Math.max(cpu, f.get());
        }
        out[0] = (System.nanoTime() - t0) / 1e6 / passes;
        out[1] = cpu / 1e6 / passes;
    }

    private static final java.util.Map<Long, double[][]> COPY_BUFFERS = new java.util.HashMap<>();

    /**
     * Milliseconds per copy of {@code bytes} bytes (mean of {@code passes}), split into one part per thread: wall time
     * into {@code out[0]}, CPU time of the slowest thread into {@code out[1]}.
     */
    private static void copyPass(long bytes, int threads, int passes, ExecutorService pool, double[] out)
            throws Exception {
        int n = (int) (bytes / 8);
        double[][] buf = COPY_BUFFERS.computeIfAbsent(bytes, b -> {
            double[] src = new double[n];
            Arrays.fill(src, 1.5);
            return new double[][] {src, new double[n]};
        });
        List<Future<Long>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) n * t / threads);
            int to = (int) ((long) n * (t + 1) / threads);
            fs.add(pool.submit(() -> {
                long c0 = MX.getCurrentThreadCpuTime();
                for (int pass = 0; pass < passes; pass++) {
                    System.arraycopy(buf[0], from, buf[1], from, to - from);
                }
                return MX.getCurrentThreadCpuTime() - c0;
            }));
        }
        long cpu = 0;
        for (Future<Long> f : fs) {
            cpu = Math.max(cpu, f.get());
        }
        out[0] = (System.nanoTime() - t0) / 1e6 / passes;
        out[1] = cpu / 1e6 / passes;
    }

    private static void ef21(String name, FederatedDataset dense, FederatedDataset sparse, int rounds, int reps,
            int threads, int warmup) {
        double step = Ef21LibsvmSetup.theoryStep(dense, 1, 1);
        FederatedDataset[] forms = {dense, sparse};
        String[] labels = {"dense", "sparse"};
        double[][] seconds = new double[2][reps];
        double[][] cpuSeconds = new double[2][reps];
        double[][] last = new double[2][];
        for (int f = 0; f < 2 && warmup > 0; f++) {
            ef21Run(forms[f], step, warmup, threads); // untimed: the JIT compiles the round's code first
        }
        long[] machine = BenchmarkEnvironment.cpuTimes();
        for (int rep = 0; rep < reps; rep++) {
            for (int f = 0; f < 2; f++) {
                long t0 = System.nanoTime();
                long c0 = MX.getCurrentThreadCpuTime();
                last[f] = ef21Run(forms[f], step, rounds, threads);
                seconds[f][rep] = (System.nanoTime() - t0) / 1e9;
                cpuSeconds[f][rep] = (MX.getCurrentThreadCpuTime() - c0) / 1e9;
            }
        }
        for (int f = 0; f < 2; f++) {
            double s = median(seconds[f]);
            System.out.printf(Locale.ROOT, "%s %-6s EF21 Top-1, %d rounds, %d worker thread(s): %.2f s (min %.2f), "
                    + "%.3f ms per iteration; calling thread's CPU %.3f ms per iteration%s%n", name, labels[f], rounds,
                    threads, s, min(seconds[f]), 1e3 * s / rounds, 1e3 * median(cpuSeconds[f]) / rounds,
                    threads == 1 ? " (with 1 worker thread the clients run on it)"
                            : " (it takes clients too, and spins up to 100 us while waiting)");
        }
        String share = BenchmarkEnvironment.cpuShareSince(machine);
        System.out.printf(Locale.ROOT, "%s EF21 sparse/dense time %.3f; final iterates equal: %b%s%n", name,
                median(seconds[1]) / median(seconds[0]), Arrays.equals(last[0], last[1]),
                share.isEmpty() ? "" : "; during the timed runs: " + share + " of the machine's CPU time");
    }

    /** One EF21 run as the class comment describes it (x^0 from seed 1); returns its final iterate. */
    private static double[] ef21Run(FederatedDataset data, double step, int rounds, int threads) {
        INDArray x0 = Tensors.zeros(Precision.FLOAT64, data.featureCount());
        new SeedTree(1).stream(Purpose.INIT).fillGaussian(x0, 0, 1);
        var result = Simulation.builder(Ef21.builder().learningRate(step).build())
                .config(SimulationConfig.builder().rounds(rounds).clientsPerRound(Ef21LibsvmSetup.CLIENTS)
                        .threads(threads).seed(1).evalEvery(0).precision(Precision.FLOAT64).build())
                .model(Ef21LibsvmSetup.model(data)).data(data)
                .uplinkCompressor(Compressors.topK(1)).initialParameters(x0).build().run();
        return Tensors.toDoubleArray(result.finalParameters());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }
}
