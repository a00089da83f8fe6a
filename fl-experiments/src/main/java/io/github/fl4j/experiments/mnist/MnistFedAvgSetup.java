package io.github.fl4j.experiments.mnist;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.data.io.IdxReader;
import io.github.fl4j.core.data.io.MnistDatasets;
import io.github.fl4j.core.model.Mlp;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The MNIST FedAvg setup that was timed with four Python FL simulators (FL-Simulator, FedLab, pfl-research, Flower
 * 1.5, each on one torch thread): MNIST normalised as x = (pixel/255 - 0.1307)/0.3081, 100 IID clients of 600
 * samples, 10 clients per round chosen uniformly without replacement, 5 local SGD steps of minibatch 32 with local
 * learning rate 0.1, plain averaging, 20 rounds. Their best training time per round (evaluation excluded) was 0.042 s
 * for logistic regression (softmax over 784 inputs) and 0.176 s for the 784-200-200-10 MLP; all reached 0.902-0.908
 * test accuracy after round 20.
 *
 * <p>Shared by the {@code MnistFedAvg} example, the {@code MnistFedAvgBenchmark} runner of fl-benchmarks and the
 * integration test, so all three run exactly the same thing.
 */
public final class MnistFedAvgSetup {
    /** Clients in the population. */
    public static final int CLIENTS = 100;
    /** Participants per round. */
    public static final int CLIENTS_PER_ROUND = 10;
    /** Local SGD steps per round. */
    public static final int LOCAL_STEPS = 5;
    /** Minibatch size. */
    public static final int BATCH = 32;
    /** Local learning rate. */
    public static final double LEARNING_RATE = 0.1;
    /** Rounds. */
    public static final int ROUNDS = 20;

    /** The two models of the comparison. */
    public enum ModelKind {
        /** Softmax regression over the 784 pixels ("logistic regression" in the Python tools): d = 7,850. */
        LOGISTIC,
        /** McMahan et al.'s "2NN" MLP 784-200-200-10 with ReLU: d = 199,210. */
        MLP;

        /** The model. */
        public Model model() {
            return this == LOGISTIC ? new SoftmaxRegression(784, 10) : new Mlp(784, new int[] {200, 200}, 10);
        }
    }

    private MnistFedAvgSetup() {
    }

    /**
     * The folder for a benchmark run: {@code given} if not null; else {@link #defaultDataDir()} (the property
     * {@code fl4j.mnist} or a {@code shared/data/mnist} folder beside the project, as the integration tests use); else
     * MNIST found or downloaded by {@link MnistDatasets} (environment variable {@code FL4J_MNIST}, else the verified
     * cache {@code ~/.fl4j/datasets/mnist}, else a download into it).
     *
     * @throws IOException if MNIST can be neither found nor downloaded (the message says what to do)
     */
    public static Path dataDir(String given) throws IOException {
        if (given != null) {
            return Path.of(given);
        }
        Optional<Path> found = defaultDataDir();
        return found.isPresent() ? found.get() : MnistDatasets.resolve(MnistDatasets.Variant.MNIST, null);
    }

    /**
     * The MNIST folder: the system property {@code fl4j.mnist} if set, else {@code shared/data/mnist} found beside the
     * project root (walking up from the working directory), else empty. For tests and benchmarks on a machine with the
     * shared data; programs for users resolve MNIST with {@link MnistDatasets} (which downloads it).
     */
    public static Optional<Path> defaultDataDir() {
        String prop = System.getProperty("fl4j.mnist");
        if (prop != null && !prop.isBlank()) {
            return Optional.of(Path.of(prop));
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int up = 0; up < 6 && dir != null; up++, dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data/mnist");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
            candidate = dir.resolve("../shared/data/mnist").normalize();
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Loads MNIST from {@code dir} (the four canonical IDX files, gzipped or not), normalises it and splits the 60,000
     * training images IID into 100 clients of 600 with the PARTITION stream of {@code seed}.
     */
    public static FederatedDataset load(Path dir, long seed) throws IOException {
        Dataset train = IdxReader.mnist(dir, true, Precision.FLOAT32);
        Dataset test = IdxReader.mnist(dir, false, Precision.FLOAT32);
        return Partitioners.iid(train, test, CLIENTS, new SeedTree(seed).stream(Purpose.PARTITION));
    }

    /** FedAvg with 5 local steps of batch 32, lr 0.1, plain (uniform) averaging. */
    public static FedAvg algorithm() {
        return FedAvg.builder().localSteps(LOCAL_STEPS, BATCH).localLearningRate(LEARNING_RATE)
                .weighting(WeightedMean.Weighting.UNIFORM).build();
    }

    /** The configuration: 10 of 100 clients per round, float32. */
    public static SimulationConfig config(int rounds, int threads, long seed, int evalEvery) {
        return SimulationConfig.builder().rounds(rounds).clientsPerRound(CLIENTS_PER_ROUND).threads(threads)
                .seed(seed).evalEvery(evalEvery).precision(Precision.FLOAT32).build();
    }
}
