package org.estuary.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Hazelcast configuration a clustered node starts with. */
class ClusterBootstrapTest {
    private static final ClusterSettings SETTINGS = new ClusterSettings(true, "test", "127.0.0.1", 5801,
        List.of("127.0.0.1:5801", "127.0.0.1:5802"), 0, "origin");

    @Test
    void failureDetectionIsBoundedByHeartbeatSettings() {
        Config c = ClusterBootstrap.hazelcastConfig(SETTINGS);
        // a dead member's connections are retried (and so found refused) at least every heartbeat
        assertEquals("1", c.getProperty("hazelcast.heartbeat.interval.seconds"));
        // a silent one is removed after this long: the bound on a network that drops packets silently
        assertEquals("10", c.getProperty("hazelcast.max.no.heartbeat.seconds"));
    }

    @Test
    void joinsByTheMemberListOnlyOnTheGivenInterface() {
        Config c = ClusterBootstrap.hazelcastConfig(SETTINGS);
        assertEquals("test", c.getClusterName());
        var join = c.getNetworkConfig().getJoin();
        assertTrue(join.getTcpIpConfig().isEnabled());
        assertEquals(List.of("127.0.0.1:5801", "127.0.0.1:5802"), join.getTcpIpConfig().getMembers());
        assertFalse(join.getMulticastConfig().isEnabled(), "the vertx-hazelcast default file has multicast on");
        assertEquals(List.of("127.0.0.1"), List.copyOf(c.getNetworkConfig().getInterfaces().getInterfaces()));
    }
}
