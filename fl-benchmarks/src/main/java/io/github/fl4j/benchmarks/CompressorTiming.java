package io.github.fl4j.benchmarks;

import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A quick standalone timing of every operator of fl-compression (not JMH): after a warm-up, the median time of one
 * call on a float32 Gaussian vector, for each dimension given (default 10^6 and 10^7), with its ratio to one plain
 * chunked read of the vector ({@link CompressorBenchmark#chunkedSum}) and to one copy x -> out.
 *
 * <p>Run: {@code java -cp <module classpath> io.github.fl4j.benchmarks.CompressorTiming [d ...]}. For numbers to
 * quote use {@link CompressorBenchmark} (JMH).
 */
public final class CompressorTiming {
    private static final String[] OPERATORS = {"topk", "randk", "randk-unscaled", "bernoulli", "qsgd", "natural",
        "scaled-sign", "sign"};

    private CompressorTiming() {
    }

    /** Args: dimensions (default 1000000 10000000). */
    public static void main(String[] args) {
        NativeThreads.useOneThreadPerOp();
        int[] dims = args.length == 0 ? new int[] {1_000_000, 10_000_000} : new int[args.length];
        for (int i = 0; i < args.length; i++) {
            dims[i] = Integer.parseInt(args[i]);
        }
        System.out.printf(Locale.ROOT, "%-16s %10s %10s %8s %8s%n", "operator", "d", "ms/call", "x read", "x copy");
        for (int d : dims) {
            INDArray x = Tensors.zeros(Precision.FLOAT32, d);
            new RandomStream(12345).fillGaussian(x, 0, 1);
            INDArray out = Tensors.zeros(Precision.FLOAT32, d);
            int reps = Math.max(5, (int) (2e7 / d));
            double[] sink = new double[1];
            double read = time(reps, () -> sink[0] += CompressorBenchmark.chunkedSum(x));
            double copy = time(reps, () -> Tensors.copy(x, out));
            System.out.printf(Locale.ROOT, "%-16s %10d %10.3f %8.2f %8.2f%n", "read(chunked)", d, read, 1.0,
                    read / copy);
            System.out.printf(Locale.ROOT, "%-16s %10d %10.3f %8.2f %8.2f%n", "copy", d, copy, copy / read, 1.0);
            double perElement = time(reps, () -> sink[0] += perElementSum(x));
            System.out.printf(Locale.ROOT, "%-16s %10d %10.3f %8.2f %8.2f%n", "read(get(i))", d, perElement,
                    perElement / read, perElement / copy);
            for (String name : OPERATORS) {
                Compressor c = CompressorBenchmark.operator(name);
                RandomStream rng = new RandomStream(678);
                double t = time(reps, () -> sink[0] += c.compress(x, out, rng));
                System.out.printf(Locale.ROOT, "%-16s %10d %10.3f %8.2f %8.2f%n", name, d, t, t / read, t / copy);
            }
            if (sink[0] == 42.4242) {
                System.out.println();
            }
        }
    }

    /** The old baseline: one read through {@code FloatBuffer.get(i)}, element by element. */
    private static double perElementSum(INDArray x) {
        java.nio.FloatBuffer b = x.data().asNioFloat();
        int off = (int) x.offset();
        int d = (int) x.length();
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += b.get(off + j);
        }
        return s;
    }

    /** Median ms per call over 5 batches of {@code reps} calls, after {@code reps} warm-up calls (x3). */
    private static double time(int reps, Runnable r) {
        for (int i = 0; i < 3 * reps; i++) {
            r.run();
        }
        double[] ms = new double[5];
        for (int b = 0; b < ms.length; b++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                r.run();
            }
            ms[b] = (System.nanoTime() - t0) / 1e6 / reps;
        }
        java.util.Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
