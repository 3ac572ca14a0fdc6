package org.estuary.verticles.sip;

import org.estuary.verticles.agent.ControlError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogState;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.sip.CallStatus;
import org.estuary.core.sip.Dtmf;
import org.estuary.core.sip.RtpFormat;
import org.estuary.core.sip.SdpMedia;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call leg, outgoing or incoming: INVITE (digest challenges answered), provisional responses, answer, ACK,
 * in-dialog requests (BYE, INFO, re-INVITE for hold), CANCEL or BYE when terminated, the no-answer
 * timer, and its media: RTP on a port pair, the far end's audio published as the AAC stream
 * {@code toStream}. Runs on the SIP verticle's context; media encoding on its serial executor.
 */
final class Call {
    private static final Logger LOG = LoggerFactory.getLogger(Call.class);
    /** Digest challenges answered per request before giving up (a wrong password loops otherwise). */
    private static final int MAX_AUTH_ATTEMPTS = 2;
    /** Received packets waiting for the encoder beyond this (5 s of audio) are dropped. */
    private static final int MAX_MEDIA_BACKLOG = 250;

    /** What the call needs from its verticle. */
    interface Owner {
        /** @param pool where the call's outgoing wideband audio is coded (a serial lane of its own on it) */
        Future<CallMedia> openMedia(CallMedia.Listener listener, java.util.concurrent.Executor pool);

        /** A port pair for a video call's H.264 (given back with {@link #releasePorts}). */
        Future<org.estuary.verticles.agent.UdpPortPairs.Pair> videoPorts();

        void releasePorts(int port);

        void sipCallId(Call call, String sipCallId);

        void changed(Call call, String event, JsonObject details);

        void ended(Call call);
    }

    private final SipContext sc;
    private final CallRequest req;
    private final Owner owner;
    private final SerialExecutor media;
    private final long createdAt = System.currentTimeMillis();
    private long endedAt;
    private long inviteAt;
    private long establishedAt;
    private final long sdpSessionId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
    private long sdpVersion = 1;

    private CallStatus status = CallStatus.NEW;
    private int sipStatus;
    private String sipMessage = "";
    private String info = "";
    private String sipCallId = "";
    private ClientTransaction invite;
    private Dialog dialog;
    private boolean provisionalSeen;
    private boolean cancelWanted;
    private int authAttempts;
    private long noAnswerTimer = -1;
    private CallMedia rtp;
    private int mediaPort = -1;
    /** hasVideo calls: H.264 on a port pair of its own (null for audio-only calls). */
    private CallVideo video;
    /** nanoTime at the call stream's time 0 (-1 until published): video frames are timed against it. */
    private volatile long streamStartNanos = -1;
    private boolean closing;
    private Stream stream;
    private String mediaSessionId = "";
    private CallToStream toStream; // media executor only
    private long droppedPackets;
    private volatile long undecodablePackets; // media executor writes
    private long lastAudioNanos;
    private long silenceMarkNanos;
    /** No packet for this long and the stream gets silence instead (players never stall). */
    private static final long SILENCE_AFTER_NANOS = 100_000_000L;
    private final StringBuilder dtmfReceived = new StringBuilder();
    private boolean incoming;
    private String incomingStream = "";
    /** An incoming call's INVITE transaction until it is answered or refused (CANCEL answers it 487). */
    private ServerTransaction incomingInvite;
    private Request incomingRequest;
    private String toTag = "";
    /** The call's own stream: toStream, or the admission point's rename of it. */
    private String outName;
    private Registration registration;
    private String pushId;
    private String rtmpStreamStatus = "";

    Call(SipContext sc, CallRequest req, Owner owner) {
        this.sc = sc;
        this.req = req;
        this.owner = owner;
        this.media = new SerialExecutor(sc.mediaPool());
        this.outName = req.toStream();
    }

    String callId() { return req.callId(); }
    CallRequest request() { return req; }
    CallStatus status() { return status; }
    String streamName() { return outName; }
    boolean isFinal() { return status.isFinal(); }
    long endedAtMs() { return endedAt; }

    // ---------------------------------------------------------------- start

    void start() {
        owner.openMedia(new MediaEvents(), sc.mediaPool()).onComplete(ar -> {
            if (ar.failed()) {
                fail("No free media port: " + ar.cause().getMessage(), 0, "");
                return;
            }
            rtp = ar.result();
            mediaPort = rtp.localPort();
            if (closing) {
                finishMedia();
                return;
            }
            openVideo().onComplete(v -> {
                if (v.failed()) {
                    fail("No free media port for video: " + v.cause().getMessage(), 0, "");
                } else if (closing) {
                    finishMedia();
                } else {
                    dial();
                }
            });
        });
    }

    /** hasVideo: binds the video port pair (nothing to do for audio-only calls). */
    private Future<Void> openVideo() {
        if (!req.hasVideo()) {
            return Future.succeededFuture();
        }
        return owner.videoPorts().map(pair -> {
            video = new CallVideo(pair, this::videoReceived, () -> streamStartNanos);
            return null;
        });
    }

    /** A received H.264 access unit (or its configuration), on the event loop: onto the stream, in order with the audio. */
    private void videoReceived(org.estuary.core.media.Frame f) {
        if (stream == null) {
            return;
        }
        if (media.queued() > MAX_MEDIA_BACKLOG) {
            droppedPackets++;
            return;
        }
        media.execute(() -> {
            CallToStream t = toStream;
            if (t != null) {
                t.video(f);
            }
        });
    }

    /** Resolves the next hop off the event loop, then REGISTERs (when asked) and INVITEs. */
    private void dial() {
        String nextHop = req.proxyHost() != null ? req.proxyHost() : req.target().host();
        // name resolution blocks: on a worker, never on the event loop (JAIN-SIP would do it inline)
        sc.vertx().executeBlocking(() -> InetAddress.getByName(nextHop).getHostAddress(), false)
                .onComplete(res -> {
                    if (closing) {
                        return;
                    }
                    if (res.failed()) {
                        fail("Cannot resolve " + nextHop + ": " + res.cause().getMessage(), 0, "");
                        return;
                    }
                    int port = req.proxyHost() != null ? req.proxyPort() : req.target().portOrDefault();
                    if (req.register()) {
                        register(res.result(), port);
                    } else {
                        sendInvite(res.result(), port);
                    }
                });
    }

    /** sipRegisterRequired: REGISTER (digest) first, INVITE once registered. */
    private void register(String hopIp, int hopPort) {
        registration = new Registration(sc, req, hopIp, hopPort, new Registration.Listener() {
            @Override
            public void registered(int code, String phrase) {
                sipStatus = code;
                sipMessage = phrase;
                if (!closing) {
                    sendInvite(hopIp, hopPort);
                }
            }

            @Override
            public void failed(String why, int code, String phrase) {
                end(CallStatus.FAILED, code, phrase, why);
            }
        });
        owner.sipCallId(this, registration.sipCallId());
        registration.start();
    }

    private void sendInvite(String hopIp, int hopPort) {
        try {
            var af = sc.addresses();
            var hf = sc.headers();
            SipURI requestUri = af.createSipURI(req.target().user(), req.target().uriHost());
            if (req.target().port() > 0) {
                requestUri.setPort(req.target().port());
            }
            Address fromAddress = af.createAddress(af.createSipURI(req.login(), req.domain()));
            if (!req.visibleName().isEmpty()) {
                fromAddress.setDisplayName(req.visibleName());
            }
            FromHeader from = hf.createFromHeader(fromAddress, Long.toHexString(ThreadLocalRandom.current().nextLong()));
            ToHeader to = hf.createToHeader(af.createAddress(af.createSipURI(req.target().user(), req.target().uriHost())), null);
            CallIdHeader callIdHeader = sc.provider().getNewCallId();
            sipCallId = callIdHeader.getCallId();
            owner.sipCallId(this, sipCallId);
            sc.credentials().put(sipCallId, new CallCredentials.Credentials(req.authName(), req.password(), req.domain()));
            ViaHeader via = hf.createViaHeader(sc.localHost(), sc.sipPort(), "udp", null);
            Request invite = sc.messages().createRequest(requestUri, Request.INVITE, callIdHeader,
                    hf.createCSeqHeader(1L, Request.INVITE), from, to, List.of(via), hf.createMaxForwardsHeader(70),
                    hf.createContentTypeHeader("application", "sdp"), offer().getBytes(StandardCharsets.US_ASCII));
            invite.addHeader(contact());
            invite.addHeader(hf.createUserAgentHeader(List.of("Estuary")));
            invite.addHeader(hf.createAllowHeader("INVITE, ACK, CANCEL, BYE, OPTIONS, INFO"));
            // the next hop, already resolved: JAIN-SIP would otherwise look the domain up on this thread
            SipURI hop = af.createSipURI(null, hopIp.contains(":") ? "[" + hopIp + "]" : hopIp);
            hop.setPort(hopPort);
            hop.setLrParam();
            invite.addHeader(hf.createRouteHeader(af.createAddress(hop)));
            send(invite);
            inviteAt = System.currentTimeMillis();
            noAnswerTimer = sc.vertx().setTimer(sc.config().noAnswerTimeoutMs(), t -> noAnswer());
            LOG.info("Call {}: INVITE sip:{}@{} via {}:{} (RTP port {})", req.callId(), req.target().user(),
                    req.target().uriHost(), hopIp, hopPort, mediaPort);
        } catch (Exception e) {
            fail("Cannot send INVITE: " + e.getMessage(), 0, "");
        }
    }

    private void send(Request request) throws javax.sip.SipException {
        ClientTransaction tx = sc.provider().getNewClientTransaction(request);
        invite = tx;
        dialog = tx.getDialog();
        tx.sendRequest();
    }

    private javax.sip.header.ContactHeader contact() throws java.text.ParseException {
        SipURI uri = sc.addresses().createSipURI(req.login(), sc.localHost());
        uri.setPort(sc.sipPort());
        return sc.headers().createContactHeader(sc.addresses().createAddress(uri));
    }

    private String offer() {
        List<RtpFormat> formats = new java.util.ArrayList<>(sc.audioCodecs());
        formats.add(RtpFormat.TELEPHONE_EVENT);
        if (formats.contains(RtpFormat.OPUS)) {
            formats.add(RtpFormat.TELEPHONE_EVENT_48K);
        }
        return SdpMedia.write(sc.localHost(), mediaPort, formats, "sendrecv", sdpSessionId, sdpVersion++,
                video == null ? -1 : video.localPort(), List.of(RtpFormat.H264));
    }

    // ---------------------------------------------------------------- responses

    void response(ResponseEvent e) {
        Response r = e.getResponse();
        CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
        if (cseq != null && Request.REGISTER.equals(cseq.getMethod()) && registration != null) {
            registration.response(e);
            return;
        }
        if (cseq == null || !Request.INVITE.equals(cseq.getMethod()) || incoming) {
            return; // BYE/CANCEL/INFO answers: nothing to do
        }
        int code = r.getStatusCode();
        if (code == 100) {
            move(CallStatus.TRYING, code, r.getReasonPhrase());
            provisionalSeen = true;
            maybeCancel();
            return;
        }
        if (code < 200) {
            provisionalSeen = true;
            if (code == 183 || code == 180 && r.getRawContent() != null && r.getRawContent().length > 0) {
                move(CallStatus.SESSION_PROGRESS, code, r.getReasonPhrase());
                startMedia(r, false); // early media
            } else {
                move(CallStatus.RING, code, r.getReasonPhrase());
            }
            maybeCancel();
            return;
        }
        if (code < 300) {
            answered(e, cseq.getSeqNumber());
            return;
        }
        if ((code == 401 || code == 407) && !closing && authAttempts++ < MAX_AUTH_ATTEMPTS) {
            try {
                ClientTransaction tx = sc.auth().handleChallenge(r, e.getClientTransaction(), sc.provider(), 5, true);
                invite = tx;
                dialog = tx.getDialog();
                tx.sendRequest();
                sipStatus = code;
                sipMessage = r.getReasonPhrase();
                return;
            } catch (Exception ex) {
                LOG.info("Call {}: cannot answer the {} challenge: {}", req.callId(), code, ex.getMessage());
            }
        }
        if (closing) {
            return; // 487 after our CANCEL: already FINISH
        }
        if (code == 486 || code == 600) {
            end(CallStatus.BUSY, code, r.getReasonPhrase(), "Busy");
        } else {
            end(CallStatus.FAILED, code, r.getReasonPhrase(), "Failed by SIP response " + code + " " + r.getReasonPhrase());
        }
    }

    private void answered(ResponseEvent e, long cseq) {
        Dialog d = e.getDialog() != null ? e.getDialog() : dialog;
        dialog = d;
        try {
            if (d != null) {
                d.sendAck(d.createAck(cseq));
            }
        } catch (Exception ex) {
            LOG.info("Call {}: cannot ACK: {}", req.callId(), ex.getMessage());
        }
        if (status == CallStatus.ESTABLISHED || status == CallStatus.HOLD) {
            return; // a retransmitted 200 OK: ACKed again above
        }
        if (closing) {
            bye(); // answered while we were cancelling: hang up at once
            return;
        }
        cancelNoAnswer();
        move(CallStatus.ESTABLISHED, e.getResponse().getStatusCode(), e.getResponse().getReasonPhrase());
        if (!startMedia(e.getResponse(), true)) {
            bye();
            end(CallStatus.FAILED, sipStatus, sipMessage, "No common codec in the answer (" + info + ")");
        }
    }

    /** Reads the SDP of {@code m}; false when it has no audio Estuary can use. */
    private boolean startMedia(javax.sip.message.Message m, boolean required) {
        byte[] body = m.getRawContent();
        SdpMedia remote = body == null ? null : SdpMedia.parse(new String(body, StandardCharsets.UTF_8));
        if (remote == null) {
            info = "no audio SDP";
            return !required || rtp.codec() != null;
        }
        RtpFormat codec = remote.chooseCodec(sc.audioCodecs());
        if (codec == null || remote.port() == 0) {
            info = "offered " + remote.formats();
            return false;
        }
        rtp.start(remote.address(), remote.port(), codec, remote.telephoneEvent(codec.clockRate()));
        rtp.setSending(!remote.isHold());
        startVideo(new String(body, StandardCharsets.UTF_8));
        publishStream();
        return true;
    }

    /**
     * The far end's video line: H.264 (packetization-mode 1) starts the video leg; none, port 0 or
     * another codec leaves the call audio-only. Returns the video line our answer needs (RFC 3264:
     * as many m-lines as the offer), or null when the SDP has none.
     */
    private VideoAnswer startVideo(String sdp) {
        SdpMedia remote = SdpMedia.parseVideo(sdp);
        if (remote == null) {
            return null;
        }
        RtpFormat h264 = remote.port() == 0 ? null : remote.chooseH264();
        if (video == null || h264 == null) {
            return new VideoAnswer(0, remote.formats().isEmpty() ? List.of(RtpFormat.H264) : remote.formats());
        }
        video.start(remote.address(), remote.port(), h264, !remote.isHold());
        return new VideoAnswer(video.localPort(), List.of(h264));
    }

    /** Our video m-line in an answer: the port (0 = refused) and formats. */
    private record VideoAnswer(int port, List<RtpFormat> formats) { }

    private void publishStream() {
        if (stream != null) {
            return;
        }
        try {
            stream = sc.streams().publish(outName, new PublisherInfo("", req.appKey(), "SIP", Map.of()), Long.MAX_VALUE);
        } catch (NameInUseException ex) {
            info = "Stream name is already in use: " + outName;
            LOG.info("Call {}: {}", req.callId(), info);
            return;
        }
        mediaSessionId = stream.mediaSessionId();
        Stream s = stream;
        s.onTerminate(() -> sc.context().runOnContext(v -> {
            if (stream == s && !isFinal()) {
                terminate("Stopped by rest /stream/terminate");
            }
        }));
        int rate = sc.config().aacSampleRate();
        streamStartNanos = System.nanoTime();
        lastAudioNanos = System.nanoTime();
        silenceMarkNanos = lastAudioNanos;
        media.execute(() -> {
            try {
                toStream = new CallToStream(s, rate);
            } catch (RuntimeException ex) {
                LOG.warn("Call {}: cannot encode the call's audio: {}", req.callId(), ex.getMessage());
                s.fail("Failed by error: " + ex.getMessage());
            }
        });
        LOG.info("Call {}: audio published as stream {} ({})", req.callId(), outName, mediaSessionId);
        startPush();
    }

    /** rtmpUrl: the call's stream pushed by the transponder machinery (over the bus, like a REST client). */
    private void startPush() {
        if (req.rtmpUrl().isEmpty()) {
            return;
        }
        JsonObject q = new JsonObject().put("streamName", outName);
        if (req.rtmpStream().isEmpty()) {
            q.put("rtmpUrl", req.rtmpUrl());
        } else {
            String base = req.rtmpUrl().endsWith("/") ? req.rtmpUrl().substring(0, req.rtmpUrl().length() - 1) : req.rtmpUrl();
            q.put("rtmpUrl", base + "/" + req.rtmpStream()).put("rtmpTransponderFullUrl", true);
        }
        rtmpStreamStatus = "PENDING";
        sc.vertx().eventBus().<Object>request(org.estuary.core.control.Addresses.api("/push/startup"), q)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        rtmpStreamStatus = "FAILED";
                        info = "rtmpUrl: " + ar.cause().getMessage();
                        LOG.info("Call {}: push to {} failed: {}", req.callId(), req.rtmpUrl(), ar.cause().getMessage());
                        return;
                    }
                    Object body = ar.result().body();
                    pushId = body instanceof JsonObject j ? j.getString("mediaSessionId") : null;
                    rtmpStreamStatus = "PUBLISHING";
                    if (closing) {
                        stopPush();
                    }
                });
    }

    private void stopPush() {
        if (pushId != null) {
            sc.vertx().eventBus().request(org.estuary.core.control.Addresses.api("/push/terminate"),
                    new JsonObject().put("mediaSessionId", pushId));
            pushId = null;
            rtmpStreamStatus = "STOPPED";
        }
    }

    // ---------------------------------------------------------------- incoming calls

    /**
     * An INVITE to {@code sip:<streamName>@this-node}, already checked by the verticle: the call
     * exists from now on (a CANCEL finds it) and rings (180) until the verticle answers or refuses it.
     */
    void ringIncoming(RequestEvent e, ServerTransaction st, String streamName) {
        incoming = true;
        incomingStream = streamName;
        incomingInvite = st;
        incomingRequest = e.getRequest();
        toTag = Long.toHexString(ThreadLocalRandom.current().nextLong());
        CallIdHeader h = (CallIdHeader) e.getRequest().getHeader(CallIdHeader.NAME);
        sipCallId = h.getCallId();
        inviteAt = System.currentTimeMillis();
        move(CallStatus.TRYING, 100, "Trying");
        try {
            Response ringing = sc.messages().createResponse(Response.RINGING, incomingRequest);
            ((ToHeader) ringing.getHeader(ToHeader.NAME)).setTag(toTag);
            ringing.addHeader(contact());
            st.sendResponse(ringing);
            move(CallStatus.RING, 180, "Ringing");
        } catch (Exception ex) {
            end(CallStatus.FAILED, sipStatus, sipMessage, "Cannot ring: " + ex.getMessage());
        }
    }

    /** Refuses a ringing incoming call (admission said no) with {@code code}. */
    void refuseIncoming(int code, String why) {
        if (isFinal()) {
            return;
        }
        answerIncomingWith(code);
        end(CallStatus.FAILED, code, "", why);
    }

    /** Sends a final non-2xx answer to the incoming INVITE, once. */
    private void answerIncomingWith(int code) {
        ServerTransaction st = incomingInvite;
        incomingInvite = null;
        if (st == null) {
            return;
        }
        try {
            Response r = sc.messages().createResponse(code, incomingRequest);
            ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(toTag);
            st.sendResponse(r);
            sipStatus = code;
            sipMessage = r.getReasonPhrase();
        } catch (Exception ex) {
            LOG.info("Call {}: cannot answer {}: {}", req.callId(), code, ex.getMessage());
        }
    }

    /**
     * Answers the ringing incoming call: bind RTP, 200 with our SDP, play the stream {@code playName}
     * into the call and publish the caller's audio as {@code publishName}.
     */
    void answerIncoming(SdpMedia offer, RtpFormat codec, String publishName) {
        if (isFinal()) {
            return; // cancelled while ringing
        }
        outName = publishName;
        ServerTransaction st = incomingInvite;
        owner.openMedia(new MediaEvents(), sc.mediaPool()).compose(m -> {
            rtp = m;
            mediaPort = m.localPort();
            return openVideo().map(m);
        }).onComplete(ar -> {
            try {
                if (ar.failed()) {
                    refuseIncoming(Response.SERVICE_UNAVAILABLE, "No free media port");
                    return;
                }
                rtp = ar.result();
                mediaPort = rtp.localPort();
                if (isFinal()) {
                    finishMedia(); // cancelled while the ports were bound
                    return;
                }
                RtpFormat events = offer.telephoneEvent(codec.clockRate());
                rtp.start(offer.address(), offer.port(), codec, events);
                byte[] offerBody = incomingRequest.getRawContent();
                VideoAnswer va = offerBody == null ? null : startVideo(new String(offerBody, StandardCharsets.UTF_8));
                StreamSource src = new StreamSource(sc.streams(), incomingStream,
                        r -> sc.context().runOnContext(v -> r.run()), media);
                videoFrom(src);
                rtp.setSource(src);
                src.start();
                List<RtpFormat> formats = new java.util.ArrayList<>();
                formats.add(codec);
                if (events != null) {
                    formats.add(events);
                }
                Response ok = sc.messages().createResponse(Response.OK, incomingRequest);
                ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(toTag);
                ok.addHeader(contact());
                ok.setContent(SdpMedia.write(sc.localHost(), mediaPort, formats, "sendrecv", sdpSessionId, sdpVersion++,
                                va == null ? -1 : va.port(), va == null ? null : va.formats()),
                        sc.headers().createContentTypeHeader("application", "sdp"));
                incomingInvite = null;
                st.sendResponse(ok);
                dialog = st.getDialog();
                rtp.setSending(!offer.isHold());
                move(CallStatus.ESTABLISHED, 200, "OK");
                publishStream();
                LOG.info("Call {}: incoming from {} answered with stream {}, caller's audio published as {}",
                        req.callId(), req.login() + "@" + req.domain(), incomingStream, outName);
            } catch (Exception ex) {
                end(CallStatus.FAILED, sipStatus, sipMessage, "Cannot answer: " + ex.getMessage());
            }
        });
    }

    private final class MediaEvents implements CallMedia.Listener {
        @Override
        public void audio(RtpFormat codec, byte[] payload, long rtpTimestamp) {
            if (stream == null) {
                return;
            }
            if (media.queued() > MAX_MEDIA_BACKLOG) {
                droppedPackets++;
                return;
            }
            lastAudioNanos = System.nanoTime();
            silenceMarkNanos = lastAudioNanos;
            media.execute(() -> {
                CallToStream t = toStream;
                if (t != null) {
                    try {
                        t.packet(codec, payload, rtpTimestamp);
                    } catch (RuntimeException ex) {
                        // a broken packet (or a decoder that cannot open) costs that packet, never the call
                        undecodablePackets++;
                        LOG.debug("Call {}: {} packet not decodable: {}", req.callId(), codec, ex.getMessage());
                    }
                }
            });
        }

        @Override
        public void dtmf(char digit) {
            dtmfReceived(digit, "RFC2833");
        }
    }

    private void dtmfReceived(char digit, String type) {
        if (dtmfReceived.length() < 256) {
            dtmfReceived.append(digit);
        }
        LOG.info("Call {}: DTMF {} received ({})", req.callId(), digit, type);
        owner.changed(this, "dtmf", new JsonObject().put("dtmf", String.valueOf(digit)).put("type", type));
    }

    // ---------------------------------------------------------------- requests from the far end

    void request(RequestEvent e) {
        Request r = e.getRequest();
        String method = r.getMethod();
        try {
            switch (method) {
                case Request.ACK -> { }
                case Request.BYE -> {
                    respond(e, Response.OK);
                    end(CallStatus.FINISH, sipStatus, sipMessage, "Normal call clearing");
                }
                case Request.INFO -> {
                    respond(e, Response.OK);
                    byte[] body = r.getRawContent();
                    char d = Dtmf.parseInfo(body == null ? null : new String(body, StandardCharsets.UTF_8));
                    if (d != '?') {
                        dtmfReceived(d, "INFO");
                    }
                }
                case Request.INVITE -> reInvite(e);
                case Request.CANCEL -> cancelled(e);
                // OPTIONS keep-alives and UPDATE session refreshes (RFC 4028) without SDP: nothing changes
                case Request.OPTIONS, Request.UPDATE -> respond(e, Response.OK);
                default -> respond(e, Response.METHOD_NOT_ALLOWED);
            }
        } catch (Exception ex) {
            LOG.info("Call {}: cannot answer {}: {}", req.callId(), method, ex.getMessage());
        }
    }

    /** CANCEL from the caller of a ringing incoming call: 200 to the CANCEL, 487 to the INVITE, FINISH. */
    private void cancelled(RequestEvent e) throws Exception {
        respond(e, Response.OK);
        if (incoming && incomingInvite != null && !isFinal()) {
            answerIncomingWith(Response.REQUEST_TERMINATED);
            end(CallStatus.FINISH, Response.REQUEST_TERMINATED, "Request Terminated", "Cancelled by the caller");
        }
    }

    /** Hold / unhold / new media address from the far end: answered with our SDP. */
    private void reInvite(RequestEvent e) throws Exception {
        if (incoming && e.getRequest() != incomingRequest && incomingRequest != null
                && ((CSeqHeader) e.getRequest().getHeader(CSeqHeader.NAME)).getSeqNumber()
                == ((CSeqHeader) incomingRequest.getHeader(CSeqHeader.NAME)).getSeqNumber()) {
            return; // the caller's INVITE again (a retransmission the stack let through): its answer is on its way
        }
        if (status != CallStatus.ESTABLISHED && status != CallStatus.HOLD) {
            respond(e, Response.REQUEST_PENDING);
            return;
        }
        byte[] body = e.getRequest().getRawContent();
        SdpMedia remote = body == null || body.length == 0 ? null : SdpMedia.parse(new String(body, StandardCharsets.UTF_8));
        RtpFormat codec = remote == null ? null : remote.chooseCodec(sc.audioCodecs());
        if (remote != null && codec == null) {
            respond(e, Response.NOT_ACCEPTABLE_HERE);
            return;
        }
        String direction = "sendrecv";
        VideoAnswer va = body == null || body.length == 0 ? null : startVideo(new String(body, StandardCharsets.UTF_8));
        if (remote != null) {
            rtp.start(remote.address(), remote.port(), codec, remote.telephoneEvent(codec.clockRate()));
            boolean hold = remote.isHold();
            rtp.setSending(!hold);
            direction = remote.direction().equals("sendonly") ? "recvonly" : remote.direction().equals("inactive") ? "inactive" : "sendrecv";
            move(hold ? CallStatus.HOLD : CallStatus.ESTABLISHED, sipStatus, sipMessage);
        }
        List<RtpFormat> formats = new java.util.ArrayList<>();
        formats.add(rtp.codec());
        if (remote != null && remote.telephoneEvent(codec.clockRate()) != null) {
            formats.add(remote.telephoneEvent(codec.clockRate()));
        }
        Response ok = sc.messages().createResponse(Response.OK, e.getRequest());
        ok.addHeader(contact());
        ok.setContent(SdpMedia.write(sc.localHost(), mediaPort, formats, direction, sdpSessionId, sdpVersion++,
                        va == null ? -1 : va.port(), va == null ? null : va.formats()),
                sc.headers().createContentTypeHeader("application", "sdp"));
        serverTransaction(e).sendResponse(ok);
    }

    private void respond(RequestEvent e, int code) throws Exception {
        serverTransaction(e).sendResponse(sc.messages().createResponse(code, e.getRequest()));
    }

    private ServerTransaction serverTransaction(RequestEvent e) throws Exception {
        ServerTransaction st = e.getServerTransaction();
        return st != null ? st : sc.provider().getNewServerTransaction(e.getRequest());
    }

    void timeout(String method) {
        if (Request.REGISTER.equals(method) && registration != null) {
            registration.timeout();
            return;
        }
        if (Request.INVITE.equals(method) && !isFinal()) {
            end(CallStatus.FAILED, sipStatus, sipMessage, "Failed by request timeout");
        }
    }

    void transportError(String what) {
        if (!isFinal()) {
            end(CallStatus.FAILED, sipStatus, sipMessage, "Failed by transport error: " + what);
        }
    }

    // ---------------------------------------------------------------- our side ends it

    /** {@code /call/terminate}: CANCEL before the answer, BYE after it. */
    void terminate(String reason) {
        if (isFinal()) {
            return;
        }
        if (status == CallStatus.ESTABLISHED || status == CallStatus.HOLD) {
            bye();
        } else if (incoming) {
            answerIncomingWith(Response.TEMPORARILY_UNAVAILABLE);
        } else {
            cancelWanted = true;
            maybeCancel();
        }
        end(CallStatus.FINISH, sipStatus, sipMessage, reason);
    }

    private void noAnswer() {
        noAnswerTimer = -1;
        if (status == CallStatus.ESTABLISHED || isFinal()) {
            return;
        }
        cancelWanted = true;
        maybeCancel();
        end(CallStatus.FAILED, sipStatus, sipMessage, "No answer within " + sc.config().noAnswerTimeoutMs() + " ms");
    }

    /** CANCEL may only follow a provisional response (RFC 3261 §9.1); until then it waits. */
    private void maybeCancel() {
        if (!cancelWanted || !provisionalSeen || invite == null) {
            return;
        }
        cancelWanted = false;
        try {
            sc.provider().getNewClientTransaction(invite.createCancel()).sendRequest();
        } catch (Exception ex) {
            LOG.info("Call {}: cannot CANCEL: {}", req.callId(), ex.getMessage());
        }
    }

    private void bye() {
        try {
            if (dialog != null && dialog.getState() == DialogState.CONFIRMED) {
                Request bye = dialog.createRequest(Request.BYE);
                dialog.sendRequest(sc.provider().getNewClientTransaction(bye));
            }
        } catch (Exception ex) {
            LOG.info("Call {}: cannot send BYE: {}", req.callId(), ex.getMessage());
        }
    }

    private void fail(String why, int code, String phrase) {
        end(CallStatus.FAILED, code, phrase, why);
    }

    private void move(CallStatus next, int code, String phrase) {
        if (status != next && !status.canMoveTo(next)) {
            return; // e.g. a 100 Trying arriving after the 180 must not rewrite the 180 the call reports
        }
        sipStatus = code;
        sipMessage = phrase == null ? "" : phrase;
        if (status == next) {
            return;
        }
        status = next;
        if (next == CallStatus.ESTABLISHED && establishedAt == 0) {
            establishedAt = System.currentTimeMillis();
        }
        LOG.info("Call {}: {} ({} {})", req.callId(), next, code, sipMessage);
        owner.changed(this, "callStatus", new JsonObject());
    }

    /** Final status: stop timers, close media, end the stream, tell the verticle. */
    private void end(CallStatus finalStatus, int code, String phrase, String why) {
        if (isFinal()) {
            return;
        }
        closing = true;
        endedAt = System.currentTimeMillis();
        cancelNoAnswer();
        sipStatus = code;
        sipMessage = phrase == null ? "" : phrase;
        info = why;
        status = finalStatus;
        LOG.info("Call {}: {} ({})", req.callId(), finalStatus, why);
        owner.changed(this, "callStatus", new JsonObject());
        if (!sipCallId.isEmpty()) {
            sc.credentials().remove(sipCallId);
        }
        if (registration != null) {
            registration.stop(true);
        }
        stopPush();
        finishMedia();
        owner.ended(this);
    }

    private void finishMedia() {
        Stream s = stream;
        String why = info;
        media.execute(() -> {
            CallToStream t = toStream;
            toStream = null;
            if (t != null) {
                t.close();
            }
            if (s != null) {
                s.end(why);
            }
        });
        if (rtp != null) {
            CallMedia m = rtp;
            int port = mediaPort;
            m.close().onComplete(v -> owner.releasePorts(port));
        }
        if (video != null) {
            CallVideo v = video;
            v.close().onComplete(x -> owner.releasePorts(v.localPort()));
        }
    }

    private void cancelNoAnswer() {
        if (noAnswerTimer >= 0) {
            sc.vertx().cancelTimer(noAnswerTimer);
            noAnswerTimer = -1;
        }
    }

    // ---------------------------------------------------------------- media out

    void tick(long nanos) {
        if (rtp != null && !closing) {
            rtp.tick(nanos);
            if (video != null) {
                video.tick(nanos);
            }
            if (stream != null && nanos - lastAudioNanos > SILENCE_AFTER_NANOS) {
                int samples = (int) ((nanos - silenceMarkNanos) * 8000 / 1_000_000_000L);
                if (samples >= CallMedia.SAMPLES_PER_PACKET) {
                    silenceMarkNanos += samples * 1_000_000_000L / 8000;
                    media.execute(() -> {
                        CallToStream t = toStream;
                        if (t != null) {
                            t.silence(samples);
                        }
                    });
                }
            }
        }
    }

    /** Hangs up an answered call whose far end went quiet. */
    void checkRtp(long nowMs) {
        long limit = sc.config().rtpTimeoutMs();
        if (limit > 0 && status == CallStatus.ESTABLISHED && rtp != null && nowMs - rtp.lastPacketAtMs > limit) {
            bye();
            end(CallStatus.FINISH, sipStatus, sipMessage, "Failed by RTP activity: nothing received for " + limit + " ms");
        }
    }

    /** SIP Call-IDs this call owns (its INVITE dialog and its registration), for the verticle's map. */
    List<String> sipCallIds() {
        List<String> ids = new java.util.ArrayList<>();
        if (!sipCallId.isEmpty()) {
            ids.add(sipCallId);
        }
        if (registration != null) {
            ids.add(registration.sipCallId());
        }
        return ids;
    }

    CallMedia media() {
        return rtp;
    }

    SerialExecutor mediaExecutor() {
        return media;
    }

    private void requireEstablished() {
        if (status != CallStatus.ESTABLISHED && status != CallStatus.HOLD) {
            throw new ControlError(ApiStatus.CONFLICT, "Call " + req.callId() + " is " + status + ", not ESTABLISHED");
        }
    }

    /** {@code /call/inject_sound} and {@code /call/inject_stream/startup}: what the call sends from now on. */
    void inject(AudioSource source) {
        if (isFinal() || rtp == null) {
            source.close();
            throw new ControlError(ApiStatus.CONFLICT, "Call " + req.callId() + " is " + status);
        }
        if (source instanceof StreamSource s) {
            videoFrom(s);
        }
        rtp.setSource(source);
        LOG.info("Call {}: sending {}", req.callId(), source instanceof StreamSource s ? "stream " + s.name() : "a sound");
    }

    /** A video call sends the H.264 of the stream played into it (frames hop from the media thread to the loop). */
    private void videoFrom(StreamSource s) {
        CallVideo v = video;
        if (v == null) {
            return;
        }
        v.sourceChanged();
        s.videoTo(f -> sc.context().runOnContext(x -> {
            if (!closing && rtp != null && rtp.source() == s) {
                v.send(f);
            }
        }));
    }

    /** {@code /call/inject_stream/terminate}: back to silence. */
    void stopInjectedStream() {
        if (rtp == null || !(rtp.source() instanceof StreamSource)) {
            throw new ControlError(ApiStatus.NOT_FOUND, "No stream is injected into call " + req.callId());
        }
        rtp.setSource(null);
    }

    /** {@code /call/send_dtmf}. */
    void sendDtmf(String digits, String type) {
        requireEstablished();
        if (type.equals("RFC2833")) {
            if (!rtp.canSendRfc2833()) {
                throw new ControlError(ApiStatus.CONFLICT, "The far end did not accept telephone-event; use type INFO");
            }
            rtp.queueDtmf(digits);
            return;
        }
        for (char c : digits.toCharArray()) {
            try {
                Request info = dialog.createRequest(Request.INFO);
                info.setContent(Dtmf.infoBody(c, 100), sc.headers().createContentTypeHeader("application", "dtmf-relay"));
                dialog.sendRequest(sc.provider().getNewClientTransaction(info));
            } catch (Exception ex) {
                throw new ControlError(ApiStatus.INTERNAL, "Cannot send INFO: " + ex.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- REST view

    JsonObject toJson() {
        JsonObject j = new JsonObject()
                .put("callId", req.callId())
                .put("callee", req.callee())
                .put("caller", req.login() + "@" + req.domain())
                .put("visibleName", req.visibleName())
                .put("status", status.name())
                .put("sipStatus", sipStatus)
                .put("sipMessage", sipMessage)
                .put("info", info)
                .put("incoming", incoming)
                .put("streamName", incoming ? incomingStream : req.toStream())
                .put("toStream", outName)
                .put("rtmpStreamStatus", rtmpStreamStatus)
                .put("registered", registration != null && registration.isRegistered())
                .put("registrations", registration == null ? 0 : registration.registrations())
                .put("mediaSessionId", mediaSessionId)
                .put("rtmpUrl", req.rtmpUrl())
                .put("rtmpStream", req.rtmpStream())
                .put("hasAudio", true)
                .put("hasVideo", req.hasVideo())
                .put("appKey", req.appKey())
                .put("sipCallId", sipCallId)
                .put("mediaProvider", "SIP")
                .put("createDate", createdAt)
                .put("inviteDate", inviteAt)
                .put("establishedDate", establishedAt)
                .put("dtmfReceived", dtmfReceived.toString())
                .put("custom", new JsonObject());
        if (rtp != null) {
            AudioSource src = rtp.source();
            j.put("injected", src == null ? "" : src instanceof StreamSource s ? "stream:" + s.name() : "sound");
            j.put("localRtpPort", rtp.localPort())
                    .put("remoteRtp", rtp.remote())
                    .put("audioCodec", rtp.codec() == null ? null : rtp.codec().encoding())
                    .put("rtpPacketsIn", rtp.packetsIn)
                    .put("rtpPacketsOut", rtp.packetsOut)
                    .put("droppedPackets", droppedPackets)
                    .put("undecodablePackets", undecodablePackets)
                    .put("encodeDropped", rtp.encodeDropped + rtp.encodeErrors)
                    .put("rtpLost", rtp.lost())
                    .put("rtpJitterMs", Math.round(rtp.jitterMs() * 10) / 10.0)
                    .put("rtpLate", rtp.late())
                    .put("rtpReordered", rtp.reordered())
                    .put("rtcpReportsIn", rtp.rtcpReportsIn)
                    .put("remoteLost", rtp.remoteLost)
                    .put("remoteFractionLost", rtp.remoteFractionLost)
                    .put("remoteJitterMs", Math.round(rtp.remoteJitterMs * 10) / 10.0);
        }
        if (video != null) {
            j.put("videoCodec", video.format() == null ? null : "H264")
                    .put("localVideoRtpPort", video.localPort())
                    .put("remoteVideoRtp", video.remote())
                    .put("videoPacketsIn", video.packetsIn)
                    .put("videoFramesIn", video.framesIn)
                    .put("videoKeyframesIn", video.keyframesIn)
                    .put("videoDiscarded", video.discarded())
                    .put("videoPacketsOut", video.packetsOut)
                    .put("videoFramesOut", video.framesOut);
        }
        return j;
    }
}
