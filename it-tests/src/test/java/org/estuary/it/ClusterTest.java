package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.estuary.it.support.StreamApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Two clustered nodes (Hazelcast over loopback): each sees the other in {@code /cdn/show_nodes},
 * answered live over the clustered event bus, and a node that stops drops out of the list. Both are edges: A with
 * the default {@code cdn.edgePublish: origin} (a publisher makes it the stream's origin), B set to refuse publishers
 * ({@code cdn.edgePublish: refuse}); {@code CdnTest} covers {@code relay}.
 */
class ClusterTest {
    private static EstuaryProcess a;
    private static EstuaryProcess b;

    @AfterAll
    static void stop() throws Exception {
        if (b != null) {
            b.stop();
        }
        if (a != null) {
            assertEquals(0, a.stop(), "clean exit on SIGTERM");
        }
    }

    private static String[] clusterSets(String name, String nodeId, int port, int portA, int portB) {
        return new String[] {"cluster.enabled=true", "cluster.name=" + name, "cluster.host=127.0.0.1",
                "cluster.port=" + port, "cluster.members=127.0.0.1:" + portA + ",127.0.0.1:" + portB,
                "cluster.eventBusPort=" + Ports.free(), "node.id=" + nodeId};
    }

    private static String[] more(String[] sets, String... extra) {
        String[] all = java.util.Arrays.copyOf(sets, sets.length + extra.length);
        System.arraycopy(extra, 0, all, sets.length, extra.length);
        return all;
    }

    private static JsonArray showNodes(EstuaryProcess node) throws Exception {
        EstuaryProcess.Http r = node.post("/cdn/show_nodes", "");
        assertEquals(200, r.status(), r.toString());
        return r.array();
    }

    private static JsonObject entry(JsonArray nodes, String nodeId) {
        return nodes.stream().map(JsonObject.class::cast).filter(n -> nodeId.equals(n.getString("nodeId")))
                .findFirst().orElse(null);
    }

    @Test
    void twoNodesSeeEachOtherAndAStoppedNodeDropsOut() throws Exception {
        // A random name keeps this cluster apart from any other on the machine.
        String cluster = "it-" + UUID.randomUUID();
        int portA = Ports.free();
        int portB = Ports.free();
        a = EstuaryProcess.start("cluster-a", more(clusterSets(cluster, "node-a", portA, portA, portB), "cluster.role=edge"));
        // B is an edge that refuses publishers (cdn.edgePublish: refuse); A an edge with the default (origin).
        b = EstuaryProcess.start("cluster-b", more(clusterSets(cluster, "node-b", portB, portA, portB),
                "cluster.role=edge", "cdn.edgePublish=refuse"));
        assertTrue(a.logText().contains("clustered"), "node A runs clustered: " + EstuaryProcess.tail(a.log()));

        JsonArray both = Await.value(Duration.ofSeconds(30), "node A to list both nodes ACTIVE", () -> {
            JsonArray nodes = showNodes(a);
            JsonObject nb = entry(nodes, "node-b");
            JsonObject na = entry(nodes, "node-a");
            return na != null && nb != null && "ACTIVE".equals(nb.getString("globalState"))
                    && "ACTIVE".equals(na.getString("globalState")) ? nodes : null;
        });
        assertEquals(2, both.size(), both.encodePrettily());
        JsonObject nb = entry(both, "node-b");
        // Fields only B's own live answer carries (the directory entry has neither).
        assertEquals(true, nb.getBoolean("clustered"), nb.encode());
        assertEquals("NEW_STREAMS_ALLOWED", nb.getString("processingState"), nb.encode());
        assertEquals("127.0.0.1", nb.getString("host"));
        assertNotNull(entry(showNodes(b), "node-a"), "B sees A as well");

        // Stream methods answer about the node asked, although every node serves the same event-bus address.
        Process publisher = Ffmpeg.publish(a.rtmpUrl("oncluster"), "320x180", 15, 0,
                EstuaryProcess.logDir().resolve("cluster-ffmpeg.log"));
        try {
            StreamApi.awaitPublished(a, "oncluster");
            // cdn.edgePublish: origin: the edge that took the publisher is the stream's origin, on every node
            Await.until(Duration.ofSeconds(30), "node B to route oncluster to node A", () -> {
                EstuaryProcess.Http r = b.post("/cdn/show_routes", "");
                return r.status() == 200 && r.json().getMap().entrySet().stream()
                        .anyMatch(e -> "oncluster".equals(e.getValue()) && e.getKey().contains("-node-a-"));
            });
            for (int i = 0; i < 6; i++) {
                List<JsonObject> onA = StreamApi.all(a);
                assertEquals(1, onA.size(), "node A lists its stream, try " + i + ": " + onA);
                assertEquals("node-a", onA.get(0).getString("nodeId"));
                assertEquals(List.of(), StreamApi.all(b), "node B has no streams, try " + i);
            }
            // A publisher reaching the edge is refused with a protocol error naming why, and the edge logs it.
            Peers.Result refused = Peers.run(30, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error",
                    "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "2", "-c:v", "libx264",
                    "-preset", "ultrafast", "-f", "flv", b.rtmpUrl("onedge"));
            assertNotEquals(0, refused.exitCode(), "the edge took a publisher: " + refused.output());
            assertTrue(refused.output().contains("Publishing refused: not an origin node"), refused.output());
            Await.until(Duration.ofSeconds(10), "the refusal in the edge's log",
                    () -> b.logText().contains("PUBLISH onedge refused: not an origin node"));
            assertEquals(List.of(), StreamApi.all(b), "nothing published on the edge");
        } finally {
            Ffmpeg.stop(publisher);
        }

        assertEquals(0, b.stop(), "node B exits cleanly");
        Await.until(Duration.ofSeconds(30), "node A to drop node B", () -> {
            JsonArray nodes = showNodes(a);
            return entry(nodes, "node-b") == null && entry(nodes, "node-a") != null;
        });
        assertTrue(a.isAlive());
        assertEquals("UP", a.get("/health").json().getString("status"));
        for (EstuaryProcess n : new EstuaryProcess[] {a, b}) {
            String log = n.logText();
            assertFalse(log.contains("illegal reflective access") || log.contains("--add-opens"),
                    "no JDK 17 module warnings from Hazelcast in " + n.log());
        }
    }
}
