package org.estuary.verticles;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.estuary.cluster.ClusterBootstrap;
import org.estuary.cluster.ClusterHandle;
import org.estuary.cluster.ClusterSettings;
import org.estuary.cluster.NodeDirectoryVerticle;
import org.estuary.cluster.NodeIdentity;
import org.estuary.core.config.ServerConfig;
import org.estuary.core.session.ConnectionRegistry;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.ops.OpsRoutes;
import org.estuary.verticles.pull.PullRtmpVerticle;
import org.estuary.verticles.push.PushVerticle;
import org.estuary.verticles.rest.RestVerticle;
import org.estuary.verticles.rtmp.RtmpMetrics;
import org.estuary.verticles.rtmp.RtmpServerVerticle;
import org.estuary.verticles.rtmp.RtmpSettings;
import org.estuary.verticles.stream.StreamControlVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Estuary node: the Vert.x instance (embedded or clustered), the node hub and every feature
 * verticle. {@link #start()} and {@link #stop()} are the whole lifecycle; tests use it directly.
 */
public final class EstuaryServer {
    private static final Logger LOG = LoggerFactory.getLogger(EstuaryServer.class);

    private final ServerConfig config;
    private final StreamRegistry streams;
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final RtmpMetrics rtmpMetrics = new RtmpMetrics();
    private final long startedAt = System.currentTimeMillis();
    private ClusterHandle cluster;
    private NodeIdentity identity;
    private RestVerticle rest;
    private int rtmpPort = -1;

    public EstuaryServer(ServerConfig config) {
        this.config = config;
        this.streams = new StreamRegistry(config.stream().readerQueueFrames(), config.stream().gopCacheMaxFrames(),
                config.stream().gopCacheMaxBytes());
    }

    public Future<Void> start() {
        var c = config.cluster();
        ClusterSettings cs = new ClusterSettings(c.enabled(), c.name(), c.host(), c.port(), c.members(),
                c.eventBusPort(), c.role().configName());
        return ClusterBootstrap.start(cs, new VertxOptions()).compose(handle -> {
            cluster = handle;
            var node = config.node().resolve();
            identity = config.node().id().isBlank()
                    ? NodeIdentity.generate(node.publicHost(), c.role().configName())
                    : new NodeIdentity(config.node().id(), node.publicHost(), c.role().configName());
            LOG.info("Node {} starting ({})", identity.nodeId(), handle.clustered() ? "clustered" : "embedded");
            return deployAll(handle.vertx());
        });
    }

    private Future<Void> deployAll(Vertx vertx) {
        var node = config.node();
        Future<String> control = vertx.deployVerticle(new StreamControlVerticle(streams, connections, identity.nodeId()));
        Future<String> directory = vertx.deployVerticle(new NodeDirectoryVerticle(identity, cluster.hazelcast()));
        OpsRoutes ops = new OpsRoutes(identity.nodeId(), streams, connections, rtmpMetrics, startedAt, config.metrics().enabled());
        rest = new RestVerticle(config.rest().port(), node.bindAddress(), config.rest().corsAllowOrigin(),
                config.rest().maxBodyBytes());
        rest.addRoutes(ops::mount);
        Future<String> push = vertx.deployVerticle(new PushVerticle(streams, java.nio.file.Path.of(config.media().directory())));
        Future<String> pull = vertx.deployVerticle(new PullRtmpVerticle(streams, config.rtmp().publishIdleTimeoutMs()));
        return Future.all(control, directory, push, pull)
                .compose(v -> deployRtmp(vertx))
                .compose(v -> vertx.deployVerticle(rest))
                .mapEmpty();
    }

    /** First instance binds (maybe port 0), the others share the port it got. */
    private Future<Void> deployRtmp(Vertx vertx) {
        var r = config.rtmp();
        RtmpServerVerticle first = new RtmpServerVerticle(rtmpSettings(r.port()), streams, connections, rtmpMetrics);
        return vertx.deployVerticle(first).compose(id -> {
            rtmpPort = first.actualPort();
            int more = r.effectiveInstances() - 1;
            if (more <= 0) {
                return Future.succeededFuture();
            }
            RtmpSettings shared = rtmpSettings(rtmpPort);
            return vertx.deployVerticle(() -> new RtmpServerVerticle(shared, streams, connections, rtmpMetrics),
                    new DeploymentOptions().setInstances(more)).mapEmpty();
        });
    }

    private RtmpSettings rtmpSettings(int port) {
        var r = config.rtmp();
        return new RtmpSettings(config.node().bindAddress(), port, r.chunkSize(), r.windowAckSize(),
                r.publishIdleTimeoutMs(), r.playWaitTimeoutMs(), r.handshakeTimeoutMs(),
                r.idleTimeoutMs() == 0 ? Long.MAX_VALUE : r.idleTimeoutMs(), r.maxMessageBytes());
    }

    /** Ends every stream, closes every connection and the Vert.x instance (leaving the cluster). */
    public Future<Void> stop() {
        if (cluster == null) {
            return Future.succeededFuture();
        }
        for (var s : streams.streams()) {
            s.end("Server shutdown");
        }
        for (var c : connections.all()) {
            c.terminate();
        }
        ClusterHandle h = cluster;
        cluster = null;
        return h.close().onComplete(ar -> LOG.info("Node {} stopped", identity == null ? "?" : identity.nodeId()));
    }

    public String describeListeners() {
        String bind = config.node().bindAddress();
        List<String> lines = new ArrayList<>();
        lines.add("Estuary node " + identity.nodeId() + " started (" + (cluster.clustered() ? "cluster '"
                + config.cluster().name() + "'" : "embedded") + ")");
        lines.add("  REST     http://" + bind + ":" + rest.actualPort() + "/rest-api/  (metrics /metrics, health /health)");
        lines.add("  RTMP     rtmp://" + bind + ":" + rtmpPort + "/live/<stream>");
        lines.add("ESTUARY_READY rest=" + rest.actualPort() + " rtmp=" + rtmpPort);
        return String.join(System.lineSeparator(), lines);
    }

    public int restPort() { return rest.actualPort(); }
    public int rtmpPort() { return rtmpPort; }
    public StreamRegistry streams() { return streams; }
    public Optional<Vertx> vertx() { return Optional.ofNullable(cluster).map(ClusterHandle::vertx); }
    public NodeIdentity identity() { return identity; }
}
