package org.estuary.verticles.ops;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.estuary.core.session.ConnectionRegistry;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.core.session.RtmpMetrics;

/** {@code GET /health} (JSON) and {@code GET /metrics} (Prometheus text) on the REST port. */
public final class OpsRoutes {
    private final String nodeId;
    private final StreamRegistry streams;
    private final ConnectionRegistry connections;
    private final RtmpMetrics rtmp;
    private final long startedAt;
    private final boolean metricsEnabled;
    private org.estuary.core.limits.Limits limits = org.estuary.core.limits.Limits.none();
    private HealthProbe probe = new HealthProbe(List.of(), false, () -> true);
    /** Counters of other parts (name prefix -> their counters), added to /metrics as they are. */
    private final java.util.Map<String, java.util.function.Supplier<java.util.Map<String, Long>>> extra =
            new java.util.concurrent.ConcurrentHashMap<>();

    public OpsRoutes(String nodeId, StreamRegistry streams, ConnectionRegistry connections, RtmpMetrics rtmp,
                     long startedAt, boolean metricsEnabled) {
        this.nodeId = nodeId;
        this.streams = streams;
        this.connections = connections;
        this.rtmp = rtmp;
        this.startedAt = startedAt;
        this.metricsEnabled = metricsEnabled;
    }

    /** What /health checks besides the event loops: directories that must stay writable, the cluster member. */
    /** The node's limits, whose refusals /metrics counts; call before mounting. */
    public OpsRoutes limits(org.estuary.core.limits.Limits limits) {
        this.limits = limits;
        return this;
    }

    public OpsRoutes healthChecks(List<Path> directories, boolean clustered, BooleanSupplier clusterOk) {
        this.probe = new HealthProbe(directories, clustered, clusterOk);
        return this;
    }

    /**
     * Adds {@code counters} to /metrics as gauges named {@code estuary_<prefix>_<snake_case name>}
     * (a feature's own counters without this package knowing the feature).
     */
    public OpsRoutes counters(String prefix, java.util.function.Supplier<java.util.Map<String, Long>> counters) {
        extra.put(prefix, counters);
        return this;
    }

    public void mount(Router router) {
        router.get("/health").handler(this::health);
        if (metricsEnabled) {
            router.get("/metrics").handler(this::metrics);
        }
    }

    private void health(RoutingContext ctx) {
        probe.run(ctx.vertx()).onComplete(ar -> {
            JsonObject result = ar.result();
            boolean healthy = result.getBoolean("healthy");
            JsonObject body = new JsonObject()
                    .put("status", healthy ? "UP" : "DOWN")
                    .put("nodeId", nodeId)
                    .put("uptimeMs", System.currentTimeMillis() - startedAt)
                    .put("checks", result.getJsonObject("checks"))
                    .put("streams", streams.streams().size())
                    .put("readers", streams.readers().size())
                    .put("connections", connections.size())
                    // leak checks (mixer load test): JavaCPP-tracked native bytes, process RSS, live threads
                    .put("nativeBytes", org.bytedeco.javacpp.Pointer.totalBytes())
                    .put("physicalBytes", org.bytedeco.javacpp.Pointer.physicalBytes())
                    .put("threads", java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount());
            if (!ctx.response().ended()) {
                ctx.response().setStatusCode(healthy ? 200 : 503).putHeader("Content-Type", "application/json")
                        .end(body.encode());
            }
        });
    }

    private void metrics(RoutingContext ctx) {
        PrometheusText p = new PrometheusText();
        long dropped = 0;
        long bytesInStreams = 0;
        for (Stream s : streams.streams()) {
            bytesInStreams += s.bytesIn();
        }
        int players = 0;
        for (StreamReader r : streams.readers()) {
            dropped += r.droppedFrames();
            if (r.info().player()) {
                players++;
            }
        }
        p.gauge("estuary_streams", "Live published streams on this node", streams.streams().size());
        p.gauge("estuary_readers", "Readers attached to streams (players, recorders, transponders...)", streams.readers().size());
        p.gauge("estuary_players", "Client players", players);
        p.gauge("estuary_connections", "Open client connections", connections.size());
        p.gauge("estuary_reader_dropped_frames", "Frames dropped by current readers that fell behind", dropped);
        p.gauge("estuary_stream_bytes_in", "Bytes received by current streams", bytesInStreams);
        p.counter("estuary_rtmp_connections_total", "RTMP connections accepted", rtmp.connectionsOpened());
        p.counter("estuary_rtmp_bytes_in_total", "Bytes received over RTMP", rtmp.bytesIn());
        p.counter("estuary_rtmp_bytes_out_total", "Bytes sent over RTMP", rtmp.bytesOut());
        p.counter("estuary_rtmp_frames_out_total", "Media frames sent to RTMP players", rtmp.framesOut());
        for (var e : new java.util.TreeMap<>(extra).entrySet()) {
            java.util.Map<String, Long> values;
            try {
                values = e.getValue().get();
            } catch (RuntimeException notReady) {
                continue; // a part still starting: its counters next time
            }
            for (var v : values.entrySet()) {
                String name = v.getKey().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
                p.gauge("estuary_" + e.getKey() + "_" + name, e.getKey() + " counter " + v.getKey(), v.getValue());
            }
        }
        p.gauge("estuary_limited_connections", "Client connections held against limits.maxConnections", limits.openConnections());
        java.util.Map<String, Long> refusals = new java.util.LinkedHashMap<>();
        limits.refusals().forEach((l, n) -> refusals.put(l.configKey(), n));
        p.labelledCounter("estuary_limit_refusals_total", "Requests refused by a limit of the limits section", "limit", refusals);
        Runtime rt = Runtime.getRuntime();
        p.gauge("estuary_jvm_heap_used_bytes", "JVM heap in use", rt.totalMemory() - rt.freeMemory());
        // Off-heap figures for leak checks (the churn test, the soak benchmark): the JDK's own direct
        // buffers and Netty's (its pooled allocator allocates without the JDK's accounting).
        long direct = 0;
        for (java.lang.management.BufferPoolMXBean b
                : java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            if ("direct".equals(b.getName())) {
                direct = b.getMemoryUsed();
            }
        }
        p.gauge("estuary_jvm_direct_buffer_bytes", "JDK direct ByteBuffers in use", direct);
        p.gauge("estuary_netty_direct_bytes", "Direct memory Netty counts as in use (-1 when it does not count)",
                io.netty.util.internal.PlatformDependent.usedDirectMemory());
        p.gauge("estuary_jvm_threads", "Live JVM threads", java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount());
        p.gauge("estuary_uptime_seconds", "Seconds since the node started", (System.currentTimeMillis() - startedAt) / 1000);
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(p.toString());
    }
}
