package io.github.fl4j.benchmarks.ef21;

import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.io.LibSvmReader;
import io.github.fl4j.core.model.LogisticRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.experiments.ef21.Ef21LibsvmSetup;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.DoubleSupplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The work {@link BuildComparison} times, loaded once per build: the EF21 split of a LIBSVM file read sparse, the EF21
 * model, and x ~ N(0, I) from the INIT stream of seed 1 (the EF21 benchmark's starting point). Each
 * {@link #getAsDouble()} runs {@code calls} client gradients ({@code lossAndGradient}, clients in turn) and returns the
 * microseconds per client; {@link #toString()} describes the results of one pass over all clients (the sum of the
 * losses and a hash of the gradients' bits), so that two builds can be checked for the same bits.
 */
public final class ClientGradientProbe implements DoubleSupplier {
    private final FederatedDataset data;
    private final LogisticRegression model;
    private final INDArray x;
    private final INDArray gradient;
    private final int calls;
    private double sink;

    /**
     * Loads the data and warms the model up (4,000 client gradients).
     *
     * @param file  a LIBSVM file with an EF21 setup (a9a, w8a, mushrooms, phishing)
     * @param calls client gradients per timed call
     */
    public ClientGradientProbe(Path file, int calls) throws java.io.IOException {
        this.data = Ef21LibsvmSetup.load(file, LibSvmReader.Storage.SPARSE);
        this.model = Ef21LibsvmSetup.model(data);
        int p = (int) data.featureCount();
        this.x = Tensors.zeros(Precision.FLOAT64, p);
        this.gradient = Tensors.zeros(Precision.FLOAT64, p);
        this.calls = calls;
        new SeedTree(1).stream(Purpose.INIT).fillGaussian(x, 0, 1);
        int n = data.clients().size();
        for (int w = 0; w < 4000; w++) {
            sink += model.lossAndGradient(x, data.clients().get(w % n), gradient);
        }
    }

    @Override
    public double getAsDouble() {
        int n = data.clients().size();
        long t0 = System.nanoTime();
        for (int c = 0; c < calls; c++) {
            sink += model.lossAndGradient(x, data.clients().get(c % n), gradient);
        }
        return (System.nanoTime() - t0) / 1e3 / calls;
    }

    @Override
    public String toString() {
        double losses = 0;
        int hash = 1;
        for (int c = 0; c < data.clients().size(); c++) {
            losses += model.lossAndGradient(x, data.clients().get(c), gradient);
            hash = 31 * hash + Arrays.hashCode(Tensors.toDoubleArray(gradient));
        }
        return "losses " + losses + ", gradients' hash " + hash;
    }
}
