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
import io.github.fl4j.hazelcast.HazelcastStateStores;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Overhead per round of the Hazelcast engine against the local engine on the same run, and the bytes it moves: an
 * algorithm ({@code fedavg}: FedAvg, no client state; {@code scaffold}: SCAFFOLD, a control variate of d floats per
 * client; both 5 local steps of batch 32, lr 0.1, identity compressors) with the softmax model and the 784-200-200-10
 * MLP, 10 and 100 clients per round, on MNIST (100 clients) when the folder is found (see
 * {@link MnistFedAvgSetup#defaultDataDir()}) and on an MNIST-shaped synthetic problem (784 features, 10 classes)
 * otherwise. The cluster is 1 or 2 data members and a lite driver in this JVM, talking over loopback TCP (every task
 * and outcome is serialized: the driver owns no partition).
 *
 * <p>Engines: {@code local} ({@link LocalExecutionEngine}, states in memory); {@code shipped} (the Hazelcast engine,
 * states in the cluster's map, read and written by the driver and shipped with each task and outcome); {@code owned}
 * (the same with {@link HazelcastExecutionEngine#ownStates}: each task reads and writes its state on its member).
 * Per configuration and engine: one warm-up run (members build their runners and load the data once per run
 * description), then {@code reps} runs of {@code rounds} rounds, each timed from {@code run()} to its end (data
 * loading excluded; one evaluation at the end included). It prints the median milliseconds per round, the ratio to the
 * local engine, the engine's payload bytes sent and received per round, the bytes written to the cluster's sockets
 * per round by all its members and the driver together (Hazelcast's framing, the store's traffic and the backups
 * included; read from Hazelcast's connections, an internal counter), the ledger's bits per round (uplink plus
 * downlink) in bytes, and whether the final parameters equal the local run's. Arguments: {@code reps=3 rounds=3
 * threads=2 algorithms=fedavg,scaffold models=softmax,mlp perRound=10,100 members=1,2 engines=shipped,owned}. No
 * speed-up is expected on a 2-core machine: the members share the cores with the driver.
 */
public final class HazelcastEngineBenchmark {
    private HazelcastEngineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int reps = 3;
        int rounds = 3;
        int threads = 2;
        List<String> algorithms = List.of("fedavg", "scaffold");
        List<String> models = List.of("softmax", "mlp");
        List<String> engines = List.of("shipped", "owned");
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
                case "algorithms" -> algorithms = List.of(kv[1].split(","));
                case "models" -> models = List.of(kv[1].split(","));
                case "engines" -> engines = List.of(kv[1].split(","));
                case "perRound" -> perRound = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "members" -> memberCounts = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                default -> throw new IllegalArgumentException("unknown argument '" + kv[0] + "'; known: reps, "
                        + "rounds, threads, algorithms, models, engines, perRound, members");
            }
        }
        for (String e : engines) {
            if (!e.equals("shipped") && !e.equals("owned")) {
                throw new IllegalArgumentException("engines must be shipped or owned, was '" + e + "'");
            }
        }
        Optional<Path> mnist = MnistFedAvgSetup.defaultDataDir();
        String data = mnist.map(p -> "mnist(dir=" + p.toAbsolutePath() + ",clients=100)")
                .orElse("synthetic(alpha=1,beta=1,clients=100,samples=60,dimension=784,classes=10)");
        System.out.printf("JVM %s, %d cores, %d threads per member / local engine, data %s%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), threads, data);
        System.out.println("algorithm model    per-round engine           ms/round  ratio  sent B/round  "
                + "received B/round  wire B/round  ledger B/round  same bits");
        Registry registry = Registry.standard();
        for (int members : memberCounts) {
            List<HazelcastInstance> cluster = startCluster(members, threads, registry);
            HazelcastInstance driver = cluster.get(cluster.size() - 1);
            try {
                for (String algorithm : algorithms) {
                    String algorithmSpec = switch (algorithm) {
                        case "fedavg" -> "fedavg(lr=0.1,steps=5,batch=32)";
                        case "scaffold" -> "scaffold(lr=0.1,steps=5,batch=32)";
                        default -> throw new IllegalArgumentException("algorithms must be fedavg or scaffold, was '"
                                + algorithm + "'");
                    };
                    for (String model : models) {
                        for (int m : perRound) {
                            String modelSpec = model.equals("mlp") ? "mlp(hidden=200;200)" : model;
                            RunDescription d = new RunDescription(Spec.parse(algorithmSpec), Spec.parse(modelSpec),
                                    Spec.parse(data), RunDescription.defaultParticipation(m), Spec.parse("identity"),
                                    Spec.parse("identity"), SimulationConfig.builder().rounds(rounds)
                                    .clientsPerRound(m).threads(threads).seed(1).evalEvery(rounds).build());
                            measure(algorithm, model, m, members, engines, d, reps, rounds, threads, cluster,
                                    registry);
                        }
                    }
                }
            } finally {
                for (HazelcastInstance h : cluster) {
                    h.shutdown();
                }
            }
        }
    }

    private static void measure(String algorithm, String model, int m, int members, List<String> engines,
                                RunDescription d, int reps, int rounds, int threads, List<HazelcastInstance> cluster,
                                Registry registry) {
        HazelcastInstance driver = cluster.get(cluster.size() - 1);
        double[] local = new double[reps];
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
        long ledgerBytes = (localResult.ledger().totalBits(Direction.UPLINK)
                + localResult.ledger().totalBits(Direction.DOWNLINK)) / 8 / rounds;
        double lm = median(local);
        System.out.printf("%-9s %-8s %9d local            %8.1f  %5s  %12s  %16s  %12s  %14d%n", algorithm, model, m,
                lm, "1.00", "-", "-", "-", ledgerBytes);
        for (String mode : engines) {
            double[] remote = new double[reps];
            SimulationResult<?> remoteResult = null;
            long sent = 0;
            long received = 0;
            long wire = 0;
            try (HazelcastExecutionEngine e = new HazelcastExecutionEngine(driver, threads, 10)
                    .ownStates(mode.equals("owned"))) {
                ClientRunners.simulation(d, registry).engine(e)
                        .stateStores(HazelcastStateStores.factory(driver, "bench")).build().run();
                for (int r = 0; r < reps; r++) {
                    Simulation<?, ?> sim = ClientRunners.simulation(d, registry).engine(e)
                            .stateStores(HazelcastStateStores.factory(driver, "bench")).build();
                    long s0 = e.bytesSent();
                    long r0 = e.bytesReceived();
                    long w0 = socketBytesWritten(cluster);
                    long t0 = System.nanoTime();
                    remoteResult = sim.run();
                    remote[r] = (System.nanoTime() - t0) / 1e6 / rounds;
                    sent = (e.bytesSent() - s0) / rounds;
                    received = (e.bytesReceived() - r0) / rounds;
                    wire = (socketBytesWritten(cluster) - w0) / rounds;
                }
            }
            boolean same = Arrays.equals(Tensors.toDoubleArray(localResult.finalParameters()),
                    Tensors.toDoubleArray(remoteResult.finalParameters()));
            double rm = median(remote);
            System.out.printf("%-9s %-8s %9d hazelcast x%d %-7s %8.1f  %5.2f  %12d  %16d  %12d  %14d  %s%n",
                    algorithm, model, m, members, mode, rm, rm / lm, sent, received, wire, ledgerBytes, same);
        }
        System.out.flush();
    }

    /**
     * Bytes written to sockets so far by every instance of the cluster (each byte crossing the network is written
     * once, framing included): the sum over the open connections of their outbound pipelines' written-bytes counters,
     * read by reflection from Hazelcast's internal networking (-1 if that fails). Counts of closed connections are
     * lost; the benchmark's connections stay open.
     */
    static long socketBytesWritten(List<HazelcastInstance> cluster) {
        long total = 0;
        try {
            java.lang.reflect.Method written = null;
            for (HazelcastInstance h : cluster) {
                var server = ((com.hazelcast.instance.impl.HazelcastInstanceProxy) h).getOriginal().node.getServer();
                for (var c : server.getConnections()) {
                    Object pipeline = ((com.hazelcast.internal.server.tcp.TcpServerConnection) c).getChannel()
                            .outboundPipeline();
                    if (written == null) {
                        written = pipeline.getClass().getDeclaredMethod("bytesWritten");
                        written.setAccessible(true);
                    }
                    total += (Long) written.invoke(pipeline);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return -1;
        }
        return total;
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
