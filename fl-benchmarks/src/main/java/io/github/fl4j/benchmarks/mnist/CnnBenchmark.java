package io.github.fl4j.benchmarks.mnist;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.benchmarks.BenchmarkEnvironment;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.ConvNet;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * McMahan's MNIST CNN ({@link ConvNet#mcMahanMnist()}, float32, one BLAS thread) against the same workloads in
 * PyTorch, run back to back in the same process tree so that only same-run ratios are reported:
 * <ul>
 *   <li><b>step</b>: one SGD training step at batch 32 (forward, backward, update) on a fixed synthetic batch;</li>
 *   <li><b>round</b>: one FedAvg round of 10 clients, each 5 local SGD steps of batch 32 (lr 0.05) on its own 320
 *       synthetic samples, then plain averaging; the Java side is a real fl4j {@code Simulation} on one worker thread
 *       (evaluation off), so its time includes the framework (sampling, copies, aggregation).</li>
 * </ul>
 * The PyTorch side is {@code fl-benchmarks/python/cnn_bench.py} (one torch thread, {@code torch.set_num_threads(1)}).
 * The two alternate in {@code blocks} blocks (Python, then Java, then Python, ...), and the medians over all samples
 * are compared: {@code ratio = Java / PyTorch} (below 1 means fl4j is faster). When no Python with torch is found the
 * PyTorch side is skipped with a message and only the Java times are printed.
 *
 * <p>Also printed: the FLOP rate of the Java step (counting the gemm FLOPs: forward {@code 2 M K N} per layer, as many
 * for the weight gradients, and the input gradients of every layer but the first) against a same-run sgemm of the
 * largest product ([6272 x 800] x [800 x 64], the second convolution at batch 32) through ND4J.
 *
 * <p>Run (from the repository root):
 * <pre>
 * mvn -B -q -pl examples -am test-compile exec:java -Dexec.mainClass=io.github.fl4j.benchmarks.mnist.CnnBenchmark \
 *     -Dexec.args="blocks=3"
 * </pre>
 * Arguments ({@code key=value}): {@code python} (the interpreter; default the first of {@code python3},
 * {@code /usr/bin/python3} that imports torch), {@code script} (default {@code fl-benchmarks/python/cnn_bench.py}
 * found from the working directory upwards), {@code blocks} (3), {@code steps} (steps per block, 10),
 * {@code rounds} (rounds per block, 2), {@code workloads} (step,round).
 */
public final class CnnBenchmark {
    static final int BATCH = 32;
    static final int CLIENTS = 10;
    static final int LOCAL_STEPS = 5;
    static final double LR = 0.05;

    private CnnBenchmark() {
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
        int blocks = Integer.parseInt(a.getOrDefault("blocks", "3"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "10"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "2"));
        List<String> workloads = List.of(a.getOrDefault("workloads", "step,round").split(","));
        NativeThreads.useOneThreadPerOp();
        System.out.println(BenchmarkEnvironment.describe());
        Path script = a.containsKey("script") ? Path.of(a.get("script")) : findScript();
        String python = a.containsKey("python") ? a.get("python") : findTorchPython();
        if (python == null || script == null) {
            System.out.println("PyTorch side SKIPPED: " + (script == null ? "cnn_bench.py not found (give script=)"
                    : "no python3 with torch found (install python3-torch or give python=)"));
        } else {
            System.out.println("PyTorch: " + python + " " + script + " (" + pythonVersion(python) + ")");
        }
        System.out.println("model " + ConvNet.mcMahanMnist() + ", float32, batch " + BATCH);
        if (workloads.contains("step")) {
            compare("step", blocks, python, script, steps, () -> javaSteps(steps));
        }
        if (workloads.contains("round")) {
            compare("round", blocks, python, script, rounds, () -> javaRounds(rounds));
        }
        if (workloads.contains("step")) {
            flopRate();
        }
    }

    private interface Block {
        List<Double> run() throws Exception;
    }

    private static void compare(String workload, int blocks, String python, Path script, int reps, Block java)
            throws Exception {
        List<Double> py = new ArrayList<>();
        List<Double> jv = new ArrayList<>();
        java.run(); // warm-up (JIT, scratch)
        for (int b = 0; b < blocks; b++) {
            if (python != null && script != null) {
                py.addAll(runPython(python, script, workload, reps));
            }
            jv.addAll(java.run());
        }
        double jm = median(jv);
        System.out.printf(Locale.ROOT, "%n%s: fl4j median %.2f ms over %d samples (min %.2f)%n", workload, jm * 1e3,
                jv.size(), min(jv) * 1e3);
        if (!py.isEmpty()) {
            double pm = median(py);
            System.out.printf(Locale.ROOT, "%s: PyTorch median %.2f ms over %d samples (min %.2f)%n", workload,
                    pm * 1e3, py.size(), min(py) * 1e3);
            System.out.printf(Locale.ROOT, "%s: ratio fl4j / PyTorch = %.2f (medians, same run, interleaved in %d "
                    + "blocks)%n", workload, jm / pm, blocks);
        }
    }

    // ---------------------------------------------------------------------------------------------------- Java

    private static Dataset syntheticBatch(RandomStream rng, int m) {
        INDArray x = Nd4j.create(DataType.FLOAT, m, 784);
        rng.fillUniform(x, 0.0, 1.0);
        INDArray y = Nd4j.create(DataType.FLOAT, m, 1);
        for (int i = 0; i < m; i++) {
            y.putScalar(i, 0, rng.nextInt(10));
        }
        return new Dataset(x, y);
    }

    private static final ConvNet STEP_MODEL = ConvNet.mcMahanMnist();
    private static final Dataset STEP_BATCH = syntheticBatch(new RandomStream(1), BATCH);
    private static INDArray stepParams;
    private static INDArray stepScratch;

    /** {@code n} timed SGD steps (lossAndGradient + axpy, the model's sgdStep) on a fixed batch, seconds each. */
    static List<Double> javaSteps(int n) {
        if (stepParams == null) {
            stepParams = Tensors.zeros(Precision.FLOAT32, STEP_MODEL.dimension());
            STEP_MODEL.initialParameters(new RandomStream(2), stepParams);
            stepScratch = Tensors.zeros(Precision.FLOAT32, STEP_MODEL.dimension());
        }
        List<Double> t = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            STEP_MODEL.sgdStep(stepParams, STEP_BATCH, LR, stepScratch);
            t.add((System.nanoTime() - t0) / 1e9);
        }
        return t;
    }

    private static FederatedDataset roundData;

    /** A simulation of {@code 1 + n} rounds on one thread; the times of rounds 2 .. n+1, seconds each. */
    static List<Double> javaRounds(int n) {
        if (roundData == null) {
            RandomStream rng = new RandomStream(3);
            List<Dataset> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(syntheticBatch(rng, LOCAL_STEPS * BATCH));
            }
            roundData = new FederatedDataset(clients, syntheticBatch(rng, BATCH));
        }
        FedAvg alg = FedAvg.builder().localSteps(LOCAL_STEPS, BATCH).localLearningRate(LR)
                .weighting(WeightedMean.Weighting.UNIFORM).build();
        SimulationResult<?> r = Simulation.builder(alg)
                .config(SimulationConfig.builder().rounds(n + 1).clientsPerRound(CLIENTS).threads(1).seed(4)
                        .evalEvery(0).precision(Precision.FLOAT32).build())
                .model(ConvNet.mcMahanMnist()).data(roundData).build().run();
        List<Double> t = new ArrayList<>();
        for (int i = 1; i < r.reports().size(); i++) {
            t.add((r.reports().get(i).wallNanos() - r.reports().get(i).evalNanos()) / 1e9);
        }
        return t;
    }

    /** The FLOP rate of the step against a same-run sgemm of its largest product. */
    private static void flopRate() {
        // {M, K, N} of each layer's forward gemm at batch 32: conv1 (im2col), conv2 (im2col), dense 512, dense 10
        long[][] gemms = {{BATCH * 784L, 25, 32}, {BATCH * 196L, 800, 64}, {BATCH, 3136, 512}, {BATCH, 512, 10}};
        double flops = 0;
        for (int l = 0; l < gemms.length; l++) {
            double f = 2.0 * gemms[l][0] * gemms[l][1] * gemms[l][2];
            flops += l == 0 ? 2 * f : 3 * f; // forward + weight gradient (+ input gradient after the first layer)
        }
        List<Double> steps = javaSteps(20);
        double step = median(steps);
        double gemm = sgemmGflops(BATCH * 196, 800, 64);
        System.out.printf(Locale.ROOT, "%nstep FLOPs (gemm only) %.2f GFLOP; fl4j step %.2f ms = %.1f GFLOP/s; "
                + "same-run sgemm [6272x800][800x64] %.1f GFLOP/s on one thread (step at %.0f%% of it)%n",
                flops / 1e9, step * 1e3, flops / step / 1e9, gemm, 100 * flops / step / 1e9 / gemm);
    }

    /** GFLOP/s of Nd4j.gemm on [m x k][k x n] float32 into a reused output, median of 9 batches of 3 calls. */
    static double sgemmGflops(int m, int k, int n) {
        INDArray a = Tensors.zeros(Precision.FLOAT32, (long) m * k).reshape('c', m, k);
        INDArray b = Tensors.zeros(Precision.FLOAT32, (long) k * n).reshape('c', k, n);
        RandomStream rng = new RandomStream(7);
        rng.fillGaussian(a, 0, 1);
        rng.fillGaussian(b, 0, 1);
        INDArray c = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, n}, 'c');
        List<Double> secs = new ArrayList<>();
        for (int s = -2; s < 9; s++) {
            long t = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            }
            if (s >= 0) {
                secs.add((System.nanoTime() - t) / 1e9 / 3);
            }
        }
        return 2.0 * m * k * n / median(secs) / 1e9;
    }

    // -------------------------------------------------------------------------------------------------- Python

    private static List<Double> runPython(String python, Path script, String workload, int reps)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python, script.toString(), workload, Integer.toString(reps))
                .redirectErrorStream(true).start();
        List<Double> t = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && parts[0].equals(workload)) {
                    t.add(Double.parseDouble(parts[1]));
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || t.size() != reps) {
            throw new IOException("python " + script + " " + workload + " exited with " + rc + " after " + t.size()
                    + " of " + reps + " samples:\n" + out);
        }
        return t;
    }

    private static Path findScript() {
        Path dir = Path.of("").toAbsolutePath();
        for (int up = 0; up < 5 && dir != null; up++, dir = dir.getParent()) {
            Path p = dir.resolve("fl-benchmarks/python/cnn_bench.py");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static String findTorchPython() {
        for (String candidate : new String[] {"python3", "/usr/bin/python3"}) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // not installed: try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static String pythonVersion(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c",
                    "import torch,sys; print('python', sys.version.split()[0], 'torch', torch.__version__, "
                            + "'mkldnn', torch.backends.mkldnn.is_available())").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return s;
        } catch (IOException e) {
            return "version unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "version unknown";
        }
    }

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }
}
