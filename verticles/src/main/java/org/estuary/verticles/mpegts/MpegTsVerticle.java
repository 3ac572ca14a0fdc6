package org.estuary.verticles.mpegts;

import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;
import org.estuary.verticles.agent.AgentLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.estuary.core.config.MpegTsConfig;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.net.PortPool;
import org.estuary.core.session.Admission;
import org.estuary.core.session.AdmissionRequest;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.srt.SrtTsReceiver;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.Control;
import org.estuary.verticles.agent.ControlError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /mpepts/*} (and the {@code /mpegts/*} aliases): MPEG-TS publishing over UDP, or over SRT
 * with Estuary as the listener, on a port allocated from the media range. The answer's {@code uri}
 * is where the encoder sends (UDP) or connects as an SRT caller.
 */
public final class MpegTsVerticle extends VerticleBase {
    private Limits limits = Limits.none();

    /** The node's limits (limits.maxMpegTsAgents and the like); call before deployment. */
    public MpegTsVerticle limits(Limits l) {
        this.limits = l;
        return this;
    }

    private static final Logger LOG = LoggerFactory.getLogger(MpegTsVerticle.class);

    private final StreamRegistry streams;
    private final PortPool ports;
    private final String bindAddress;
    private final String publicHost;
    private final MpegTsConfig config;
    private final Map<String, MpegTsSession> sessions = new LinkedHashMap<>();
    private long timer = -1;
    private Admission admission = Admission.allowAll();

    public MpegTsVerticle(StreamRegistry streams, PortPool ports, String bindAddress, String publicHost,
                          MpegTsConfig config) {
        this.streams = streams;
        this.config = config;
        this.ports = ports;
        this.bindAddress = bindAddress;
        this.publicHost = publicHost;
    }

    @Override
    public Future<?> start() {
        timer = vertx.setPeriodic(1000, id -> expire());
        // loading FFmpeg's natives takes a moment: do it now, off the event loop, not on the first SRT startup
        vertx.executeBlocking(() -> {
            SrtTsReceiver.preload();
            return null;
        }, false).onFailure(e -> LOG.warn("SRT ingest unavailable: FFmpeg libraries did not load", e));
        return new Control(vertx, LOG)
                .on("/mpepts/startup", this::startup)
                .on("/mpepts/find", (m, q) -> find(m, q, true))
                .on("/mpepts/find_all", (m, q) -> find(m, q, false))
                .on("/mpepts/terminate", this::terminate)
                .ready();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        List<Future<Void>> closing = new ArrayList<>();
        for (MpegTsSession s : new ArrayList<>(sessions.values())) {
            closing.add(stopSession(s, "Server shutdown"));
        }
        return Future.join(closing);
    }

    /** Publishers are let in by {@code admission} (default: everyone). Call before deploying. */
    public MpegTsVerticle admission(Admission admission) {
        this.admission = admission;
        return this;
    }

    private void startup(Message<JsonObject> m, Body body) {
        if (AgentLimit.refused(m, limits, Limit.MPEGTS_AGENTS, sessions.size())) {
            return;
        }
        MpegTsRequest q = MpegTsRequest.from(body, config);
        Future.fromCompletionStage(admission.check(new AdmissionRequest(AdmissionRequest.Action.PUBLISH, q.protocol(), "",
                q.name(), "", q.params())), context).onComplete(ar -> {
                    if (ar.failed() || !ar.result().allowed()) {
                        m.fail(ApiStatus.FORBIDDEN, "Publishing refused: "
                                + (ar.failed() ? ar.cause().getMessage() : ar.result().reason()));
                        return;
                    }
                    try {
                        startAdmitted(m, q, ar.result().streamName());
                    } catch (ControlError e) {
                        ControlError.reply(m, e);
                    }
                });
    }

    private void startAdmitted(Message<JsonObject> m, MpegTsRequest q, String name) {
        String transport = q.transport();
        if (sessions.containsKey(name) || streams.find(name).isPresent()) {
            throw ControlError.conflict("Stream name is already in use: " + name);
        }
        var ctx = vertx.getOrCreateContext();
        if (q.remote() != null) {
            startCaller(m, q, name, ctx);
            return;
        }
        // bind (UDP) or prove free (SRT: libsrt binds it itself on its thread) with quick system calls
        UdpIngress[] udp = new UdpIngress[1];
        OptionalInt reserved = transport.equals("udp")
                ? ports.acquire(p -> (udp[0] = UdpIngress.bind(bindAddress, p, q.allowed(), ctx, config.receiveBufferBytes())) != null)
                : ports.acquire(this::udpBindable);
        if (reserved.isEmpty()) {
            throw ControlError.internal("No free UDP port in the media range " + ports.from() + "-" + ports.to());
        }
        int port = reserved.getAsInt();
        Stream stream;
        try {
            stream = streams.publish(name, new PublisherInfo("", "", "MPEGTS", Map.of(), transport.toUpperCase(java.util.Locale.ROOT)), 0);
        } catch (NameInUseException e) {
            if (udp[0] != null) {
                udp[0].close();
            }
            ports.release(port);
            throw ControlError.conflict(e.getMessage());
        }
        String uri = transport + "://" + publicHost + ":" + port;
        MpegTsIngress ingress;
        if (udp[0] != null) {
            ingress = udp[0];
        } else {
            ingress = new SrtIngress(ctx, bindAddress, port, q.srt());
            if (!q.allowedList().isEmpty()) {
                LOG.warn("MPEG-TS {}: allowedList is not enforced for SRT (FFmpeg's srt listener does not expose the caller address)", name);
            }
        }
        MpegTsSession s = new MpegTsSession(name, transport, uri, port, stream, ingress,
                q.allowedList(), q.hasAudio(), q.hasVideo(), q.timeoutMs(), q.maxTimestampDiffMs());
        stream.onTerminate(() -> ctx.runOnContext(v -> stopSession(s, "Stopped by rest /terminate")));
        sessions.put(name, s);
        s.start();
        LOG.info("MPEG-TS {} ({}) waiting for {} on {}", name, stream.mediaSessionId(), transport.toUpperCase(), uri);
        m.reply(s.toJson());
    }

    /** SRT caller mode: no local port; Estuary connects to the remote listener and reconnects when it drops. */
    private void startCaller(Message<JsonObject> m, MpegTsRequest q, String name, io.vertx.core.Context ctx) {
        Stream stream;
        try {
            stream = streams.publish(name, new PublisherInfo("", "", "MPEGTS", Map.of()), 0);
        } catch (NameInUseException e) {
            throw ControlError.conflict(e.getMessage());
        }
        java.net.URI remote = q.remote();
        String uri = "srt://" + remote.getHost() + ":" + remote.getPort();
        MpegTsSession s = new MpegTsSession(name, "srt", uri, 0, stream,
                new SrtIngress(ctx, remote.getHost(), remote.getPort(), q.srt()),
                q.allowedList(), q.hasAudio(), q.hasVideo(), q.timeoutMs(), q.maxTimestampDiffMs());
        stream.onTerminate(() -> ctx.runOnContext(v -> stopSession(s, "Stopped by rest /terminate")));
        sessions.put(name, s);
        s.start();
        LOG.info("MPEG-TS {} ({}) pulling SRT from {}", name, stream.mediaSessionId(), uri);
        m.reply(s.toJson());
    }

    /** SRT: libsrt binds the port itself on the receiver thread; a short JDK bind proves it free now. */
    private boolean udpBindable(int port) {
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(new InetSocketAddress(bindAddress, port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void expire() {
        long now = System.currentTimeMillis();
        for (MpegTsSession s : new ArrayList<>(sessions.values())) {
            if (s.timedOut(now)) {
                stopSession(s, "Stopped by timeout: no data received");
            }
        }
    }

    /** Ends the session's stream now; the port goes back to the pool once the ingress let go of it. */
    private Future<Void> stopSession(MpegTsSession s, String reason) {
        if (!sessions.remove(s.name(), s)) {
            return Future.succeededFuture();
        }
        return s.stop(reason).andThen(ar -> {
            if (s.port() > 0) {
                ports.release(s.port()); // caller-mode sessions hold no local port
            }
        });
    }

    private void find(Message<JsonObject> m, Body q, boolean filtered) {
        JsonArray out = new JsonArray();
        for (MpegTsSession s : sessions.values()) {
            if (!filtered || matches(q, s)) {
                out.add(s.toJson());
            }
        }
        if (out.isEmpty()) {
            throw ControlError.notFound("MPEG-TS stream not found");
        }
        m.reply(out);
    }

    private void terminate(Message<JsonObject> m, Body q) {
        if (!q.has("localStreamName") && !q.has("uri")) {
            throw ControlError.badRequest("Give localStreamName or uri");
        }
        List<MpegTsSession> hit = sessions.values().stream().filter(s -> matches(q, s)).toList();
        if (hit.isEmpty()) {
            throw ControlError.notFound("MPEG-TS stream not found");
        }
        // answer once the ports are closed, so a caller may reuse or probe them right away
        Future.join(hit.stream().map(s -> stopSession(s, "Stopped by rest /terminate")).toList())
                .onComplete(ar -> m.reply(null));
    }

    private static boolean matches(Body q, MpegTsSession s) {
        String name = q.string("localStreamName");
        String uri = q.string("uri");
        return (name == null || name.equals(s.name())) && (uri == null || uri.equals(s.uri()));
    }
}
