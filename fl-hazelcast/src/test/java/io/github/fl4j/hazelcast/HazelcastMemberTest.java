package io.github.fl4j.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The member's command line and the safe defaults of the configuration (no cluster is started). */
class HazelcastMemberTest {

    @Test
    void theCommandLineSetsJoinPortClusterNameBindAndThreads() {
        ClusterOptions o = HazelcastMember.parse(new String[] {"--join", "10.0.0.1:5701, 10.0.0.2:5701", "--port",
            "5801", "--cluster-name", "lab", "--bind", "10.0.0.3", "--threads", "4"});
        assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701"), o.join());
        assertEquals(5801, o.port());
        assertEquals(1, o.portCount());
        assertEquals("lab", o.clusterName());
        assertEquals("10.0.0.3", o.bind());
        assertEquals(4, o.threads());
        assertFalse(o.liteMember());
    }

    @Test
    void badCommandLinesNameTheOptionAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HazelcastMember.parse(new String[] {"--port", "many"}));
        assertEquals("option --port must be an integer, was 'many'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HazelcastMember.parse(new String[] {"--joim", "x"}));
        assertTrue(e.getMessage().startsWith("unknown option '--joim'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HazelcastMember.parse(new String[] {"--join"}));
        assertEquals("option --join needs a value", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HazelcastMember.parse(new String[] {"--port", "0"}));
        assertEquals("port must be in 1..65535, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HazelcastMember.parse(new String[] {"--threads",
            "0"}));
        assertEquals("threads must be >= 1, was 0", e.getMessage());
    }

    @Test
    void theDefaultConfigurationBindsLoopbackOnlyAndJoinsOnlyItsList() {
        Config c = ClusterOptions.defaults().toConfig();
        assertEquals("fl4j", c.getClusterName());
        assertEquals("false", c.getProperty("hazelcast.socket.bind.any"));
        assertTrue(c.getNetworkConfig().getInterfaces().isEnabled());
        assertEquals(List.of("127.0.0.1"), List.copyOf(c.getNetworkConfig().getInterfaces().getInterfaces()));
        assertFalse(c.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
        assertFalse(c.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled());
        assertTrue(c.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
        assertTrue(c.getSerializationConfig().getJavaSerializationFilterConfig() != null);
        assertEquals(1, c.getMapConfig(ClusterOptions.STATE_MAP_PREFIX + "run.clients").getBackupCount());
        assertEquals(1, c.getExecutorConfig(ClusterOptions.EXECUTOR).getPoolSize());
    }
}
