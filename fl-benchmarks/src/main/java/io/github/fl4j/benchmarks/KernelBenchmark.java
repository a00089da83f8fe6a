package io.github.fl4j.benchmarks;

import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
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
 * The BLAS level-1 kernels of {@link Tensors} on float32 vectors of dimension d, each into a reused buffer, beside
 * the same work as a plain Java loop over heap {@code float[]} and two same-run memory copies of the same bytes:
 *
 * <table>
 *   <caption>Kernels and the bytes each call moves (d float32 elements)</caption>
 *   <tr><th>kernel</th><th>{@link Tensors} (native)</th><th>plain loop (heap)</th><th>bytes read + written</th></tr>
 *   <tr><td>{@code y <- y + a x}</td><td>{@link #axpy}</td><td>{@link #axpyLoop}</td><td>8d + 4d = 12d</td></tr>
 *   <tr><td>{@code y <- a y}</td><td>{@link #scale}</td><td>{@link #scaleLoop}</td><td>4d + 4d = 8d</td></tr>
 *   <tr><td>{@code x . y}</td><td>{@link #dot}</td><td>{@link #dotLoop}</td><td>8d</td></tr>
 *   <tr><td>{@code ||x||_2}</td><td>{@link #norm}</td><td>{@link #normLoop}</td><td>4d</td></tr>
 *   <tr><td>{@code y <- x}</td><td>{@link #copyBaseline} ({@link Tensors#copy})</td>
 *       <td>{@link #heapCopyBaseline} ({@code System.arraycopy})</td><td>4d + 4d = 8d</td></tr>
 * </table>
 *
 * <p>Read each score (microseconds per call) as GB/s = bytes / time: {@code GB/s = bytes / (score * 1000)}, and
 * compare it with the GB/s of {@link #copyBaseline} in the same run (8d bytes), the bandwidth ceiling of a streaming
 * kernel. At d = 10^4 (40 KB per vector) the data sits in L1/L2 and the figures show call overhead; at d = 10^7
 * (40 MB) they show DRAM bandwidth.
 *
 * <p>The plain loops are what a Java programmer would write: one pass, no intrinsics; the reductions ({@code dot},
 * {@code norm}) keep four independent double accumulators so that the JIT can pipeline the adds (it does not
 * vectorise a floating-point reduction, as that would change the summation order). {@code scale} uses
 * {@code a = -1} so that the vector neither over- nor underflows across calls (and BLAS cannot skip it as it may for
 * {@code a = 1}); {@code axpy} uses a tiny {@code a} so the accumulating {@code y} stays O(1) over a run.
 *
 * <p>Run: {@code mvn -P jmh -pl fl-benchmarks -am package -DskipTests} then
 * {@code java -jar fl-benchmarks/target/benchmarks.jar KernelBenchmark} (one dimension:
 * {@code ... KernelBenchmark -p dimension=1000000}; allocation per call: add {@code -prof gc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelBenchmark {

    /** Dimension. */
    @Param({"10000", "100000", "1000000", "10000000"})
    public int dimension;

    /** The axpy coefficient: small, so that y stays O(1) over millions of calls. */
    private static final float AXPY_ALPHA = 1e-7f;

    /** The scal coefficient: -1 flips the sign, so repeated calls neither overflow nor underflow. */
    private static final float SCALE_ALPHA = -1f;

    private static boolean environmentPrinted;

    private INDArray x;
    private INDArray y;
    private INDArray out;
    private float[] xa;
    private float[] ya;
    private float[] outa;

    @Setup(Level.Trial)
    public void setUp() {
        NativeThreads.useOneThreadPerOp();
        RandomStream rng = new RandomStream(12345);
        x = Tensors.zeros(Precision.FLOAT32, dimension);
        y = Tensors.zeros(Precision.FLOAT32, dimension);
        out = Tensors.zeros(Precision.FLOAT32, dimension);
        rng.fillGaussian(x, 0, 1);
        rng.fillGaussian(y, 0, 1);
        xa = new float[dimension];
        ya = new float[dimension];
        outa = new float[dimension];
        x.data().asNioFloat().get(0, xa, 0, dimension);
        y.data().asNioFloat().get(0, ya, 0, dimension);
        if (!environmentPrinted) {
            environmentPrinted = true;
            System.out.println(BenchmarkEnvironment.describe());
        }
    }

    /** {@code y <- y + a x} by BLAS axpy (12d bytes). */
    @Benchmark
    public INDArray axpy() {
        Tensors.axpy(AXPY_ALPHA, x, y);
        return y;
    }

    /** {@code y <- y + a x} by a plain loop over heap arrays (12d bytes). */
    @Benchmark
    public float[] axpyLoop() {
        float[] xs = xa;
        float[] ys = ya;
        float a = AXPY_ALPHA;
        for (int j = 0; j < xs.length; j++) {
            ys[j] += a * xs[j];
        }
        return ys;
    }

    /** {@code y <- a y} by BLAS scal (8d bytes). */
    @Benchmark
    public INDArray scale() {
        Tensors.scale(SCALE_ALPHA, y);
        return y;
    }

    /** {@code y <- a y} by a plain loop over a heap array (8d bytes). */
    @Benchmark
    public float[] scaleLoop() {
        float[] ys = ya;
        float a = SCALE_ALPHA;
        for (int j = 0; j < ys.length; j++) {
            ys[j] *= a;
        }
        return ys;
    }

    /** {@code x . y} by BLAS dot (8d bytes). */
    @Benchmark
    public double dot() {
        return Tensors.dot(x, y);
    }

    /** {@code x . y} by a plain loop over heap arrays, four accumulators (8d bytes). */
    @Benchmark
    public double dotLoop() {
        float[] xs = xa;
        float[] ys = ya;
        int n = xs.length;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += xs[j] * ys[j];
            s1 += xs[j + 1] * ys[j + 1];
            s2 += xs[j + 2] * ys[j + 2];
            s3 += xs[j + 3] * ys[j + 3];
        }
        for (; j < n; j++) {
            s0 += xs[j] * ys[j];
        }
        return s0 + s1 + s2 + s3;
    }

    /** {@code ||x||_2} by BLAS nrm2 (4d bytes). */
    @Benchmark
    public double norm() {
        return Tensors.norm2(x);
    }

    /** {@code ||x||_2} by a plain loop over a heap array, four accumulators, no rescaling (4d bytes). */
    @Benchmark
    public double normLoop() {
        float[] xs = xa;
        int n = xs.length;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += xs[j] * xs[j];
            s1 += xs[j + 1] * xs[j + 1];
            s2 += xs[j + 2] * xs[j + 2];
            s3 += xs[j + 3] * xs[j + 3];
        }
        for (; j < n; j++) {
            s0 += xs[j] * xs[j];
        }
        return Math.sqrt(s0 + s1 + s2 + s3);
    }

    /** Baseline: one memory copy x -> out by BLAS copy (8d bytes), the bandwidth ceiling of the native kernels. */
    @Benchmark
    public INDArray copyBaseline() {
        Tensors.copy(x, out);
        return out;
    }

    /** Baseline: one memory copy of the heap array (8d bytes), the bandwidth ceiling of the plain loops. */
    @Benchmark
    public float[] heapCopyBaseline() {
        System.arraycopy(xa, 0, outa, 0, xa.length);
        return outa;
    }
}
