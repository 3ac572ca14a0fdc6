package org.estuary.verticles.mpegts;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
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
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.net.AddressFilter;
import org.estuary.core.net.PortPool;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.srt.SrtTsReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /mpepts/*} (and the {@code /mpegts/*} aliases): MPEG-TS publishing over UDP, or over SRT
 * with Estuary as the listener, on a port allocated from the media range. The answer's {@code uri}
 * is where the encoder sends (UDP) or connects as an SRT caller.
 */
public final class MpegTsVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(MpegTsVerticle.class);
    static final long DEFAULT_TIMEOUT_MS = 90_000;
    static final long DEFAULT_MAX_TIMESTAMP_DIFF_MS = 5_000;
    static final int DEFAULT_SRT_LATENCY_MS = 120;
    private static final int RECEIVE_BUFFER = 4 << 20;

    private final StreamRegistry streams;
    private final PortPool ports;
    private final String bindAddress;
    private final String publicHost;
    private final Map<String, MpegTsSession> sessions = new LinkedHashMap<>();
    private long timer = -1;

    public MpegTsVerticle(StreamRegistry streams, PortPool ports, String bindAddress, String publicHost) {
        this.streams = streams;
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

    private void startup(Message<JsonObject> m) {
        JsonObject q = m.body() == null ? new JsonObject() : m.body();
        String name = q.getString("localStreamName", "").trim();
        if (name.isEmpty() || name.length() > 256 || name.chars().anyMatch(Character::isISOControl)) {
            m.fail(ApiStatus.BAD_REQUEST, "localStreamName must be a non-empty name without control characters");
            return;
        }
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
        long timeout = longOf(q.getValue("timeout"), DEFAULT_TIMEOUT_MS);
        long maxDiff = longOf(q.getValue("maxTimestampDiff"), DEFAULT_MAX_TIMESTAMP_DIFF_MS);
        if (timeout < 0 || maxDiff <= 0) {
            m.fail(ApiStatus.BAD_REQUEST, "timeout must be >= 0 and maxTimestampDiff > 0 (milliseconds)");
            return;
        }
        long latency = longOf(q.getValue("latency"), DEFAULT_SRT_LATENCY_MS);
        if (latency < 0 || latency > 60_000) {
            m.fail(ApiStatus.BAD_REQUEST, "latency must be 0..60000 (milliseconds, SRT receive latency)");
            return;
        }
        boolean hasAudio = bool(q.getValue("hasAudio"), true);
        boolean hasVideo = bool(q.getValue("hasVideo"), true);
        if (sessions.containsKey(name) || streams.find(name).isPresent()) {
            m.fail(ApiStatus.CONFLICT, "Stream name is already in use: " + name);
            return;
        }
        Future<Bound> port = transport.equals("udp") ? bindFreePort() : reserveSrtPort();
        port.onComplete(ar -> {
            if (ar.failed()) {
                m.fail(ApiStatus.INTERNAL, "No free UDP port in the media range " + ports.from() + "-" + ports.to());
                return;
            }
            Bound b = ar.result();
            Stream stream;
            try {
                stream = streams.publish(name, new PublisherInfo("", "", "MPEGTS", Map.of()), 0);
            } catch (NameInUseException e) {
                if (b.socket != null) {
                    b.socket.close();
                }
                ports.release(b.port);
                m.fail(ApiStatus.CONFLICT, e.getMessage());
                return;
            }
            var ctx = vertx.getOrCreateContext();
            String uri = transport + "://" + publicHost + ":" + b.port;
            MpegTsIngress ingress;
            if (transport.equals("udp")) {
                ingress = new UdpIngress(b.socket, allowed);
            } else {
                ingress = new SrtIngress(ctx, bindAddress, b.port, (int) latency);
                if (!allowedList.isEmpty()) {
                    LOG.warn("MPEG-TS {}: allowedList is not enforced for SRT (FFmpeg's srt listener does not expose the caller address)", name);
                }
            }
            MpegTsSession s = new MpegTsSession(name, transport, uri, b.port, stream, ingress,
                    allowedList, hasAudio, hasVideo, timeout, maxDiff);
            stream.onTerminate(() -> ctx.runOnContext(v -> stopSession(s, "Stopped by rest /terminate")));
            sessions.put(name, s);
            s.start();
            LOG.info("MPEG-TS {} ({}) waiting for {} on {}", name, stream.mediaSessionId(), transport.toUpperCase(), uri);
            m.reply(s.toJson());
        });
    }

    /** A reserved port and, for UDP, the socket bound to it (null for SRT). */
    private record Bound(int port, DatagramSocket socket) { }

    /** Tries ports of the pool until one binds (another program may hold some of them). */
    private Future<Bound> bindFreePort() {
        return tryBind(0);
    }

    /**
     * libsrt binds the port itself, on the receiver thread: a short synchronous JDK bind proves it
     * free (a Vert.x socket's close completes too late for libsrt's bind right after).
     */
    private Future<Bound> reserveSrtPort() {
        OptionalInt port = ports.acquire(this::udpBindable);
        return port.isEmpty() ? Future.failedFuture("no bindable port") : Future.succeededFuture(new Bound(port.getAsInt(), null));
    }

    private boolean udpBindable(int port) {
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(new InetSocketAddress(bindAddress, port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Future<Bound> tryBind(int attempt) {
        if (attempt >= 32) {
            return Future.failedFuture("no bindable port");
        }
        OptionalInt port = ports.reserveNext();
        if (port.isEmpty()) {
            return Future.failedFuture("pool exhausted");
        }
        DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(RECEIVE_BUFFER));
        return socket.listen(port.getAsInt(), bindAddress)
                .map(s -> new Bound(port.getAsInt(), s))
                .recover(e -> {
                    socket.close();
                    ports.release(port.getAsInt());
                    return tryBind(attempt + 1);
                });
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
        return s.stop(reason).andThen(ar -> ports.release(s.port()));
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
