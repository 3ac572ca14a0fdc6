package org.estuary.verticles.cdn;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import org.estuary.cluster.CdnException;
import org.estuary.cluster.NodeDirectory;
import org.estuary.cluster.NodeDirectoryVerticle;
import org.estuary.cluster.NodeIdentity;
import org.estuary.cluster.RouteTable;
import org.estuary.core.config.CdnConfig;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CDN of one node: its stream routes, its edge relays (when it has the EDGE role) and the REST methods
 * {@code /cdn/show_routes}, {@code /cdn/stream/show_routes} and {@code /cdn/remove_node}. Every node
 * deploys one after the {@link NodeDirectoryVerticle}; the answers come from the shared tables, so they are
 * the same on every node.
 */
public final class CdnVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(CdnVerticle.class);

    private final StreamRegistry streams;
    private final NodeDirectoryVerticle directoryVerticle;
    private final CdnConfig config;
    private final long playWaitMs;
    private NodeDirectory directory;
    private RouteTable routes;
    private EdgeRelays relays;

    /** @param playWaitMs how long players wait for a stream; a new relay gets that long to see its first reader */
    public CdnVerticle(StreamRegistry streams, NodeDirectoryVerticle directoryVerticle, CdnConfig config, long playWaitMs) {
        this.streams = streams;
        this.directoryVerticle = directoryVerticle;
        this.config = config;
        this.playWaitMs = playWaitMs;
    }

    @Override
    public Future<?> start() {
        directory = directoryVerticle.directory();
        routes = new RouteTable(vertx, directoryVerticle.tables(), directory, streams);
        NodeIdentity identity = directory.identity();
        if (identity.has(NodeIdentity.EDGE)) {
            relays = new EdgeRelays(vertx, context, streams, routes, identity.nodeId(), config.relayLingerMs(), playWaitMs);
            routes.exclude(s -> relays.isRelayed(s.name()));
        }
        var bus = vertx.eventBus();
        return routes.start().compose(v -> {
            if (relays != null) {
                relays.start();
            }
            return Future.all(
                bus.consumer(Addresses.api("/cdn/show_routes"), this::showRoutes).completion(),
                bus.<Object>consumer(Addresses.api("/cdn/stream/show_routes"), this::showStreamRoutes).completion(),
                bus.<Object>consumer(Addresses.api("/cdn/remove_node"), this::removeNode).completion());
        });
    }

    @Override
    public Future<?> stop() {
        if (relays != null) {
            relays.stop();
        }
        return routes == null ? Future.succeededFuture() : routes.stop();
    }

    /** Tells the CDN where this node's RTMP server listens (known only once it does); called from any thread. */
    public void rtmpListening(int port) {
        context.runOnContext(v -> {
            directory.endpoints(new JsonObject().put("rtmp", port));
            routes.rtmpPort(port);
        });
    }

    /** WCS's CDNRoute map: route id {@code <n>-<originNodeId>-<hops>} to stream name; 404 when there is none. */
    private void showRoutes(Message<Object> m) {
        routes.all().onSuccess(all -> {
            if (all.isEmpty()) {
                m.fail(ApiStatus.NOT_FOUND, "No routes");
                return;
            }
            JsonObject out = new JsonObject();
            int n = 1;
            for (Map.Entry<String, JsonObject> e : new TreeMap<>(all).entrySet()) {
                out.put(n++ + "-" + e.getValue().getString("nodeId") + "-1", e.getKey());
            }
            m.reply(out);
        }).onFailure(e -> m.fail(ApiStatus.INTERNAL, "Could not read routes: " + e.getMessage()));
    }

    /**
     * The route a player of {@code streamName} takes from this node: {@code <n>-STREAM-<nodeId>} keys in hop
     * order (origin first, then this node when it relays), each with that hop's details.
     */
    private void showStreamRoutes(Message<Object> m) {
        String name = m.body() instanceof JsonObject b ? b.getString("streamName") : null;
        if (name == null || name.isBlank()) {
            m.fail(ApiStatus.BAD_REQUEST, "streamName is required");
            return;
        }
        routes.all().onSuccess(all -> {
            JsonObject route = all.get(name);
            if (route == null) {
                m.fail(ApiStatus.NOT_FOUND, "No route for stream " + name);
                return;
            }
            JsonObject out = new JsonObject();
            out.put("1-STREAM-" + route.getString("nodeId"), new JsonArray().add(route.copy().put("role", NodeIdentity.ORIGIN)));
            JsonObject relay = relays == null ? null : relays.describe(name);
            if (relay != null) {
                out.put("2-STREAM-" + directory.identity().nodeId(),
                    new JsonArray().add(relay.put("nodeId", directory.identity().nodeId()).put("role", NodeIdentity.EDGE)));
            }
            m.reply(out);
        }).onFailure(e -> m.fail(ApiStatus.INTERNAL, "Could not read routes: " + e.getMessage()));
    }

    /** Removes a PASSIVE node and its routes (409 for an ACTIVE node, 404 for an unknown one). */
    private void removeNode(Message<Object> m) {
        String nodeId = m.body() instanceof JsonObject b ? b.getString("nodeId") : null;
        if (nodeId == null || nodeId.isBlank()) {
            m.fail(ApiStatus.BAD_REQUEST, "nodeId is required");
            return;
        }
        directory.remove(nodeId)
            .compose(memberId -> routes.removeRoutesOfNode(nodeId))
            .onSuccess(v -> {
                LOG.info("Node {} removed from the CDN", nodeId);
                m.reply(null);
            })
            .onFailure(e -> fail(m, e));
    }

    static void fail(Message<?> m, Throwable e) {
        if (e instanceof CdnException c) {
            m.fail(c.status(), c.getMessage());
        } else {
            m.fail(ApiStatus.INTERNAL, String.valueOf(e.getMessage()));
        }
    }

}
