package org.estuary.verticles.webrtc;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.estuary.core.config.WebRtcConfig;
import org.estuary.core.session.Admission;
import org.estuary.core.session.AdmissionDecision;
import org.estuary.core.session.AdmissionRequest;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.core.media.Codec;
import org.estuary.core.media.TrackType;
import org.estuary.core.webrtc.Negotiation;
import org.estuary.core.webrtc.PacketKind;
import org.estuary.core.webrtc.SdpAnswer;
import org.estuary.core.webrtc.SdpException;
import org.estuary.core.webrtc.SdpOffer;
import org.estuary.core.webrtc.SharedH264Packets;
import org.estuary.core.webrtc.Stun;
import org.estuary.verticles.agent.ControlError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebRTC media engine: one UDP socket shared by every session, demultiplexed per RFC 7983
 * (STUN by our ufrag, DTLS/SRTP by the address ICE nominated); ICE-lite answers on the event
 * loop, DTLS handshakes on {@link DtlsHandshakes}' bounded pool, SRTP on the loop, audio
 * transcoding on a worker pool. Implements {@link WebRtcSessions} for WHIP/WHEP and the
 * WebSocket API.
 */
public final class WebRtcVerticle extends VerticleBase implements WebRtcSessions {
    private static final Logger LOG = LoggerFactory.getLogger(WebRtcVerticle.class);
    private static final int TICK_MS = 500;
    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final StreamRegistry streams;
    private final WebRtcConfig config;
    private final String bindAddress;
    private final String defaultHost;
    private final SecureRandom random = new SecureRandom();
    private final WebRtcCounters counters = new WebRtcCounters();
    private final Map<String, WebRtcSession> byId = new HashMap<>();
    private final Map<String, WebRtcSession> byUfrag = new HashMap<>();
    private final Map<String, WebRtcSession> byAddress = new HashMap<>();
    /** Sessions we dialled (server-to-server): their ICE checks run on {@link #iceTimer}. */
    private final List<WebRtcSession> dialled = new ArrayList<>();
    private long iceTimer = -1;
    private volatile Context engine;
    private DatagramSocket socket;
    /** Batched sends on {@link #socket} (one flush per loop turn); made once the socket listens. */
    private volatile BatchedUdpSender sender;
    private static final boolean SHARED_PACKETS = Boolean.parseBoolean(System.getProperty("estuary.webrtc.sharedPackets", "true"));
    private final SharedH264Packets h264Packets = new SharedH264Packets(PlayMedia.MAX_PAYLOAD);
    private DtlsIdentity identity;
    private DtlsHandshakes handshakes;
    private ExecutorService audioPool;
    private OpusFeeds opusFeeds;
    private BaselineFeeds baselineFeeds;
    private final VideoFeeds videoFeeds = new VideoFeeds();
    /** VP8 → H.264 transcoders of VP8 publishers (one serial worker each); apart from audio so a slow picture never delays sound */
    private java.util.concurrent.ExecutorService videoPool;
    private List<SdpAnswer.Candidate> candidates = List.of();
    private volatile int actualPort = -1;
    private long timer = -1;
    private Admission admission = Admission.allowAll();
    private org.estuary.core.config.SfuConfig sfuConfig = org.estuary.core.config.SfuConfig.defaults();
    private SfuRooms rooms;

    /**
     * @param defaultHost address announced when {@code config.privateAddress} is empty (the node's public host)
     */
    public WebRtcVerticle(StreamRegistry streams, WebRtcConfig config, String bindAddress, String defaultHost) {
        this.streams = streams;
        this.config = config;
        this.bindAddress = bindAddress;
        this.defaultHost = defaultHost;
    }

    /** Publishers and players are let in by {@code admission} (default: everyone). Call before deploying. */
    public WebRtcVerticle admission(Admission admission) {
        this.admission = admission;
        return this;
    }

    /** SFU room settings (default: SfuConfig.defaults()). Call before deploying. */
    public WebRtcVerticle sfu(org.estuary.core.config.SfuConfig config) {
        this.sfuConfig = config;
        return this;
    }

    /** The bound UDP port once started. */
    public int actualPort() {
        return actualPort;
    }

    @Override
    public Future<?> start() {
        engine = context;
        rooms = new SfuRooms(sfuConfig, (id, why) -> context.runOnContext(v -> {
            int hash = id.indexOf('#');
            WebRtcSession s = byId.get(hash < 0 ? id : id.substring(0, hash));
            if (s != null && hash >= 0 && s.media instanceof SfuMember m) {
                m.leaseClosed(id.substring(hash + 1), why); // one leased track of a single-PC participant
            } else if (s != null && hash < 0) {
                closeSession(s, why);
            }
        }));
        return vertx.executeBlocking(() -> {
            // class loading, key generation and jitsi-srtp's provider probe: seconds, once, off the loop
            SrtpTransform.warmUp();
            return DtlsIdentity.generate();
        }).compose(id -> {
            identity = id;
            handshakes = new DtlsHandshakes(identity, config.dtlsThreads(), (int) Math.min(Integer.MAX_VALUE, config.dtlsTimeoutMs()));
            AtomicInteger n = new AtomicInteger();
            audioPool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "webrtc-audio-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            opusFeeds = new OpusFeeds(context, audioPool);
            AtomicInteger vn = new AtomicInteger();
            videoPool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "webrtc-video-" + vn.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            baselineFeeds = new BaselineFeeds(vertx, streams);
            socket = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(4 << 20).setSendBufferSize(4 << 20));
            socket.handler(this::packet);
            return socket.listen(config.port(), bindAddress);
        }).onSuccess(s -> {
            actualPort = s.localAddress().port();
            sender = new BatchedUdpSender(s);
            candidates = candidates(actualPort);
            // JIT-compile the SRTP path in the background: the first player's GOP burst then runs compiled
            vertx.executeBlocking(SrtpTransform::warmUpJit, false)
                    .onSuccess(ms -> LOG.info("SRTP JIT warm-up done in {} ms", ms));
            LOG.info("WebRTC engine on UDP {}:{}, candidates {}", bindAddress, actualPort, candidates);
        }).compose(v -> new org.estuary.verticles.agent.Control(vertx, LOG)
                .on("/sfu/stats", (m, b) -> m.reply(rooms.stats(b.required("roomName")).orElseThrow(() ->
                        org.estuary.verticles.agent.ControlError.notFound("No room " + b.string("roomName")))))
                .ready());
    }

    private List<SdpAnswer.Candidate> candidates(int port) {
        List<SdpAnswer.Candidate> c = new ArrayList<>();
        String priv = config.privateAddress().isBlank() ? defaultHost : config.privateAddress();
        c.add(new SdpAnswer.Candidate(literal(priv), port));
        if (!config.publicAddress().isBlank() && !config.publicAddress().equals(priv)) {
            c.add(new SdpAnswer.Candidate(literal(config.publicAddress()), port));
        }
        return List.copyOf(c);
    }

    /** Browsers want IP literals in candidates (they do not resolve host names there). */
    private static String literal(String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            return host;
        }
    }

    @Override
    public Future<?> stop() {
        timersOff();
        for (WebRtcSession s : new ArrayList<>(byId.values())) {
            closeSession(s, "Server shutdown");
        }
        if (opusFeeds != null) {
            opusFeeds.closeAll();
        }
        if (handshakes != null) {
            handshakes.close();
        }
        if (audioPool != null) {
            audioPool.shutdown();
        }
        if (videoPool != null) {
            videoPool.shutdown();
        }
        return socket == null ? Future.succeededFuture() : socket.close();
    }

    // ---- API ----

    @Override
    public Future<Answer> open(Request request) {
        Context c = engine;
        if (c == null || actualPort < 0) {
            return Future.failedFuture(new ControlError(503, "the WebRTC engine is not running"));
        }
        boolean publish = request.direction() == Direction.PUBLISH;
        AdmissionRequest ask = new AdmissionRequest(publish ? AdmissionRequest.Action.PUBLISH : AdmissionRequest.Action.PLAY,
                request.protocol(), "", request.streamName(), request.clientAddress(), request.params());
        Promise<Answer> p = Promise.promise();
        admit(ask, c, p, d -> {
            String name = d.streamName().isBlank() ? request.streamName() : d.streamName();
            answer(p, () -> openHere(request, name));
        });
        return p.future();
    }

    /**
     * Asks the node's admission chain (access rules, hooks); on {@code c} runs {@code then} when
     * allowed, or fails {@code p} with a 403 naming the reason.
     */
    private void admit(AdmissionRequest ask, Context c, Promise<Answer> p, Consumer<AdmissionDecision> then) {
        Promise<AdmissionDecision> decided = Promise.promise();
        try {
            admission.check(ask).whenComplete((d, e) -> {
                if (e != null) {
                    decided.fail(e);
                } else {
                    decided.complete(d);
                }
            });
        } catch (RuntimeException e) {
            decided.fail(e);
        }
        decided.future().onComplete(ar -> c.runOnContext(v -> {
            if (ar.failed() || !ar.result().allowed()) {
                String why = ar.failed() ? String.valueOf(ar.cause().getMessage()) : ar.result().reason();
                p.fail(new ControlError(403, "Refused: " + why));
                return;
            }
            then.accept(ar.result());
        }));
    }

    @Override
    public Future<Void> close(String sessionId, String reason) {
        Context c = engine;
        if (c == null) {
            return Future.failedFuture(new ControlError(404, "no WebRTC session " + sessionId));
        }
        Promise<Void> p = Promise.promise();
        c.runOnContext(v -> {
            WebRtcSession s = byId.get(sessionId);
            if (s == null) {
                p.fail(new ControlError(404, "no WebRTC session " + sessionId));
                return;
            }
            closeSession(s, reason);
            p.complete();
        });
        return p.future();
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>(counters.snapshot());
        m.put("sessions", (long) byId.size());
        m.put("dtlsHandshakesRunning", handshakes == null ? 0L : (long) handshakes.running());
        m.put("opusTranscoders", opusFeeds == null ? 0L : (long) opusFeeds.running());
        m.put("opusTranscodersStarted", opusFeeds == null ? 0L : opusFeeds.started());
        m.put("opusPassThroughPlayers", opusFeeds == null ? 0L : opusFeeds.passThroughPlayers());
        m.put("videoPassThroughPlayers", videoFeeds.players());
        m.put("baselineCopies", baselineFeeds == null ? 0L : (long) baselineFeeds.running());
        m.put("baselineCopiesStarted", baselineFeeds == null ? 0L : baselineFeeds.started());
        m.put("sfuRooms", rooms == null ? 0L : (long) rooms.rooms());
        return m;
    }

    /** Frames a VP8 publisher's transcoder may queue (1 s at 30 fps); beyond that it skips to the next key frame. */
    private static final int VIDEO_QUEUE = 30;

    /**
     * The video codec a player of {@code stream} gets: VP8/VP9 as the publisher sent it when the stream
     * is a WebRTC VP8/VP9 publish and the offer takes that codec, else the stream's own (its H.264 copy).
     */
    private Codec playVideo(Stream stream, SdpOffer offer) {
        if (stream == null) {
            return null;
        }
        Codec feed = videoFeeds.codec(stream);
        if (feed != null && offer.media().stream().anyMatch(m -> m.kind().equals("video") && m.receives()
                && m.payloadTypes().stream().anyMatch(p -> p.is(feed.apiName())
                && (feed != Codec.VP9 || p.fmtpParam("profile-id") == null || "0".equals(p.fmtpParam("profile-id")))
                && (feed != Codec.AV1 || p.fmtpParam("profile") == null || "0".equals(p.fmtpParam("profile")))))) {
            return feed;
        }
        Codec c = stream.codec(TrackType.VIDEO);
        return c;
    }

    private Answer openHere(Request r, String name) {
        if (name == null || name.isBlank() || name.length() > 256 || name.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7F)) {
            throw new ControlError(400, "Bad stream name");
        }
        SdpOffer offer = SdpOffer.parse(r.sdpOffer());
        boolean publish = r.direction() == Direction.PUBLISH;
        long ourSsrc = random.nextInt() & 0xFFFFFFFFL;
        Codec playVideo = publish ? null : playVideo(streams.find(name).orElse(null), offer);
        List<Negotiation.Line> lines = Negotiation.negotiate(offer, publish, (ourSsrc + 1) & 0xFFFFFFFFL, playVideo);
        String id = token(16);
        String ufrag = token(8);
        String pwd = token(24);
        WebRtcSession s = new WebRtcSession(id, ufrag, pwd, offer.fingerprint(), r, lines, ourSsrc, System.currentTimeMillis());
        s.publishedName = name;
        if (publish) {
            Stream stream;
            try {
                stream = streams.publish(name, new PublisherInfo(r.ownerId() == null || r.ownerId().isBlank() ? id : r.ownerId(), "", "WebRTC",
                        r.params() == null ? Map.of() : r.params()), config.consentTimeoutMs());
            } catch (NameInUseException e) {
                throw new ControlError(409, "Stream name is already in use: " + name);
            }
            s.media = new PublishMedia(stream, lines, context, new SerialWorker(audioPool, 250), opusFeeds,
                    videoFeeds, new SerialWorker(videoPool, VIDEO_QUEUE), ourSsrc,
                    config.keyframeIntervalMs(), config.publishBitrateKbps() * 1000L, config.transportCc(),
                    rtcp -> sendRtcp(s, rtcp), counters);
            stream.onTerminate(() -> engine.runOnContext(v -> closeSession(s, "Stopped by rest /stream/terminate")));
        } else {
            Stream stream = streams.find(name).orElseThrow(() -> new ControlError(404, "Stream not found: " + name));
            s.media = new PlayMedia(stream, lines, context, opusFeeds, baselineFeeds, videoFeeds, h264Packets(), id, r.ownerId(),
                    (raw, len) -> send(raw, len, s.remote), rtcp -> sendRtcp(s, rtcp), () -> keyframeFor(name), counters, random);
        }
        String answer = SdpAnswer.write(lines, ufrag, pwd, identity.fingerprint, candidates, "estuary", "estuary",
                random.nextLong() & Long.MAX_VALUE, publish && config.transportCc(), true); // RTX both ways
        byId.put(id, s);
        timersOn();
        byUfrag.put(ufrag, s);
        counters.sessionsOpened.increment();
        LOG.info("WebRTC {}: {} {} for {} (ufrag {})", id, publish ? "publish" : "play", name, r.ownerId(), ufrag);
        return new Answer(id, answer);
    }

    @Override
    public Future<Answer> openRoom(RoomRequest r) {
        Context c = engine;
        if (c == null || actualPort < 0) {
            return Future.failedFuture(new ControlError(503, "the WebRTC engine is not running"));
        }
        // a room's publish and play pass the same checks as any other: the app is the room, the
        // stream the participant published or received (names in a room are nickNames: a backend's
        // rename is not applied)
        boolean publish = r.from() == null;
        AdmissionRequest ask = new AdmissionRequest(publish ? AdmissionRequest.Action.PUBLISH : AdmissionRequest.Action.PLAY,
                "WebSocket", r.room(), publish ? r.participant() : r.from(), r.clientAddress(), r.params());
        Promise<Answer> p = Promise.promise();
        admit(ask, c, p, d -> answer(p, () -> openRoomHere(r)));
        return p.future();
    }

    /** An offer's answer made on the engine's thread, its failures mapped onto HTTP statuses. */
    private void answer(Promise<Answer> p, java.util.function.Supplier<Answer> maker) {
        try {
            p.complete(maker.get());
        } catch (SdpException e) {
            counters.badOffers.increment();
            p.fail(new ControlError(400, "Bad SDP offer: " + e.getMessage()));
        } catch (ControlError e) {
            p.fail(e);
        } catch (RuntimeException e) {
            LOG.warn("WebRTC session failed", e);
            p.fail(new ControlError(500, "WebRTC session failed: " + e.getMessage()));
        }
    }

    /** A room peer connection: like {@link #openHere}, with SFU media sides instead of a hub stream. */
    private Answer openRoomHere(RoomRequest r) {
        rooms.check(r);
        SdpOffer offer = SdpOffer.parse(r.sdpOffer());
        boolean publish = r.from() == null;
        long ourSsrc = random.nextInt() & 0xFFFFFFFFL;
        // a receiver takes the publisher's video codec: packets are forwarded as they are
        List<Negotiation.Line> lines = Negotiation.negotiate(offer, publish, (ourSsrc + 1) & 0xFFFFFFFFL,
                publish ? null : rooms.videoCodec(r));
        String id = token(16);
        String ufrag = token(8);
        String pwd = token(24);
        Request req = new Request(r.sdpOffer(), r.room() + "/" + r.participant(), publish ? Direction.PUBLISH : Direction.PLAY,
                r.ownerId(), "WebSocket", "", Map.of(), r.onClosed());
        WebRtcSession s = new WebRtcSession(id, ufrag, pwd, offer.fingerprint(), req, lines, ourSsrc, System.currentTimeMillis());
        s.publishedName = req.streamName();
        s.media = publish
                ? new SfuMember(mixedView(r, id, lines, rooms.publish(r, id, lines, ourSsrc, config.publishBitrateKbps() * 1000L,
                        rtcp -> sendRtcp(s, rtcp), counters)), id, raw -> send(raw, s.remote), rtcp -> sendRtcp(s, rtcp),
                        counters, random)
                : rooms.subscribe(r, id, lines, raw -> send(raw, s.remote), rtcp -> sendRtcp(s, rtcp), counters, random);
        String answer = SdpAnswer.write(lines, ufrag, pwd, identity.fingerprint, candidates, "estuary", "estuary",
                random.nextLong() & Long.MAX_VALUE, false, false, true); // simulcast: the SFU forwards one layer per subscriber
        byId.put(id, s);
        timersOn();
        byUfrag.put(ufrag, s);
        counters.sessionsOpened.increment();
        LOG.info("WebRTC {}: room {} {} {}{}", id, r.room(), r.participant(), publish ? "publishes" : "receives ",
                publish ? "" : r.from());
        return new Answer(id, answer);
    }

    /**
     * With sfu.mixedView, the participant also publishes into the hub as {@code nickName#room}, which
     * the mixer's name-driven rooms mix into stream {@code room}. A taken name leaves it out of the
     * mixed view (logged); the participant still joins.
     */
    private SfuPublisher mixedView(RoomRequest r, String id, List<Negotiation.Line> lines, SfuPublisher p) {
        if (!sfuConfig.mixedView()) {
            return p;
        }
        String name = r.participant() + "#" + r.room();
        try {
            Stream stream = streams.publish(name, new PublisherInfo(r.ownerId() == null || r.ownerId().isBlank() ? id
                    : r.ownerId(), "", "WebRTC", r.params()), config.consentTimeoutMs());
            p.hubFeed(new SfuHubFeed(stream, lines, context, new SerialWorker(audioPool, 250), config.keyframeIntervalMs()));
        } catch (NameInUseException e) {
            LOG.warn("Room {}: {} is not in the mixed view: stream {} is already published", r.room(), r.participant(), name);
        }
        return p;
    }

    @Override
    public Future<Answer> reofferRoom(String sessionId, String sdpOffer) {
        Context c = engine;
        if (c == null || actualPort < 0) {
            return Future.failedFuture(new ControlError(503, "the WebRTC engine is not running"));
        }
        Promise<Answer> p = Promise.promise();
        c.runOnContext(v -> answer(p, () -> reofferHere(sessionId, sdpOffer)));
        return p.future();
    }

    /** Re-answers within the same ICE/DTLS session: kept m-lines as they were, added ones we send on. */
    private Answer reofferHere(String sessionId, String sdpOffer) {
        WebRtcSession s = byId.get(sessionId);
        if (s == null || !(s.media instanceof SfuMember member)) {
            throw new ControlError(404, "No room participant session " + sessionId);
        }
        SdpOffer offer = SdpOffer.parse(sdpOffer);
        if (!java.util.Arrays.equals(offer.fingerprint(), s.remoteFingerprint)) {
            throw new SdpException("the re-offer has another DTLS fingerprint (a restart is not supported)");
        }
        Map<String, Negotiation.Line> old = new HashMap<>();
        s.lines.forEach(l -> old.put(l.offered().mid(), l));
        List<Negotiation.Line> lines = new ArrayList<>();
        for (SdpOffer.Media m : offer.media()) {
            Negotiation.Line kept = old.remove(m.mid());
            lines.add(kept != null ? kept : Negotiation.sendLine(m, random.nextInt()));
        }
        if (!old.isEmpty()) {
            throw new SdpException("the re-offer lacks m-lines " + old.keySet() + " (m-lines are only added)");
        }
        s.lines = List.copyOf(lines);
        member.lines(s.lines);
        return new Answer(s.id, SdpAnswer.write(s.lines, s.ufrag, s.pwd, identity.fingerprint, candidates, "estuary",
                "estuary", random.nextLong() & Long.MAX_VALUE, false, false, true));
    }

    @Override
    public Future<Void> leaseTrack(String sessionId, String mid, String trackId) {
        Context c = engine;
        if (c == null) {
            return Future.failedFuture(new ControlError(503, "the WebRTC engine is not running"));
        }
        Promise<Void> p = Promise.promise();
        c.runOnContext(v -> {
            WebRtcSession s = byId.get(sessionId);
            try {
                if (s == null || !(s.media instanceof SfuMember member)) {
                    throw new ControlError(404, "No room participant session " + sessionId);
                }
                member.lease(mid, trackId);
                p.complete();
            } catch (ControlError e) {
                p.fail(e);
            }
        });
        return p.future();
    }

    @Override
    public Future<Void> roomControl(String sessionId, String op, String target, String value) {
        Context c = engine;
        if (c == null) {
            return Future.failedFuture(new ControlError(503, "the WebRTC engine is not running"));
        }
        Promise<Void> p = Promise.promise();
        c.runOnContext(v -> {
            WebRtcSession s = byId.get(sessionId);
            try {
                if (s == null || !(s.media instanceof SfuMember member)) {
                    throw new ControlError(404, "No room participant session " + sessionId);
                }
                switch (op) {
                    case "quality" -> {
                        if (!member.quality(target, value)) {
                            throw new ControlError(404, "No video leased" + (target == null ? "" : " on m-line " + target));
                        }
                    }
                    case "mute", "unmute" -> member.publisher.mute(target, op.equals("mute"));
                    default -> throw new ControlError(400, "Unknown room control " + op);
                }
                p.complete();
            } catch (ControlError e) {
                p.fail(e);
            }
        });
        return p.future();
    }

    @Override
    public Future<Answer> dial(Dial d) {
        Context c = engine;
        if (c == null || actualPort < 0) {
            return Future.failedFuture(new ControlError(503, "the WebRTC engine is not running"));
        }
        Promise<Answer> p = Promise.promise();
        c.runOnContext(v -> {
            boolean send = d.direction() == Direction.PUBLISH;
            if (send && streams.find(d.streamName()).isEmpty()) {
                p.fail(new ControlError(404, "Stream not found: " + d.streamName()));
                return;
            }
            // a UDP port of its own: two sessions between the same two engines would otherwise share
            // one address pair, which both ends use to tell sessions apart
            DatagramSocket own = vertx.createDatagramSocket(new DatagramSocketOptions()
                    .setReceiveBufferSize(1 << 20).setSendBufferSize(1 << 20));
            own.listen(0, bindAddress).onComplete(ls -> c.runOnContext(x -> {
                if (ls.failed()) {
                    p.fail(new ControlError(503, "no UDP port for the session: " + ls.cause().getMessage()));
                    return;
                }
                dialOn(d, own, ls.result().localAddress().port(), p);
            }));
        });
        return p.future();
    }

    private void dialOn(Dial d, DatagramSocket own, int ownPort, Promise<Answer> p) {
        Context c = engine;
        boolean send = d.direction() == Direction.PUBLISH;
        {
            long ssrc = random.nextInt() & 0xFFFFFFFFL;
            String ufrag = token(8);
            String pwd = token(24);
            List<SdpAnswer.Candidate> ours = candidates.stream().map(k -> new SdpAnswer.Candidate(k.address(), ownPort)).toList();
            String offer = org.estuary.core.webrtc.SdpClientOffer.write(send, (ssrc + 1) & 0xFFFFFFFFL,
                    (ssrc + 2) & 0xFFFFFFFFL, ufrag, pwd, identity.fingerprint, ours, "estuary",
                    random.nextLong() & Long.MAX_VALUE);
            Future<String> answer;
            try {
                answer = d.signal().apply(offer);
            } catch (RuntimeException e) {
                answer = Future.failedFuture(e);
            }
            answer.onComplete(ar -> c.runOnContext(x -> {
                if (ar.failed()) {
                    own.close();
                    p.fail(ar.cause() instanceof ControlError w ? w
                            : new ControlError(502, "signalling failed: " + ar.cause().getMessage()));
                    return;
                }
                try {
                    p.complete(dialled(d, ar.result(), ufrag, pwd, ssrc, own));
                } catch (RuntimeException e) {
                    own.close();
                    if (e instanceof SdpException) {
                        p.fail(new ControlError(502, "the far end's answer is unusable: " + e.getMessage()));
                    } else if (e instanceof ControlError w) {
                        p.fail(w);
                    } else {
                        LOG.warn("WebRTC dial failed", e);
                        p.fail(new ControlError(500, "WebRTC session failed: " + e.getMessage()));
                    }
                }
            }));
        }
    }

    /** The far end answered our offer: the session, its media side and ICE checks start here. */
    private Answer dialled(Dial d, String answerSdp, String ufrag, String pwd, long ourSsrc, DatagramSocket own) {
        SdpOffer answer = SdpOffer.parse(answerSdp);
        var remote = org.estuary.core.webrtc.SdpCandidates.parse(answerSdp);
        if (remote.isEmpty()) {
            throw new SdpException("no UDP candidate");
        }
        boolean send = d.direction() == Direction.PUBLISH;
        // the answer's m-lines, seen as an offer: they send what we receive and the reverse
        List<Negotiation.Line> lines = new ArrayList<>();
        for (Negotiation.Line l : Negotiation.negotiate(answer, !send, 0)) {
            long ssrc = !send || !l.accepted() ? -1
                    : (l.codec() == org.estuary.core.media.Codec.OPUS ? ourSsrc + 1 : ourSsrc + 2) & 0xFFFFFFFFL;
            lines.add(new Negotiation.Line(l.offered(), l.chosen(), l.codec(), l.direction(), ssrc));
        }
        String id = token(16);
        String owner = d.ownerId() == null || d.ownerId().isBlank() ? id : d.ownerId();
        Request r = new Request(answerSdp, d.streamName(), d.direction(), owner, "WebRTC-client", "", Map.of(), d.onClosed());
        WebRtcSession s = new WebRtcSession(id, ufrag, pwd, answer.fingerprint(), r, List.copyOf(lines), ourSsrc,
                System.currentTimeMillis());
        s.publishedName = d.streamName();
        s.ice = new IceClient(ufrag, answer.iceUfrag(), answer.icePwd(), remote, random);
        s.onConnected = d.onConnected();
        s.socket = own;
        if (!send) {
            Stream stream;
            try {
                stream = streams.publish(d.streamName(), new PublisherInfo(owner, "", "WebRTC", Map.of()), config.consentTimeoutMs());
            } catch (NameInUseException e) {
                throw new ControlError(409, "Stream name is already in use: " + d.streamName());
            }
            // no transport-cc: our offer does not ask for the header extension
            s.media = new PublishMedia(stream, s.lines, context, new SerialWorker(audioPool, 250), opusFeeds,
                    videoFeeds, new SerialWorker(videoPool, VIDEO_QUEUE), ourSsrc,
                    config.keyframeIntervalMs(), config.publishBitrateKbps() * 1000L, false,
                    rtcp -> sendRtcp(s, rtcp), counters);
            stream.onTerminate(() -> engine.runOnContext(v -> closeSession(s, "Stopped by rest /stream/terminate")));
        } else {
            String name = d.streamName();
            Stream stream = streams.find(name).orElseThrow(() -> new ControlError(404, "Stream not found: " + name));
            s.media = new PlayMedia(stream, s.lines, context, opusFeeds, baselineFeeds, videoFeeds, h264Packets(), id, owner,
                    (raw, len) -> sendTo(s, len == raw.length ? raw : java.util.Arrays.copyOf(raw, len)), rtcp -> sendRtcp(s, rtcp), () -> keyframeFor(name), counters, random);
        }
        // on its own socket: not in byUfrag/byAddress, which belong to the shared port
        own.handler(dp -> dialledPacket(s, dp));
        byId.put(id, s);
        dialled.add(s);
        timersOn();
        counters.sessionsOpened.increment();
        LOG.info("WebRTC {}: dialled, {} {} (candidates {})", id, send ? "sending" : "receiving", d.streamName(), remote);
        iceChecks();
        return new Answer(id, answerSdp);
    }

    /** Our checks as the controlling agent of dialled sessions: towards every candidate, then consent. */
    private void iceChecks() {
        long now = System.currentTimeMillis();
        for (WebRtcSession s : dialled) {
            if (s.state == WebRtcSession.State.CLOSED) {
                continue;
            }
            for (IceClient.Check c : s.ice.due(now, s.state == WebRtcSession.State.WAITING_ICE ? null : s.remote)) {
                s.socket.send(Buffer.buffer(c.packet()), c.to().port(), c.to().host());
            }
        }
    }

    /** What arrives on a dialled session's own socket: the far end's STUN answers, DTLS, SRTP. */
    private void dialledPacket(WebRtcSession s, DatagramPacket dp) {
        if (s.state == WebRtcSession.State.CLOSED) {
            return;
        }
        byte[] d = dp.data().getBytes();
        int len = d.length;
        SocketAddress from = dp.sender();
        PacketKind kind = PacketKind.of(d, len);
        if (kind == PacketKind.STUN) {
            dialledStun(s, d, len, from);
            return;
        }
        if (s.remote == null || !key(from).equals(s.remoteKey)) {
            counters.rtpStrangers.increment(); // only the pair ICE chose may talk DTLS/SRTP
            return;
        }
        switch (kind) {
            case DTLS -> dtls(s, d);
            case RTP, RTCP -> media(s, d, len, kind == PacketKind.RTCP);
            default -> counters.unknownPackets.increment();
        }
    }

    /** An answer to one of our checks chooses the pair and starts DTLS; a full-ICE far end's own checks are answered. */
    private void dialledStun(WebRtcSession s, byte[] d, int len, SocketAddress from) {
        SocketAddress to = s.ice.answered(d, len, from);
        if (to != null) {
            s.lastConsentMs = System.currentTimeMillis();
            counters.stunChecks.increment();
            if (s.state == WebRtcSession.State.WAITING_ICE) {
                s.remote = from;
                s.remoteKey = key(from);
                s.state = WebRtcSession.State.DTLS;
                s.dtls = new DtlsChannel(out -> sendTo(s, out));
                if (!handshakes.startClient(s.dtls, s.remoteFingerprint, s.id,
                        keys -> engine.runOnContext(v -> dtlsDone(s, keys)))) {
                    closeSession(s, "no DTLS capacity");
                }
            }
            return;
        }
        Stun.BindingRequest req = Stun.parseBindingRequest(d, len);
        if (req == null || !s.ufrag.equals(req.localUfrag()) || !Stun.verify(d, req, s.pwd)) {
            counters.stunBadIntegrity.increment();
            return;
        }
        try {
            byte[] ip = InetAddress.getByName(from.host()).getAddress();
            s.socket.send(Buffer.buffer(Stun.bindingSuccess(req, ip, from.port(), s.pwd)), from.port(), from.host());
        } catch (UnknownHostException e) {
            // not an address we can answer
        }
    }

    /** Sends on the session's own socket (dialled) or the shared one. */
    private void sendTo(WebRtcSession s, byte[] data) {
        SocketAddress to = s.remote;
        if (to == null) {
            return;
        }
        if (s.socket != null) {
            s.socket.send(Buffer.buffer(data), to.port(), to.host());
        } else {
            send(data, to);
        }
    }

    /** A player's key frame request, forwarded to the WebRTC publisher of the stream if there is one. */
    private void keyframeFor(String streamName) {
        for (WebRtcSession p : byId.values()) {
            if (p.media instanceof PublishMedia pm && p.request.direction() == Direction.PUBLISH
                    && streamName.equals(p.publishedName)) {
                pm.keyframeWanted();
            }
        }
    }

    private String token(int len) {
        StringBuilder b = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            b.append(ICE_CHARS.charAt(random.nextInt(ICE_CHARS.length())));
        }
        return b.toString();
    }

    private void closeSession(WebRtcSession s, String reason) {
        dialled.remove(s);
        if (s.socket != null) {
            s.socket.close();
        }
        byId.remove(s.id);
        if (byId.isEmpty()) {
            timersOff();
        }
        byUfrag.remove(s.ufrag);
        if (s.remoteKey != null) {
            byAddress.remove(s.remoteKey, s);
        }
        if (s.close(reason)) {
            LOG.info("WebRTC {}: closed ({})", s.id, reason);
        }
    }

    // ---- transport ----

    private void packet(DatagramPacket dp) {
        Buffer buf = dp.data();
        byte[] d = buf.getBytes();
        int len = d.length;
        SocketAddress from = dp.sender();
        switch (PacketKind.of(d, len)) {
            case STUN -> stun(d, len, from);
            case DTLS -> dtls(d, from);
            case RTP, RTCP -> media(d, len, from, PacketKind.of(d, len) == PacketKind.RTCP);
            default -> counters.unknownPackets.increment();
        }
    }

    private void stun(byte[] d, int len, SocketAddress from) {
        Stun.BindingRequest req = Stun.parseBindingRequest(d, len);
        if (req == null) {
            counters.stunMalformed.increment();
            return;
        }
        String ufrag = req.localUfrag();
        WebRtcSession s = ufrag == null ? null : byUfrag.get(ufrag);
        if (s == null) {
            counters.stunUnknownUser.increment();
            return;
        }
        if (!Stun.verify(d, req, s.pwd)) {
            counters.stunBadIntegrity.increment();
            return;
        }
        byte[] ip;
        try {
            ip = InetAddress.getByName(from.host()).getAddress();
        } catch (UnknownHostException e) {
            return;
        }
        send(Stun.bindingSuccess(req, ip, from.port(), s.pwd), from);
        String key = key(from);
        long now = System.currentTimeMillis();
        if (s.remote == null || (req.useCandidate() && !key.equals(s.remoteKey))) {
            // ICE-lite: the controlling browser nominates; the latest nominated pair wins (NAT rebinding too)
            if (s.remoteKey != null) {
                byAddress.remove(s.remoteKey, s);
            }
            s.remote = from;
            s.remoteKey = key;
            byAddress.put(key, s);
        }
        // any authenticated check proves the browser is still there (Chromium may check several pairs)
        s.lastConsentMs = now;
        counters.stunChecks.increment();
    }

    private void dtls(byte[] d, SocketAddress from) {
        WebRtcSession s = byAddress.get(key(from));
        if (s == null) {
            counters.dtlsStrangers.increment();
            return;
        }
        dtls(s, d);
    }

    private void dtls(WebRtcSession s, byte[] d) {
        switch (s.state) {
            case WAITING_ICE -> {
                s.state = WebRtcSession.State.DTLS;
                s.dtls = new DtlsChannel(out -> send(out, s.remote));
                s.dtls.offer(d);
                boolean started = handshakes.start(s.dtls, s.remoteFingerprint, s.id,
                        keys -> engine.runOnContext(v -> dtlsDone(s, keys)));
                if (!started) {
                    closeSession(s, "no DTLS capacity");
                }
            }
            case DTLS -> s.dtls.offer(d);
            case CONNECTED -> {
                if ((d[0] & 0xFF) == 21) {
                    // an alert record after the handshake: close_notify when the browser closes
                    closeSession(s, "DTLS alert from the browser (closed)");
                } else {
                    s.dtls.offer(d); // a retransmitted final flight, answered while the handshake thread lingers
                }
            }
            default -> { }
        }
    }

    private void dtlsDone(WebRtcSession s, SrtpKeys keys) {
        if (s.state == WebRtcSession.State.CLOSED) {
            return;
        }
        if (keys == null) {
            counters.dtlsFailures.increment();
            closeSession(s, "DTLS handshake failed");
            return;
        }
        s.srtp = new SrtpTransform(keys);
        s.state = WebRtcSession.State.CONNECTED;
        s.media.connected(s.srtp);
        Runnable connected = s.onConnected;
        s.onConnected = null;
        if (connected != null) {
            connected.run();
        }
        byte[] d;
        while ((d = s.early.poll()) != null) {
            media(s, d, d.length, PacketKind.of(d, d.length) == PacketKind.RTCP);
        }
    }

    private void media(byte[] d, int len, SocketAddress from, boolean rtcp) {
        media(byAddress.get(key(from)), d, len, rtcp);
    }

    private void media(WebRtcSession s, byte[] d, int len, boolean rtcp) {
        if (s != null && s.state == WebRtcSession.State.DTLS && s.early.size() < WebRtcSession.MAX_EARLY) {
            s.early.add(d);
            return;
        }
        if (s == null || s.state != WebRtcSession.State.CONNECTED) {
            counters.rtpStrangers.increment();
            return;
        }
        long now = System.currentTimeMillis();
        if (rtcp) {
            int plain = s.srtp.unprotectRtcp(d, len);
            if (plain < 0) {
                counters.srtpFailures.increment();
                return;
            }
            if (s.ice != null) {
                // a server we dialled whose loop is busy sending may answer our consent checks late:
                // its authenticated RTCP proves it is there as well
                s.lastConsentMs = now;
            }
            s.media.rtcp(d, plain, now);
        } else {
            s.media.rtp(d, len, now);
        }
    }

    private void sendRtcp(WebRtcSession s, byte[] rtcp) {
        if (s.srtp == null || s.remote == null || s.state != WebRtcSession.State.CONNECTED) {
            return;
        }
        byte[] p = s.srtp.protectRtcp(rtcp, rtcp.length);
        if (p != null) {
            sendTo(s, p);
        }
    }

    void send(byte[] data, int len, SocketAddress to) {
        BatchedUdpSender b = sender;
        if (b != null) {
            b.send(data, len, to);
        } else {
            socket.send(Buffer.buffer(java.util.Arrays.copyOf(data, len)), to.port(), to.host());
        }
    }

    /**
     * The H.264 payloads players share: one packetising per frame for all of them (issue 12), on
     * this engine's event loop where every player runs. {@code -Destuary.webrtc.sharedPackets=false}
     * gives each player its own (the per-player packetising before, for A/B runs).
     */
    private SharedH264Packets h264Packets() {
        return SHARED_PACKETS ? h264Packets : new SharedH264Packets(PlayMedia.MAX_PAYLOAD);
    }

    void send(byte[] data, SocketAddress to) {
        BatchedUdpSender b = sender;
        if (b != null) {
            b.send(data, to);
        } else {
            socket.send(Buffer.buffer(data), to.port(), to.host());
        }
    }

    private static String key(SocketAddress a) {
        return a.host() + ":" + a.port();
    }

    /**
     * The session tick and the ICE check timer run only while sessions exist: an idle engine wakes
     * no thread (issue 14 item 4).
     */
    private void timersOn() {
        if (timer == -1) {
            timer = vertx.setPeriodic(TICK_MS, t -> tick());
            iceTimer = vertx.setPeriodic(IceClient.CHECK_EVERY_MS, t -> iceChecks());
        }
    }

    private void timersOff() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
            vertx.cancelTimer(iceTimer);
            timer = -1;
            iceTimer = -1;
        }
    }

    private void tick() {
        long now = System.currentTimeMillis();
        for (WebRtcSession s : new ArrayList<>(byId.values())) {
            if (now - s.lastConsentMs > config.consentTimeoutMs()) {
                counters.sessionsTimedOut.increment();
                closeSession(s, "no ICE consent for " + config.consentTimeoutMs() + " ms (browser gone)");
            } else if (s.state == WebRtcSession.State.DTLS && now - s.createdMs > config.consentTimeoutMs() + config.dtlsTimeoutMs()) {
                counters.sessionsTimedOut.increment();
                closeSession(s, "DTLS did not complete");
            } else if (s.media instanceof PlayMedia pm && pm.streamEnded()) {
                closeSession(s, "the stream ended");
            } else if (s.state == WebRtcSession.State.CONNECTED) {
                s.media.tick(now);
            }
        }
    }
}
