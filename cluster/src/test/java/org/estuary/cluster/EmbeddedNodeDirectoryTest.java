package org.estuary.cluster;

import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.estuary.core.control.Addresses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default mode: plain Vert.x, no Hazelcast, same directory code. Calls await() off the event loop. */
class EmbeddedNodeDirectoryTest {

    private ClusterHandle handle;

    @AfterEach
    void close() {
        if (handle != null) {
            handle.close().await();
        }
    }

    @Test
    void embeddedNodeListsItself() {
        handle = ClusterBootstrap.start(ClusterSettings.embedded("origin"), new VertxOptions()).await();
        assertFalse(handle.clustered());
        assertFalse(handle.vertx().isClustered());
        assertTrue(handle.hazelcast().isEmpty());

        NodeIdentity identity = NodeIdentity.generate("127.0.0.1", "origin");
        handle.vertx().deployVerticle(new NodeDirectoryVerticle(identity, handle.hazelcast(), "test")).await();

        JsonArray nodes = handle.vertx().eventBus().<JsonArray>request(NodeDirectoryVerticle.SHOW_NODES, null)
            .await().body();
        assertEquals(1, nodes.size());
        JsonObject node = nodes.getJsonObject(0);
        assertTrue(node.getString("nodeId").matches("[A-Za-z0-9]{32}@127\\.0\\.0\\.1"), node.encode());
        assertEquals(identity.nodeId(), node.getString("nodeId"));
        assertEquals("ORIGIN", node.getString("role"));
        assertEquals(node.getString("nodeId"), node.getString("id"), "WCS field name id");
        assertEquals("ACTIVE", node.getString("globalState"));
        assertEquals("NEW_STREAMS_ALLOWED", node.getString("processingState"));
        assertEquals("test", node.getString("version"));
        assertFalse(node.getBoolean("clustered"));

        JsonObject pong = handle.vertx().eventBus().<JsonObject>request(Addresses.NODE_PING, null).await().body();
        assertEquals(identity.nodeId(), pong.getString("nodeId"));
    }

    @Test
    void enforcedStatesShowAndAnEmptyBodyClearsThem() {
        handle = ClusterBootstrap.start(ClusterSettings.embedded("origin"), new VertxOptions()).await();
        NodeIdentity identity = NodeIdentity.generate("127.0.0.1", "origin,edge");
        handle.vertx().deployVerticle(new NodeDirectoryVerticle(identity, handle.hazelcast(), "test")).await();
        var bus = handle.vertx().eventBus();

        JsonObject passive = bus.<JsonObject>request(NodeDirectoryVerticle.ENFORCE_STATE,
            new JsonObject().put("state", "passive")).await().body();
        assertEquals("PASSIVE", passive.getString("globalState"));
        JsonObject listed = bus.<JsonArray>request(NodeDirectoryVerticle.SHOW_NODES, null).await().body().getJsonObject(0);
        assertEquals("PASSIVE", listed.getString("globalState"), listed.encode());
        assertEquals("ORIGIN,EDGE", listed.getString("role"));

        bus.request(NodeDirectoryVerticle.ENFORCE_STATE, new JsonObject().put("state", "GROUP_CONNECTION_ALLOWED")).await();
        JsonObject state = bus.<JsonObject>request(NodeDirectoryVerticle.SHOW_STATE, null).await().body();
        assertEquals("GROUP_CONNECTIONS_ALLOWED", state.getString("processingState"), state.encode());
        assertEquals("ACTIVE", state.getString("globalState"), "a processing state enforces only itself");

        var bad = bus.request(NodeDirectoryVerticle.ENFORCE_STATE, new JsonObject().put("state", "SLEEPY"));
        io.vertx.core.eventbus.ReplyException e = org.junit.jupiter.api.Assertions.assertThrows(
            io.vertx.core.eventbus.ReplyException.class, bad::await);
        assertEquals(400, e.failureCode());

        JsonObject cleared = bus.<JsonObject>request(NodeDirectoryVerticle.ENFORCE_STATE, new JsonObject()).await().body();
        assertEquals("NEW_STREAMS_ALLOWED", cleared.getString("processingState"));
        assertEquals(null, cleared.getValue("enforcedState"));
    }

    @Test
    void undeployRemovesOwnEntry() {
        handle = ClusterBootstrap.start(ClusterSettings.embedded("edge"), new VertxOptions()).await();
        NodeIdentity identity = NodeIdentity.generate("127.0.0.1", "edge");
        String deployment = handle.vertx()
            .deployVerticle(new NodeDirectoryVerticle(identity, handle.hazelcast())).await();
        handle.vertx().undeploy(deployment).await();

        NodeDirectory other = new NodeDirectory(handle.vertx(), NodeIdentity.generate("127.0.0.1", "origin"),
            new SharedTables(handle.vertx(), handle.hazelcast()), NodeDirectory.Settings.defaults("test"));
        assertEquals(0, other.showNodes().await().size());
    }
}
