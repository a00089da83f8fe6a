package io.github.fl4j.examples;

import io.github.fl4j.algorithms.fedavg.FedAvg;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.CsvReportWriter;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import java.nio.file.Path;

/**
 * Quickstart: FedAvg on the Synthetic(1, 1) federated dataset of the FedProx paper (Li et al., MLSys 2020).
 *
 * <p>100 clients hold softmax-regression data (60 features, 10 classes) whose per-client models and feature means
 * differ (alpha = beta = 1); each round 10 clients are chosen uniformly at random, run 20 local SGD steps of minibatch
 * 10 with learning rate 0.05, and the server averages their updates weighted by sample count (McMahan et al. 2017).
 * The run logs one line per round and prints a summary with the final test accuracy and the exact bits sent.
 *
 * <p>Run from the repository root: {@code mvn -q -pl examples -am test-compile exec:java}, or from the IDE (main class
 * {@code io.github.fl4j.examples.Quickstart}). Optional arguments, as {@code key=value}: {@code rounds} (100),
 * {@code threads} (2), {@code seed} (1), {@code csv} (a path for the per-round CSV report). With Maven:
 * {@code -Dexec.args="rounds=200 csv=runs/quickstart.csv"}.
 */
public final class Quickstart {
    private Quickstart() {
    }

    /** Runs the example; arguments are {@code key=value} pairs (see the class comment). */
    public static void main(String[] args) {
        Args a = Args.parse(args);
        int rounds = a.intValue("rounds", 100);
        int threads = a.intValue("threads", 2);
        long seed = a.longValue("seed", 1);

        SeedTree seeds = new SeedTree(seed);
        FederatedDataset data = SyntheticFedProx.builder().alpha(1).beta(1).clients(100).build()
                .generate(seeds.stream(Purpose.DATA_GENERATION));

        FedAvg fedAvg = FedAvg.builder()
                .localSteps(20, 10)
                .localLearningRate(0.05)
                .build();

        SimulationConfig config = SimulationConfig.builder()
                .rounds(rounds)
                .clientsPerRound(10)
                .threads(threads)
                .seed(seed)
                .evalEvery(10)
                .build();

        Simulation.Builder<FedAvg.ServerState, ?> sim = Simulation.builder(fedAvg)
                .config(config)
                .model(new SoftmaxRegression(data.featureCount(), 10))
                .data(data);
        String csv = a.value("csv", null);
        if (csv != null) {
            sim.listener(new CsvReportWriter(Path.of(csv)));
        }
        System.out.println("fl4j quickstart: " + fedAvg.name() + " on " + data);
        SimulationResult<FedAvg.ServerState> result = sim.build().run();
        System.out.println();
        System.out.println(result.summary());
    }
}
