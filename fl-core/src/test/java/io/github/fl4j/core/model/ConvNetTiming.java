package io.github.fl4j.core.model;

import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.random.RandomStream;
import io.github.fl4j.core.tensor.NativeThreads;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A stand-alone timing of McMahan's MNIST CNN step ({@code lossAndGradient} at batch 32, float32, one BLAS thread)
 * with the time of every layer's forward and backward pass and the Java heap bytes allocated per call; not a test (no timing is ever asserted). Run with the
 * test classpath: {@code java -cp fl-core/target/classes:fl-core/target/test-classes:$(cat cp.txt)
 * io.github.fl4j.core.model.ConvNetTiming [calls]}.
 */
public final class ConvNetTiming {
    private ConvNetTiming() {
    }

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int batch = 32;
        NativeThreads.useOneThreadPerOp();
        RandomStream rng = new RandomStream(1);
        ConvNet net = ConvNet.mcMahanMnist();
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
        for (int i = 0; i < 10; i++) {
            net.lossAndGradient(x, b, g);
        }
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 20; i++) {
            net.lossAndGradient(x, b, g);
        }
        System.out.printf(Locale.ROOT, "Java heap allocated per lossAndGradient call: %.1f bytes (mean of 20)%n",
                (mx.getThreadAllocatedBytes(tid) - before) / 20.0);
        for (int rep = 0; rep < 3; rep++) {
            long[] prof = new long[2 * net.layerCount()];
            ConvNet.profile = prof;
            long[] times = new long[calls];
            for (int i = 0; i < calls; i++) {
                long t0 = System.nanoTime();
                net.lossAndGradient(x, b, g);
                times[i] = System.nanoTime() - t0;
            }
            ConvNet.profile = null;
            Arrays.sort(times);
            StringBuilder sb = new StringBuilder();
            for (int l = 0; l < net.layerCount(); l++) {
                sb.append(String.format(Locale.ROOT, " L%d %.2f/%.2f", l, prof[2 * l] / 1e6 / calls,
                        prof[2 * l + 1] / 1e6 / calls));
            }
            System.out.printf(Locale.ROOT, "step median %.2f ms, min %.2f ms; per layer fwd/bwd ms:%s%n",
                    times[calls / 2] / 1e6, times[0] / 1e6, sb);
        }
    }
}
