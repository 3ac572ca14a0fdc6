package org.estuary.verticles.rtsp;

import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;
import org.estuary.verticles.agent.AgentLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.estuary.core.config.RtspConfig;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.net.PortPool;
import org.estuary.core.rtsp.RtspUri;
import org.estuary.core.stream.OnDemandSource;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.Control;
import org.estuary.verticles.agent.ControlError;
import org.estuary.verticles.agent.Find;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /rtsp/*}: one {@link RtspAgent} per camera URI, all on this verticle's context.
 * Also starts agents on demand when a player asks for a name that is a URL-encoded rtsp:// URI
 * (e.g. RTMP play of {@code rtsp%3A%2F%2Fcam%2Fpath}) and stops them once the last reader left.
 */
public final class RtspVerticle extends VerticleBase {
    private Limits limits = Limits.none();

    /** The node's limits (limits.maxRtspAgents and the like); call before deployment. */
    public RtspVerticle limits(Limits l) {
        this.limits = l;
        return this;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RtspVerticle.class);
    private final StreamRegistry streams;
    private final PortPool ports;
    private final String bindAddress;
    private final RtspConfig config;
    private final Map<String, RtspAgent> agents = new LinkedHashMap<>();
    private final OnDemandSource onDemand = this::demand;
    private UdpPorts udpPorts;
    private long timer = -1;

    public RtspVerticle(StreamRegistry streams, PortPool ports, String bindAddress, RtspConfig config) {
        this.streams = streams;
        this.ports = ports;
        this.bindAddress = bindAddress;
        this.config = config;
    }

    @Override
    public Future<?> start() {
        udpPorts = new UdpPorts(vertx, ports, bindAddress);
        streams.addOnDemandSource(onDemand);
        timer = vertx.setPeriodic(1_000, id -> stopIdleOnDemand());
        return new Control(vertx, LOG)
                .on("/rtsp/startup", this::startup)
                .on("/rtsp/find", (m, q) -> find(m, q, true))
                .on("/rtsp/find_all", (m, q) -> find(m, q, false))
                .on("/rtsp/terminate", this::terminate)
                .ready();
    }

    @Override
    public Future<?> stop() {
        streams.removeOnDemandSource(onDemand);
        vertx.cancelTimer(timer);
        agents.values().forEach(a -> a.terminate("RtspAgent shutdown"));
        agents.clear();
        return Future.succeededFuture();
    }

    private void startup(Message<JsonObject> m, Body body) {
        AgentLimit.check(limits, Limit.RTSP_AGENTS, agents.size());
        JsonObject q = body.json();
        String uri = q.getString("uri", "").trim();
        RtspUri target;
        try {
            target = RtspUri.parse(uri);
        } catch (IllegalArgumentException e) {
            m.fail(ApiStatus.BAD_REQUEST, "Rtsp has wrong format: " + e.getMessage());
            return;
        }
        String transport = q.getString("transport", "tcp").trim().toLowerCase(Locale.ROOT);
        if (!transport.equals("tcp") && !transport.equals("udp")) {
            m.fail(ApiStatus.BAD_REQUEST, "transport must be \"tcp\" or \"udp\", got \"" + transport + "\"");
            return;
        }
        String name = q.getString("localStreamName");
        if (name == null || name.isBlank()) {
            name = q.getString("toStream");
        }
        if (name == null || name.isBlank()) {
            name = uri; // the reference names the stream after the URI
        }
        name = name.trim();
        if (name.length() > 1024 || name.chars().anyMatch(Character::isISOControl)) {
            m.fail(ApiStatus.BAD_REQUEST, "localStreamName must be at most 1024 characters without control characters");
            return;
        }
        RtspAgent existing = agents.get(uri);
        if (existing != null && existing.status() != RtspStatus.FAILED) {
            m.fail(ApiStatus.CONFLICT, "Already in use: " + RtspUri.redact(uri));
            return;
        }
        String n = name;
        if (streams.find(n).isPresent() || agents.values().stream().anyMatch(a -> a != existing && a.name().equals(n))) {
            m.fail(ApiStatus.CONFLICT, "Stream name is already in use: " + n);
            return;
        }
        if (existing != null) {
            agents.remove(uri).terminate("replaced by a new /rtsp/startup");
        }
        RtspAgent a = new RtspAgent(vertx, context, streams, udpPorts, uri, target, n, transport.equals("udp"), false, config);
        agents.put(uri, a);
        a.start();
        m.reply(a.toJson());
    }

    /**
     * Called on a player's thread: only schedules. The agent publishes under the decoded URI (the
     * default /rtsp/startup name), so players of either form find the same stream.
     */
    private String demand(String name) {
        String uri = decodeRtspName(name);
        if (uri == null) {
            return null;
        }
        RtspUri target;
        try {
            target = RtspUri.parse(uri);
        } catch (IllegalArgumentException e) {
            return null;
        }
        context.runOnContext(v -> {
            if (agents.containsKey(uri) || agents.values().stream().anyMatch(a -> a.name().equals(uri))
                    || streams.find(uri).isPresent()) {
                return;
            }
            var full = limits.agent(Limit.RTSP_AGENTS, agents.size());
            if (full.isPresent()) {
                LOG.info("On-demand RTSP agent for {} not started: {}", uri, full.get().message());
                return;
            }
            RtspAgent a = new RtspAgent(vertx, context, streams, udpPorts, uri, target, uri, false, true, config);
            agents.put(uri, a);
            a.start();
        });
        return uri;
    }

    /** The rtsp:// URI a stream name stands for ({@code rtsp://...} as is, or URL-encoded), else null. */
    static String decodeRtspName(String name) {
        String n = name;
        if (n.regionMatches(true, 0, "rtsp%3A", 0, 7)) {
            try {
                n = URLDecoder.decode(n.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return n.regionMatches(true, 0, "rtsp://", 0, 7) ? n : null;
    }

    private void stopIdleOnDemand() {
        long now = System.currentTimeMillis();
        for (RtspAgent a : new ArrayList<>(agents.values())) {
            if (!a.onDemand()) {
                continue;
            }
            Stream s = a.local();
            if (s != null && !s.readers().isEmpty()) {
                a.idleSinceMs = now;
            } else if (now - a.idleSinceMs > config.onDemandIdleMs()
                    && (s != null || a.status() == RtspStatus.FAILED || now - a.idleSinceMs > 6 * config.onDemandIdleMs())) {
                // playing without readers, failed, or never got a reader in 30 s
                agents.remove(a.uri(), a);
                a.terminate("Stopped: no readers of the on-demand stream");
            }
        }
    }

    private void find(Message<JsonObject> m, Body q, boolean filtered) {
        Find.reply(m, agents.values().stream().filter(a -> !filtered || matches(q, a)).map(RtspAgent::toJson).toList(),
                "RTSP not found");
    }

    private void terminate(Message<JsonObject> m, Body q) {
        List<RtspAgent> hit = agents.values().stream().filter(a -> matches(q, a)).toList();
        if (hit.isEmpty()) {
            throw ControlError.notFound("RTSP not found");
        }
        for (RtspAgent a : hit) {
            agents.remove(a.uri(), a);
            a.terminate("Stopped by rest /rtsp/terminate");
        }
        m.reply(null);
    }

    private static boolean matches(Body q, RtspAgent a) {
        return (Find.eq(q, "uri", a.uri()) || Find.eq(q, "uri", RtspUri.redact(a.uri())))
                && Find.eqIgnoreCase(q, "status", a.status().name());
    }
}
