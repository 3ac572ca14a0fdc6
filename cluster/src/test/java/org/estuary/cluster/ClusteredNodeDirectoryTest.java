package org.estuary.cluster;

import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two clustered nodes in one JVM on loopback, each with its own HazelcastClusterManager and Vert.x.
 * Node A runs the verticle; node B runs a bare directory that is never stopped, so when B closes only the
 * Hazelcast membership listener on A can remove B's entry, as after a crash.
 * Tests run in order and share the cluster because starting it costs a few seconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusteredNodeDirectoryTest {

    private static final Logger LOG = LoggerFactory.getLogger(ClusteredNodeDirectoryTest.class);

    private static ClusterHandle nodeA;
    private static ClusterHandle nodeB;
    private static NodeIdentity idA;
    private static NodeIdentity idB;
    private static NodeDirectory directoryA;

    @BeforeAll
    static void startCluster() throws IOException {
        int portA = freePort();
        int portB = freePort();
        // A random name keeps parallel or leftover test clusters on this machine from merging with ours.
        String name = "estuary-test-" + UUID.randomUUID();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);

        long t0 = System.nanoTime();
        nodeA = ClusterBootstrap.start(new ClusterSettings(true, name, "127.0.0.1", portA, members, 0, "origin"),
            new VertxOptions()).await();
        nodeB = ClusterBootstrap.start(new ClusterSettings(true, name, "127.0.0.1", portB, members, 0, "edge"),
            new VertxOptions()).await();
        LOG.info("Two-node cluster up in {} ms", (System.nanoTime() - t0) / 1_000_000);

        idA = NodeIdentity.generate("127.0.0.1", "origin");
        idB = NodeIdentity.generate("127.0.0.1", "edge");
        NodeDirectoryVerticle verticleA = new NodeDirectoryVerticle(idA, nodeA.hazelcast(), "test");
        nodeA.vertx().deployVerticle(verticleA).await();
        directoryA = verticleA.directory();
        new NodeDirectory(nodeB.vertx(), idB, new SharedTables(nodeB.vertx(), nodeB.hazelcast()),
            NodeDirectory.Settings.defaults("test")).start().await();
    }

    @AfterAll
    static void stopCluster() {
        for (ClusterHandle node : new ClusterHandle[] {nodeB, nodeA}) {
            if (node != null) {
                try {
                    node.close().await();
                } catch (RuntimeException e) {
                    LOG.warn("Close failed", e);
                }
            }
        }
    }

    @Test
    @Order(1)
    void bothNodesJoined() {
        assertTrue(nodeA.clustered() && nodeB.clustered());
        assertTrue(nodeA.vertx().isClustered());
        assertEquals(2, nodeA.hazelcast().orElseThrow().getCluster().getMembers().size());
        assertEquals(2, nodeB.hazelcast().orElseThrow().getCluster().getMembers().size());
    }

    @Test
    @Order(2)
    void requestOnAIsAnsweredByB() {
        JsonObject info = nodeA.vertx().eventBus()
            .<JsonObject>request(NodeDirectory.infoAddress(idB.nodeId()), null, shortTimeout())
            .await().body();
        assertEquals(idB.nodeId(), info.getString("nodeId"));
        assertEquals("EDGE", info.getString("role"));
        assertEquals(Boolean.TRUE, info.getBoolean("clustered"));
    }

    @Test
    @Order(3)
    void showNodesOnAListsBothWithRoles() {
        // Through the REST-method address, as the REST verticle would ask.
        JsonArray nodes = nodeA.vertx().eventBus()
            .<JsonArray>request(NodeDirectoryVerticle.SHOW_NODES, null, shortTimeout()).await().body();
        Map<String, JsonObject> byId = byNodeId(nodes);
        assertEquals(2, byId.size(), nodes.encodePrettily());
        assertEquals("ORIGIN", byId.get(idA.nodeId()).getString("role"));
        assertEquals("EDGE", byId.get(idB.nodeId()).getString("role"));
        byId.values().forEach(node -> assertEquals("ACTIVE", node.getString("globalState")));
    }

    @Test
    @Order(4)
    void closedNodeDisappearsFromA() throws InterruptedException {
        long t0 = System.nanoTime();
        nodeB.close().await();
        nodeB = null;
        // Watch the map itself, not showNodes(): B never removed its own entry, so this proves that A's
        // Hazelcast membership listener did, as it would after a crash.
        SharedTable map = new SharedTables(nodeA.vertx(), nodeA.hazelcast()).table(NodeDirectory.MAP_NAME);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (map.entries().await().size() > 1) {
            if (System.nanoTime() > deadline) {
                fail("Node B still in the map after 10 s: " + map.entries().await());
            }
            Thread.sleep(100);
        }
        LOG.info("Node B gone from A's directory {} ms after close started", (System.nanoTime() - t0) / 1_000_000);
        JsonArray nodes = directoryA.showNodes().await();
        assertEquals(1, nodes.size(), nodes.encodePrettily());
        assertEquals(idA.nodeId(), nodes.getJsonObject(0).getString("nodeId"));
    }

    private static DeliveryOptions shortTimeout() {
        // The first request opens the event-bus connection between the nodes; on the shared CI machine (load
        // average above 30 on 2 cores) that alone was seen to take more than 5 s, with B's event loop starved.
        return new DeliveryOptions().setSendTimeout(20_000);
    }

    private static Map<String, JsonObject> byNodeId(JsonArray nodes) {
        return nodes.stream().map(JsonObject.class::cast)
            .collect(Collectors.toMap(node -> node.getString("nodeId"), node -> node));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
