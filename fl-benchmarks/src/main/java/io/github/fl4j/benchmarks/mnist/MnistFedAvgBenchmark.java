package io.github.fl4j.benchmarks.mnist;

import io.github.fl4j.benchmarks.BenchmarkEnvironment;
import io.github.fl4j.experiments.mnist.MnistFedAvgSetup;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times the MNIST FedAvg setup of {@link MnistFedAvgSetup} (the one measured with four Python FL simulators) for
 * logistic regression and the 784-200-200-10 MLP: one warm-up run, then {@code reps} runs of 20 rounds with seeds
 * 1..reps, and prints the median training time per round (evaluation excluded), the final test accuracy of each run,
 * and, for the MLP, the FLOP rate of a round against a same-run sgemm of the largest layer product. It prints no
 * comparison with Python: a speed-up is only ever a same-run ratio ({@link CnnBenchmark} runs PyTorch side by side).
 *
 * <p>Run (from the repository root):
 * <pre>
 * mvn -B -q -pl examples -am test-compile exec:java -Dexec.mainClass=io.github.fl4j.benchmarks.mnist.MnistFedAvgBenchmark \
 *     -Dexec.args="reps=5 threads=2"
 * </pre>
 * (the examples module has this module on its class path and runs main classes; in an IDE, run it directly).
 * Arguments ({@code key=value}): {@code mnist} (folder of the IDX files; default as {@link MnistFedAvgSetup#dataDir}),
 * {@code reps} (5), {@code threads} (2), {@code models} (logistic,mlp).
 */
public final class MnistFedAvgBenchmark {
    private MnistFedAvgBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("logback.configurationFile") == null) {
            // Quiet per-round logging; the file has its own name so that it cannot clash with an application's.
            System.setProperty("logback.configurationFile", "fl4j-benchmarks-logback.xml");
        }
        java.util.Map<String, String> a = new java.util.HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments must look like key=value, was '" + arg + "'");
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Path dir = MnistFedAvgSetup.dataDir(a.get("mnist"));
        int reps = Integer.parseInt(a.getOrDefault("reps", "5"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        String[] models = a.getOrDefault("models", "logistic,mlp").split(",");

        NativeThreads.useOneThreadPerOp();
        System.out.println(BenchmarkEnvironment.describe());
        System.out.printf(Locale.ROOT, "MNIST FedAvg: %d clients, %d per round, %d local steps of batch %d, lr %s, "
                        + "%d rounds, %d worker threads, %d repetitions after 1 warm-up%n", MnistFedAvgSetup.CLIENTS,
                MnistFedAvgSetup.CLIENTS_PER_ROUND, MnistFedAvgSetup.LOCAL_STEPS, MnistFedAvgSetup.BATCH,
                MnistFedAvgSetup.LEARNING_RATE, MnistFedAvgSetup.ROUNDS, threads, reps);
        long t0 = System.nanoTime();
        FederatedDataset data = MnistFedAvgSetup.load(dir, 1);
        System.out.printf(Locale.ROOT, "loaded and partitioned %s in %.2f s%n", data, (System.nanoTime() - t0) / 1e9);

        for (String name : models) {
            MnistFedAvgSetup.ModelKind kind = MnistFedAvgSetup.ModelKind.valueOf(name.trim().toUpperCase(Locale.ROOT));
            run(kind, data, reps, threads);
        }
    }

    private static void run(MnistFedAvgSetup.ModelKind kind, FederatedDataset data, int reps, int threads) {
        runOnce(kind, data, threads, 0);
        List<Double> perRunMedians = new ArrayList<>();
        List<Double> allRounds = new ArrayList<>();
        double[] acc = new double[reps];
        for (int r = 0; r < reps; r++) {
            SimulationResult<?> res = runOnce(kind, data, threads, r + 1);
            double[] ms = new double[res.reports().size()];
            for (int i = 0; i < ms.length; i++) {
                RoundReport rep = res.reports().get(i);
                ms[i] = (rep.wallNanos() - rep.evalNanos()) / 1e6;
                allRounds.add(ms[i]);
            }
            perRunMedians.add(median(ms));
            acc[r] = res.finalAccuracy();
        }
        double med = median(allRounds.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf(Locale.ROOT, "%n%s (d = %d)%n", kind, kind.model().dimension());
        System.out.printf(Locale.ROOT, "  median train time per round   %.2f ms (per-run medians %s)%n", med,
                format(perRunMedians));
        System.out.printf(Locale.ROOT, "  final test accuracy           %s (mean %.4f)%n", Arrays.toString(acc),
                Arrays.stream(acc).average().orElse(Double.NaN));
        if (kind == MnistFedAvgSetup.ModelKind.MLP) {
            // FLOPs of one local step at batch B: forward 2 B sum(in*out), weight gradients the same, hidden-layer
            // input gradients 2 B sum_{l >= 2}(in*out) (no gradient w.r.t. the pixels).
            long b = MnistFedAvgSetup.BATCH;
            long all = 784L * 200 + 200L * 200 + 200L * 10;
            long later = 200L * 200 + 200L * 10;
            double stepFlops = 2.0 * b * all * 2 + 2.0 * b * later;
            double roundFlops = stepFlops * MnistFedAvgSetup.LOCAL_STEPS * MnistFedAvgSetup.CLIENTS_PER_ROUND;
            double gemm = sgemmGflops(32, 784, 200);
            System.out.printf(Locale.ROOT, "  round FLOP rate               %.1f GFLOP/s over %d threads (%.1f per thread)"
                            + "%n  same-run sgemm [32x784][784x200] %.1f GFLOP/s on one thread%n",
                    roundFlops / (med * 1e6), threads, roundFlops / (med * 1e6) / threads, gemm);
        }
    }

    private static SimulationResult<?> runOnce(MnistFedAvgSetup.ModelKind kind, FederatedDataset data, int threads,
                                               long seed) {
        return Simulation.builder(MnistFedAvgSetup.algorithm())
                .config(MnistFedAvgSetup.config(MnistFedAvgSetup.ROUNDS, threads, seed, 0))
                .model(kind.model()).data(data).build().run();
    }

    /** GFLOP/s of Nd4j.gemm on [m x k][k x n] float32 into a reused output, median of 15 batches of 200 calls. */
    static double sgemmGflops(int m, int k, int n) {
        INDArray a = Tensors.zeros(Precision.FLOAT32, (long) m * k).reshape('c', m, k);
        INDArray b = Tensors.zeros(Precision.FLOAT32, (long) k * n).reshape('c', k, n);
        RandomStream rng = new RandomStream(7);
        rng.fillGaussian(a, 0, 1);
        rng.fillGaussian(b, 0, 1);
        INDArray c = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, new long[] {m, n}, 'c');
        double[] secs = new double[15];
        for (int s = -5; s < secs.length; s++) {
            long t = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            }
            if (s >= 0) {
                secs[s] = (System.nanoTime() - t) / 1e9 / 200;
            }
        }
        return 2.0 * m * k * n / median(secs) / 1e9;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static String format(List<Double> v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.2f", v.get(i)));
        }
        return sb.append(']').toString();
    }
}
