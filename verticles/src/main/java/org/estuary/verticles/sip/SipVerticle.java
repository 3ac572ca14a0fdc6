package org.estuary.verticles.sip;

import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.Control;
import org.estuary.verticles.agent.ControlError;
import gov.nist.javax.sip.SipStackExt;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.header.CallIdHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.estuary.core.config.SipConfig;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.net.PortPool;
import org.estuary.core.sip.CallStatus;
import org.estuary.core.sip.Dtmf;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.UdpPortPairs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the node's JAIN-SIP stack on {@code sip.port} (UDP and TCP) and every call; serves
 * {@code /call/*}. JAIN-SIP calls back on its own threads: each callback only hops onto this
 * verticle's context, where all call state lives.
 */
public final class SipVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(SipVerticle.class);
    private static final AtomicInteger STACKS = new AtomicInteger();
    private static final long TICK_MS = 10;
    /** RTP receive buffer of a call's socket: voice and small video need less than RTSP ingest. */
    private static final int RECEIVE_BUFFER = 256 * 1024;

    private final StreamRegistry streams;
    private final PortPool ports;
    private final SipConfig config;
    private final String bindAddress;
    private final String publicHost;
    private final org.estuary.verticles.agent.MediaFiles mediaFiles;
    private final Map<String, Call> calls = new LinkedHashMap<>();
    private final Map<String, Call> bySipCallId = new HashMap<>();
    private final org.estuary.core.net.AddressFilter allowFrom;
    private final IncomingAuth digest = new IncomingAuth();
    private org.estuary.core.session.Admission admission = org.estuary.core.session.Admission.allowAll();
    private SipStack stack;
    private SipProvider provider;
    private SipContext sc;
    private ThreadPoolExecutor mediaPool;
    private UdpPortPairs portPairs;
    private int actualPort;
    private long ticker = -1;
    private long checker = -1;
    /** sip.registrar: the node's standing registration (null when none, or between retries). */
    private Registration standing;
    /** What {@code /call/find {callId: "standing-registration"}} shows of sip.registrar's registration. */
    private final JsonObject standingView = new JsonObject();
    private long standingRetry = -1;
    private boolean stopping;
    /** A refused or unanswered standing registration is tried again after this long. */
    private static final long STANDING_RETRY_MS = 30_000;

    public SipVerticle(StreamRegistry streams, PortPool ports, SipConfig config, String bindAddress, String publicHost,
                       Path mediaDirectory) {
        this.streams = streams;
        this.ports = ports;
        this.config = config;
        this.bindAddress = bindAddress;
        this.publicHost = publicHost;
        this.mediaFiles = new org.estuary.verticles.agent.MediaFiles(mediaDirectory);
        this.allowFrom = config.allowFrom().isBlank() ? org.estuary.core.net.AddressFilter.any()
                : org.estuary.core.net.AddressFilter.parse(List.of(config.allowFrom().split(",")));
    }

    /** Call streams (publish) and calls into streams (play) are let in by {@code admission}. Call before deploying. */
    public SipVerticle admission(org.estuary.core.session.Admission admission) {
        this.admission = admission;
        return this;
    }

    public int actualPort() {
        return actualPort;
    }

    @Override
    public Future<?> start() {
        portPairs = new UdpPortPairs(vertx, ports, bindAddress, RECEIVE_BUFFER);
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        mediaPool = new ThreadPoolExecutor(threads, threads, 3, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "sip-media");
            t.setDaemon(true);
            return t;
        });
        mediaPool.allowCoreThreadTimeOut(true); // idle threads are given back between calls
        return vertx.executeBlocking(this::createStack).compose(v -> {
            return new Control(vertx, LOG)
                    .on("/call/startup", this::startup)
                    .on("/call/find", (m, b) -> find(m, b, true))
                    .on("/call/find_all", (m, b) -> find(m, b, false))
                    .on("/call/terminate", this::terminate)
                    .on("/call/send_dtmf", this::sendDtmf)
                    .on("/call/inject_sound", this::injectSound)
                    .on("/call/inject_stream/startup", this::injectStream)
                    .on("/call/inject_stream/terminate", this::stopInjectStream)
                    .ready();
        }).onSuccess(v -> {
            LOG.info("SIP listening on {}:{} (UDP, TCP)", bindAddress, actualPort);
            registerStanding();
        });
    }

    /** Blocking: creating the stack binds its sockets and starts its threads. */
    private Void createStack() throws Exception {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "estuary-sip-" + STACKS.incrementAndGet());
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", SipStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", SipMessageLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "2");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536"); // TCP: a peer cannot make us buffer without end
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        stack = factory.createSipStack(p);
        ListeningPoint udp = stack.createListeningPoint(bindAddress, config.port(), ListeningPoint.UDP);
        actualPort = udp.getPort();
        ListeningPoint tcp = stack.createListeningPoint(bindAddress, actualPort, ListeningPoint.TCP);
        provider = stack.createSipProvider(udp);
        provider.addListeningPoint(tcp);
        provider.addSipListener(new Listener());
        CallCredentials credentials = new CallCredentials();
        String localHost = publicHost == null || publicHost.isBlank() ? bindAddress : publicHost;
        sc = new SipContext(vertx, context, provider, factory.createAddressFactory(), factory.createHeaderFactory(),
                factory.createMessageFactory(), ((SipStackExt) stack).getAuthenticationHelper(credentials,
                factory.createHeaderFactory()), credentials, localHost, actualPort, config, streams, mediaPool);
        stack.start();
        return null;
    }

    /**
     * {@code sip.registrar}: REGISTER {@code registerUser} there (digest, refreshed before expiry) so
     * calls to that user through the registrar reach this node; tried again later when refused.
     */
    private void registerStanding() {
        standingRetry = -1;
        if (config.registrar().isBlank() || stopping) {
            return;
        }
        if (!standingView.containsKey("status")) {
            standingView.put("status", "PENDING").put("sipStatus", 0).put("sipMessage", "").put("info", "");
        }
        org.estuary.core.sip.SipTarget registrar = org.estuary.core.sip.SipTarget.parse(config.registerUser(),
                config.registrar(), null);
        CallRequest req = new CallRequest(STANDING_ID, registrar, config.registerUser(), config.registerUser(),
                config.registerUser(), config.registerPassword(), registrar.host(), null, 0, "", "", "", "", "", true, false);
        // resolving may block: on a worker
        vertx.executeBlocking(() -> java.net.InetAddress.getByName(registrar.host()).getHostAddress(), false)
                .onComplete(ar -> {
                    if (stopping) {
                        return;
                    }
                    if (ar.failed()) {
                        LOG.warn("sip.registrar {}: cannot resolve ({}); trying again in {} s", config.registrar(),
                                ar.cause().getMessage(), STANDING_RETRY_MS / 1000);
                        standingView.put("status", "FAILED").put("sipStatus", 0).put("sipMessage", "")
                                .put("info", "Cannot resolve " + registrar.host() + ": " + ar.cause().getMessage())
                                .put("retryDate", System.currentTimeMillis() + STANDING_RETRY_MS);
                        standingRetry = vertx.setTimer(STANDING_RETRY_MS, t -> registerStanding());
                        return;
                    }
                    standing = new Registration(sc, req, ar.result(), registrar.portOrDefault(), new Registration.Listener() {
                        @Override
                        public void registered(int code, String phrase) {
                            LOG.info("Registered at {} as {}: calls to it are answered here", config.registrar(),
                                    config.registerUser());
                            standingView.put("status", "REGISTERED").put("info", "").remove("retryDate");
                        }

                        @Override
                        public void failed(String why, int code, String phrase) {
                            LOG.warn("sip.registrar {}: {}; trying again in {} s", config.registrar(), why,
                                    STANDING_RETRY_MS / 1000);
                            Registration failed = standing;
                            standingView.put("status", "FAILED").put("sipStatus", code)
                                    .put("sipMessage", phrase == null ? "" : phrase).put("info", why)
                                    .put("registrations", failed == null ? 0 : failed.registrations())
                                    .put("retryDate", System.currentTimeMillis() + STANDING_RETRY_MS);
                            standing = null;
                            if (!stopping) {
                                standingRetry = vertx.setTimer(STANDING_RETRY_MS, t -> registerStanding());
                            }
                        }
                    });
                    standing.start();
                });
    }

    private boolean isStanding(javax.sip.message.Message m) {
        CallIdHeader h = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        return standing != null && h != null && h.getCallId().equals(standing.sipCallId());
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        if (standingRetry >= 0) {
            vertx.cancelTimer(standingRetry);
        }
        if (standing != null) {
            standing.stop(true); // un-REGISTER: the registrar stops routing calls to a node going away
        }
        timersOff();
        for (Call c : new ArrayList<>(calls.values())) {
            c.terminate("Server shutdown");
        }
        SipStack s = stack;
        ThreadPoolExecutor pool = mediaPool;
        // the un-REGISTER takes a challenge round more than a BYE
        long grace = standing != null ? 1000 : 200;
        // give the BYEs/CANCELs a moment on the wire before the stack goes
        return vertx.executeBlocking(() -> {
            Thread.sleep(grace);
            if (s != null) {
                s.stop();
            }
            pool.shutdown();
            pool.awaitTermination(2, TimeUnit.SECONDS);
            return null;
        });
    }

    // ---------------------------------------------------------------- JAIN-SIP callbacks, hopped onto the context

    private final class Listener implements SipListener {
        @Override
        public void processRequest(RequestEvent e) {
            context.runOnContext(v -> request(e));
        }

        @Override
        public void processResponse(ResponseEvent e) {
            context.runOnContext(v -> {
                if (isStanding(e.getResponse())) {
                    standing.response(e);
                    return;
                }
                Call c = callOf(e.getResponse());
                if (c != null) {
                    c.response(e);
                }
            });
        }

        @Override
        public void processTimeout(TimeoutEvent e) {
            context.runOnContext(v -> {
                if (e.isServerTransaction() || e.getClientTransaction() == null) {
                    return;
                }
                Request r = e.getClientTransaction().getRequest();
                if (isStanding(r)) {
                    standing.timeout();
                    return;
                }
                Call c = callOf(r);
                if (c != null) {
                    c.timeout(r.getMethod());
                }
            });
        }

        @Override
        public void processIOException(IOExceptionEvent e) {
            context.runOnContext(v -> LOG.info("SIP transport error towards {}:{} ({})", e.getHost(), e.getPort(),
                    e.getTransport()));
        }

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent e) { }

        @Override
        public void processDialogTerminated(DialogTerminatedEvent e) { }
    }

    private Call callOf(javax.sip.message.Message m) {
        CallIdHeader h = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        return h == null ? null : bySipCallId.get(h.getCallId());
    }

    private void request(RequestEvent e) {
        Request r = e.getRequest();
        Call c = callOf(r);
        if (c != null) {
            c.request(e);
            return;
        }
        try {
            switch (r.getMethod()) {
                case Request.ACK -> { }
                case Request.OPTIONS -> reply(e, Response.OK);
                case Request.INVITE -> incoming(e);
                default -> reply(e, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            }
        } catch (Exception ex) {
            LOG.debug("Cannot answer {}: {}", r.getMethod(), ex.getMessage());
        }
    }

    /** An INVITE to sip:<streamName>@this-node: checked here, answered by a new incoming {@link Call}. */
    private void incoming(RequestEvent e) throws Exception {
        Request r = e.getRequest();
        javax.sip.ServerTransaction st;
        try {
            st = e.getServerTransaction() != null ? e.getServerTransaction() : provider.getNewServerTransaction(r);
        } catch (javax.sip.TransactionAlreadyExistsException ex) {
            return; // a retransmission
        }
        // 100 at once: otherwise JAIN-SIP sends its own after 200 ms, and on a loaded machine that one
        // can leave after our final answer (a stray 100 after a 403/401 made callers abort)
        st.sendResponse(sc.messages().createResponse(Response.TRYING, r));
        String from = ((gov.nist.javax.sip.message.SIPRequest) r).getRemoteAddress().getHostAddress();
        if (!config.incomingCalls() || !allowFrom.allows(from)) {
            LOG.info("Incoming call from {} refused ({})", from, config.incomingCalls() ? "sip.allowFrom" : "sip.incomingCalls off");
            st.sendResponse(sc.messages().createResponse(Response.FORBIDDEN, r));
            return;
        }
        if (!config.password().isEmpty() && !digest.check(r, config.password())) {
            Response challenge = sc.messages().createResponse(Response.UNAUTHORIZED, r);
            digest.challenge(sc.headers(), challenge);
            st.sendResponse(challenge);
            return;
        }
        String uriUser = r.getRequestURI() instanceof javax.sip.address.SipURI u && u.getUser() != null ? u.getUser() : "";
        // a call to the standing registration's user, routed here by the registrar, plays sip.registerStream
        String name = !config.registrar().isBlank() && uriUser.equals(config.registerUser())
                && !config.registerStream().isBlank() ? config.registerStream() : uriUser;
        if (name.isEmpty() || streams.find(name).isEmpty()) {
            st.sendResponse(sc.messages().createResponse(Response.NOT_FOUND, r));
            return;
        }
        if (liveCalls() >= config.maxCalls()) {
            st.sendResponse(sc.messages().createResponse(Response.SERVICE_UNAVAILABLE, r));
            return;
        }
        byte[] body = r.getRawContent();
        org.estuary.core.sip.SdpMedia offer = body == null ? null
                : org.estuary.core.sip.SdpMedia.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        org.estuary.core.sip.RtpFormat codec = offer == null ? null : offer.chooseCodec(sc.audioCodecs());
        if (codec == null || offer.port() == 0) {
            st.sendResponse(sc.messages().createResponse(Response.NOT_ACCEPTABLE_HERE, r));
            return;
        }
        javax.sip.header.FromHeader fh = (javax.sip.header.FromHeader) r.getHeader(javax.sip.header.FromHeader.NAME);
        javax.sip.address.URI fromUri = fh.getAddress().getURI();
        String user = fromUri instanceof javax.sip.address.SipURI su && su.getUser() != null ? su.getUser() : "anonymous";
        String host = fromUri instanceof javax.sip.address.SipURI su ? su.getHost() : from;
        String callId = "incoming-" + java.util.UUID.randomUUID();
        CallRequest req = new CallRequest(callId, new org.estuary.core.sip.SipTarget(name, sc.localHost(), sc.sipPort()),
                name, user, "", "", host, null, 0,
                fh.getAddress().getDisplayName() == null ? "" : fh.getAddress().getDisplayName(),
                callId, "", "", "", false, videoOffered(body));
        String sipId = ((CallIdHeader) r.getHeader(CallIdHeader.NAME)).getCallId();
        // the call exists (and rings) from here: a CANCEL while the admission point decides finds it
        Call call = new Call(sc, req, owner);
        calls.put(callId, call);
        timersOn();
        bySipCallId.put(sipId, call);
        call.ringIncoming(e, st, name);
        // a caller plays the stream and publishes its own audio: the admission point decides both
        java.util.Map<String, String> params = java.util.Map.of("from", user + "@" + host);
        Future.fromCompletionStage(admission.check(new org.estuary.core.session.AdmissionRequest(
                org.estuary.core.session.AdmissionRequest.Action.PLAY, "SIP", "", name, from, params)), context)
                .compose(play -> {
                    if (!play.allowed()) {
                        return Future.failedFuture("playing " + name + " refused: " + play.reason());
                    }
                    return Future.fromCompletionStage(admission.check(new org.estuary.core.session.AdmissionRequest(
                            org.estuary.core.session.AdmissionRequest.Action.PUBLISH, "SIP", "", callId, from, params)),
                            context).compose(pub -> pub.allowed() ? Future.succeededFuture(pub.streamName())
                            : Future.failedFuture("publishing " + callId + " refused: " + pub.reason()));
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        call.refuseIncoming(Response.FORBIDDEN, "Refused by the admission point: " + ar.cause().getMessage());
                        return;
                    }
                    long delay = config.incomingAnswerDelayMs();
                    if (delay <= 0) {
                        call.answerIncoming(offer, codec, ar.result());
                    } else {
                        vertx.setTimer(delay, t -> call.answerIncoming(offer, codec, ar.result()));
                    }
                });
    }

    /** Whether an incoming offer has a video line with H.264 Estuary can send and take (packetization-mode 1). */
    private static boolean videoOffered(byte[] body) {
        org.estuary.core.sip.SdpMedia v = body == null ? null
                : org.estuary.core.sip.SdpMedia.parseVideo(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        return v != null && v.port() > 0 && v.chooseH264() != null;
    }

    private void reply(RequestEvent e, int code) throws Exception {
        var st = e.getServerTransaction() != null ? e.getServerTransaction() : provider.getNewServerTransaction(e.getRequest());
        st.sendResponse(sc.messages().createResponse(code, e.getRequest()));
    }

    // ---------------------------------------------------------------- calls

    private final Call.Owner owner = new Call.Owner() {
        @Override
        public Future<CallMedia> openMedia(CallMedia.Listener listener, java.util.concurrent.Executor pool) {
            return portPairs.bind().map(pair -> new CallMedia(pair.rtp(), pair.rtcp(), pair.port(), listener, pool));
        }

        @Override
        public Future<org.estuary.verticles.agent.UdpPortPairs.Pair> videoPorts() {
            return portPairs.bind();
        }

        @Override
        public void releasePorts(int port) {
            portPairs.release(port);
        }

        @Override
        public void sipCallId(Call call, String sipCallId) {
            bySipCallId.put(sipCallId, call);
        }

        @Override
        public void changed(Call call, String event, JsonObject details) {
            JsonObject ev = call.toJson().put("event", event).put("name", call.streamName())
                    .put("timestamp", System.currentTimeMillis());
            details.forEach(en -> ev.put(en.getKey(), en.getValue()));
            vertx.eventBus().publish(Addresses.STREAM_EVENTS, ev);
        }

        @Override
        public void ended(Call call) {
            // the SIP Call-ID stays mapped a little so late retransmissions (BYE, 200) still find the call
            // (and the un-REGISTER's challenge round)
            List<String> ids = call.sipCallIds();
            vertx.setTimer(32_000, t -> ids.forEach(id -> bySipCallId.remove(id, call)));
        }
    };

    private void tick() {
        long now = System.nanoTime();
        for (Call c : calls.values()) {
            c.tick(now);
        }
    }

    private void checkRtp() {
        long now = System.currentTimeMillis();
        for (Call c : new ArrayList<>(calls.values())) {
            c.checkRtp(now);
        }
        // finished calls stay findable for a while (their final status is what a client polls for)
        calls.values().removeIf(c -> c.isFinal() && now - c.endedAtMs() > FINISHED_KEPT_MS);
        if (calls.isEmpty()) {
            timersOff();
        }
    }

    /**
     * The media pacing tick (every 10 ms) and the RTP check run only while there are calls: an idle
     * server wakes no thread for SIP (a 10 ms timer alone was 100 wake-ups a second, issue 14 item 4).
     */
    private void timersOn() {
        if (ticker == -1) {
            ticker = vertx.setPeriodic(TICK_MS, id -> tick());
            checker = vertx.setPeriodic(1_000, id -> checkRtp());
        }
    }

    private void timersOff() {
        vertx.cancelTimer(ticker);
        vertx.cancelTimer(checker);
        ticker = -1;
        checker = -1;
    }

    static final long FINISHED_KEPT_MS = 60_000;

    private long liveCalls() {
        return calls.values().stream().filter(c -> !c.isFinal()).count();
    }

    // ---------------------------------------------------------------- REST

    private void startup(Message<JsonObject> m, Body b) {
        CallRequest req = CallRequest.parse(b.json());
        Call existing = calls.get(req.callId());
        if (existing != null && !existing.isFinal()) {
            throw new ControlError(ApiStatus.CONFLICT, "Call " + req.callId() + " already exists");
        }
        for (Call c : calls.values()) {
            if (c.isFinal() || c == existing) {
                continue;
            }
            if (!req.rtmpUrl().isEmpty() && req.rtmpUrl().equals(c.request().rtmpUrl())
                    && req.rtmpStream().equals(c.request().rtmpStream())) {
                throw new ControlError(ApiStatus.CONFLICT, "rtmpUrl " + req.rtmpUrl() + " is already used by call "
                        + c.callId());
            }
            if (c.streamName().equals(req.toStream())) {
                throw new ControlError(ApiStatus.CONFLICT, "Stream name is already in use by call " + c.callId()
                        + ": " + req.toStream());
            }
        }
        if (streams.find(req.toStream()).isPresent()) {
            throw new ControlError(ApiStatus.CONFLICT, "Stream name is already in use: " + req.toStream());
        }
        if (liveCalls() >= config.maxCalls()) {
            throw new ControlError(ApiStatus.UNAVAILABLE, "Too many calls (sip.maxCalls = " + config.maxCalls() + ")");
        }
        // the call's stream is a publish like any other: the admission point may refuse or rename it
        java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
        b.json().forEach(e -> {
            if (!e.getKey().equals("sipPassword")) {
                params.put(e.getKey(), String.valueOf(e.getValue()));
            }
        });
        Future.fromCompletionStage(admission.check(new org.estuary.core.session.AdmissionRequest(
                org.estuary.core.session.AdmissionRequest.Action.PUBLISH, "SIP", req.appKey(), req.toStream(), "",
                params)), context).onComplete(ar -> {
                    if (ar.failed() || !ar.result().allowed()) {
                        m.fail(ApiStatus.FORBIDDEN, "Publishing refused: "
                                + (ar.failed() ? ar.cause().getMessage() : ar.result().reason()));
                        return;
                    }
                    Call existingNow = calls.get(req.callId());
                    if (existingNow != null && !existingNow.isFinal()) {
                        m.fail(ApiStatus.CONFLICT, "Call " + req.callId() + " already exists");
                        return;
                    }
                    CallRequest admitted = ar.result().streamName().equals(req.toStream()) ? req
                            : req.withToStream(ar.result().streamName());
                    Call call = new Call(sc, admitted, owner);
                    calls.remove(req.callId());
                    calls.put(req.callId(), call);
                    timersOn();
                    call.start();
                    m.reply(null);
                });
    }

    private void find(Message<JsonObject> m, Body b, boolean filtered) {
        JsonObject q = b.json();
        JsonArray out = new JsonArray();
        if (filtered && STANDING_ID.equals(CallRequest.text(q, "callId")) && !config.registrar().isBlank()) {
            m.reply(new JsonArray().add(standingJson()));
            return;
        }
        for (Call c : calls.values()) {
            if (!filtered || matches(c, q)) {
                out.add(c.toJson());
            }
        }
        if (filtered && out.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "Call not found");
            return;
        }
        m.reply(out);
    }

    /** The callId under which /call/find shows the standing registration (it is not a call: find_all omits it). */
    static final String STANDING_ID = "standing-registration";

    /**
     * sip.registrar's registration: status PENDING (first REGISTER under way), REGISTERED, FAILED
     * (refused, unanswered or unresolvable; tried again at {@code retryDate}) or UNREGISTERED (node
     * stopping); the last final SIP response, the grant and when it runs out.
     */
    private JsonObject standingJson() {
        JsonObject j = standingView.copy().put("callId", STANDING_ID).put("user", config.registerUser())
                .put("registrar", config.registrar()).put("stream", config.registerStream());
        Registration r = standing;
        if (r != null) {
            j.put("sipStatus", r.lastCode()).put("sipMessage", r.lastPhrase()).put("registrations", r.registrations())
                    .put("expires", r.grantedSec()).put("expiresDate", r.expiresAtMs()).put("sipCallId", r.sipCallId());
            if (r.isRegistered() && r.expiresAtMs() < System.currentTimeMillis()) {
                j.put("status", "FAILED").put("info", "The grant ran out before a refresh was answered");
            }
        }
        j.put("status", stopping ? "UNREGISTERED" : j.getString("status", "PENDING"));
        return j;
    }

    private static boolean matches(Call c, JsonObject q) {
        JsonObject j = c.toJson();
        for (String key : List.of("callId", "callee", "rtmpUrl", "status")) {
            String want = CallRequest.text(q, key);
            if (want != null && !want.isEmpty() && !want.equalsIgnoreCase(j.getString(key, ""))) {
                return false;
            }
        }
        return true;
    }

    private void terminate(Message<JsonObject> m, Body b) {
        Call c = calls.get(CallRequest.text(b.json(), "callId"));
        if (c == null) {
            m.fail(ApiStatus.NOT_FOUND, "Call not found");
            return;
        }
        c.terminate("Stopped by rest /call/terminate");
        m.reply(null);
    }

    private void sendDtmf(Message<JsonObject> m, Body b) {
        JsonObject q = b.json();
        Call c = calls.get(CallRequest.text(q, "callId"));
        if (c == null) {
            m.fail(ApiStatus.NOT_FOUND, "Call not found");
            return;
        }
        String dtmf = CallRequest.text(q, "dtmf");
        if (!Dtmf.isValid(dtmf)) {
            m.fail(ApiStatus.BAD_REQUEST, "dtmf must be 1-64 of 0-9 * # A-D, got \"" + dtmf + "\"");
            return;
        }
        String type = CallRequest.text(q, "type");
        type = type == null || type.isBlank() ? "RFC2833" : type.trim().toUpperCase(java.util.Locale.ROOT);
        if (type.equals("INFO_RELAY")) {
            type = "INFO";
        }
        if (!type.equals("RFC2833") && !type.equals("INFO")) {
            m.fail(ApiStatus.BAD_REQUEST, "type must be RFC2833, INFO or INFO_RELAY, got \"" + type + "\"");
            return;
        }
        c.sendDtmf(dtmf, type);
        m.reply(null);
    }

    private Call callFor(JsonObject q) {
        Call c = calls.get(CallRequest.text(q, "callId"));
        if (c == null) {
            throw new ControlError(ApiStatus.NOT_FOUND, "Call not found");
        }
        return c;
    }

    /** {@code /call/inject_sound {callId, fileName, loop?}}: a WAV of the media directory, converted off the loop. */
    private void injectSound(Message<JsonObject> m, Body b) {
        JsonObject q = b.json();
        Call c = callFor(q);
        String fileName = CallRequest.text(q, "fileName");
        boolean loop = org.estuary.verticles.agent.Body.bool(q.getValue("loop"), false);
        Path file;
        try {
            file = mediaFiles.resolve(fileName);
        } catch (org.estuary.verticles.agent.MediaFiles.BadNameException e) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "fileName: " + e.getMessage());
        }
        vertx.executeBlocking(() -> loadSound(file, fileName), false).onComplete(ar -> {
            if (ar.failed()) {
                ControlError.reply(m, ar.cause());
                return;
            }
            try {
                c.inject(new SoundSource(ar.result(), loop));
                m.reply(null);
            } catch (ControlError e) {
                m.fail(e.status(), e.getMessage());
            }
        });
    }

    /** Worker thread: the WAV as 16 kHz mono samples (what {@link AudioSource}s give). */
    private static short[] loadSound(Path file, String name) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new ControlError(ApiStatus.NOT_FOUND, "File not found: " + name);
        }
        org.estuary.media.audio.WavAudio wav;
        try {
            wav = org.estuary.media.audio.WavReader.read(file);
        } catch (org.estuary.media.audio.WavFormatException e) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "Not a usable RIFF PCM WAV file: " + name + ": " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new ControlError(ApiStatus.NOT_FOUND, "Cannot read " + name + ": " + e.getMessage());
        }
        float[] mono = org.estuary.media.audio.Resampler.convertAll(wav.samples(), wav.sampleRate(), 16000, 1)[0];
        short[] out = new short[mono.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) Math.max(-32768, Math.min(32767, Math.round(mono[i] * 32767f)));
        }
        return out;
    }

    /** {@code /call/inject_stream/startup {callId, streamName}}: a live stream's audio into the call. */
    private void injectStream(Message<JsonObject> m, Body b) {
        JsonObject q = b.json();
        Call c = callFor(q);
        String name = CallRequest.text(q, "streamName");
        if (name == null || name.isBlank()) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "streamName is required");
        }
        if (streams.find(name).isEmpty()) {
            throw new ControlError(ApiStatus.NOT_FOUND, "Stream not found: " + name);
        }
        if (name.equals(c.streamName())) {
            throw new ControlError(ApiStatus.BAD_REQUEST, "A call cannot be fed its own stream: " + name);
        }
        StreamSource src = new StreamSource(streams, name, r -> context.runOnContext(v -> r.run()), c.mediaExecutor());
        c.inject(src);
        src.start();
        m.reply(null);
    }

    private void stopInjectStream(Message<JsonObject> m, Body b) {
        callFor(b.json()).stopInjectedStream();
        m.reply(null);
    }

    /** Used by tests: calls not yet final. */
    int activeCalls() {
        return (int) calls.values().stream().filter(c -> c.status() != CallStatus.FINISH && !c.isFinal()).count();
    }
}
