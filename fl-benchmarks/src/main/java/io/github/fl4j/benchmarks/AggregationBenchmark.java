package io.github.fl4j.benchmarks;

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
 * Weighted aggregation of N client vectors of dimension d into one output buffer, the server's inner kernel
 * ({@code out = sum_n w_n u_n}), against two same-run baselines over the same bytes:
 *
 * <ul>
 *   <li>{@link #axpyAggregate}: what {@code WeightedMean} does, one BLAS axpy per client into a reused buffer;</li>
 *   <li>{@link #plainLoopAggregate}: the same sum as a plain Java loop over the backing buffers;</li>
 *   <li>{@link #copyBaseline}: one memory copy of each client vector (reads the same N*d floats and writes d per
 *       client), the bandwidth ceiling.</li>
 * </ul>
 * Read each score as time per aggregation; bytes moved = 4 N d read (+ 4 d written per client for axpy/copy), so
 * GB/s = bytes / time, and the axpy/copy ratio is the fraction of copy bandwidth reached.
 *
 * <p>Run: {@code mvn -P jmh -pl fl-benchmarks -am package -DskipTests} then
 * {@code java -jar fl-benchmarks/target/benchmarks.jar AggregationBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AggregationBenchmark {

    /** Number of client vectors. */
    @Param({"10", "100"})
    public int clients;

    /** Dimension. */
    @Param({"10000", "1000000"})
    public int dimension;

    private INDArray[] uploads;
    private double[] weights;
    private INDArray out;

    private static boolean environmentPrinted;

    @Setup(Level.Trial)
    public void setUp() {
        NativeThreads.useOneThreadPerOp();
        RandomStream rng = new RandomStream(12345);
        uploads = new INDArray[clients];
        weights = new double[clients];
        for (int i = 0; i < clients; i++) {
            uploads[i] = Tensors.zeros(Precision.FLOAT32, dimension);
            rng.fillGaussian(uploads[i], 0, 1);
            weights[i] = 1.0 / clients;
        }
        out = Tensors.zeros(Precision.FLOAT32, dimension);
        if (!environmentPrinted) {
            environmentPrinted = true;
            System.out.println(BenchmarkEnvironment.describe());
        }
    }

    @Benchmark
    public INDArray axpyAggregate() {
        Tensors.fillZero(out);
        for (int i = 0; i < clients; i++) {
            Tensors.axpy(weights[i], uploads[i], out);
        }
        return out;
    }

    @Benchmark
    public INDArray plainLoopAggregate() {
        FloatBuffer o = out.data().asNioFloat();
        for (int j = 0; j < dimension; j++) {
            o.put(j, 0f);
        }
        for (int i = 0; i < clients; i++) {
            FloatBuffer u = uploads[i].data().asNioFloat();
            float w = (float) weights[i];
            for (int j = 0; j < dimension; j++) {
                o.put(j, o.get(j) + w * u.get(j));
            }
        }
        return out;
    }

    @Benchmark
    public INDArray copyBaseline() {
        for (int i = 0; i < clients; i++) {
            Tensors.copy(uploads[i], out);
        }
        return out;
    }
}
