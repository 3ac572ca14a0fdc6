package org.estuary.verticles.hls;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.estuary.core.config.HlsConfig;
import org.estuary.core.config.HlsStorage;
import org.estuary.core.control.Addresses;
import org.estuary.core.hls.HlsSettings;
import org.estuary.core.limits.Limits;
import org.estuary.core.session.Admission;
import org.estuary.core.session.AdmissionChain;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.Control;
import org.estuary.verticles.agent.ControlError;
import org.estuary.verticles.agent.Find;
import org.estuary.verticles.agent.HttpConnectionLimit;
import org.estuary.verticles.tls.TlsServers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HLS output of a node: its own HTTP server on {@code hls.port}, one {@link HlsAgent} per
 * stream name, and the {@code /hls/*} REST methods. Everything runs on this verticle's event loop,
 * so agents need no locks.
 */
public final class HlsServerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(HlsServerVerticle.class);

    private final HlsConfig config;
    private final String bindAddress;
    private final String publicHost;
    private final StreamRegistry streams;
    private final String nodeId;
    private final Map<String, HlsAgent> agents = new LinkedHashMap<>();
    private final HlsSettings settings;
    private HttpServer server;
    private long sweepTimer = -1;
    private volatile int actualPort = -1;
    private HlsAdmission admission = new HlsAdmission(Admission.allowAll());
    private Limits limits = Limits.none();
    private TlsServers tls;
    private int tlsPort = -1;
    private volatile HttpServer tlsServer;
    private volatile HlsAbr abr;

    public HlsServerVerticle(HlsConfig config, String bindAddress, String publicHost, StreamRegistry streams,
                             String nodeId) {
        this.config = config;
        this.bindAddress = bindAddress;
        this.publicHost = publicHost == null || publicHost.isBlank() ? bindAddress : publicHost;
        this.streams = streams;
        this.nodeId = nodeId;
        this.settings = new HlsSettings(config.segmentDurationSec() * 1_000_000L, config.playlistSegments(),
                config.lowLatency(), config.partDurationMs() * 1_000L);
    }

    /**
     * Viewers are let in by {@code admission} (default: everyone). Call before deploying. When it is the node's
     * chain, ABR names are judged as their source there, for every protocol: the master
     * {@code <name>-HLS-ABR-STREAM} and a running rendition {@code <name>-360p} as {@code <name>}.
     */
    public HlsServerVerticle admission(Admission admission) {
        this.admission = new HlsAdmission(admission);
        if (admission instanceof AdmissionChain chain) {
            chain.deriving(this::abrSourceOf);
        }
        return this;
    }

    /** Any thread: the source an ABR master or running rendition name shows, else null. */
    private String abrSourceOf(String name) {
        String master = HlsAbr.sourceOf(name);
        if (master != null) {
            return master;
        }
        HlsAbr a = abr;
        return a == null ? null : a.sourceOfVariant(name);
    }

    HlsAdmission admission() {
        return admission;
    }

    Context context() {
        return context;
    }

    @Override
    public Future<?> start() {
        Future<Void> regs = new Control(vertx, LOG)
                .on("/hls/startup", this::startup)
                .on("/hls/find_all", this::findAll)
                .on("/hls/terminate", this::terminate)
                .on("/hls/profiles", this::profiles)
                .on("/hls/subscribers", this::subscribers)
                .ready();
        abr = new HlsAbr(this, vertx, streams, config.abrProfiles(), config.segmentDurationSec());
        sweepTimer = vertx.setPeriodic(1000, id -> sweep());
        HlsHttpHandler handler = new HlsHttpHandler(this);
        HttpConnectionLimit places = new HttpConnectionLimit(vertx, limits);
        server = places.apply(vertx.createHttpServer(new HttpServerOptions().setHost(bindAddress).setPort(config.port())
                .setHttp2ClearTextEnabled(false)), handler); // HTTP/1.1 in clear text, as for REST
        return regs.compose(v -> server.listen()).map(s -> {
            actualPort = s.actualPort();
            LOG.info("HLS listening on {}:{} ({}, {} storage)", bindAddress, actualPort,
                    config.lowLatency() ? "low-latency fMP4" : "MPEG-TS", config.storage().name().toLowerCase());
            return null;
        }).compose(v -> tls == null ? Future.succeededFuture()
                : places.apply(vertx.createHttpServer(tls.https(new HttpServerOptions().setHost(bindAddress)
                    .setPort(tlsPort))), handler).listen().map(t -> {
                        tlsServer = t;
                        tls.register(o -> t.updateSSLOptions(o, true));
                        LOG.info("HLS over HTTPS on {}:{}", bindAddress, t.actualPort());
                        return null;
                    }));
    }

    /** The node's connection limits, applied to every HTTP(S) connection of this port; call before deploying. */
    public HlsServerVerticle limits(Limits limits) {
        this.limits = limits;
        return this;
    }

    /** Also serves HLS over HTTPS (HTTP/2 via ALPN) on {@code port}; call before deploying. */
    public HlsServerVerticle tls(TlsServers tls, int port) {
        this.tls = tls;
        this.tlsPort = port;
        return this;
    }

    /** The bound HTTPS port, or -1 when TLS is off. */
    public int actualTlsPort() {
        HttpServer t = tlsServer;
        return t == null ? -1 : t.actualPort();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sweepTimer);
        if (abr != null) {
            abr.close();
        }
        for (HlsAgent a : List.copyOf(agents.values())) {
            a.close();
        }
        agents.clear();
        HttpServer t = tlsServer;
        return Future.join(server == null ? Future.succeededFuture() : server.close(),
                t == null ? Future.succeededFuture() : t.close());
    }

    public int actualPort() {
        return actualPort;
    }

    // ---- agents ----

    HlsAgent agent(String name) {
        return agents.get(name);
    }

    /**
     * Starts an agent for a playlist request when {@code hls.autoStart} is on and the stream is live, or will be
     * because an on-demand source took it (a CDN edge relaying it from its origin): the agent follows it once
     * published, and the request waits for the first segment as for any fresh agent.
     */
    HlsAgent autoStart(String name) {
        if (!config.autoStart()) {
            return null;
        }
        if (streams.find(name).isEmpty() && !name.equals(streams.demand(name))) {
            return null;
        }
        return startAgent(name);
    }

    /**
     * The CDN profile renditions a player of {@code stream} can get on this node ({@link Addresses#CDN_RENDITIONS});
     * an empty list when no CDN answers (one node alone) or it does not answer within a second.
     */
    Future<JsonArray> cdnRenditions(String stream) {
        return vertx.eventBus().<JsonArray>request(Addresses.CDN_RENDITIONS, new JsonObject().put("stream", stream),
                new DeliveryOptions().setLocalOnly(true).setSendTimeout(1_000))
            .map(m -> m.body() == null ? new JsonArray() : m.body())
            .otherwise(new JsonArray());
    }

    boolean lowLatency() {
        return config.lowLatency();
    }

    HlsAbr abr() {
        return abr;
    }

    HlsAgent startAgent(String name) {
        HlsAgent a = agents.get(name);
        if (a != null) {
            return a;
        }
        SegmentStore store = config.storage() == HlsStorage.DISK
                ? new DiskSegmentStore(vertx, agentDirectory(name))
                : new MemorySegmentStore();
        a = new HlsAgent(name, vertx, context, streams, settings, store);
        if (abr.isVariant(name)) {
            a.segmenter().sequencesFromMediaTime(); // ABR renditions: the same number for the same segment
        }
        agents.put(name, a);
        a.start();
        LOG.info("HLS agent {} started: {}", name, playlistUrl(name));
        return a;
    }

    /** A per-agent directory whose name is derived from the stream name but can never leave the HLS directory. */
    private Path agentDirectory(String name) {
        Path base = Path.of(config.directory()).toAbsolutePath().normalize();
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.startsWith(".")) {
            safe = "_" + safe;
        }
        String hash = Integer.toHexString(java.util.Arrays.hashCode(name.getBytes(StandardCharsets.UTF_8)));
        Path dir = base.resolve(safe + "-" + hash).normalize();
        if (!dir.startsWith(base)) {
            throw new IllegalStateException("HLS directory escape for " + name);
        }
        return dir;
    }

    /** How long a blocking playlist/part request or a first playlist request may wait. */
    long blockingWaitMs() {
        return Math.max(6_000, 3L * config.segmentDurationSec() * 1000 + 2_000);
    }

    private void sweep() {
        long now = System.currentTimeMillis();
        long expiry = Math.max(6_000, 3L * config.segmentDurationSec() * 1000);
        for (HlsAgent a : List.copyOf(agents.values())) {
            a.expireSubscribers(now, expiry);
            if (config.idleTimeoutMs() > 0 && a.subscribers().isEmpty()
                    && now - a.lastRequestMs() >= config.idleTimeoutMs()) {
                LOG.info("HLS agent {}: no subscribers for {} ms, stopping", a.name(), now - a.lastRequestMs());
                stopAgent(a.name());
            }
        }
        abr.sweep(now, config.idleTimeoutMs());
    }

    boolean stopAgent(String name) {
        HlsAgent a = agents.remove(name);
        if (a == null) {
            return false;
        }
        a.close();
        return true;
    }

    String playlistUrl(String name) {
        return "http://" + publicHost + ":" + actualPort + "/" + urlPart(name) + "/" + urlPart(name) + ".m3u8";
    }

    static String urlPart(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- REST ----

    private void startup(Message<JsonObject> m, Body q) {
        String name = q.string("name");
        if (name == null || !HlsPath.validName(name)) {
            throw ControlError.badRequest("name must be a stream name (no slashes, not . or ..)");
        }
        String abrSource = HlsAbr.sourceOf(name);
        if (abrSource != null && streams.find(name).isEmpty()) {
            if (streams.find(abrSource).isEmpty()) {
                throw ControlError.notFound("Stream not found: " + abrSource);
            }
            abr.start(abrSource);
            m.reply(null);
            return;
        }
        if (streams.find(name).isEmpty()) {
            throw ControlError.notFound("Stream not found: " + name);
        }
        startAgent(name).markUsed();
        m.reply(null);
    }

    private void terminate(Message<JsonObject> m, Body q) {
        String name = q.string("name");
        String abrSource = HlsAbr.sourceOf(name);
        if (abrSource != null && abr.stop(abrSource)) {
            m.reply(null);
            return;
        }
        if (!stopAgent(name)) {
            throw ControlError.notFound("HLS agent not found: " + name);
        }
        m.reply(null);
    }

    private void findAll(Message<JsonObject> m, Body q) {
        List<JsonObject> all = new ArrayList<>();
        for (HlsAgent a : agents.values()) {
            all.add(HlsJson.agent(a, playlistUrl(a.name())));
        }
        Find.reply(m, Find.page(all, q), "HLS agents not found");
    }

    private void profiles(Message<JsonObject> m, Body q) {
        HlsAgent a = agent(q);
        String wanted = q.string("profileName");
        List<JsonObject> list = new ArrayList<>();
        for (JsonObject p : HlsJson.profiles(a, nodeId)) {
            if (wanted == null || wanted.equals(p.getString("name"))) {
                list.add(p);
            }
        }
        Find.reply(m, Find.page(list, q), wanted == null ? "No profiles yet for " + a.name() : "Profile not found: " + wanted);
    }

    private void subscribers(Message<JsonObject> m, Body q) {
        HlsAgent a = agent(q);
        List<JsonObject> list = new ArrayList<>();
        for (HlsSubscriber s : a.subscribers()) {
            list.add(s.toJson(a.name()));
        }
        m.reply(new JsonArray(new ArrayList<Object>(Find.page(list, q)))); // an empty list is an answer here, not a 404
    }

    /** The agent named by {@code hlsId}, or a 404. */
    private HlsAgent agent(Body q) {
        String id = q.string("hlsId");
        HlsAgent a = id == null ? null : agents.get(id);
        if (a == null) {
            throw ControlError.notFound("HLS agent not found: " + id);
        }
        return a;
    }
}
