package org.estuary.verticles.rtsp;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.rtsp.RtpTrack;
import org.estuary.core.rtsp.RtspUri;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.MediaDescriptions;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.ReconnectBackoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one RTSP camera into a local stream, reconnecting with backoff. Runs on the RTSP
 * verticle's context (the local stream's single publisher thread). The local stream exists while
 * the session plays; a new session publishes a new stream under the same name.
 */
final class RtspAgent {
    private static final Logger LOG = LoggerFactory.getLogger(RtspAgent.class);
    static final String CONNECTING = "CONNECTING";
    static final String PLAYING = "PLAYING";
    static final String RECONNECTING = "RECONNECTING";
    static final String FAILED = "FAILED";
    static final String STOPPED = "STOPPED";
    static final int MAX_REDIRECTS = 5;
    /** Connection failures in a row, before the stream ever played, that make the agent give up. */
    static final int MAX_FIRST_CONNECT_FAILURES = 3;

    private final Vertx vertx;
    private final Context ctx;
    private final StreamRegistry registry;
    private final UdpPorts udpPorts;
    private final String uri;
    private final String name;
    private final boolean udp;
    private final boolean onDemand;
    private final long publishIdleMs;
    private final String sessionId = UUID.randomUUID().toString();
    private final ReconnectBackoff backoff = new ReconnectBackoff();
    private final long createdAt = System.currentTimeMillis();
    private RtspUri target;
    private RtspSession session;
    private Stream local;
    private List<RtpTrack> tracks = List.of();
    private String lastMediaSessionId = "";
    private String status = CONNECTING;
    private String info = "";
    private boolean everPlayed;
    private int connectFailures;
    private int redirects;
    private long retryTimer = -1;
    private long reconnects;
    long idleSinceMs = System.currentTimeMillis();

    RtspAgent(Vertx vertx, Context ctx, StreamRegistry registry, UdpPorts udpPorts, String uri, RtspUri target,
              String name, boolean udp, boolean onDemand, long publishIdleMs) {
        this.vertx = vertx;
        this.ctx = ctx;
        this.registry = registry;
        this.udpPorts = udpPorts;
        this.uri = uri;
        this.target = target;
        this.name = name;
        this.udp = udp;
        this.onDemand = onDemand;
        this.publishIdleMs = publishIdleMs;
    }

    String uri() { return uri; }
    String name() { return name; }
    String status() { return status; }
    boolean onDemand() { return onDemand; }
    Stream local() { return local; }

    void start() {
        connect();
    }

    private void connect() {
        retryTimer = -1;
        if (STOPPED.equals(status)) {
            return;
        }
        session = new RtspSession(vertx, target, udp, udpPorts, new Events());
        session.start();
    }

    private final class Events implements RtspSession.Listener {
        private RtspSession mine() {
            return session;
        }

        @Override
        public void playing(List<RtpTrack> playing) {
            backoff.started();
            everPlayed = true;
            connectFailures = 0;
            redirects = 0;
            tracks = playing;
            if (!publishLocal()) {
                mine().close(info, RtspFailure.STOPPED, null);
                return;
            }
            status = PLAYING;
            info = "";
        }

        @Override
        public void frame(Frame f) {
            Stream s = local;
            if (s == null) {
                return;
            }
            if (f.isConfig()) {
                s.describe(MediaDescriptions.apply(s.description(), f));
            }
            s.publish(f);
        }

        @Override
        public void closed(String reason, RtspFailure kind, String redirect) {
            session = null;
            endLocal(reason);
            if (STOPPED.equals(status) || kind == RtspFailure.STOPPED) {
                return;
            }
            if (kind == RtspFailure.REDIRECT && redirect != null && redirects < MAX_REDIRECTS) {
                try {
                    RtspUri next = RtspUri.parse(redirect);
                    if (!next.hasCredentials() && target.hasCredentials()) {
                        next = new RtspUri(next.host(), next.port(), next.requestUrl(), target.user(), target.password());
                    }
                    redirects++;
                    target = next;
                    LOG.info("RTSP {}: {}", RtspUri.redact(uri), reason);
                    connect();
                    return;
                } catch (IllegalArgumentException e) {
                    reason = "bad redirect Location: " + e.getMessage();
                    kind = RtspFailure.UNSUPPORTED;
                }
            }
            if (kind == RtspFailure.CONNECT) {
                reason = "Failed to connect to rtsp stream: " + reason;
            }
            boolean giveUp = !kind.retry || kind == RtspFailure.REDIRECT
                    || (kind == RtspFailure.CONNECT && !everPlayed && ++connectFailures >= MAX_FIRST_CONNECT_FAILURES);
            if (giveUp) {
                status = FAILED;
                info = reason;
                LOG.info("RTSP {} FAILED: {}", RtspUri.redact(uri), info);
                return;
            }
            backoff.closedAndRefused();
            status = RECONNECTING;
            info = reason;
            reconnects++;
            long delay = backoff.nextDelayMs();
            LOG.info("RTSP {}: {}; reconnecting in {} ms", RtspUri.redact(uri), reason, delay);
            retryTimer = vertx.setTimer(delay, t -> connect());
        }
    }

    private boolean publishLocal() {
        try {
            local = registry.publish(name, new PublisherInfo(sessionId, "", "RTSP", Map.of(), udp ? "UDP" : "TCP"), publishIdleMs);
        } catch (NameInUseException e) {
            status = FAILED;
            info = "Stream name is already in use: " + name;
            return false;
        }
        MediaDescription d = MediaDescription.EMPTY;
        for (RtpTrack t : tracks) {
            Codec c = t.codec();
            if (c == Codec.PCMA || c == Codec.PCMU || c == Codec.OPUS) {
                // no configuration record carries these: the SDP is the only source
                d = d.withAudio(c, t.media().clockRate(), Math.max(1, t.media().channels()));
            }
        }
        local.describe(d);
        Stream s = local;
        s.onTerminate(() -> ctx.runOnContext(v -> {
            if (local == s && session != null) {
                // /stream/terminate: drop this session; the agent reconnects like after a loss
                session.close("Stopped by rest /stream/terminate", RtspFailure.TRANSIENT, null);
            }
        }));
        lastMediaSessionId = local.mediaSessionId();
        LOG.info("RTSP {} -> local stream {} ({})", RtspUri.redact(uri), name, lastMediaSessionId);
        return true;
    }

    private void endLocal(String reason) {
        if (local != null) {
            local.end(reason);
            local = null;
        }
    }

    void terminate(String reason) {
        if (STOPPED.equals(status)) {
            return;
        }
        status = STOPPED;
        info = reason;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
        }
        RtspSession s = session;
        if (s != null) {
            s.close(reason, RtspFailure.STOPPED, null);
        }
        endLocal(reason);
        LOG.info("RTSP {} terminated: {}", RtspUri.redact(uri), reason);
    }

    JsonObject toJson() {
        String video = null;
        String audio = null;
        for (RtpTrack t : tracks) {
            if (t.codec().type() == org.estuary.core.media.TrackType.VIDEO) {
                video = t.codec().apiName();
            } else {
                audio = t.codec().apiName();
            }
        }
        JsonObject j = new JsonObject()
                .put("uri", RtspUri.redact(uri))
                .put("localStreamName", name)
                .put("toStream", name)
                .put("localMediaSessionId", local != null ? local.mediaSessionId() : lastMediaSessionId)
                .put("status", status)
                .put("info", info)
                .put("transport", udp ? "udp" : "tcp")
                .put("hasVideo", video != null)
                .put("hasAudio", audio != null)
                .put("videoCodec", video)
                .put("audioCodec", audio)
                .put("onDemand", onDemand)
                .put("reconnects", reconnects)
                .put("createdDate", createdAt);
        Stream s = local;
        if (s != null) {
            MediaDescription d = s.description();
            j.put("width", d.width()).put("height", d.height())
                    .put("sampleRate", d.sampleRate()).put("channels", d.channels());
        }
        return j;
    }
}
