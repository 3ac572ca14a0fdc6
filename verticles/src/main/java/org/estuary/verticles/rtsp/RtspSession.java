package org.estuary.verticles.rtsp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.estuary.core.config.RtspConfig;
import org.estuary.core.media.Frame;
import org.estuary.core.media.TrackType;
import org.estuary.core.net.PortPool;
import org.estuary.core.rtsp.MediaClock;
import org.estuary.core.rtp.Rtcp;
import org.estuary.core.rtsp.RtpPacket;
import org.estuary.core.rtsp.RtpTrack;
import org.estuary.core.rtsp.RtspAuth;
import org.estuary.core.rtsp.RtspMessage;
import org.estuary.core.rtsp.RtspUri;
import org.estuary.core.rtsp.Sdp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTSP session with a camera, from connect to close: OPTIONS, DESCRIBE, SETUP per track,
 * PLAY, then keepalives, RTCP receiver reports and a media watchdog, moving through {@link State}.
 * The socket, parsing and request/answer matching belong to its {@link RtspConnection}; this class
 * is the protocol logic. Runs on the agent's context; every callback comes back there. Ends
 * exactly once with {@link Listener#closed}.
 */
final class RtspSession {
    private static final Logger LOG = LoggerFactory.getLogger(RtspSession.class);

    /** Where the session is (DESIGN.md §4: an explicit state, not flags). */
    enum State {
        /** Opening the TCP connection. */
        CONNECTING,
        /** OPTIONS, DESCRIBE, SETUP and PLAY in flight. */
        NEGOTIATING,
        /** PLAY answered: media flows to the listener. */
        PLAYING,
        /** Ended (listener told once); nothing more happens. */
        CLOSED
    }
    static final String USER_AGENT = "Estuary";

    interface Listener {
        /** PLAY succeeded; {@code tracks} are the ingested ones. */
        void playing(List<RtpTrack> tracks);

        void frame(Frame f);

        /** @param redirect the Location of a 3xx answer, else null */
        void closed(String reason, RtspFailure failure, String redirect);
    }

    private final Vertx vertx;
    private final RtspUri uri;
    private final boolean udp;
    private final UdpPorts udpPorts;
    private final Listener listener;
    private final RtspConfig config;
    private final MediaClock clock = new MediaClock();
    private final long startNanos = System.nanoTime();
    private final long ssrc = ThreadLocalRandom.current().nextLong(1, 0xFFFFFFFFL);
    private final List<RtpTransport.Track> tracks = new ArrayList<>();
    private final RtspConnection conn;
    private State state = State.CONNECTING;
    private RtspAuth.Challenge challenge;
    private int nonceCount;
    private String sessionId;
    private long sessionTimeoutMs = 60_000;
    private boolean getParameterSupported;
    private long keepaliveTimer = -1;
    private long reportTimer = -1;
    private long watchdogTimer = -1;
    private long lastMediaNanos;

    RtspSession(Vertx vertx, RtspUri uri, boolean udp, UdpPorts udpPorts, RtspConfig config, Listener listener) {
        this.vertx = vertx;
        this.config = config;
        this.uri = uri;
        this.udp = udp;
        this.udpPorts = udpPorts;
        this.listener = listener;
        this.conn = new RtspConnection(vertx, config, new RtspConnection.Listener() {
            @Override
            public void interleaved(int channel, byte[] data) {
                onInterleaved(channel, data);
            }

            @Override
            public void lost(String reason) {
                close(reason, RtspFailure.TRANSIENT, null);
            }
        });
    }

    State state() {
        return state;
    }

    void start() {
        conn.connect(uri.host(), uri.port()).onComplete(ar -> {
            if (state == State.CLOSED) {
                return;
            }
            if (ar.failed()) {
                close(ar.cause().getMessage(), RtspFailure.CONNECT, null);
                return;
            }
            state = State.NEGOTIATING;
            handshake();
        });
    }

    private void onInterleaved(int channel, byte[] data) {
        for (RtpTransport.Track t : tracks) {
            if (channel == t.rtpChannel) {
                rtp(t, data);
                return;
            }
            if (channel == t.rtpChannel + 1) {
                rtcp(t, data);
                return;
            }
        }
    }

    /** True for datagrams from the RTSP server's address (or a source= it named in SETUP). */
    boolean fromServer(String address) {
        if (address == null) {
            return false;
        }
        if (address.equals(conn.remoteHost())) {
            return true;
        }
        for (RtpTransport.Track t : tracks) {
            if (address.equals(t.serverHost)) {
                return true;
            }
        }
        return false;
    }

    void rtp(RtpTransport.Track t, byte[] data) {
        if (state != State.PLAYING) {
            // before the PLAY answer (UDP packets can overtake it) the local stream does not
            // exist yet: codec configuration delivered now would be lost
            return;
        }
        RtpPacket p = RtpPacket.parse(data);
        if (p == null) {
            return;
        }
        lastMediaNanos = System.nanoTime();
        t.stats.received(p.ssrc(), p.sequence(), p.timestamp(), lastMediaNanos);
        long arrivalUs = (lastMediaNanos - startNanos) / 1000;
        if (t.jitter != null) {
            for (RtpPacket q : t.jitter.push(p.sequence(), p, lastMediaNanos / 1_000_000)) {
                t.track.accept(q, arrivalUs);
            }
        } else {
            t.track.accept(p, arrivalUs);
        }
    }

    void rtcp(RtpTransport.Track t, byte[] data) {
        if (state == State.CLOSED) {
            return;
        }
        for (Rtcp.SenderReport sr : Rtcp.senderReports(data)) {
            t.track.senderReport(sr);
            t.stats.senderReport(sr.middle32(), System.nanoTime());
        }
    }

    private void handshake() {
        request("OPTIONS", uri.requestUrl(), Map.of())
                .compose(r -> {
                    String pub = r.header("Public");
                    getParameterSupported = pub != null && pub.toUpperCase(Locale.ROOT).contains("GET_PARAMETER");
                    return request("DESCRIBE", uri.requestUrl(), Map.of("Accept", "application/sdp"));
                })
                .compose(r -> {
                    if (r.status() != 200) {
                        return Future.failedFuture(failureOf("DESCRIBE", r));
                    }
                    String base = firstNonNull(r.header("Content-Base"), r.header("Content-Location"), uri.requestUrl());
                    return setupAll(Sdp.parse(r.bodyText()), base);
                })
                .compose(playUrl -> request("PLAY", playUrl, Map.of("Range", "npt=0.000-")))
                .onSuccess(r -> {
                    if (state == State.CLOSED) {
                        return;
                    }
                    if (r.status() != 200) {
                        fail(failureOf("PLAY", r));
                        return;
                    }
                    startPlaying();
                })
                .onFailure(this::fail);
    }

    private Future<String> setupAll(Sdp sdp, String base) {
        boolean video = false;
        boolean audio = false;
        List<Sdp.Media> chosen = new ArrayList<>();
        List<RtpTrack> made = new ArrayList<>();
        for (Sdp.Media m : sdp.media()) {
            RtpTrack t = RtpTrack.of(m, clock, this::frame);
            if (t == null) {
                continue;
            }
            boolean isVideo = t.codec().type() == TrackType.VIDEO;
            if ((isVideo && video) || (!isVideo && audio) || t.codec().type() == TrackType.DATA) {
                continue;
            }
            video |= isVideo;
            audio |= !isVideo;
            chosen.add(m);
            made.add(t);
        }
        if (made.isEmpty()) {
            return Future.failedFuture(new SessionFailure("the RTSP stream has no supported track (H.264, H.265, AAC, PCMA, PCMU, G.722, Opus)",
                    RtspFailure.UNSUPPORTED, null));
        }
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < made.size(); i++) {
            int index = i;
            String url = Sdp.resolveControl(base, chosen.get(i).control());
            chain = chain.compose(v -> setup(made.get(index), index, url));
        }
        String aggregate = Sdp.resolveControl(base, sdp.control());
        return chain.map(v -> aggregate);
    }

    private Future<Void> setup(RtpTrack track, int index, String url) {
        Future<RtpTransport.Track> io = udp
                ? udpPorts.open(track, this)
                : Future.succeededFuture(RtpTransport.Track.interleaved(track, 2 * index));
        return io.compose(t -> {
            if (state == State.CLOSED) {
                t.close(udpPorts);
                return Future.failedFuture(new SessionFailure("stopped", RtspFailure.STOPPED, null));
            }
            tracks.add(t);
            Map<String, String> h = new HashMap<>();
            h.put("Transport", t.transportHeader());
            return request("SETUP", url, h).compose(r -> {
                if (r.status() != 200) {
                    return Future.failedFuture(failureOf("SETUP", r));
                }
                String s = r.header("Session");
                if (s != null) {
                    String[] parts = s.split(";");
                    sessionId = parts[0].trim();
                    for (String p : parts) {
                        String kv = p.trim().toLowerCase(Locale.ROOT);
                        if (kv.startsWith("timeout=")) {
                            try {
                                sessionTimeoutMs = Math.max(2, Long.parseLong(kv.substring(8).trim())) * 1000;
                            } catch (NumberFormatException ignored) {
                                // keep the default
                            }
                        }
                    }
                }
                String err = t.applyServerTransport(r.header("Transport"), uri.host());
                if (err != null) {
                    return Future.failedFuture(new SessionFailure(err, RtspFailure.UNSUPPORTED, null));
                }
                return Future.<Void>succeededFuture();
            });
        });
    }

    private void startPlaying() {
        state = State.PLAYING;
        lastMediaNanos = System.nanoTime();
        long keepalive = Math.max(1_000, sessionTimeoutMs / 2);
        keepaliveTimer = vertx.setPeriodic(keepalive, id -> keepalive());
        reportTimer = vertx.setPeriodic(config.receiverReportMs(), id -> receiverReports());
        watchdogTimer = vertx.setPeriodic(udp ? 20 : 1_000, id -> watchdog());
        LOG.info("RTSP {}: playing over {} ({} tracks, session timeout {} s)", RtspUri.redact(uri.requestUrl()),
                udp ? "UDP" : "TCP", tracks.size(), sessionTimeoutMs / 1000);
        listener.playing(tracks.stream().map(t -> t.track).toList());
    }

    private void keepalive() {
        request(getParameterSupported ? "GET_PARAMETER" : "OPTIONS", uri.requestUrl(), Map.of())
                .onSuccess(r -> {
                    if (r.status() == 454) {
                        close("the server lost the RTSP session (454 Session Not Found)", RtspFailure.TRANSIENT, null);
                    }
                })
                .onFailure(this::fail);
    }

    private void receiverReports() {
        for (RtpTransport.Track t : tracks) {
            Rtcp.ReportBlock b = t.stats.reportBlock(System.nanoTime());
            if (b == null) {
                continue;
            }
            byte[] rr = Rtcp.receiverReport(ssrc, b, "estuary@" + uri.host());
            t.sendRtcp(rr, conn);
        }
    }

    /** Media silence ends the session (the agent reconnects); with UDP it also flushes the jitter buffers. */
    private void watchdog() {
        long now = System.nanoTime();
        if (udp) {
            long arrivalUs = (now - startNanos) / 1000;
            for (RtpTransport.Track t : tracks) {
                for (RtpPacket q : t.jitter.drain(now / 1_000_000)) {
                    t.track.accept(q, arrivalUs);
                }
            }
        }
        if (now - lastMediaNanos > config.mediaTimeoutMs() * 1_000_000) {
            close("no media from the RTSP server for " + config.mediaTimeoutMs() / 1000 + " s", RtspFailure.TRANSIENT, null);
        }
    }

    private void frame(Frame f) {
        if (state != State.CLOSED) {
            listener.frame(f);
        }
    }

    /** Sends a request; answers 401 once with credentials when we have them. */
    private Future<RtspMessage> request(String method, String url, Map<String, String> headers) {
        return send(method, url, headers).compose(r -> {
            if (r.status() != 401) {
                return Future.succeededFuture(r);
            }
            List<RtspAuth.Challenge> cs = RtspAuth.parse(r.headers("WWW-Authenticate"));
            boolean stale = cs.stream().anyMatch(c -> "true".equalsIgnoreCase(c.param("stale")));
            if (!uri.hasCredentials() || cs.isEmpty() || (challenge != null && !stale)) {
                return Future.failedFuture(failureOf(method, r));
            }
            challenge = cs.stream().filter(RtspAuth.Challenge::isDigest).findFirst().orElse(cs.get(0));
            return send(method, url, headers).compose(again -> again.status() == 401
                    ? Future.failedFuture(failureOf(method, again)) : Future.succeededFuture(again));
        });
    }

    private Future<RtspMessage> send(String method, String url, Map<String, String> headers) {
        if (state == State.CLOSED || !conn.isOpen()) {
            return Future.failedFuture(new SessionFailure("stopped", RtspFailure.STOPPED, null));
        }
        int n = conn.nextCseq();
        RtspMessage m = RtspMessage.request(method, url)
                .header("CSeq", String.valueOf(n))
                .header("User-Agent", USER_AGENT);
        headers.forEach(m::header);
        if (sessionId != null && !method.equals("DESCRIBE")) { // OPTIONS keepalives must name the session
            m.header("Session", sessionId);
        }
        if (challenge != null) {
            m.header("Authorization", challenge.isDigest()
                    ? RtspAuth.digest(uri.user(), uri.password(), method, url, challenge,
                            Long.toHexString(ThreadLocalRandom.current().nextLong()), ++nonceCount)
                    : RtspAuth.basic(uri.user(), uri.password()));
        }
        return conn.request(n, m, method);
    }

    private SessionFailure failureOf(String method, RtspMessage r) {
        int s = r.status();
        if (s == 404) {
            return new SessionFailure("Rtsp stream not found", RtspFailure.NOT_FOUND, null);
        }
        if (s == 401 || s == 403) {
            return new SessionFailure("Unauthorized: " + (uri.hasCredentials() ? "the server rejected the credentials"
                    : "the server requires credentials (give them in the uri: rtsp://user:password@host/...)")
                    + " (" + s + " " + r.reason() + ")", RtspFailure.UNAUTHORIZED, null);
        }
        if (s >= 300 && s < 400 && r.header("Location") != null) {
            return new SessionFailure("redirected (" + s + ") to " + RtspUri.redact(r.header("Location")),
                    RtspFailure.REDIRECT, r.header("Location"));
        }
        if (s == 461) {
            return new SessionFailure("the server does not support " + (udp ? "UDP" : "TCP") + " transport (461)",
                    RtspFailure.UNSUPPORTED, null);
        }
        return new SessionFailure(method + " answered " + s + " " + r.reason(), RtspFailure.TRANSIENT, null);
    }

    private void fail(Throwable e) {
        if (e instanceof SessionFailure f) {
            close(f.getMessage(), f.kind, f.redirect);
        } else {
            close("RTSP session error: " + e, RtspFailure.TRANSIENT, null);
        }
    }

    /** Ends the session once: TEARDOWN (best effort), sockets closed, ports returned. */
    void close(String reason, RtspFailure kind, String redirect) {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasPlaying = state == State.PLAYING;
        state = State.CLOSED;
        for (long t : new long[] {keepaliveTimer, reportTimer, watchdogTimer}) {
            if (t >= 0) {
                vertx.cancelTimer(t);
            }
        }
        if (wasPlaying && sessionId != null) {
            RtspMessage m = RtspMessage.request("TEARDOWN", uri.requestUrl())
                    .header("CSeq", String.valueOf(conn.nextCseq())).header("User-Agent", USER_AGENT)
                    .header("Session", sessionId);
            conn.write(Buffer.buffer(m.serialize()));
        }
        conn.close(new SessionFailure("session closed: " + reason, RtspFailure.STOPPED, null));
        for (RtpTransport.Track t : tracks) {
            t.close(udpPorts);
        }
        listener.closed(reason, kind, redirect);
    }

    boolean isUdp() {
        return udp;
    }

    private static String firstNonNull(String... v) {
        for (String s : v) {
            if (s != null && !s.isBlank()) {
                return s.trim();
            }
        }
        return null;
    }

    /** A failure with its retry class, carried through the request futures. */
    static final class SessionFailure extends RuntimeException {
        final RtspFailure kind;
        final String redirect;

        SessionFailure(String message, RtspFailure kind, String redirect) {
            super(message, null, false, false);
            this.kind = kind;
            this.redirect = redirect;
        }
    }
}
