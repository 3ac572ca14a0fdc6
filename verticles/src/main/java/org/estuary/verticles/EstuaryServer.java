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
import org.estuary.cluster.LoadProbe;
import org.estuary.cluster.NodeDirectory;
import org.estuary.cluster.NodeDirectoryVerticle;
import org.estuary.cluster.NodeStates;
import org.estuary.cluster.NodeIdentity;
import org.estuary.core.config.ServerConfig;
import org.estuary.core.limits.Limits;
import org.estuary.core.session.AdmissionChain;
import org.estuary.core.session.ConnectionRegistry;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.core.net.PortPool;
import org.estuary.verticles.access.Admissions;
import org.estuary.verticles.access.LifecycleNotifier;
import org.estuary.verticles.cdn.CdnVerticle;
import org.estuary.verticles.mixer.MixerVerticle;
import org.estuary.verticles.mpegts.MpegTsVerticle;
import org.estuary.verticles.rtsp.RtspVerticle;
import org.estuary.verticles.vod.VodVerticle;
import org.estuary.verticles.hls.HlsServerVerticle;
import org.estuary.verticles.ops.OpsRoutes;
import org.estuary.verticles.record.RecordingVerticle;
import org.estuary.verticles.record.RecordsRoutes;
import org.estuary.verticles.snapshot.SnapshotVerticle;
import org.estuary.verticles.pull.PullRtmpVerticle;
import org.estuary.verticles.push.PushVerticle;
import org.estuary.verticles.rest.RateLimitRoutes;
import org.estuary.verticles.rest.RestSecurity;
import org.estuary.verticles.tls.TlsServers;
import org.estuary.verticles.rest.RestVerticle;
import org.estuary.core.session.RtmpMetrics;
import org.estuary.verticles.rtmp.RtmpServerVerticle;
import org.estuary.verticles.rtmp.RtmpSettings;
import org.estuary.verticles.stream.StreamControlVerticle;
import org.estuary.verticles.websocket.WebSocketServerVerticle;
import org.estuary.verticles.webrtc.WebRtcVerticle;
import org.estuary.verticles.webrtc.WhipRoutes;
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
    /** The one admission point every protocol asks; features (e.g. CDN access lists) add links to it. */
    private final AdmissionChain admission = new AdmissionChain();
    private final RtmpMetrics rtmpMetrics = new RtmpMetrics();
    private final PortPool mediaPorts;
    /** The limits section, shared by every protocol and feature (counts are per node). */
    private final Limits limits;
    private String publicHost;
    private final long startedAt = System.currentTimeMillis();
    private ClusterHandle cluster;
    private NodeIdentity identity;
    private RestVerticle rest;
    private CdnVerticle cdn;
    private HlsServerVerticle hls;
    private WebRtcVerticle webrtc;
    private WebSocketServerVerticle websocket;
    private int rtmpPort = -1;
    private int rtmpsPort = -1;
    private TlsServers tls;

    public EstuaryServer(ServerConfig config) {
        this.config = config;
        this.streams = new StreamRegistry(config.stream().readerQueueFrames(), config.stream().gopCacheMaxFrames(),
                config.stream().gopCacheMaxBytes());
        this.mediaPorts = new PortPool(config.media().portFrom(), config.media().portTo());
        this.limits = new Limits(config.limits());
    }

    public Future<Void> start() {
        var c = config.cluster();
        ClusterSettings cs = new ClusterSettings(c.enabled(), c.name(), c.host(), c.port(), c.members(),
                c.eventBusPort(), roleNames(c.role()));
        return ClusterBootstrap.start(cs, new VertxOptions().setPreferNativeTransport(config.node().nativeTransport())).compose(handle -> {
            cluster = handle;
            var node = config.node().resolve();
            publicHost = node.publicHost();
            identity = config.node().id().isBlank()
                    ? NodeIdentity.generate(node.publicHost(), roleNames(c.role()))
                    : new NodeIdentity(config.node().id(), node.publicHost(), roleNames(c.role()));
            LOG.info("Node {} starting ({}, network on {})", identity.nodeId(), handle.clustered() ? "clustered" : "embedded",
                    handle.vertx().isNativeTransportEnabled() ? "epoll" : "Java NIO");
            if (config.node().nativeTransport() && !handle.vertx().isNativeTransportEnabled()) {
                LOG.warn("node.nativeTransport is set but epoll did not load ({}): using Java NIO",
                        handle.vertx().unavailableNativeTransportCause());
            }
            return deployAll(handle.vertx());
        });
    }

    private Future<Void> deployAll(Vertx vertx) {
        var node = config.node();
        try {
            java.nio.file.Files.createDirectories(java.nio.file.Path.of(config.media().directory()));
        } catch (java.io.IOException e) {
            LOG.warn("media.directory {} cannot be created: {}", config.media().directory(), e.toString());
        }
        Admissions.configure(admission, vertx, config.access(), config.hooks(), identity.nodeId());
        Future<String> notifier = config.hooks().onEvent().isEmpty() ? Future.succeededFuture()
                : vertx.deployVerticle(new LifecycleNotifier(config.hooks()));
        // A worker on a pool of its own: building /stream/find_all for thousands of streams takes tens
        // of milliseconds, which must not happen on an event loop that also carries RTMP connections'
        // media. One thread (the verticle runs one request at a time anyway), so the shared worker
        // pool does not grow a thread whenever a find meets other blocking work.
        Future<String> control = vertx.deployVerticle(new StreamControlVerticle(streams, connections, identity.nodeId()),
                new io.vertx.core.DeploymentOptions().setThreadingModel(io.vertx.core.ThreadingModel.WORKER)
                        .setWorkerPoolName("estuary-stream-control").setWorkerPoolSize(1));
        var cdnConfig = config.cdn();
        NodeDirectoryVerticle directoryVerticle = new NodeDirectoryVerticle(identity, cluster.hazelcast(),
                new NodeDirectory.Settings(NodeDirectory.defaultVersion(), LoadProbe.of(streams),
                        new NodeStates.Thresholds(cdnConfig.cpuThresholdPercent(), cdnConfig.transcoderThreshold()),
                        cdnConfig.loadRefreshMs()));
        cdn = new CdnVerticle(streams, directoryVerticle, cdnConfig, config.rtmp().playWaitTimeoutMs(), admission,
                node.bindAddress());
        Future<String> directory = vertx.deployVerticle(directoryVerticle).compose(id -> vertx.deployVerticle(cdn));
        OpsRoutes ops = new OpsRoutes(identity.nodeId(), streams, connections, rtmpMetrics, startedAt, config.metrics().enabled())
                .limits(limits);
        rest = new RestVerticle(config.rest().port(), node.bindAddress(), config.rest().corsAllowOrigin(),
                config.rest().maxBodyBytes());
        rest.security(restSecurity()).limits(limits);
        rest.addRoutes(new RateLimitRoutes(limits)::mount);
        var t = config.tls();
        if (t.enabled()) {
            tls = new TlsServers(t);
            tls.watch(vertx);
            if (t.restPort() > 0) { // 0 = off
                rest.tls(tls, t.restPort());
            }
        }
        ops.healthChecks(healthDirectories(), cluster.clustered(),
                () -> cluster.hazelcast().map(h -> h.getLifecycleService().isRunning()).orElse(true));
        rest.addRoutes(ops::mount);
        RecordingVerticle recording = new RecordingVerticle(streams, config.records()).limits(limits);
        rest.addRoutes(new RecordsRoutes(recording.directory(), admission)::mount);
        hls = new HlsServerVerticle(config.hls(), node.bindAddress(), publicHost, streams, identity.nodeId())
                .admission(admission).limits(limits);
        if (tls != null && config.tls().hlsPort() > 0) {
            hls.tls(tls, config.tls().hlsPort());
        }
        webrtc = new WebRtcVerticle(streams, config.webrtc(), node.bindAddress(), publicHost).admission(admission)
                .sfu(config.sfu());
        ops.counters("webrtc", webrtc::stats);
        websocket = new WebSocketServerVerticle(config.websocket(), node.bindAddress(), streams, connections,
                identity.nodeId(), () -> new io.vertx.core.json.JsonObject().put("restPort", rest.actualPort())
                        .put("hlsPort", hls.actualPort()).put("rtmpPort", rtmpPort)).admission(admission)
                .media(new WcsWebRtcBridge(webrtc, streams)).limits(limits);
        websocket.addRoutes(new WhipRoutes(webrtc, config.rest().corsAllowOrigin())::mount);
        if (tls != null && config.tls().websocketPort() > 0) {
            websocket.tls(tls, config.tls().websocketPort());
        }
        // Feature verticles: each serves its REST methods over the event bus. One line per feature.
        List<Future<String>> features = List.of(
                vertx.deployVerticle(new MpegTsVerticle(streams, mediaPorts, node.bindAddress(), publicHost, config.mpegts())
                        .admission(admission).limits(limits)),
                vertx.deployVerticle(new VodVerticle(streams, java.nio.file.Path.of(config.media().directory()), config.vod())
                        .limits(limits)),
                vertx.deployVerticle(recording),
                vertx.deployVerticle(new SnapshotVerticle(streams)),
                vertx.deployVerticle(new PushVerticle(streams, java.nio.file.Path.of(config.media().directory()), config.push()).limits(limits)),
                vertx.deployVerticle(new PullRtmpVerticle(streams, config.pull()).limits(limits)),
                vertx.deployVerticle(new org.estuary.verticles.pull.WebRtcPullVerticle(streams, config.pull(),
                        new PullWebRtcBridge(webrtc)).limits(limits)),
                vertx.deployVerticle(new org.estuary.verticles.transcoder.TranscoderVerticle(streams,
                        java.nio.file.Path.of(config.media().directory()), config.transcoder()).limits(limits)),
                vertx.deployVerticle(new RtspVerticle(streams, mediaPorts, node.bindAddress(), config.rtsp()).limits(limits)),
                vertx.deployVerticle(new MixerVerticle(streams, config.mixer(), java.nio.file.Path.of(config.media().directory())).limits(limits)),
                vertx.deployVerticle(new org.estuary.verticles.sip.SipVerticle(streams, mediaPorts, config.sip(),
                        node.bindAddress(), publicHost, java.nio.file.Path.of(config.media().directory()))
                        .admission(admission)));
        return Future.all(control, directory, notifier).compose(v -> Future.all(features))
                .compose(v -> deployRtmp(vertx).recover(e -> Future.failedFuture(
                        "RTMP " + node.bindAddress() + ":" + config.rtmp().port() + ": " + e.getMessage())))
                .compose(v -> vertx.deployVerticle(hls).recover(e -> Future.failedFuture(
                        "HLS " + node.bindAddress() + ":" + config.hls().port() + ": " + e.getMessage())))
                .compose(v -> vertx.deployVerticle(webrtc).recover(e -> Future.failedFuture(
                        "WebRTC UDP " + node.bindAddress() + ":" + config.webrtc().port() + ": " + e.getMessage())))
                .compose(v -> vertx.deployVerticle(websocket).recover(e -> Future.failedFuture(
                        "WebSocket " + node.bindAddress() + ":" + config.websocket().port() + ": " + e.getMessage())))
                .compose(v -> vertx.deployVerticle(rest).recover(e -> Future.failedFuture(
                        "REST " + node.bindAddress() + ":" + config.rest().port() + ": " + e.getMessage())))
                .mapEmpty();
    }

    /** Directories /health proves writable: recordings always, HLS segments when they go to disk. */
    private List<java.nio.file.Path> healthDirectories() {
        List<java.nio.file.Path> dirs = new ArrayList<>(List.of(java.nio.file.Path.of(config.records().directory())));
        if (config.hls().storage() == org.estuary.core.config.HlsStorage.DISK) {
            dirs.add(java.nio.file.Path.of(config.hls().directory()));
        }
        return dirs;
    }

    /** REST/ops authentication from the rest section; tokensFile is read here, once, at start. */
    private RestSecurity restSecurity() {
        var r = config.rest();
        List<String> tokens = new ArrayList<>(r.tokens());
        if (!r.tokensFile().isBlank()) {
            try {
                java.nio.file.Files.readAllLines(java.nio.file.Path.of(r.tokensFile())).stream().map(String::trim)
                        .filter(t -> !t.isEmpty() && !t.startsWith("#")).forEach(tokens::add);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("rest.tokensFile " + r.tokensFile() + " cannot be read: " + e);
            }
        }
        String bind = config.node().bindAddress();
        boolean loopback = bind.startsWith("127.") || bind.equals("::1") || bind.equals("localhost");
        if (r.auth() == org.estuary.core.config.RestAuth.NONE && !loopback) {
            LOG.warn("rest.auth is none and the REST API listens on {}: anyone who can reach port {} controls this"
                    + " server. Set rest.auth to basic or bearer, or bind to 127.0.0.1.", bind, r.port());
        }
        return new RestSecurity(r.auth(), r.users(), tokens, r.protectMetrics(), r.corsAllowOrigin());
    }

    /** First instance binds (maybe port 0), the others share the port it got. */
    private Future<Void> deployRtmp(Vertx vertx) {
        var r = config.rtmp();
        RtmpServerVerticle first = new RtmpServerVerticle(rtmpSettings(r.port()), streams, connections, rtmpMetrics, admission)
                .limits(limits);
        if (tls != null && config.tls().rtmpPort() > 0) {
            first.tls(tls, config.tls().rtmpPort()); // RTMPS: on the first instance's event loop
        }
        return vertx.deployVerticle(first).compose(id -> {
            rtmpPort = first.actualPort();
            rtmpsPort = first.actualTlsPort();
            cdn.rtmpListening(rtmpPort);
            // Vert.x shares a listening socket between instances bound to the same host:port; an
            // ephemeral port (0) cannot be shared that way, so it gets a single instance.
            int more = r.port() == 0 ? 0 : r.effectiveInstances() - 1;
            if (more <= 0) {
                return Future.succeededFuture();
            }
            RtmpSettings shared = rtmpSettings(rtmpPort);
            return vertx.deployVerticle(() -> new RtmpServerVerticle(shared, streams, connections, rtmpMetrics, admission).limits(limits),
                    new DeploymentOptions().setInstances(more)).mapEmpty();
        });
    }

    private RtmpSettings rtmpSettings(int port) {
        var r = config.rtmp();
        return new RtmpSettings(config.node().bindAddress(), port, r.chunkSize(), r.windowAckSize(),
                r.publishIdleTimeoutMs(), r.playWaitTimeoutMs(), r.handshakeTimeoutMs(),
                r.idleTimeoutMs() == 0 ? Long.MAX_VALUE : r.idleTimeoutMs(), r.maxMessageBytes(), r.writeCoalesceMs());
    }

    private static String roleNames(List<org.estuary.core.config.ClusterRole> roles) {
        return String.join(",", roles.stream().map(org.estuary.core.config.ClusterRole::configName).toList());
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
        lines.add("  HLS      http://" + bind + ":" + hls.actualPort() + "/<stream>/<stream>.m3u8  (master /<stream>/master.m3u8"
                + (config.hls().lowLatency() ? ", low-latency" : "") + ")");
        lines.add("  Web      http://" + bind + ":" + websocket.actualPort() + "/  (WCS WebSocket API ws://" + bind + ":"
                + websocket.actualPort() + "/)");
        lines.add("  WebRTC   http://" + bind + ":" + websocket.actualPort() + "/whip/<stream>  (media UDP " + webrtc.actualPort() + ")");
        if (tls != null) {
            lines.add("  TLS      https://" + bind + ":" + rest.actualTlsPort() + "/rest-api/  rtmps://" + bind + ":" + rtmpsPort
                    + "/live/<stream>  HLS https://" + bind + ":" + hls.actualTlsPort() + "/");
            lines.add("ESTUARY_TLS rest=" + rest.actualTlsPort() + " rtmps=" + rtmpsPort + " hls=" + hls.actualTlsPort());
        }
        lines.add("ESTUARY_READY rest=" + rest.actualPort() + " rtmp=" + rtmpPort + " hls=" + hls.actualPort()
                + " ws=" + websocket.actualPort() + " webrtc=" + webrtc.actualPort());
        return String.join(System.lineSeparator(), lines);
    }

    public int restPort() { return rest.actualPort(); }
    public int rtmpPort() { return rtmpPort; }
    public int hlsPort() { return hls.actualPort(); }
    public int webSocketPort() { return websocket.actualPort(); }
    /** The WebRTC engine (WHIP/WHEP and the WebSocket API drive media through it). */
    public WebRtcVerticle webrtc() { return webrtc; }
    public StreamRegistry streams() { return streams; }
    public AdmissionChain admission() { return admission; }
    public Optional<Vertx> vertx() { return Optional.ofNullable(cluster).map(ClusterHandle::vertx); }
    public NodeIdentity identity() { return identity; }
}
