package io.github.fl4j.experiments.ef21;

import io.github.fl4j.algorithms.ef.EControl;
import io.github.fl4j.algorithms.ef.Ef14;
import io.github.fl4j.algorithms.ef.Ef21;
import io.github.fl4j.compression.Compressors;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.data.io.LibSvmReader;
import io.github.fl4j.core.model.LogisticRegression;
import io.github.fl4j.core.model.SmoothnessConstants;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.RoundListener;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Precision;
import io.github.fl4j.core.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The logistic-regression experiment of the EF21 paper (Richtarik, Sokolov, Fatkhullin, NeurIPS 2021),
 * as its official code runs it: a LIBSVM file with labels mapped to -1/+1, n = 20 clients holding contiguous
 * equal chunks in file order (remainder to the last; the file order makes the split heterogeneous), f_i the mean
 * logistic loss plus the non-convex regulariser lambda sum_k x_k^2/(1 + x_k^2) with lambda = 0.1, float64, x^0 ~ N(0, I)
 * (drawn once from the INIT stream and shared by all methods), Top-k on the uplink, step size = multiplier x the EF21
 * theory step 1/(L + L_QM sqrt(beta/theta)) with L_i = lambda_max(A_i^T A_i/(4 m_i)) + 2 lambda. Tracked per round:
 * ||grad f(x^t)||^2 with f = (1/n) sum f_i, against uplink bits per client.
 */
public final class Ef21LibsvmSetup {
    /** Clients. */
    public static final int CLIENTS = 20;
    /** Regulariser strength. */
    public static final double LAMBDA = 0.1;

    private Ef21LibsvmSetup() {
    }

    /** The shared LIBSVM folder: {@code shared/data/libsvm} beside the project root, if present. */
    public static Optional<Path> defaultDataDir() {
        String prop = System.getProperty("fl4j.libsvm");
        if (prop != null && !prop.isBlank()) {
            return Optional.of(Path.of(prop));
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int up = 0; up < 6 && dir != null; up++, dir = dir.getParent()) {
            for (String rel : new String[] {"shared/data/libsvm", "../shared/data/libsvm"}) {
                Path c = dir.resolve(rel).normalize();
                if (Files.isDirectory(c)) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    /** Label mapping of each shared file to -1/+1 (README of the shared data). */
    public static Map<Double, Double> labelMapping(String file) {
        if (file.startsWith("mushrooms")) {
            return Map.of(1.0, -1.0, 2.0, 1.0);
        }
        if (file.startsWith("phishing")) {
            return Map.of(0.0, -1.0, 1.0, 1.0);
        }
        return Map.of(-1.0, -1.0, 1.0, 1.0);
    }

    /**
     * Loads a LIBSVM file and splits it into 20 contiguous chunks (the test set is the whole file); sparse when the
     * file's density is below the reader's default threshold (a9a, w8a, mushrooms), else dense.
     */
    public static FederatedDataset load(Path file) throws IOException {
        return load(file, LibSvmReader.Storage.AUTO);
    }

    /**
     * {@link #load(Path)} with the storage forced (or {@code AUTO}); the clients of a sparse file are row ranges of
     * one shared CSR matrix.
     */
    public static FederatedDataset load(Path file, LibSvmReader.Storage storage) throws IOException {
        Dataset all = LibSvmReader.builder().labelMapping(labelMapping(file.getFileName().toString()))
                .precision(Precision.FLOAT64).storage(storage).build().read(file);
        return Partitioners.contiguous(all, all, CLIENTS);
    }

    /** The model: logistic regression with the non-convex regulariser. */
    public static LogisticRegression model(FederatedDataset data) {
        return LogisticRegression.nonConvex(data.featureCount(), LAMBDA);
    }

    /** EF21's theory step size for Top-k on this data, times a multiplier. */
    public static double theoryStep(FederatedDataset data, int k, double multiplier) {
        SmoothnessConstants.Summary l = SmoothnessConstants.logistic(data, LAMBDA);
        return Ef21.theoryStepSize(l, Math.min(1.0, (double) k / data.featureCount()), Ef21.MeanRule.QUADRATIC,
                multiplier);
    }

    /** The three methods at one step size. */
    public static List<FederatedAlgorithm<?, ?>> methods(double step, double econtrolEta) {
        List<FederatedAlgorithm<?, ?>> m = new ArrayList<>();
        m.add(Ef21.builder().learningRate(step).build());
        m.add(Ef14.builder().learningRate(step).build());
        m.add(EControl.builder().learningRate(step).feedbackStrength(econtrolEta).build());
        return m;
    }

    /**
     * A trajectory: ||grad f(x^t)||^2 and cumulative uplink bits per client, per round (index 0 is x^0), and the last
     * iterate.
     */
    public record Trajectory(String algorithm, double[] gradNormSquared, double[] bitsPerClient, double[] finalModel) {
        /** The last value. */
        public double last() {
            return gradNormSquared[gradNormSquared.length - 1];
        }
    }

    /** Runs one method for {@code rounds} rounds with root seed {@code seed}, Top-k uplink. */
    public static Trajectory run(FederatedAlgorithm<?, ?> algorithm, FederatedDataset data, int k, int rounds,
                                 long seed) {
        LogisticRegression model = model(data);
        double[] g2 = new double[rounds + 1];
        double[] bits = new double[rounds + 1];
        INDArray grad = Tensors.zeros(Precision.FLOAT64, model.dimension());
        INDArray sum = Tensors.zeros(Precision.FLOAT64, model.dimension());
        INDArray x0 = Tensors.zeros(Precision.FLOAT64, model.dimension());
        new SeedTree(seed).stream(Purpose.INIT).fillGaussian(x0, 0, 1);
        g2[0] = gradNormSquared(model, data, x0, grad, sum);
        RoundListener listener = new RoundListener() {
            @Override
            public void onServerModel(int round, INDArray x) {
                g2[round] = gradNormSquared(model, data, x, grad, sum);
            }

            @Override
            public void onRound(RoundReport r) {
                bits[r.round()] = r.cumulativeUplink() / (double) CLIENTS;
            }
        };
        SimulationResult<?> result = Simulation.builder(algorithm)
                .config(SimulationConfig.builder().rounds(rounds).clientsPerRound(CLIENTS).threads(1).seed(seed)
                        .evalEvery(0).precision(Precision.FLOAT64).build())
                .model(model).data(data).uplinkCompressor(Compressors.topK(k)).initialParameters(x0)
                .listener(listener).build().run();
        return new Trajectory(result.algorithm(), g2, bits, Tensors.toDoubleArray(result.finalParameters()));
    }

    /** ||(1/n) sum_i grad f_i(x)||^2. */
    static double gradNormSquared(LogisticRegression model, FederatedDataset data, INDArray x, INDArray grad,
                                  INDArray sum) {
        Tensors.fillZero(sum);
        for (Dataset d : data.clients()) {
            model.lossAndGradient(x, d, grad);
            Tensors.axpy(1.0 / data.clientCount(), grad, sum);
        }
        return Tensors.dot(sum, sum);
    }
}
