package io.github.fl4j.examples;

import io.github.fl4j.experiments.mnist.MnistFedAvgSetup;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.io.MnistDatasets;
import io.github.fl4j.core.sim.RoundListener;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationResult;
import java.nio.file.Path;
import java.util.Locale;

/**
 * FedAvg on MNIST, exactly the setup timed with four Python FL simulators (see {@link MnistFedAvgSetup}): 100 IID
 * clients of 600 images, 10 per round, 5 local SGD steps of batch 32 at lr 0.1, plain averaging, 20 rounds; logistic
 * regression or the 784-200-200-10 MLP. Prints each round's training time (evaluation excluded) and test accuracy,
 * then the summary.
 *
 * <p>Run: {@code mvn -q -pl examples -am test-compile exec:java -Dexec.mainClass=io.github.fl4j.examples.MnistFedAvg
 * -Dexec.args="model=mlp"}. Arguments ({@code key=value}): {@code dataset} ({@code mnist} or {@code fashion-mnist},
 * Zalando's drop-in replacement with the same sizes; mnist), {@code data} or {@code mnist} (folder with the four IDX
 * files, gzipped or not; by default the property {@code -Dfl4j.mnist} / {@code -Dfl4j.fashionMnist} or the environment
 * variable {@code FL4J_MNIST} / {@code FL4J_FASHION_MNIST} if set, else downloaded once into
 * {@code ~/.fl4j/datasets/mnist} or {@code ~/.fl4j/datasets/fashion-mnist} by
 * {@link io.github.fl4j.core.data.io.MnistDatasets}), {@code model} (logistic or mlp), {@code rounds} (20),
 * {@code threads} (2), {@code seed} (1). Fashion-MNIST gets the same setup, normalisation included (the MNIST
 * standardisation, an affine map of the pixels), so the two print comparable numbers.
 */
public final class MnistFedAvg {
    private MnistFedAvg() {
    }

    /** Runs the example; arguments are {@code key=value} pairs (see the class comment). */
    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        MnistDatasets.Variant variant = ExampleData.variant(a);
        Path dir = ExampleData.folder(a, variant);
        MnistFedAvgSetup.ModelKind kind = MnistFedAvgSetup.ModelKind.valueOf(
                a.value("model", "logistic").toUpperCase(Locale.ROOT));
        int rounds = a.intValue("rounds", MnistFedAvgSetup.ROUNDS);
        int threads = a.intValue("threads", 2);
        long seed = a.longValue("seed", 1);

        FederatedDataset data = MnistFedAvgSetup.load(dir, seed);
        System.out.println(variant.title() + " FedAvg, " + kind + ", " + data);
        RoundListener printer = (RoundReport r) -> System.out.printf(Locale.ROOT,
                "round %3d  train %7.2f ms  test accuracy %.4f  loss %.4f%n", r.round(),
                (r.wallNanos() - r.evalNanos()) / 1e6, r.testAccuracy(), r.testLoss());
        SimulationResult<?> result = Simulation.builder(MnistFedAvgSetup.algorithm())
                .config(MnistFedAvgSetup.config(rounds, threads, seed, 1))
                .model(kind.model())
                .data(data)
                .listener(printer)
                .build()
                .run();
        System.out.println();
        System.out.println(result.summary());
    }
}
