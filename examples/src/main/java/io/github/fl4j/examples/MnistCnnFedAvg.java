package io.github.fl4j.examples;

import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.model.ConvNet;
import io.github.fl4j.core.sim.RoundReport;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.dl4j.Dl4jModels;
import io.github.fl4j.experiments.mnist.MnistFedAvgSetup;
import java.nio.file.Path;
import java.util.Locale;

/**
 * McMahan et al.'s MNIST CNN (5x5 conv 32, 2x2 max-pool, 5x5 conv 64, 2x2 max-pool, dense 512, softmax; 'same'
 * padding, 1,663,370 parameters) trained with FedAvg in the setup of {@link MnistFedAvg}: 100 IID clients of 600
 * images, 10 per round, 5 local SGD steps of batch 32 at lr 0.1, plain averaging.
 *
 * <p>By default the network is fl4j's built-in {@link ConvNet#mcMahanMnist()} (im2col convolutions on BLAS sgemm, tens
 * of milliseconds per local step on one core); {@code model=dl4j} runs the same network built as a DL4J
 * {@code MultiLayerConfiguration} through the {@code Dl4jModel} adapter instead (about 0.5 s per step on the 2-core
 * reference machine, so keep {@code rounds} small). 200 rounds of the built-in network reached 0.9887 test accuracy
 * (0.98 from round 90 on; docs/performance.md has the figures).
 *
 * <p>Run: {@code mvn -q -pl examples -am test-compile exec:java -Dexec.mainClass=io.github.fl4j.examples.MnistCnnFedAvg}.
 * Arguments ({@code key=value}): {@code mnist} (folder with the four IDX files; by default {@code -Dfl4j.mnist} or
 * {@code FL4J_MNIST} if set, else downloaded once into {@code ~/.fl4j/datasets/mnist} by
 * {@link io.github.fl4j.core.data.io.MnistDatasets}), {@code model} (builtin or dl4j; builtin), {@code rounds} (200),
 * {@code evalEvery} (10; the test set is also evaluated after the last round), {@code threads} (2), {@code seed} (1).
 */
public final class MnistCnnFedAvg {
    private MnistCnnFedAvg() {
    }

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        Path dir = ExampleData.mnist(a);
        String kind = a.value("model", "builtin");
        Model model = switch (kind) {
            case "builtin" -> ConvNet.mcMahanMnist();
            case "dl4j" -> Dl4jModels.mnistCnn();
            default -> throw new IllegalArgumentException("model must be builtin or dl4j, was " + kind);
        };
        int rounds = a.intValue("rounds", 200);
        int evalEvery = a.intValue("evalEvery", 10);
        int threads = a.intValue("threads", 2);
        long seed = a.longValue("seed", 1);
        FederatedDataset data = MnistFedAvgSetup.load(dir, seed);
        System.out.println("MNIST CNN FedAvg, " + model + ", " + data);
        long[] trainNanos = new long[1];
        SimulationResult<?> result = Simulation.builder(MnistFedAvgSetup.algorithm())
                .config(MnistFedAvgSetup.config(rounds, threads, seed, evalEvery))
                .model(model)
                .data(data)
                .listener((RoundReport r) -> {
                    trainNanos[0] += r.wallNanos() - r.evalNanos();
                    if (r.evaluated()) {
                        System.out.printf(Locale.ROOT,
                                "round %3d  train %.2f s/round (mean so far)  test accuracy %.4f  loss %.4f%n",
                                r.round(), trainNanos[0] / 1e9 / r.round(), r.testAccuracy(), r.testLoss());
                    }
                })
                .build()
                .run();
        System.out.println(result.summary());
    }
}
