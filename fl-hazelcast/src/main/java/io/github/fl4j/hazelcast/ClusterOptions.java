package io.github.fl4j.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import java.util.List;

/**
 * How a process takes part in an fl4j cluster: the cluster name, the address it binds, the members it joins, the
 * worker threads of its client executor and whether it is a lite member (the driver: it submits tasks and holds no
 * data). Safe by default: bind to {@code 127.0.0.1}, multicast and auto-detection off (a member only joins the
 * addresses it is given), Java deserialization limited to a whitelist.
 *
 * @param clusterName  the Hazelcast cluster name; members with another name are refused
 * @param bind         the interface address to bind and advertise, {@code 127.0.0.1} by default
 * @param port         the first port to try; with {@code portCount} &gt; 1 the next ones are tried when it is taken
 * @param portCount    how many ports from {@code port} on may be used (1: exactly {@code port})
 * @param join         the TCP-IP join list, {@code host} or {@code host:port} entries (empty: form a cluster alone
 *                     until others join it)
 * @param threads      worker threads of the client executor on this member, at least 1
 * @param liteMember   true for the driver: a lite member owns no partitions, so no task or state lands on it
 */
public record ClusterOptions(String clusterName, String bind, int port, int portCount, List<String> join,
                             int threads, boolean liteMember) {

    /** The name of the executor that runs client tasks on every member. */
    public static final String EXECUTOR = "fl4j-clients";

    /** The prefix of the maps that hold client states ({@link HazelcastStateStores}). */
    public static final String STATE_MAP_PREFIX = "fl4j-state.";

    /** The default cluster name. */
    public static final String DEFAULT_CLUSTER_NAME = "fl4j";

    /** The default first port (Hazelcast's). */
    public static final int DEFAULT_PORT = 5701;

    /** Checks every field; a blank name, a bad port or an empty list is refused with its value. */
    public ClusterOptions {
        if (clusterName == null || clusterName.isBlank()) {
            throw new IllegalArgumentException("clusterName must not be blank, was '" + clusterName + "'");
        }
        if (bind == null || bind.isBlank()) {
            throw new IllegalArgumentException("bind must be an interface address, was '" + bind + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, was " + port);
        }
        if (portCount < 1 || port + portCount - 1 > 65535) {
            throw new IllegalArgumentException("portCount must be >= 1 with port + portCount - 1 <= 65535, was "
                    + portCount + " from port " + port);
        }
        join = join == null ? List.of() : List.copyOf(join);
        for (String j : join) {
            if (j == null || j.isBlank()) {
                throw new IllegalArgumentException("join entries must be host or host:port, was '" + j + "'");
            }
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
    }

    /** Defaults: cluster {@code fl4j}, bind 127.0.0.1, ports 5701..5720, no join list, 1 thread, a data member. */
    public static ClusterOptions defaults() {
        return new ClusterOptions(DEFAULT_CLUSTER_NAME, "127.0.0.1", DEFAULT_PORT, 20, List.of(), 1, false);
    }

    /** These options with another cluster name. */
    public ClusterOptions withClusterName(String v) {
        return new ClusterOptions(v, bind, port, portCount, join, threads, liteMember);
    }

    /** These options binding another interface address. */
    public ClusterOptions withBind(String v) {
        return new ClusterOptions(clusterName, v, port, portCount, join, threads, liteMember);
    }

    /** These options with another port range. */
    public ClusterOptions withPorts(int first, int count) {
        return new ClusterOptions(clusterName, bind, first, count, join, threads, liteMember);
    }

    /** These options with another join list. */
    public ClusterOptions withJoin(List<String> v) {
        return new ClusterOptions(clusterName, bind, port, portCount, v, threads, liteMember);
    }

    /** These options with another number of executor threads. */
    public ClusterOptions withThreads(int v) {
        return new ClusterOptions(clusterName, bind, port, portCount, join, v, liteMember);
    }

    /** These options as a lite member (the driver) or a data member. */
    public ClusterOptions withLiteMember(boolean v) {
        return new ClusterOptions(clusterName, bind, port, portCount, join, threads, v);
    }

    /**
     * The Hazelcast configuration of these options: the cluster name; the network bound to {@link #bind} only
     * ({@code hazelcast.socket.bind.any=false}), ports {@code port..port+portCount-1}; multicast and auto-detection
     * off, TCP-IP join with {@link #join}; fl4j's serializable factory; a Java deserialization filter with
     * Hazelcast's default whitelist (JDK and Hazelcast classes only; fl4j sends none); the client executor with
     * {@link #threads} threads; state maps with one synchronous backup, kept in binary form; phone-home off.
     */
    public Config toConfig() {
        Config c = new Config();
        c.setClusterName(clusterName);
        c.setLiteMember(liteMember);
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "slf4j");
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(port).setPortCount(portCount).setPortAutoIncrement(portCount > 1);
        net.getInterfaces().setEnabled(true).addInterface(bind);
        net.setPublicAddress(null);
        JoinConfig joinConfig = net.getJoin();
        joinConfig.getMulticastConfig().setEnabled(false);
        joinConfig.getAutoDetectionConfig().setEnabled(false);
        joinConfig.getTcpIpConfig().setEnabled(true).setMembers(join.isEmpty() ? List.of(bind) : join);
        c.getSerializationConfig().addDataSerializableFactory(Fl4jSerializables.FACTORY_ID,
                new Fl4jSerializables());
        c.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig()
                .setDefaultsDisabled(false));
        c.getExecutorConfig(EXECUTOR).setPoolSize(threads).setStatisticsEnabled(false);
        c.getMapConfig(STATE_MAP_PREFIX + "*").setBackupCount(1).setAsyncBackupCount(0)
                .setInMemoryFormat(InMemoryFormat.BINARY).setStatisticsEnabled(false);
        return c;
    }
}
