package org.estuary.verticles.rtsp;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.estuary.core.config.RtspConfig;
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
import org.estuary.verticles.agent.Reconnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one RTSP camera into a local stream, reconnecting with backoff. Runs on the RTSP
 * verticle's context (the local stream's single publisher thread). When the camera's session
 * drops, the local stream stays published (same mediaSessionId, players stay attached) for up to
 * {@code rtsp.reconnectGiveUpMs}; the next session's frames are moved onto the old time line
 * (see {@link Retimer}) so players see one continuous stream with a pause. Only when the gap
 * outlasts that bound, or the new session carries other codecs, is the stream unpublished.
 */
final class RtspAgent {
    private static final Logger LOG = LoggerFactory.getLogger(RtspAgent.class);

    private final Vertx vertx;
    private final Context ctx;
    private final StreamRegistry registry;
    private final UdpPorts udpPorts;
    private final String uri;
    private final String name;
    private final boolean udp;
    private final boolean onDemand;
    private final RtspConfig config;
    private final String sessionId = UUID.randomUUID().toString();
    private final Reconnector reconnect;
    private final long createdAt = System.currentTimeMillis();
    private RtspUri target;
    private RtspSession session;
    private Stream local;
    private List<RtpTrack> tracks = List.of();
    private String lastMediaSessionId = "";
    private RtspStatus status = RtspStatus.CONNECTING;
    private String info = "";
    private boolean everPlayed;
    private int connectFailures;
    private int redirects;
    private long reconnects;
    private final Retimer retimer = new Retimer();
    private long giveUpTimer = -1;
    long idleSinceMs = System.currentTimeMillis();

    RtspAgent(Vertx vertx, Context ctx, StreamRegistry registry, UdpPorts udpPorts, String uri, RtspUri target,
              String name, boolean udp, boolean onDemand, RtspConfig config) {
        this.vertx = vertx;
        this.ctx = ctx;
        this.registry = registry;
        this.udpPorts = udpPorts;
        this.uri = uri;
        this.target = target;
        this.name = name;
        this.udp = udp;
        this.onDemand = onDemand;
        this.config = config;
        this.reconnect = new Reconnector(vertx, this::connect, config.reconnectFirstMs(), config.reconnectMaxMs());
    }

    String uri() { return uri; }
    String name() { return name; }
    RtspStatus status() { return status; }
    boolean onDemand() { return onDemand; }
    Stream local() { return local; }

    void start() {
        connect();
    }

    private void connect() {
        if (status == RtspStatus.STOPPED) {
            return;
        }
        session = new RtspSession(vertx, target, udp, udpPorts, config, new Events());
        session.start();
    }

    private final class Events implements RtspSession.Listener {
        private RtspSession mine() {
            return session;
        }

        @Override
        public void playing(List<RtpTrack> playing) {
            reconnect.started();
            everPlayed = true;
            connectFailures = 0;
            redirects = 0;
            boolean sameCodecs = codecs(playing).equals(codecs(tracks));
            tracks = playing;
            cancelGiveUp();
            if (local != null && sameCodecs) {
                // the camera came back: continue the same stream after the gap
                retimer.newSession();
                status = RtspStatus.PLAYING;
                info = "";
                LOG.info("RTSP {} resumed on local stream {} ({})", RtspUri.redact(uri), name, local.mediaSessionId());
                return;
            }
            endLocal("The RTSP source came back with other codecs");
            retimer.reset();
            if (!publishLocal()) {
                mine().close(info, RtspFailure.STOPPED, null);
                return;
            }
            status = RtspStatus.PLAYING;
            info = "";
        }

        @Override
        public void frame(Frame f) {
            Stream s = local;
            if (s == null) {
                return;
            }
            f = retimer.apply(f);
            if (f.isConfig()) {
                s.describe(MediaDescriptions.apply(s.description(), f));
            }
            s.publish(f);
        }

        @Override
        public void closed(String reason, RtspFailure kind, String redirect) {
            session = null;
            if (status == RtspStatus.STOPPED || kind == RtspFailure.STOPPED) {
                endLocal(reason);
                return;
            }
            if (kind == RtspFailure.REDIRECT && redirect != null && redirects < config.maxRedirects()) {
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
                    || (kind == RtspFailure.CONNECT && !everPlayed && ++connectFailures >= config.maxFirstConnectFailures());
            if (giveUp) {
                endLocal(reason);
                status = RtspStatus.FAILED;
                info = reason;
                LOG.info("RTSP {} FAILED: {}", RtspUri.redact(uri), info);
                return;
            }
            reconnect.closed();
            armGiveUp();
            status = RtspStatus.RECONNECTING;
            info = reason;
            reconnects++;
            long delay = reconnect.retry();
            LOG.info("RTSP {}: {}; reconnecting in {} ms", RtspUri.redact(uri), reason, delay);
        }
    }

    private boolean publishLocal() {
        try {
            local = registry.publish(name, new PublisherInfo(sessionId, "", "RTSP", Map.of(), udp ? "UDP" : "TCP"),
                    config.publishIdleTimeoutMs());
        } catch (NameInUseException e) {
            status = RtspStatus.FAILED;
            info = "Stream name is already in use: " + name;
            return false;
        }
        MediaDescription d = MediaDescription.EMPTY;
        for (RtpTrack t : tracks) {
            Codec c = t.codec();
            if (c == Codec.PCMA || c == Codec.PCMU || c == Codec.OPUS || c == Codec.G722) {
                // no configuration record carries these: the SDP is the only source (G.722 is sampled
                // at 16 kHz although its RTP clock is 8 kHz, RFC 3551 4.5.2)
                d = d.withAudio(c, c == Codec.G722 ? 16_000 : t.media().clockRate(), Math.max(1, t.media().channels()));
            }
        }
        local.describe(d);
        Stream s = local;
        s.onTerminate(() -> ctx.runOnContext(v -> {
            if (local == s) {
                // /stream/terminate: drop this session; the agent reconnects like after a loss and publishes anew
                local = null;
                retimer.reset();
                if (session != null) {
                    session.close("Stopped by rest /stream/terminate", RtspFailure.TRANSIENT, null);
                }
            }
        }));
        lastMediaSessionId = local.mediaSessionId();
        LOG.info("RTSP {} -> local stream {} ({})", RtspUri.redact(uri), name, lastMediaSessionId);
        return true;
    }

    /** While the camera is away the stream stays published, but not forever. */
    private void armGiveUp() {
        if (giveUpTimer >= 0 || local == null) {
            return;
        }
        giveUpTimer = vertx.setTimer(Math.max(1, config.reconnectGiveUpMs()), id -> ctx.runOnContext(v -> {
            giveUpTimer = -1;
            if (status != RtspStatus.PLAYING && local != null) {
                LOG.info("RTSP {}: no camera for {} ms, unpublishing {}", RtspUri.redact(uri), config.reconnectGiveUpMs(), name);
                endLocal("RTSP source lost for longer than rtsp.reconnectGiveUpMs");
                retimer.reset();
            }
        }));
    }

    private void cancelGiveUp() {
        if (giveUpTimer >= 0) {
            vertx.cancelTimer(giveUpTimer);
            giveUpTimer = -1;
        }
    }

    private static List<Codec> codecs(List<RtpTrack> ts) {
        return ts.stream().map(RtpTrack::codec).sorted().toList();
    }

    private void endLocal(String reason) {
        if (local != null) {
            local.end(reason);
            local = null;
        }
    }

    void terminate(String reason) {
        if (status == RtspStatus.STOPPED) {
            return;
        }
        status = RtspStatus.STOPPED;
        info = reason;
        reconnect.stop();
        cancelGiveUp();
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
                .put("status", status.name())
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
