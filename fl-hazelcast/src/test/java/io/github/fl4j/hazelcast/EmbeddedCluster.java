package io.github.fl4j.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.fl4j.core.registry.Registry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Two data members and a lite driver in this JVM, on loopback ports that were free a moment ago, under a cluster name
 * of their own: one per test class (a start takes seconds on a loaded machine).
 */
final class EmbeddedCluster implements AutoCloseable {
    static final int THREADS = 2;
    final List<HazelcastInstance> members = new ArrayList<>();
    final HazelcastInstance driver;

    EmbeddedCluster(String name, int dataMembers, Registry registry) {
        int[] ports = freePorts(dataMembers + 1);
        List<String> join = new ArrayList<>();
        for (int i = 0; i < dataMembers; i++) {
            join.add("127.0.0.1:" + ports[i]);
        }
        ClusterOptions base = ClusterOptions.defaults().withClusterName(name).withJoin(join).withThreads(THREADS);
        for (int i = 0; i < dataMembers; i++) {
            members.add(HazelcastMember.start(base.withPorts(ports[i], 1), registry));
        }
        driver = Hazelcast.newHazelcastInstance(base.withPorts(ports[dataMembers], 1).withLiteMember(true)
                .toConfig());
    }

    void install(Registry registry) {
        for (HazelcastInstance m : members) {
            MemberContext.install(m, registry);
        }
    }

    HazelcastExecutionEngine engine() {
        return new HazelcastExecutionEngine(driver, THREADS, HazelcastExecutionEngine.DEFAULT_RETRIES);
    }

    static int[] freePorts(int n) {
        int[] ports = new int[n];
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                open.add(s);
                ports[i] = s.getLocalPort();
            }
            for (ServerSocket s : open) {
                s.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ports;
    }

    @Override
    public void close() {
        driver.shutdown();
        for (HazelcastInstance m : members) {
            m.shutdown();
        }
    }
}
