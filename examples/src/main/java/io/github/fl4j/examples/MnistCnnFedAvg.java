package io.github.fl4j.examples;

import io.github.fl4j.experiments.mnist.MnistFedAvgSetup;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.dl4j.Dl4jModels;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A DL4J network inside fl4j: McMahan et al.'s MNIST CNN (5x5 conv 32, pool, 5x5 conv 64, pool, dense 512, softmax;
 * 1,663,370 parameters) built as a DL4J {@code MultiLayerConfiguration} and adapted to fl4j's {@code Model} by
 * {@code Dl4jModel}, trained with the same FedAvg setup as {@link MnistFedAvg}.
 *
 * <p>The adapter hands DL4J's backprop a flat parameter vector and copies the gradient out; everything else (seeds,
 * participation, bits, determinism) is fl4j's. DL4J's convolutions are slow on this CPU backend (about 0.5 s per
 * minibatch step of 32 on one core here), so the default is 3 rounds.
 *
 * <p>Run: {@code mvn -q -pl examples -am test-compile exec:java -Dexec.mainClass=io.github.fl4j.examples.MnistCnnFedAvg}.
 * Arguments ({@code key=value}): {@code mnist} (folder with the four IDX files; by default {@code -Dfl4j.mnist} or
 * {@code FL4J_MNIST} if set, else downloaded once into {@code ~/.fl4j/datasets/mnist} by
 * {@link io.github.fl4j.core.data.io.MnistDatasets}), {@code rounds} (3),
 * {@code threads} (2), {@code seed} (1).
 */
public final class MnistCnnFedAvg {
    private MnistCnnFedAvg() {
    }

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        Path dir = ExampleData.mnist(a);
        int rounds = a.intValue("rounds", 3);
        int threads = a.intValue("threads", 2);
        long seed = a.longValue("seed", 1);
        FederatedDataset data = MnistFedAvgSetup.load(dir, seed);
        SimulationResult<?> result = Simulation.builder(MnistFedAvgSetup.algorithm())
                .config(MnistFedAvgSetup.config(rounds, threads, seed, 1))
                .model(Dl4jModels.mnistCnn())
                .data(data)
                .listener((RoundReport r) -> System.out.printf(Locale.ROOT,
                        "round %d  train %.1f s  test accuracy %.4f%n", r.round(),
                        (r.wallNanos() - r.evalNanos()) / 1e9, r.testAccuracy()))
                .build()
                .run();
        System.out.println(result.summary());
    }
}
