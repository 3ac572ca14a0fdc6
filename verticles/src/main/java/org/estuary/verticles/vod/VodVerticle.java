package org.estuary.verticles.vod;

import org.estuary.verticles.agent.Control;
import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;
import org.estuary.verticles.agent.AgentLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.estuary.core.config.VodConfig;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.mp4.Mp4FormatException;
import org.estuary.core.mp4.Mp4Reader;
import org.estuary.core.mp4.Mp4TrackIndex;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.MediaFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /vod/*}: MP4 files from the media directory ({@code vod-live://file.mp4}) or from S3
 * ({@code vod-live://s3/<bucket>/<key>}, ranged reads) published as live streams, paced in real
 * time, optionally looping. Local files share one pacer thread; an S3 session gets a pacer thread
 * of its own, since its reads are network round trips that must not hold up other streams.
 */
public final class VodVerticle extends VerticleBase {
    private Limits limits = Limits.none();

    /** The node's limits (limits.maxVodAgents and the like); call before deployment. */
    public VodVerticle limits(Limits l) {
        this.limits = l;
        return this;
    }

    private static final Logger LOG = LoggerFactory.getLogger(VodVerticle.class);

    private final StreamRegistry streams;
    private final MediaFiles files;
    private final VodConfig config;
    private final Map<String, VodSession> sessions = new LinkedHashMap<>();
    private ScheduledExecutorService pacer;
    /** Built on the first S3 request (worker thread), closed at stop. */
    private volatile software.amazon.awssdk.services.s3.S3Client s3;

    public VodVerticle(StreamRegistry streams, Path mediaDir, VodConfig config) {
        this.streams = streams;
        this.config = config;
        this.files = new MediaFiles(mediaDir);
    }

    @Override
    public Future<?> start() {
        // One pacer thread publishes every VOD stream: reading a sample and handing it to the hub
        // is short, and a single owner keeps each stream's publisher single-threaded.
        pacer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "estuary-vod-pacer");
            t.setDaemon(true);
            return t;
        });
        return new Control(vertx, LOG)
                .on("/vod/startup", (m, b) -> startup(m))
                .on("/vod/find", (m, b) -> find(m, true))
                .on("/vod/find_all", (m, b) -> find(m, false))
                .on("/vod/terminate", (m, b) -> terminate(m))
                .ready();
    }

    @Override
    public Future<?> stop() {
        for (VodSession s : new ArrayList<>(sessions.values())) {
            s.stop("Server shutdown", () -> { });
        }
        pacer.shutdown();
        if (s3 != null) {
            s3.close();
        }
        return Future.succeededFuture();
    }

    private void startup(Message<JsonObject> m) {
        if (AgentLimit.refused(m, limits, Limit.VOD_AGENTS, sessions.size())) {
            return;
        }
        JsonObject q = Body.of(m).json();
        String uri = q.getString("uri", "").trim();
        String fileName;
        if (uri.startsWith("vod-live://")) {
            fileName = uri.substring("vod-live://".length());
        } else if (uri.startsWith("vod://")) {
            fileName = uri.substring("vod://".length());
        } else {
            m.fail(ApiStatus.BAD_REQUEST, "uri must look like vod-live://file.mp4 or vod-live://s3/<bucket>/<key>, got \"" + uri + "\"");
            return;
        }
        String name = q.getString("localStreamName", uri).trim();
        if (name.isEmpty()) {
            m.fail(ApiStatus.BAD_REQUEST, "localStreamName is empty");
            return;
        }
        boolean loop = Boolean.parseBoolean(String.valueOf(q.getValue("loop", false)));
        java.util.concurrent.Callable<VodSource> opener;
        String shown;
        if (S3Location.isS3(fileName)) {
            S3Location where;
            try {
                where = S3Location.parse(fileName);
            } catch (IllegalArgumentException e) {
                m.fail(ApiStatus.BAD_REQUEST, e.getMessage());
                return;
            }
            opener = () -> new S3VodSource(s3(), where, config.s3ReadBlockBytes());
            shown = where.toString();
        } else {
            Path path;
            try {
                path = files.resolve(fileName);
            } catch (MediaFiles.BadNameException e) {
                m.fail(ApiStatus.BAD_REQUEST, e.getMessage());
                return;
            }
            opener = () -> {
                if (!Files.isRegularFile(path)) {
                    throw new java.nio.file.NoSuchFileException(path.toString());
                }
                return new FileVodSource(path);
            };
            shown = path.toString();
        }
        if (sessions.containsKey(name) || streams.find(name).isPresent()) {
            m.fail(ApiStatus.CONFLICT, "Stream name is already in use: " + name);
            return;
        }
        vertx.executeBlocking(() -> open(opener)).onComplete(ar -> {
            if (ar.failed()) {
                Throwable e = ar.cause();
                if (e instanceof java.nio.file.NoSuchFileException) {
                    m.fail(ApiStatus.NOT_FOUND, "File not found: " + fileName);
                } else if (e instanceof Mp4FormatException) {
                    m.fail(ApiStatus.BAD_REQUEST, "File has wrong format: " + e.getMessage());
                } else {
                    m.fail(ApiStatus.INTERNAL, "Cannot read " + fileName + ": " + e.getMessage());
                }
                return;
            }
            Opened o = ar.result();
            Stream stream;
            try {
                stream = streams.publish(name, new PublisherInfo("", "", "VOD", Map.of()), 0);
            } catch (NameInUseException e) {
                o.source().close();
                m.fail(ApiStatus.CONFLICT, e.getMessage());
                return;
            }
            var ctx = vertx.getOrCreateContext();
            boolean ownPacer = o.source() instanceof S3VodSource;
            ScheduledExecutorService runner = ownPacer ? Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "estuary-vod-s3-" + name.replaceAll("[^A-Za-z0-9._-]", "_"));
                t.setDaemon(true);
                return t;
            }) : pacer;
            VodSession s = new VodSession(uri, name, stream, o.source(), o.tracks(), loop, runner, config.leadMs(),
                    ended -> {
                        if (ownPacer) {
                            runner.shutdown(); // runs on that thread: it ends once this task returns
                        }
                        ctx.runOnContext(v -> sessions.remove(ended.name(), ended));
                    });
            stream.onTerminate(() -> s.stop("Stopped by rest /terminate", () -> { }));
            sessions.put(name, s);
            s.start();
            LOG.info("VOD {} publishing {} ({} track(s), loop={})", name, shown, o.tracks().size(), loop);
            m.reply(s.toJson());
        });
    }

    private record Opened(VodSource source, List<Mp4TrackIndex> tracks) { }

    /** Worker thread; executeBlocking is ordered per context, so opens never race to build it. */
    private software.amazon.awssdk.services.s3.S3Client s3() {
        if (s3 == null) {
            s3 = S3Clients.build(config);
        }
        return s3;
    }

    /** Worker thread: opens the source and reads its MP4 index. */
    private static Opened open(java.util.concurrent.Callable<VodSource> opener) throws Exception {
        VodSource src = opener.call();
        try {
            return new Opened(src, Mp4Reader.read(src));
        } catch (Exception e) {
            src.close();
            throw e;
        }
    }

    private void find(Message<JsonObject> m, boolean filtered) {
        JsonObject q = Body.of(m).json();
        JsonArray out = new JsonArray();
        sessions.values().stream().filter(s -> !filtered || matches(q, s)).forEach(s -> out.add(s.toJson()));
        if (out.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "VOD not found");
        } else {
            m.reply(out);
        }
    }

    private void terminate(Message<JsonObject> m) {
        JsonObject q = Body.of(m).json();
        if (q.isEmpty()) {
            m.fail(ApiStatus.BAD_REQUEST, "Give uri, localStreamName, status or localMediaSessionId");
            return;
        }
        List<VodSession> hit = sessions.values().stream().filter(s -> matches(q, s)).toList();
        if (hit.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "VOD not found");
            return;
        }
        var ctx = vertx.getOrCreateContext();
        int[] left = {hit.size()};
        hit.forEach(s -> {
            sessions.remove(s.name(), s);
            // Answer once the streams really ended, so a find right after sees them gone.
            s.stop("Stopped by rest /terminate", () -> ctx.runOnContext(v -> {
                if (--left[0] == 0) {
                    m.reply(null);
                }
            }));
        });
    }

    private static boolean matches(JsonObject q, VodSession s) {
        return eq(q, "uri", s.uri()) && eq(q, "localStreamName", s.name()) && eq(q, "status", s.status().name())
                && eq(q, "localMediaSessionId", s.stream().mediaSessionId());
    }

    private static boolean eq(JsonObject q, String key, String value) {
        Object want = q.getValue(key);
        return want == null || String.valueOf(want).equals(value);
    }
}
