package io.github.fl4j.algorithms.resume;

import io.github.fl4j.algorithms.fedspeed.FedSpeed;
import io.github.fl4j.core.data.FederatedDataset;
import io.github.fl4j.core.data.SyntheticFedProx;
import io.github.fl4j.core.model.SoftmaxRegression;
import io.github.fl4j.core.random.Purpose;
import io.github.fl4j.core.random.SeedTree;
import io.github.fl4j.core.sim.CheckpointPolicy;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.state.StateStoreFactory;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The run that {@link CheckpointKillTest} kills and resumes: FedSpeed (client states and a server table) on a small
 * Synthetic(1, 1) problem, 8 rounds, 5 of 20 clients per round, checkpointed every round.
 *
 * <p>Run as a program (the child JVM): {@code KilledRun <directory> <pauseRound>} runs with checkpoints in the
 * directory and, while writing the checkpoint of round {@code pauseRound}, after its "clients" section, prints
 * {@value #PAUSED} and sleeps, so that the parent can kill it in the middle of the write. A third argument, a
 * directory, puts the client states and server tables on disk there ({@link StateStoreFactory#onDisk}).
 */
public final class KilledRun {
    static final String PAUSED = "PAUSED-IN-CHECKPOINT";
    static final int ROUNDS = 8;
    private static final Pattern ROUND = Pattern.compile("checkpoint-(\\d+)\\.fl4j\\.tmp");

    private KilledRun() {
    }

    static Simulation.Builder<FedSpeed.ServerState, FedSpeed.ClientState> builder(int threads) {
        FederatedDataset data = SyntheticFedProx.builder().clients(20).dimension(12).classes(3).fixedSamples(25)
                .build().generate(new SeedTree(11).stream(Purpose.DATA_GENERATION));
        FedSpeed alg = FedSpeed.builder().localSteps(3, 8).localLearningRate(0.1).rho(0.05).alpha(0.5).lamb(0.1)
                .build();
        SimulationConfig cfg = SimulationConfig.builder().rounds(ROUNDS).clientsPerRound(5).threads(threads)
                .seed(77).evalEvery(2).build();
        return Simulation.builder(alg).config(cfg).model(new SoftmaxRegression(12, 3)).data(data);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int pauseRound = Integer.parseInt(args[1]);
        CheckpointPolicy policy = CheckpointPolicy.every(1, dir).keeping(3).withProgress((tmp, section, bytes) -> {
            Matcher m = ROUND.matcher(tmp.getFileName().toString());
            if (m.matches() && Integer.parseInt(m.group(1)) == pauseRound && section.equals("clients")) {
                System.out.println(PAUSED + " " + tmp + " " + bytes);
                System.out.flush();
                try {
                    Thread.sleep(120_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Simulation.Builder<FedSpeed.ServerState, FedSpeed.ClientState> b = builder(2).checkpoints(policy);
        if (args.length > 2) {
            b.stateStores(StateStoreFactory.onDisk(Path.of(args[2]), 0));
        }
        b.build().run();
        System.out.println("FINISHED");
    }
}
