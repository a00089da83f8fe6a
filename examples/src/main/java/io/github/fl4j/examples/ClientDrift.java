package io.github.fl4j.examples;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.algorithms.fedspeed.FedSpeed;
import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.core.aggregation.WeightedMean;
import io.github.fl4j.core.api.FederatedAlgorithm;
import io.github.fl4j.core.api.Model;
import io.github.fl4j.core.data.Dataset;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.Partitioners;
import io.github.fl4j.core.data.io.IdxReader;
import io.github.fl4j.core.model.Mlp;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.ProgressBar;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationException;
import io.github.fl4j.core.tensor.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Client drift on MNIST: FedAvg vs SCAFFOLD vs FedSpeed under Dirichlet(0.1) label skew (most clients hold one or two
 * digits), same seeds for all three, so each column compares the same client samples and minibatches (common random
 * numbers from the seed tree).
 *
 * <p>100 clients, 10 per round, K local SGD steps of batch 32. SCAFFOLD is option II; FedSpeed uses the official
 * code's defaults (rho 0.1, alpha 1, lamb 0.1) and the all-client dual averaging server rule. The expected shape
 * (Karimireddy et al., ICML 2020; Sun et al., ICLR 2023): under strong skew FedAvg &lt; SCAFFOLD and FedSpeed.
 *
 * <p>Run: {@code mvn -q -pl examples -am test-compile exec:java -Dexec.mainClass=io.github.fl4j.examples.ClientDrift}.
 * Arguments ({@code key=value}): {@code mnist} (folder with the four IDX files; by default {@code -Dfl4j.mnist} or
 * {@code FL4J_MNIST} if set, else downloaded once into {@code ~/.fl4j/datasets/mnist} by
 * {@link io.github.fl4j.core.data.io.MnistDatasets}), {@code model}
 * (logistic or mlp; logistic), {@code rounds} (100), {@code steps} (20), {@code lr} (0.05), {@code alpha} (0.1,
 * the Dirichlet concentration), {@code seeds} (3), {@code threads} (2), {@code clip} (none: the largest norm of a local
 * step's direction, FL-Simulator uses 10). A run that diverges prints as "diverged", with the round, client and
 * seed under the table, and the other runs go on.
 */
public final class ClientDrift {
    private ClientDrift() {
    }

    /** Runs the example; arguments are {@code key=value} pairs (see the class comment). */
    public static void main(String[] args) throws Exception {
        // Many runs: keep the per-round log lines out of the table (examples' logback.xml reads this property).
        System.setProperty("fl4j.log.level", System.getProperty("fl4j.log.level", "WARN"));
        Args a = Args.parse(args);
        Path dir = ExampleData.mnist(a);
        boolean mlp = a.value("model", "logistic").equalsIgnoreCase("mlp");
        int rounds = a.intValue("rounds", 100);
        int steps = a.intValue("steps", 20);
        double lr = Double.parseDouble(a.value("lr", "0.05"));
        double alpha = Double.parseDouble(a.value("alpha", "0.1"));
        int seeds = a.intValue("seeds", 3);
        int threads = a.intValue("threads", 2);
        double clip = Double.parseDouble(a.value("clip", "Infinity"));

        Dataset train = IdxReader.mnist(dir, true, Precision.FLOAT32);
        Dataset test = IdxReader.mnist(dir, false, Precision.FLOAT32);
        Map<String, FederatedAlgorithm<?, ?>> algorithms = new LinkedHashMap<>();
        algorithms.put("FedAvg", FedAvg.builder().localSteps(steps, 32).localLearningRate(lr).gradientClipping(clip)
                .weighting(WeightedMean.Weighting.UNIFORM).build());
        algorithms.put("SCAFFOLD", Scaffold.builder().localSteps(steps, 32).localLearningRate(lr)
                .gradientClipping(clip).build());
        algorithms.put("FedSpeed", FedSpeed.builder().localSteps(steps, 32).localLearningRate(lr)
                .gradientClipping(clip).build());

        System.out.printf(Locale.ROOT, "MNIST, Dirichlet(%s) over 100 clients, 10 per round, %d rounds, K = %d, lr %s, "
                + "%s%s%n%n", alpha, rounds, steps, lr, mlp ? "MLP 784-200-200-10" : "logistic regression",
                Double.isInfinite(clip) ? "" : ", gradients clipped to norm " + clip);
        double[][] acc = new double[algorithms.size()][seeds];
        List<String> failures = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            long seed = s + 1;
            FederatedDataset data = Partitioners.dirichlet(train, test, 10, 100, alpha,
                    new SeedTree(seed).stream(Purpose.PARTITION));
            int i = 0;
            for (Map.Entry<String, FederatedAlgorithm<?, ?>> e : algorithms.entrySet()) {
                Model model = mlp ? new Mlp(784, new int[] {200, 200}, 10) : new SoftmaxRegression(784, 10);
                try {
                    acc[i][s] = Simulation.builder(e.getValue())
                            .config(SimulationConfig.builder().rounds(rounds).clientsPerRound(10).threads(threads)
                                    .seed(seed).evalEvery(0).build())
                            .model(model).data(data)
                            .listener(new ProgressBar(e.getKey() + " seed " + seed, rounds, System.err))
                            .build().run().finalAccuracy();
                } catch (SimulationException diverged) {
                    // keep the other runs: this cell prints as "diverged", the reason goes under the table
                    acc[i][s] = Double.NaN;
                    failures.add(e.getKey() + ": " + diverged.getMessage());
                }
                i++;
            }
        }
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-10s", "algorithm"));
        for (int s = 0; s < seeds; s++) {
            header.append(String.format(Locale.ROOT, "  seed %d", s + 1));
        }
        System.out.println(header.append("    mean"));
        int i = 0;
        for (String name : algorithms.keySet()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-10s", name));
            double sum = 0;
            for (int s = 0; s < seeds; s++) {
                row.append(Double.isNaN(acc[i][s]) ? "  diverged" : String.format(Locale.ROOT, "  %.4f", acc[i][s]));
                sum += acc[i][s];
            }
            System.out.println(row.append(Double.isNaN(sum) ? "         -" : String.format(Locale.ROOT, "  %.4f",
                    sum / seeds)));
            i++;
        }
        for (String f : failures) {
            System.out.println("  " + f);
        }
    }
}
