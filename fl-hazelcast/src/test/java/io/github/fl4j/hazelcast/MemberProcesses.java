package io.github.fl4j.hazelcast;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Data members in their own JVMs ({@link HazelcastMember}'s main with the test class path and the java of this JVM),
 * on loopback ports that were free a moment ago; each member's output goes to a file in {@code dir}.
 */
final class MemberProcesses implements AutoCloseable {
    final List<Process> processes = new ArrayList<>();
    final List<Path> logs = new ArrayList<>();
    final List<String> join = new ArrayList<>();
    final int driverPort;
    final String clusterName;

    MemberProcesses(String clusterName, int members, Path dir) throws IOException, InterruptedException {
        this.clusterName = clusterName;
        int[] ports = EmbeddedCluster.freePorts(members + 1);
        for (int i = 0; i < members; i++) {
            join.add("127.0.0.1:" + ports[i]);
        }
        driverPort = ports[members];
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < members; i++) {
            Path log = dir.resolve("member-" + i + ".log");
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                    HazelcastMember.class.getName(), "--port", Integer.toString(ports[i]), "--join",
                    String.join(",", join), "--cluster-name", clusterName, "--threads", "1");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            processes.add(pb.start());
            logs.add(log);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        for (int i = 0; i < members; i++) {
            while (!Files.readString(logs.get(i), StandardCharsets.UTF_8).contains("fl4j member started")) {
                if (!processes.get(i).isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("member " + i + " did not start; its output:\n"
                            + Files.readString(logs.get(i), StandardCharsets.UTF_8));
                }
                Thread.sleep(200);
            }
        }
    }

    /** The options of a driver that joins these members. */
    ClusterOptions driverOptions() {
        return ClusterOptions.defaults().withClusterName(clusterName).withJoin(join).withPorts(driverPort, 1);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
