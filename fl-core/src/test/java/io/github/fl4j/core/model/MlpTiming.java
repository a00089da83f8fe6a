package io.github.fl4j.core.model;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.lang.ref.Reference;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A stand-alone timing of the 2NN (784-200-200-10) step at batch 32 in float32, one BLAS thread; not a test (no timing
 * is ever asserted). Run with the test classpath:
 *
 * <pre>
 *   java -cp fl-core/target/classes:fl-core/target/test-classes:$(cat cp.txt) io.github.fl4j.core.model.MlpTiming
 * </pre>
 *
 * Prints microseconds per {@code lossAndGradient} call and GFLOP/s, counting {@code 2 B sum_l in_l out_l} for the
 * forward products, as many for the weight gradients and {@code 2 B sum_{l>=2} in_l out_l} for the hidden deltas, and
 * for reference the same for a single sgemm of the largest product ([32 x 784] x [784 x 200]).
 */
public final class MlpTiming {
    private MlpTiming() {
    }

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int batch = 32;
        NativeThreads.useOneThreadPerOp();
        RandomStream rng = new RandomStream(1);
        Mlp net = Mlp.mcMahan2nn();
        INDArray a = Nd4j.create(DataType.FLOAT, batch, 784);
        rng.fillUniform(a, 0.0, 1.0);
        INDArray y = Nd4j.create(DataType.FLOAT, batch, 1);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, 0, rng.nextInt(10));
        }
        Dataset b = new Dataset(a, y);
        INDArray x = Tensors.zeros(Precision.FLOAT32, net.dimension());
        net.initialParameters(rng, x);
        INDArray g = Tensors.zeros(Precision.FLOAT32, net.dimension());

        int[] n = net.layerSizes();
        double forward = 0;
        double hidden = 0;
        for (int l = 0; l < net.layerCount(); l++) {
            forward += 2.0 * batch * n[l] * n[l + 1];
            if (l > 0) {
                hidden += 2.0 * batch * n[l] * n[l + 1];
            }
        }
        double flops = 2 * forward + hidden;
        System.out.printf("2NN %s, B = %d: %.2f MFLOP per step (forward %.2f, dW %.2f, dH %.2f)%n",
                java.util.Arrays.toString(n), batch, flops / 1e6, forward / 1e6, forward / 1e6, hidden / 1e6);

        double sink = 0;
        for (int i = 0; i < calls; i++) { // warm-up
            sink += net.lossAndGradient(x, b, g);
        }
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                sink += net.lossAndGradient(x, b, g);
            }
            double us = (System.nanoTime() - t0) / 1e3 / calls;
            long t1 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                sink += net.loss(x, b);
            }
            double usLoss = (System.nanoTime() - t1) / 1e3 / calls;
            System.out.printf("lossAndGradient: %8.1f us/call  %6.1f GFLOP/s    loss (forward): %7.1f us/call"
                    + "  %6.1f GFLOP/s%n", us, flops / us / 1e3, usLoss, forward / usLoss / 1e3);
        }

        // the largest single product, [32 x 784] x [784 x 200], as the forward pass calls it
        INDArray w = Nd4j.create(DataType.FLOAT, 784, 200);
        rng.fillUniform(w, -0.03, 0.03);
        INDArray z = Nd4j.create(DataType.FLOAT, batch, 200);
        INDArray dz = Nd4j.create(DataType.FLOAT, batch, 200);
        rng.fillUniform(dz, -0.01, 0.01);
        INDArray dw = Nd4j.create(DataType.FLOAT, 784, 200);
        double gemmFlops = 2.0 * batch * 784 * 200;
        int gemmCalls = calls * 5;
        for (int i = 0; i < gemmCalls; i++) {
            Kernels.gemm(false, false, false, batch, 200, 784, 1.0, Kernels.pointer(a), 784, Kernels.pointer(w), 200,
                    0.0, Kernels.pointer(z), 200);
        }
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < gemmCalls; i++) {
                Kernels.gemm(false, false, false, batch, 200, 784, 1.0, Kernels.pointer(a), 784, Kernels.pointer(w),
                        200, 0.0, Kernels.pointer(z), 200);
            }
            double us = (System.nanoTime() - t0) / 1e3 / gemmCalls;
            long t1 = System.nanoTime();
            for (int i = 0; i < gemmCalls; i++) {
                Kernels.gemm(false, true, false, 784, 200, batch, 1.0, Kernels.pointer(a), 784, Kernels.pointer(dz),
                        200, 0.0, Kernels.pointer(dw), 200);
            }
            double usT = (System.nanoTime() - t1) / 1e3 / gemmCalls;
            System.out.printf("sgemm [32x784]x[784x200]: %6.1f us  %6.1f GFLOP/s    sgemm [784x32]x[32x200] (dW_1):"
                    + " %6.1f us  %6.1f GFLOP/s%n", us, gemmFlops / us / 1e3, usT, gemmFlops / usT / 1e3);
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(w);
        Reference.reachabilityFence(z);
        Reference.reachabilityFence(dz);
        Reference.reachabilityFence(dw);
        System.out.println("(checksum " + sink + ")");
    }
}
