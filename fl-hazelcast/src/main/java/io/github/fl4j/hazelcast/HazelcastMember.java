package io.github.fl4j.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.github.fl4j.core.registry.Registry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Starts a data member of an fl4j cluster: it runs client tasks and holds client states. Command line:
 *
 * <pre>
 * java -cp CLASSPATH io.github.fl4j.hazelcast.HazelcastMember [--join HOST:PORT[,HOST:PORT...]] [--port P]
 *      [--cluster-name NAME] [--bind ADDRESS] [--threads N]
 * </pre>
 *
 * Defaults: no join list (the member waits for others to join it), port 5701 (exactly: a taken port fails), cluster
 * {@code fl4j}, bind {@code 127.0.0.1}, 1 thread. The components of runs are looked up in {@link Registry#standard()}
 * (every module on the class path that registers components). Prints {@code fl4j member started ADDRESS} when it is
 * in the cluster and runs until it is killed.
 */
public final class HazelcastMember {
    private HazelcastMember() {
    }

    /** Starts a data member with {@code options} (its lite-member flag cleared) whose runs use {@code registry}. */
    public static HazelcastInstance start(ClusterOptions options, Registry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(options.withLiteMember(false).toConfig());
        MemberContext.install(hz, registry);
        return hz;
    }

    /** Parses the command line (see the class comment). */
    public static ClusterOptions parse(String[] args) {
        ClusterOptions o = ClusterOptions.defaults().withPorts(ClusterOptions.DEFAULT_PORT, 1);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--join" -> {
                    List<String> join = new ArrayList<>();
                    for (String s : v.split(",")) {
                        join.add(s.strip());
                    }
                    o = o.withJoin(join);
                }
                case "--port" -> o = o.withPorts(integer(a, v), 1);
                case "--cluster-name" -> o = o.withClusterName(v);
                case "--bind" -> o = o.withBind(v);
                case "--threads" -> o = o.withThreads(integer(a, v));
                default -> throw new IllegalArgumentException("unknown option '" + a + "'; known: --join, --port, "
                        + "--cluster-name, --bind, --threads");
            }
        }
        return o;
    }

    private static int integer(String option, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + option + " must be an integer, was '" + v + "'");
        }
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) {
        ClusterOptions o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fl4j member: " + e.getMessage());
            System.err.println("args were: " + Arrays.toString(args));
            System.exit(2);
            return;
        }
        HazelcastInstance hz = start(o, Registry.standard());
        System.out.println("fl4j member started " + hz.getCluster().getLocalMember().getAddress());
        System.out.flush();
    }
}
