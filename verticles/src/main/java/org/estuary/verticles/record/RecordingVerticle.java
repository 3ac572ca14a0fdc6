package org.estuary.verticles.record;

import org.estuary.verticles.agent.Control;
import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;
import org.estuary.verticles.agent.AgentLimit;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.estuary.core.config.RecordsConfig;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.record.RecordNameTemplate;
import org.estuary.core.record.Rotation;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.Body;

/**
 * Serves {@code /recorder/*}, {@code /stream/startRecording|stopRecording} and
 * {@code /multipleRecorder/*}. Recorders write on an owned executor; this verticle's event loop
 * only keeps the maps and answers.
 */
public final class RecordingVerticle extends VerticleBase {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RecordingVerticle.class);
    private Limits limits = Limits.none();

    /** The node's limits (limits.maxRecorders and the like); call before deployment. */
    public RecordingVerticle limits(Limits l) {
        this.limits = l;
        return this;
    }

    private static final String MULTI_SCHEME = "multi-recorder://";

    private final StreamRegistry streams;
    private final RecordsConfig config;
    private final Path dir;
    private final Map<String, StreamRecorder> recorders = new ConcurrentHashMap<>();
    private final Map<String, MultiRecorder> multi = new ConcurrentHashMap<>();
    private ExecutorService io;
    private ExecutorService hooks;
    private RecordHook hook;

    public RecordingVerticle(StreamRegistry streams, RecordsConfig config) {
        this.streams = streams;
        this.config = config;
        this.dir = Path.of(config.directory()).toAbsolutePath().normalize();
    }

    /** The absolute records directory (also served by {@link RecordsRoutes}). */
    public Path directory() { return dir; }

    @Override
    public Future<?> start() {
        io = Executors.newFixedThreadPool(2, named("estuary-record-"));
        hooks = Executors.newSingleThreadExecutor(named("estuary-record-hook-"));
        hook = new RecordHook(config.hook(), hooks, (name, file) -> vertx.eventBus().publish(Addresses.RECORDING_EVENTS,
                new JsonObject().put("event", "recordingFinished").put("name", name)
                        .put("fileName", file.getFileName().toString()).put("timestamp", System.currentTimeMillis())));
        return new Control(vertx, LOG)
                .on("/recorder/startup", (m, b) -> startRecording(m))
                .on("/stream/startRecording", (m, b) -> startRecording(m))
                .on("/recorder/terminate", (m, b) -> stopRecording(m))
                .on("/stream/stopRecording", (m, b) -> stopRecording(m))
                .on("/recorder/find_all", (m, b) -> findRecorders(m))
                .on("/multipleRecorder/startup", (m, b) -> multiStartup(m))
                .on("/multipleRecorder/add", (m, b) -> multiAdd(m))
                .on("/multipleRecorder/remove", (m, b) -> multiRemove(m))
                .on("/multipleRecorder/find_all", (m, b) -> multiFindAll(m))
                .on("/multipleRecorder/terminate", (m, b) -> multiTerminate(m))
                .ready();
    }

    /** Finishes every file (so a clean shutdown leaves progressive MP4s) and frees the threads. */
    @Override
    public Future<?> stop() {
        List<CompletableFuture<?>> all = new ArrayList<>();
        recorders.values().forEach(r -> all.add(r.stop()));
        multi.values().forEach(m -> all.add(m.terminate()));
        recorders.clear();
        multi.clear();
        return vertx.executeBlocking(() -> {
            try {
                CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // shutting down anyway
            }
            io.shutdown();
            hooks.shutdown();
            hooks.awaitTermination(5, TimeUnit.SECONDS);
            return null;
        });
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---- single stream ----

    private void startRecording(Message<JsonObject> m) {
        if (AgentLimit.refused(m, limits, Limit.RECORDERS, recorders.size() + multi.size())) {
            return;
        }
        JsonObject q = Body.of(m).json();
        String id = q.getString("mediaSessionId");
        Optional<Stream> s = streams.findByMediaSessionId(id).filter(x -> !x.isEnded());
        if (s.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "Stream not found: " + id);
            return;
        }
        JsonObject cfg = q.getJsonObject("config", new JsonObject());
        RecordNameTemplate template;
        Rotation rotation;
        try {
            Object ft = cfg.getValue("fileTemplate");
            Object rot = cfg.getValue("rotation");
            if (ft != null && !(ft instanceof String)) {
                throw new IllegalArgumentException("config.fileTemplate must be a string");
            }
            template = new RecordNameTemplate(ft == null ? config.fileTemplate() : (String) ft);
            rotation = Rotation.parse(rot == null ? null : rot.toString());
        } catch (IllegalArgumentException e) {
            m.fail(ApiStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        StreamRecorder old = recorders.remove(id);
        CompletableFuture<Void> previous = old == null ? CompletableFuture.completedFuture(null) : old.stop();
        Context ctx = vertx.getOrCreateContext();
        previous.whenComplete((v, e) -> ctx.runOnContext(x -> {
            StreamRecorder r = new StreamRecorder(s.get(), dir, template, rotation, hook, io,
                    ended -> ctx.runOnContext(y -> {
                        recorders.remove(id, ended);
                        refreshFlag(ended.stream());
                        failed(ended);
                    }));
            recorders.put(id, r);
            r.start();
            m.reply(null);
        }));
    }

    /** A recording that stopped on an error (disk full...) is told to the backend like a finished one. */
    private void failed(StreamRecorder r) {
        if (r.failure() != null) {
            vertx.eventBus().publish(Addresses.RECORDING_EVENTS, new JsonObject().put("event", "recordingFailed")
                    .put("name", r.stream().name()).put("mediaSessionId", r.stream().mediaSessionId())
                    .put("reason", r.failure()).put("timestamp", System.currentTimeMillis()));
        }
    }

    private void stopRecording(Message<JsonObject> m) {
        String id = Body.of(m).json().getString("mediaSessionId");
        StreamRecorder r = recorders.remove(id);
        if (r == null) {
            m.fail(ApiStatus.NOT_FOUND, "Recorder not found: " + id);
            return;
        }
        Context ctx = vertx.getOrCreateContext();
        r.stop().whenComplete((v, e) -> ctx.runOnContext(x -> {
            refreshFlag(r.stream());
            m.reply(null);
        }));
    }

    private void findRecorders(Message<JsonObject> m) {
        JsonArray out = new JsonArray();
        for (var e : recorders.entrySet()) {
            out.add(new JsonObject().put("fileName", e.getValue().fileName()).put("mediaSessionId", e.getKey()));
        }
        if (out.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "Recorders not found");
        } else {
            m.reply(out);
        }
    }

    /** A stream shows record=true while any recorder (single or multi) reads it. */
    private void refreshFlag(Stream s) {
        String id = s.mediaSessionId();
        boolean any = recorders.containsKey(id) || multi.values().stream().anyMatch(mr -> mr.contains(id));
        s.setRecording(any);
    }

    // ---- multiple streams ----

    private String multiUri(Message<JsonObject> m) {
        String uri = Body.of(m).json().getString("uri");
        if (uri == null || !uri.startsWith(MULTI_SCHEME) || uri.length() == MULTI_SCHEME.length()) {
            m.fail(ApiStatus.BAD_REQUEST, "uri must look like multi-recorder://<name>: " + uri);
            return null;
        }
        return uri;
    }

    private void multiStartup(Message<JsonObject> m) {
        if (AgentLimit.refused(m, limits, Limit.RECORDERS, recorders.size() + multi.size())) {
            return;
        }
        String uri = multiUri(m);
        if (uri == null) {
            return;
        }
        MultiRecorder r = new MultiRecorder(uri, dir, hook, io);
        if (multi.putIfAbsent(uri, r) != null) {
            m.fail(ApiStatus.CONFLICT, "Multiple recorder already exists: " + uri);
            return;
        }
        Context ctx = vertx.getOrCreateContext();
        r.open().whenComplete((v, e) -> ctx.runOnContext(x -> {
            if (e != null) {
                multi.remove(uri, r);
                m.fail(ApiStatus.INTERNAL, "Cannot create recording file: " + e.getMessage());
            } else {
                m.reply(null);
            }
        }));
    }

    private void multiAdd(Message<JsonObject> m) {
        String uri = multiUri(m);
        if (uri == null) {
            return;
        }
        MultiRecorder r = multi.get(uri);
        String id = Body.of(m).json().getString("mediaSessionId");
        Optional<Stream> s = streams.findByMediaSessionId(id).filter(x -> !x.isEnded());
        if (r == null) {
            m.fail(ApiStatus.NOT_FOUND, "Multiple recorder not found: " + uri);
        } else if (s.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "Stream not found: " + id);
        } else if (r.contains(id)) {
            m.fail(ApiStatus.CONFLICT, "Stream already recorded by " + uri + ": " + id);
        } else {
            r.add(s.get());
            s.get().setRecording(true);
            m.reply(null);
        }
    }

    private void multiRemove(Message<JsonObject> m) {
        String uri = multiUri(m);
        if (uri == null) {
            return;
        }
        MultiRecorder r = multi.get(uri);
        String id = Body.of(m).json().getString("mediaSessionId");
        if (r == null || !r.remove(id)) {
            m.fail(ApiStatus.NOT_FOUND, r == null ? "Multiple recorder not found: " + uri : "Stream not in " + uri + ": " + id);
            return;
        }
        streams.findByMediaSessionId(id).ifPresent(this::refreshFlag);
        m.reply(null);
    }

    private void multiFindAll(Message<JsonObject> m) {
        JsonArray out = new JsonArray();
        for (MultiRecorder r : multi.values()) {
            out.add(new JsonObject().put("mediaSessionsId", new JsonArray(r.mediaSessionIds()))
                    .put("uri", r.uri()).put("fileName", r.fileName()));
        }
        if (out.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "Multiple recorders not found");
        } else {
            m.reply(out);
        }
    }

    private void multiTerminate(Message<JsonObject> m) {
        String uri = multiUri(m);
        if (uri == null) {
            return;
        }
        MultiRecorder r = multi.remove(uri);
        if (r == null) {
            m.fail(ApiStatus.NOT_FOUND, "Multiple recorder not found: " + uri);
            return;
        }
        List<String> ids = r.mediaSessionIds();
        Context ctx = vertx.getOrCreateContext();
        r.terminate().whenComplete((p, e) -> ctx.runOnContext(x -> {
            ids.forEach(id -> streams.findByMediaSessionId(id).ifPresent(this::refreshFlag));
            if (e != null) {
                m.fail(ApiStatus.INTERNAL, "Cannot finish " + uri + ": " + e.getMessage());
            } else {
                m.reply(null);
            }
        }));
    }

}
