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
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.net.AddressFilter;
import org.estuary.core.net.PortPool;
import org.estuary.core.session.Admission;
import org.estuary.core.session.AdmissionRequest;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.srt.SrtOptions;
import org.estuary.media.srt.SrtTsReceiver;
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
        var bus = vertx.eventBus();
        timer = vertx.setPeriodic(1000, id -> expire());
        // loading FFmpeg's natives takes a moment: do it now, off the event loop, not on the first SRT startup
        vertx.executeBlocking(() -> {
            SrtTsReceiver.preload();
            return null;
        }, false).onFailure(e -> LOG.warn("SRT ingest unavailable: FFmpeg libraries did not load", e));
        return Future.all(
                bus.<JsonObject>consumer(Addresses.api("/mpepts/startup"), this::startup).completion(),
                bus.<JsonObject>consumer(Addresses.api("/mpepts/find"), m -> find(m, true)).completion(),
                bus.<JsonObject>consumer(Addresses.api("/mpepts/find_all"), m -> find(m, false)).completion(),
                bus.<JsonObject>consumer(Addresses.api("/mpepts/terminate"), this::terminate).completion());
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

    private void startup(Message<JsonObject> m) {
        if (AgentLimit.refused(m, limits, Limit.MPEGTS_AGENTS, sessions.size())) {
            return;
        }
        JsonObject q = m.body() == null ? new JsonObject() : m.body();
        String name = q.getString("localStreamName", "").trim();
        if (name.isEmpty() || name.length() > 256 || name.chars().anyMatch(Character::isISOControl)) {
            m.fail(ApiStatus.BAD_REQUEST, "localStreamName must be a non-empty name without control characters");
            return;
        }
        // the encoder's address is not known before it sends: the backend judges the stream name and the request
        Map<String, String> params = new LinkedHashMap<>();
        q.forEach(e -> params.put(e.getKey(), String.valueOf(e.getValue())));
        String protocol = "MPEGTS-" + q.getString("transport", "udp").toUpperCase(java.util.Locale.ROOT);
        Future.fromCompletionStage(admission.check(new AdmissionRequest(AdmissionRequest.Action.PUBLISH, protocol, "",
                name, "", params)), context).onComplete(ar -> {
                    if (ar.failed() || !ar.result().allowed()) {
                        m.fail(ApiStatus.FORBIDDEN, "Publishing refused: "
                                + (ar.failed() ? ar.cause().getMessage() : ar.result().reason()));
                    } else {
                        startAdmitted(m, q, ar.result().streamName());
                    }
                });
    }

    private void startAdmitted(Message<JsonObject> m, JsonObject q, String name) {
        String transport = q.getString("transport", "udp").toLowerCase();
        if (!transport.equals("udp") && !transport.equals("srt")) {
            m.fail(ApiStatus.BAD_REQUEST, "transport must be \"udp\" or \"srt\", got \"" + transport + "\"");
            return;
        }
        AddressFilter allowed;
        List<String> allowedList = new ArrayList<>();
        try {
            JsonArray list = q.getJsonArray("allowedList", new JsonArray());
            list.forEach(v -> allowedList.add(String.valueOf(v)));
            allowed = AddressFilter.parse(allowedList);
        } catch (IllegalArgumentException | ClassCastException e) {
            m.fail(ApiStatus.BAD_REQUEST, "allowedList: " + e.getMessage());
            return;
        }
        long timeout = longOf(q.getValue("timeout"), config.timeoutMs());
        long maxDiff = longOf(q.getValue("maxTimestampDiff"), config.maxTimestampDiffMs());
        if (timeout < 0 || maxDiff <= 0) {
            m.fail(ApiStatus.BAD_REQUEST, "timeout must be >= 0 and maxTimestampDiff > 0 (milliseconds)");
            return;
        }
        long latency = longOf(q.getValue("latency"), config.srtLatencyMs());
        if (latency < 0 || latency > 60_000) {
            m.fail(ApiStatus.BAD_REQUEST, "latency must be 0..60000 (milliseconds, SRT receive latency)");
            return;
        }
        SrtOptions srt = null;
        java.net.URI remote = null;
        if (transport.equals("udp")) {
            for (String srtOnly : List.of("mode", "remoteUri", "passphrase", "pbkeylen", "keyLength", "streamid")) {
                if (q.containsKey(srtOnly)) {
                    m.fail(ApiStatus.BAD_REQUEST, srtOnly + " applies to transport \"srt\" only");
                    return;
                }
            }
        } else {
            try {
                String mode = q.getString("mode", "listener");
                if (!mode.equals("listener") && !mode.equals("caller")) {
                    throw new IllegalArgumentException("mode must be \"listener\" or \"caller\", got \"" + mode + "\"");
                }
                if (mode.equals("caller")) {
                    remote = remoteSrt(q.getString("remoteUri"));
                }
                Object keyLength = q.getValue("pbkeylen", q.getValue("keyLength"));
                srt = new SrtOptions(mode.equals("caller"), (int) latency, blankToNull(q.getString("passphrase")),
                        keyLength == null ? 0 : (int) longOf(keyLength, 0), blankToNull(q.getString("streamid")));
            } catch (IllegalArgumentException | ClassCastException e) {
                m.fail(ApiStatus.BAD_REQUEST, e.getMessage());
                return;
            }
        }
        boolean hasAudio = bool(q.getValue("hasAudio"), true);
        boolean hasVideo = bool(q.getValue("hasVideo"), true);
        if (sessions.containsKey(name) || streams.find(name).isPresent()) {
            m.fail(ApiStatus.CONFLICT, "Stream name is already in use: " + name);
            return;
        }
        var ctx = vertx.getOrCreateContext();
        if (remote != null) {
            startCaller(m, q, name, remote, srt, allowedList, hasAudio, hasVideo, timeout, maxDiff, ctx);
            return;
        }
        // bind (UDP) or prove free (SRT: libsrt binds it itself on its thread) with quick system calls
        UdpIngress[] udp = new UdpIngress[1];
        OptionalInt reserved = transport.equals("udp")
                ? ports.acquire(p -> (udp[0] = UdpIngress.bind(bindAddress, p, allowed, ctx, config.receiveBufferBytes())) != null)
                : ports.acquire(this::udpBindable);
        if (reserved.isEmpty()) {
            m.fail(ApiStatus.INTERNAL, "No free UDP port in the media range " + ports.from() + "-" + ports.to());
            return;
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
            m.fail(ApiStatus.CONFLICT, e.getMessage());
            return;
        }
        String uri = transport + "://" + publicHost + ":" + port;
        MpegTsIngress ingress;
        if (udp[0] != null) {
            ingress = udp[0];
        } else {
            ingress = new SrtIngress(ctx, bindAddress, port, srt);
            if (!allowedList.isEmpty()) {
                LOG.warn("MPEG-TS {}: allowedList is not enforced for SRT (FFmpeg's srt listener does not expose the caller address)", name);
            }
        }
        MpegTsSession s = new MpegTsSession(name, transport, uri, port, stream, ingress,
                allowedList, hasAudio, hasVideo, timeout, maxDiff);
        stream.onTerminate(() -> ctx.runOnContext(v -> stopSession(s, "Stopped by rest /terminate")));
        sessions.put(name, s);
        s.start();
        LOG.info("MPEG-TS {} ({}) waiting for {} on {}", name, stream.mediaSessionId(), transport.toUpperCase(), uri);
        m.reply(s.toJson());
    }

    /** SRT caller mode: no local port; Estuary connects to the remote listener and reconnects when it drops. */
    private void startCaller(Message<JsonObject> m, JsonObject q, String name, java.net.URI remote, SrtOptions srt,
                             List<String> allowedList, boolean hasAudio, boolean hasVideo, long timeout, long maxDiff,
                             io.vertx.core.Context ctx) {
        if (!allowedList.isEmpty()) {
            m.fail(ApiStatus.BAD_REQUEST, "allowedList applies to listener mode (who may connect); a caller picks its peer by remoteUri");
            return;
        }
        Stream stream;
        try {
            stream = streams.publish(name, new PublisherInfo("", "", "MPEGTS", Map.of()), 0);
        } catch (NameInUseException e) {
            m.fail(ApiStatus.CONFLICT, e.getMessage());
            return;
        }
        String uri = "srt://" + remote.getHost() + ":" + remote.getPort();
        MpegTsSession s = new MpegTsSession(name, "srt", uri, 0, stream,
                new SrtIngress(ctx, remote.getHost(), remote.getPort(), srt),
                allowedList, hasAudio, hasVideo, timeout, maxDiff);
        stream.onTerminate(() -> ctx.runOnContext(v -> stopSession(s, "Stopped by rest /terminate")));
        sessions.put(name, s);
        s.start();
        LOG.info("MPEG-TS {} ({}) pulling SRT from {}", name, stream.mediaSessionId(), uri);
        m.reply(s.toJson());
    }

    /** {@code srt://host:port} (query ignored: options are request fields), host not blank. */
    private static java.net.URI remoteSrt(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("mode \"caller\" needs remoteUri srt://host:port");
        }
        java.net.URI u;
        try {
            u = new java.net.URI(value.trim());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("remoteUri is not a URI: " + e.getMessage());
        }
        if (!"srt".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getPort() <= 0 || u.getPort() > 65535) {
            throw new IllegalArgumentException("remoteUri must be srt://host:port, got " + value);
        }
        return u;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
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

    private void find(Message<JsonObject> m, boolean filtered) {
        JsonObject q = m.body() == null ? new JsonObject() : m.body();
        JsonArray out = new JsonArray();
        for (MpegTsSession s : sessions.values()) {
            if (!filtered || matches(q, s)) {
                out.add(s.toJson());
            }
        }
        if (out.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "MPEG-TS stream not found");
        } else {
            m.reply(out);
        }
    }

    private void terminate(Message<JsonObject> m) {
        JsonObject q = m.body() == null ? new JsonObject() : m.body();
        if (q.getString("localStreamName") == null && q.getString("uri") == null) {
            m.fail(ApiStatus.BAD_REQUEST, "Give localStreamName or uri");
            return;
        }
        List<MpegTsSession> hit = sessions.values().stream().filter(s -> matches(q, s)).toList();
        if (hit.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "MPEG-TS stream not found");
            return;
        }
        // answer once the ports are closed, so a caller may reuse or probe them right away
        Future.join(hit.stream().map(s -> stopSession(s, "Stopped by rest /terminate")).toList())
                .onComplete(ar -> m.reply(null));
    }

    private static boolean matches(JsonObject q, MpegTsSession s) {
        String name = q.getString("localStreamName");
        String uri = q.getString("uri");
        return (name == null || name.equals(s.name())) && (uri == null || uri.equals(s.uri()));
    }

    private static long longOf(Object v, long dflt) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s && !s.isBlank()) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return dflt;
    }

    private static boolean bool(Object v, boolean dflt) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && !s.isBlank()) {
            return Boolean.parseBoolean(s.trim());
        }
        return dflt;
    }
}
