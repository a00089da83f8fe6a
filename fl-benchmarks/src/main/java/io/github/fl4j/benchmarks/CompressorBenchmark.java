package io.github.fl4j.benchmarks;

import io.github.fl4j.compression.Compressors;
import io.github.fl4j.core.api.Compressor;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One call of each compression operator of fl-compression on a float32 Gaussian vector of dimension d (Top-K and
 * Rand-K with k = 1% of d), into a reused output buffer, against two same-run baselines over the same bytes:
 *
 * <ul>
 *   <li>{@link #sumBaseline}: reads the vector once, the best plain way: chunked bulk copies from its NIO buffer
 *       into a heap array, summed by a plain loop ({@link #chunkedSum}); the floor for any operator that must look
 *       at every coordinate;</li>
 *   <li>{@link #copyBaseline}: one memory copy x -> out (BLAS copy: reads 4d bytes, writes 4d), the floor for an
 *       operator that reads x and writes every element of out.</li>
 * </ul>
 * Every operator reads x at least once and writes out once, so its score divided by {@code copyBaseline}'s is its
 * cost in "copies"; GB/s = 8 d / time. Top-K additionally copies the magnitudes into scratch and runs a quickselect
 * over them; QSGD and natural compression draw one uniform per coordinate.
 *
 * <p>The baselines do not depend on {@code operator}; run them once with {@code -p operator=topk} or read any
 * row. Run: {@code mvn -P jmh -pl fl-benchmarks -am package -DskipTests} then
 * {@code java -jar fl-benchmarks/target/benchmarks.jar CompressorBenchmark} (a smoke run:
 * {@code ... CompressorBenchmark -f 1 -wi 1 -i 1 -p dimension=10000}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CompressorBenchmark {

    /** Dimension. */
    @Param({"10000", "1000000", "10000000"})
    public int dimension;

    /** The operator (see {@link #operator(String)}). */
    @Param({"topk", "randk", "randk-unscaled", "bernoulli", "qsgd", "natural", "scaled-sign", "sign"})
    public String operator;

    private Compressor compressor;
    private INDArray x;
    private INDArray out;
    private RandomStream rng;

    /** The operator for a parameter value: Top-K / Rand-K with k = 1% of d, Bernoulli p = 0.5, QSGD s = 16. */
    static Compressor operator(String name) {
        switch (name) {
            case "topk":
                return Compressors.topK(0.01);
            case "randk":
                return Compressors.randK(0.01);
            case "randk-unscaled":
                return Compressors.randKUnscaled(0.01);
            case "bernoulli":
                return Compressors.bernoulli(0.5);
            case "qsgd":
                return Compressors.qsgd(16);
            case "natural":
                return Compressors.natural();
            case "scaled-sign":
                return Compressors.scaledSign();
            case "sign":
                return Compressors.sign();
            default:
                throw new IllegalArgumentException("unknown operator " + name);
        }
    }

    private static boolean environmentPrinted;

    @Setup(Level.Trial)
    public void setUp() {
        NativeThreads.useOneThreadPerOp();
        compressor = operator(operator);
        x = Tensors.zeros(Precision.FLOAT32, dimension);
        new RandomStream(12345).fillGaussian(x, 0, 1);
        out = Tensors.zeros(Precision.FLOAT32, dimension);
        rng = new RandomStream(678);
        if (!environmentPrinted) {
            environmentPrinted = true;
            System.out.println(BenchmarkEnvironment.describe());
        }
    }

    /** One compression; returns the bits so that the call cannot be eliminated. */
    @Benchmark
    public long compress() {
        return compressor.compress(x, out, rng);
    }

    /** Reads x once: chunked bulk copies from the NIO buffer into a heap array, summed by a plain loop. */
    @Benchmark
    public double sumBaseline() {
        return chunkedSum(x);
    }

    /** Chunk length (floats) of {@link #chunkedSum}: 16 KiB, fits in L1. */
    static final int CHUNK = 4096;

    private static final ThreadLocal<float[]> CHUNK_BUFFER = ThreadLocal.withInitial(() -> new float[CHUNK]);

    /**
     * One plain pass over a contiguous float32 vector, the best plain read: absolute bulk gets
     * ({@code FloatBuffer.get(int, float[], int, int)}) of {@link #CHUNK} floats into a reused heap array, summed in
     * eight independent lanes (so the JIT can pipeline the adds).
     */
    static double chunkedSum(INDArray x) {
        FloatBuffer b = x.data().asNioFloat();
        int off = (int) x.offset();
        int d = (int) x.length();
        float[] buf = CHUNK_BUFFER.get();
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        for (int base = 0; base < d; base += CHUNK) {
            int n = Math.min(CHUNK, d - base);
            b.get(off + base, buf, 0, n);
            int j = 0;
            for (; j + 7 < n; j += 8) {
                s0 += buf[j];
                s1 += buf[j + 1];
                s2 += buf[j + 2];
                s3 += buf[j + 3];
                s4 += buf[j + 4];
                s5 += buf[j + 5];
                s6 += buf[j + 6];
                s7 += buf[j + 7];
            }
            for (; j < n; j++) {
                s0 += buf[j];
            }
        }
        return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
    }

    /** One memory copy x -> out. */
    @Benchmark
    public INDArray copyBaseline() {
        Tensors.copy(x, out);
        return out;
    }
}
