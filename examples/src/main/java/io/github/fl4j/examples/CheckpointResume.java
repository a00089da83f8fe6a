package io.github.fl4j.examples;

import io.github.fl4j.algorithms.scaffold.Scaffold;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.optim.ServerOptimizers;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.RoundListener;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Checkpoint and resume: SCAFFOLD with a FedAdam server step on Synthetic(1, 1) checkpoints every 10 rounds, "crashes"
 * in round 35 (a listener throws), and a fresh simulation object resumes from the newest complete checkpoint (round
 * 30). The example then runs the same configuration without interruption and checks that both end with the same bits.
 *
 * <p>Run from the repository root: {@code mvn -q -pl examples -am test-compile exec:java
 * -Dexec.mainClass=io.github.fl4j.examples.CheckpointResume}. Optional arguments: {@code rounds} (50), {@code dir} (a
 * fresh temporary folder), {@code threads} (2).
 */
public final class CheckpointResume {
    private CheckpointResume() {
    }

    /** Runs the example; arguments are {@code key=value} pairs (see the class comment). */
    public static void main(String[] args) throws IOException {
        Args a = Args.parse(args);
        int rounds = a.intValue("rounds", 50);
        int threads = a.intValue("threads", 2);
        Path dir = Path.of(a.value("dir", Files.createTempDirectory("fl4j-checkpoints").toString()));
        int crash = Math.min(35, rounds);

        System.out.println("checkpoints in " + dir);
        try {
            builder(rounds, threads).checkpointEvery(10, dir).listener(crashIn(crash)).build().run();
        } catch (IllegalStateException e) {
            System.out.println("the first run stopped: " + e.getMessage());
        }
        try (var files = Files.list(dir)) {
            System.out.println("on disk: " + Arrays.toString(files.map(p -> p.getFileName().toString()).sorted()
                    .toArray()));
        }
        SimulationResult<Scaffold.ServerState> resumed = builder(rounds, threads).build().resume(dir);
        SimulationResult<Scaffold.ServerState> full = builder(rounds, threads).build().run();
        boolean same = Arrays.equals(Tensors.toDoubleArray(full.finalParameters()),
                Tensors.toDoubleArray(resumed.finalParameters()))
                && full.ledger().entries().equals(resumed.ledger().entries());
        System.out.println();
        System.out.println(resumed.summary());
        System.out.println("resumed run equals the uninterrupted run bit for bit: " + same);
        if (!same) {
            throw new IllegalStateException("the resumed run differs from the uninterrupted run");
        }
    }

    private static RoundListener crashIn(int round) {
        return report -> {
            if (report.round() == round) {
                throw new IllegalStateException("simulated crash in round " + round);
            }
        };
    }

    private static Simulation.Builder<Scaffold.ServerState, Scaffold.ClientState> builder(int rounds, int threads) {
        FederatedDataset data = SyntheticFedProx.builder().alpha(1).beta(1).clients(50).build()
                .generate(new SeedTree(1).stream(Purpose.DATA_GENERATION));
        Scaffold scaffold = Scaffold.builder().localSteps(10, 10).localLearningRate(0.05)
                .serverOptimizer(ServerOptimizers.adam(0.01)).build();
        SimulationConfig config = SimulationConfig.builder().rounds(rounds).clientsPerRound(10).threads(threads)
                .seed(1).evalEvery(10).build();
        return Simulation.builder(scaffold).config(config).model(new SoftmaxRegression(data.featureCount(), 10))
                .data(data);
    }
}
