package io.github.fl4j.hazelcast;

import io.github.fl4j.core.registry.ComponentProvider;
import io.github.fl4j.core.registry.Registry;
import java.util.Arrays;
import java.util.List;

/**
 * The engine of this module as a named component: {@code hazelcast(cluster=fl4j, join=HOST:PORT;..., bind=127.0.0.1,
 * port=5701, ports=20, member-threads=<run threads>)} starts a lite member that joins the cluster at {@code join}
 * ({@link HazelcastExecutionEngine#connect}); the engine shuts it down when the run closes it. The members are
 * started separately ({@link HazelcastMember}).
 */
public final class HazelcastComponents implements ComponentProvider {

    /** For {@link java.util.ServiceLoader}. */
    public HazelcastComponents() {
    }

    @Override
    public void register(Registry.Builder r) {
        r.engine("hazelcast", "client tasks on the members of a Hazelcast cluster: join=HOST:PORT;.. (required), "
                + "cluster=" + ClusterOptions.DEFAULT_CLUSTER_NAME + ", bind=127.0.0.1, port="
                + ClusterOptions.DEFAULT_PORT + ", ports=20, member-threads=<run threads>", (p, threads) -> {
                    List<String> join = Arrays.stream(p.getString("join").split(";")).map(String::strip).toList();
                    ClusterOptions o = ClusterOptions.defaults()
                            .withClusterName(p.getString("cluster", ClusterOptions.DEFAULT_CLUSTER_NAME))
                            .withBind(p.getString("bind", "127.0.0.1"))
                            .withPorts(p.getInt("port", ClusterOptions.DEFAULT_PORT), p.getInt("ports", 20))
                            .withJoin(join)
                            .withThreads(p.getInt("member-threads", threads));
                    return HazelcastExecutionEngine.connect(o);
                });
    }
}
