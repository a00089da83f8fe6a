package io.github.fl4j.benchmarks;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.model.LogisticRegression;
import io.github.fl4j.core.model.Mlp;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
 * One minibatch {@code lossAndGradient} of each built-in model on 784 float32 features (MNIST-sized) at batch 32,
 * into a reused gradient buffer, beside a same-run {@code Nd4j.gemm} of [32 x 784][784 x 200] (the MLP's largest
 * product) whose GFLOP/s is the yardstick of a compute-bound kernel at this size.
 *
 * <p>FLOP counts per call at B = 32 (multiply-add = 2 FLOP; the O(B n) element-wise work, exp/log, ReLU and bias
 * sums are not counted):
 *
 * <table>
 *   <caption>FLOP per call; GFLOP/s = FLOP / (score in microseconds * 1000)</caption>
 *   <tr><th>benchmark</th><th>work</th><th>FLOP</th></tr>
 *   <tr><td>{@link #logistic}</td><td>binary {@link LogisticRegression}, p = 784: one pass over the rows
 *       (a_i . x, then g += c_i a_i; Java row kernels), 2 * 2 B p</td><td>100,352</td></tr>
 *   <tr><td>{@link #softmax}</td><td>{@link SoftmaxRegression} 784 x 10: gemm A W, gemm A^T G, 2 * 2 B p k</td>
 *       <td>1,003,520</td></tr>
 *   <tr><td>{@link #mlp}</td><td>{@link Mlp} 784-200-200-10 ({@link Mlp#mcMahan2nn()}): forward
 *       2 B sum_l n_{l-1} n_l = 12,723,200, weight gradients as many, hidden deltas 2 B sum_{l>=2} n_{l-1} n_l =
 *       2,688,000</td><td>28,134,400</td></tr>
 *   <tr><td>{@link #gemmBaseline}</td><td>{@code Nd4j.gemm} [32 x 784][784 x 200] into a reused c-order output,
 *       2 m k n</td><td>10,035,200</td></tr>
 * </table>
 *
 * <p>The models call OpenBLAS ({@code cblas_sgemm}/{@code cblas_sgemv}) directly on the arrays' native memory,
 * bypassing ND4J's op dispatch that {@code Nd4j.gemm} pays (about 10-15 us per call), so a model's GFLOP/s can
 * exceed the yardstick's. The logistic gradient is memory-bound (it reads the 100 KB batch once for 0.1 MFLOP, with
 * plain Java row kernels rather than BLAS; see {@code benchmarks.ef21.FullGradientBenchmark} for full gradients): read
 * its score as overhead per call rather than as a FLOP rate.
 *
 * <p>Inputs: features uniform on [0, 1) (as normalised pixels), labels uniform (+-1 for logistic, a class in 0..9
 * otherwise), parameters N(0, 0.01^2) for the linear models and the PyTorch-style initialisation for the MLP, all from
 * fixed seeds. Run: {@code java -jar fl-benchmarks/target/benchmarks.jar GradientBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GradientBenchmark {

    /** Features per sample (MNIST). */
    public static final int FEATURES = 784;

    /** Classes (MNIST). */
    public static final int CLASSES = 10;

    /** FLOP of one {@link #logistic} call at batch 32. */
    public static final long LOGISTIC_FLOP = 2L * 2 * 32 * FEATURES;

    /** FLOP of one {@link #softmax} call at batch 32. */
    public static final long SOFTMAX_FLOP = 2L * 2 * 32 * FEATURES * CLASSES;

    /** FLOP of one {@link #mlp} call at batch 32. */
    public static final long MLP_FLOP = 2L * 32 * (2L * (784 * 200 + 200 * 200 + 200 * 10) + (200 * 200 + 200 * 10));

    /** FLOP of one {@link #gemmBaseline} call. */
    public static final long GEMM_FLOP = 2L * 32 * 784 * 200;

    /** Minibatch size. */
    @Param({"32"})
    public int batch;

    private static boolean environmentPrinted;

    private LogisticRegression logisticModel;
    private SoftmaxRegression softmaxModel;
    private Mlp mlpModel;
    private Dataset binaryBatch;
    private Dataset classBatch;
    private INDArray logisticParams;
    private INDArray logisticGradient;
    private INDArray softmaxParams;
    private INDArray softmaxGradient;
    private INDArray mlpParams;
    private INDArray mlpGradient;
    private INDArray gemmA;
    private INDArray gemmB;
    private INDArray gemmC;

    @Setup(Level.Trial)
    public void setUp() {
        NativeThreads.useOneThreadPerOp();
        RandomStream rng = new RandomStream(12345);
        INDArray features = Tensors.zeros(Precision.FLOAT32, (long) batch * FEATURES).reshape('c', batch, FEATURES);
        rng.fillUniform(features, 0, 1);
        INDArray signs = Tensors.zeros(Precision.FLOAT32, batch);
        INDArray classes = Tensors.zeros(Precision.FLOAT32, batch);
        for (int i = 0; i < batch; i++) {
            signs.putScalar(i, rng.nextBoolean(0.5) ? 1f : -1f);
            classes.putScalar(i, rng.nextInt(CLASSES));
        }
        binaryBatch = new Dataset(features, signs);
        classBatch = new Dataset(features, classes);

        logisticModel = new LogisticRegression(FEATURES);
        logisticParams = Tensors.zeros(Precision.FLOAT32, logisticModel.dimension());
        rng.fillGaussian(logisticParams, 0, 0.01);
        logisticGradient = Tensors.zeros(Precision.FLOAT32, logisticModel.dimension());

        softmaxModel = new SoftmaxRegression(FEATURES, CLASSES);
        softmaxParams = Tensors.zeros(Precision.FLOAT32, softmaxModel.dimension());
        rng.fillGaussian(softmaxParams, 0, 0.01);
        softmaxGradient = Tensors.zeros(Precision.FLOAT32, softmaxModel.dimension());

        mlpModel = Mlp.mcMahan2nn();
        mlpParams = Tensors.zeros(Precision.FLOAT32, mlpModel.dimension());
        mlpModel.initialParameters(rng, mlpParams);
        mlpGradient = Tensors.zeros(Precision.FLOAT32, mlpModel.dimension());

        gemmA = Tensors.zeros(Precision.FLOAT32, (long) batch * FEATURES).reshape('c', batch, FEATURES);
        gemmB = Tensors.zeros(Precision.FLOAT32, (long) FEATURES * 200).reshape('c', FEATURES, 200);
        rng.fillGaussian(gemmA, 0, 1);
        rng.fillGaussian(gemmB, 0, 1);
        gemmC = Nd4j.createUninitialized(DataType.FLOAT, new long[] {batch, 200}, 'c');
        if (!environmentPrinted) {
            environmentPrinted = true;
            System.out.println(BenchmarkEnvironment.describe());
        }
    }

    /** Binary logistic regression, p = 784: {@value #LOGISTIC_FLOP} FLOP at batch 32. */
    @Benchmark
    public double logistic() {
        return logisticModel.lossAndGradient(logisticParams, binaryBatch, logisticGradient);
    }

    /** Softmax regression 784 x 10: {@value #SOFTMAX_FLOP} FLOP at batch 32. */
    @Benchmark
    public double softmax() {
        return softmaxModel.lossAndGradient(softmaxParams, classBatch, softmaxGradient);
    }

    /** MLP 784-200-200-10: {@value #MLP_FLOP} FLOP at batch 32. */
    @Benchmark
    public double mlp() {
        return mlpModel.lossAndGradient(mlpParams, classBatch, mlpGradient);
    }

    /** Yardstick: {@code Nd4j.gemm} [32 x 784][784 x 200] into a reused output, {@value #GEMM_FLOP} FLOP. */
    @Benchmark
    public INDArray gemmBaseline() {
        Nd4j.gemm(gemmA, gemmB, gemmC, false, false, 1.0, 0.0);
        return gemmC;
    }
}
