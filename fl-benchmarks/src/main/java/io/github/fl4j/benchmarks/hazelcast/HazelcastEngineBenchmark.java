package io.github.fl4j.benchmarks.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.fl4j.experiments.mnist.MnistFedAvgSetup;
import io.github.fl4j.core.comm.Direction;
import io.github.fl4j.core.registry.Registry;
import io.github.fl4j.core.registry.RunDescription;
import io.github.fl4j.core.registry.Spec;
import io.github.fl4j.core.sim.ClientRunners;
import io.github.fl4j.core.sim.LocalExecutionEngine;
import io.github.fl4j.core.sim.Simulation;
import io.github.fl4j.core.sim.SimulationConfig;
import io.github.fl4j.core.sim.SimulationResult;
import io.github.fl4j.core.tensor.Tensors;
import io.github.fl4j.hazelcast.ClusterOptions;
import io.github.fl4j.hazelcast.HazelcastExecutionEngine;
import io.github.fl4j.hazelcast.HazelcastMember;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Overhead per round of the Hazelcast engine against the local engine on the same run: FedAvg (5 local steps of batch
 * 32, lr 0.1, identity compressors) with the softmax model and the 784-200-200-10 MLP, 10 and 100 clients per round,
 * on MNIST (100 clients) when the folder is found (see {@link MnistFedAvgSetup#defaultDataDir()}) and on an
 * MNIST-shaped synthetic problem (784 features, 10 classes) otherwise. The cluster is 1 or 2 data members and a lite
 * driver in this JVM, talking over loopback TCP (every task and outcome is serialized: the driver owns no partition).
 *
 * <p>Per configuration and engine: one warm-up run (members build their runners and load the data once per run
 * description), then {@code reps} runs of {@code rounds} rounds, each timed from {@code run()} to its end (data
 * loading excluded; one evaluation at the end included); it prints the median milliseconds per round, the ratio to the local engine, the payload bytes
 * sent and received per round by the engine and the ledger's bits per round (uplink plus downlink) in bytes; and checks
 * that the final parameters equal the local run's. Arguments: {@code reps=3 rounds=3 threads=2 models=softmax,mlp
 * perRound=10,100 members=1,2}. No speed-up is expected on a 2-core machine: the members share the cores with the
 * driver.
 */
public final class HazelcastEngineBenchmark {
    private HazelcastEngineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int reps = 3;
        int rounds = 3;
        int threads = 2;
        List<String> models = List.of("softmax", "mlp");
        int[] perRound = {10, 100};
        int[] memberCounts = {1, 2};
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("arguments are key=value, was '" + a + "'");
            }
            switch (kv[0]) {
                case "reps" -> reps = Integer.parseInt(kv[1]);
                case "rounds" -> rounds = Integer.parseInt(kv[1]);
                case "threads" -> threads = Integer.parseInt(kv[1]);
                case "models" -> models = List.of(kv[1].split(","));
                case "perRound" -> perRound = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "members" -> memberCounts = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                default -> throw new IllegalArgumentException("unknown argument '" + kv[0] + "'; known: reps, "
                        + "rounds, threads, models, perRound, members");
            }
        }
        Optional<Path> mnist = MnistFedAvgSetup.defaultDataDir();
        String data = mnist.map(p -> "mnist(dir=" + p.toAbsolutePath() + ",clients=100)")
                .orElse("synthetic(alpha=1,beta=1,clients=100,samples=60,dimension=784,classes=10)");
        System.out.printf("JVM %s, %d cores, %d threads per member / local engine, data %s%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), threads, data);
        System.out.println("model    per-round engine      ms/round  ratio  sent B/round  received B/round  "
                + "ledger B/round  same bits");
        Registry registry = Registry.standard();
        for (int members : memberCounts) {
            List<HazelcastInstance> cluster = startCluster(members, threads, registry);
            HazelcastInstance driver = cluster.get(cluster.size() - 1);
            try {
                for (String model : models) {
                    for (int m : perRound) {
                        String modelSpec = model.equals("mlp") ? "mlp(hidden=200;200)" : model;
                        RunDescription d = new RunDescription(Spec.parse("fedavg(lr=0.1,steps=5,batch=32)"),
                                Spec.parse(modelSpec), Spec.parse(data), RunDescription.defaultParticipation(m),
                                Spec.parse("identity"), Spec.parse("identity"), SimulationConfig.builder()
                                .rounds(rounds).clientsPerRound(m).threads(threads).seed(1).evalEvery(rounds)
                                .build());
                        measure(model, m, members, d, reps, rounds, threads, driver, registry);
                    }
                }
            } finally {
                for (HazelcastInstance h : cluster) {
                    h.shutdown();
                }
            }
        }
    }

    private static void measure(String model, int m, int members, RunDescription d, int reps, int rounds,
                                int threads, HazelcastInstance driver, Registry registry) {
        double[] local = new double[reps];
        double[] remote = new double[reps];
        SimulationResult<?> localResult = null;
        try (LocalExecutionEngine e = new LocalExecutionEngine(threads)) {
            ClientRunners.simulation(d, registry).engine(e).build().run();
            for (int r = 0; r < reps; r++) {
                Simulation<?, ?> sim = ClientRunners.simulation(d, registry).engine(e).build();
                long t0 = System.nanoTime();
                localResult = sim.run();
                local[r] = (System.nanoTime() - t0) / 1e6 / rounds;
            }
        }
        SimulationResult<?> remoteResult = null;
        long sent = 0;
        long received = 0;
        try (HazelcastExecutionEngine e = new HazelcastExecutionEngine(driver, threads, 10)) {
            ClientRunners.simulation(d, registry).engine(e).build().run();
            for (int r = 0; r < reps; r++) {
                Simulation<?, ?> sim = ClientRunners.simulation(d, registry).engine(e).build();
                long s0 = e.bytesSent();
                long r0 = e.bytesReceived();
                long t0 = System.nanoTime();
                remoteResult = sim.run();
                remote[r] = (System.nanoTime() - t0) / 1e6 / rounds;
                sent = (e.bytesSent() - s0) / rounds;
                received = (e.bytesReceived() - r0) / rounds;
            }
        }
        long ledgerBytes = (localResult.ledger().totalBits(Direction.UPLINK)
                + localResult.ledger().totalBits(Direction.DOWNLINK)) / 8 / rounds;
        boolean same = Arrays.equals(Tensors.toDoubleArray(localResult.finalParameters()),
                Tensors.toDoubleArray(remoteResult.finalParameters()));
        double lm = median(local);
        double rm = median(remote);
        System.out.printf("%-8s %9d local         %8.1f  %5s  %12s  %16s  %14d%n", model, m, lm, "1.00", "-", "-",
                ledgerBytes);
        System.out.printf("%-8s %9d hazelcast x%d  %8.1f  %5.2f  %12d  %16d  %14d  %s%n", model, m, members, rm,
                rm / lm, sent, received, ledgerBytes, same);
        System.out.flush();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** {@code members} data members and a lite driver (last) on free loopback ports, under a cluster name of their own. */
    private static List<HazelcastInstance> startCluster(int members, int threads, Registry registry)
            throws IOException {
        int[] ports = new int[members + 1];
        List<ServerSocket> open = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            open.add(s);
            ports[i] = s.getLocalPort();
        }
        for (ServerSocket s : open) {
            s.close();
        }
        List<String> join = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            join.add("127.0.0.1:" + ports[i]);
        }
        ClusterOptions o = ClusterOptions.defaults().withClusterName("fl4j-bench-" + members).withJoin(join)
                .withThreads(threads);
        List<HazelcastInstance> all = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            all.add(HazelcastMember.start(o.withPorts(ports[i], 1), registry));
        }
        all.add(Hazelcast.newHazelcastInstance(o.withPorts(ports[members], 1).withLiteMember(true).toConfig()));
        return all;
    }
}
