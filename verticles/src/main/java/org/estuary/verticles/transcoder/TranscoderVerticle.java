package org.estuary.verticles.transcoder;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.estuary.core.control.Addresses;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.audio.MediaException;
import org.estuary.media.video.PlacedWatermark;
import org.estuary.media.video.Watermark;
import org.estuary.media.video.WatermarkPlacement;
import org.estuary.verticles.agent.MediaFiles;

/**
 * Serves {@code /transcoder/*} and {@code /transcoder2/*}. Checks that touch FFmpeg (which
 * encoders the build has) or files (watermark PNGs) run on worker threads; the transcoder map is
 * only touched on this verticle's context.
 */
public final class TranscoderVerticle extends VerticleBase {
    private final StreamRegistry streams;
    private final MediaFiles files;
    private final Map<String, Transcoder> transcoders = new LinkedHashMap<>();

    public TranscoderVerticle(StreamRegistry streams, Path mediaDirectory) {
        this.streams = streams;
        this.files = new MediaFiles(mediaDirectory);
    }

    @Override
    public Future<?> start() {
        List<Future<Void>> regs = new ArrayList<>();
        for (boolean v2 : new boolean[] {false, true}) {
            String g = v2 ? "/transcoder2" : "/transcoder";
            on(regs, g + "/startup", (m, b) -> startup(m, b, v2));
            on(regs, g + "/find", (m, b) -> find(m, b, v2, true));
            on(regs, g + "/find_all", (m, b) -> find(m, b, v2, false));
            on(regs, g + "/terminate", (m, b) -> terminate(m, b, v2, g));
            on(regs, g + "/set_watermark", (m, b) -> setWatermark(m, b, v2));
        }
        return Future.all(regs);
    }

    @Override
    public Future<?> stop() {
        for (Transcoder t : List.copyOf(transcoders.values())) {
            t.terminate("Server shutdown");
        }
        transcoders.clear();
        return Future.succeededFuture();
    }

    private void on(List<Future<Void>> regs, String path, BiConsumer<Message<JsonObject>, JsonObject> h) {
        regs.add(vertx.eventBus().<JsonObject>consumer(Addresses.api(path),
                m -> h.accept(m, m.body() == null ? new JsonObject() : m.body())).completion());
    }

    // ---------------------------------------------------------------- startup

    private void startup(Message<JsonObject> m, JsonObject b, boolean v2) {
        // parsing asks FFmpeg which encoders exist, and the watermark is read from disk: a worker
        vertx.executeBlocking(() -> {
            TranscodeSpec spec;
            try {
                spec = TranscodeRequests.parse(b, v2);
            } catch (BadRequest e) {
                throw new Failure(ApiStatus.BAD_REQUEST, e.getMessage());
            }
            PlacedWatermark w = spec.watermark() == null ? null
                    : new PlacedWatermark(loadWatermark(spec.watermark()), WatermarkPlacement.TOP_LEFT);
            return new Prepared(spec, w);
        }).onSuccess(p -> start(m, p.spec(), p.watermark())).onFailure(e -> fail(m, e));
    }

    private record Prepared(TranscodeSpec spec, PlacedWatermark watermark) { }

    private void start(Message<JsonObject> m, TranscodeSpec spec, PlacedWatermark watermark) {
        Optional<Stream> source = streams.find(spec.remoteStreamName());
        if (source.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "Stream not found: " + spec.remoteStreamName());
            return;
        }
        if (transcoders.containsKey(spec.uri())) {
            m.fail(ApiStatus.CONFLICT, "Transcoder " + spec.uri() + " already exists");
            return;
        }
        if (spec.localStreamName().equals(spec.remoteStreamName())) {
            m.fail(ApiStatus.CONFLICT, "localStreamName must differ from remoteStreamName");
            return;
        }
        if (!source.get().description().hasVideo() && source.get().videoFrames() == 0
                && source.get().description().hasAudio()) {
            m.fail(ApiStatus.BAD_REQUEST, "Stream " + spec.remoteStreamName() + " has no video to transcode");
            return;
        }
        Stream output;
        try {
            // never take a name over, even from an idle publisher: a name in use is a 409
            output = streams.publish(spec.localStreamName(),
                    new PublisherInfo("", "", "Transcoder", Map.of()), Long.MAX_VALUE);
        } catch (NameInUseException e) {
            m.fail(ApiStatus.CONFLICT, "Stream name is already in use: " + spec.localStreamName());
            return;
        }
        Transcoder t = new Transcoder(context, streams, spec, output, watermark, () -> transcoders.remove(spec.uri()));
        transcoders.put(spec.uri(), t);
        t.start(source.get());
        m.reply(t.toJson());
    }

    private Watermark loadWatermark(String name) {
        Path p;
        try {
            p = files.resolve(name);
        } catch (MediaFiles.BadNameException e) {
            throw new Failure(ApiStatus.BAD_REQUEST, "watermark: " + e.getMessage());
        }
        if (!Files.isRegularFile(p)) {
            throw new Failure(ApiStatus.BAD_REQUEST, "watermark file not found in the media directory: " + name);
        }
        try {
            if (Files.size(p) > 16L * 1024 * 1024) {
                throw new Failure(ApiStatus.BAD_REQUEST, "watermark file is larger than 16 MiB: " + name);
            }
            return Watermark.fromPng(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new Failure(ApiStatus.BAD_REQUEST, "cannot read watermark " + name + ": " + e.getMessage());
        } catch (MediaException e) {
            throw new Failure(ApiStatus.BAD_REQUEST, "watermark " + name + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- find / terminate / watermark

    private List<Transcoder> matching(JsonObject b, boolean v2, boolean filtered) {
        List<Transcoder> out = new ArrayList<>();
        for (Transcoder t : transcoders.values()) {
            if (t.spec().v2() != v2) {
                continue;
            }
            if (!filtered || (eq(b, "uri", t.uri()) && eq(b, "remoteStreamName", t.spec().remoteStreamName())
                    && eq(b, "localStreamName", t.outputName()) && eq(b, "status", t.status().name()))) {
                out.add(t);
            }
        }
        return out;
    }

    private static boolean eq(JsonObject b, String key, String value) {
        String want = b.getString(key);
        return want == null || want.equals(value);
    }

    private void find(Message<JsonObject> m, JsonObject b, boolean v2, boolean filtered) {
        JsonArray out = new JsonArray();
        for (Transcoder t : matching(b, v2, filtered)) {
            out.add(t.toJson());
        }
        if (out.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "Transcoder not found");
        } else {
            m.reply(out);
        }
    }

    private void terminate(Message<JsonObject> m, JsonObject b, boolean v2, String group) {
        if (b.getString("uri") == null && b.getString("remoteStreamName") == null
                && b.getString("localStreamName") == null && b.getString("status") == null) {
            m.fail(ApiStatus.BAD_REQUEST, "Give uri, remoteStreamName, localStreamName or status");
            return;
        }
        List<Transcoder> found = matching(b, v2, true);
        if (found.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "Transcoder not found");
            return;
        }
        for (Transcoder t : found) {
            t.terminate("Stopped by rest " + group + "/terminate");
        }
        m.reply(null);
    }

    private void setWatermark(Message<JsonObject> m, JsonObject b, boolean v2) {
        String uri = b.getString("uri");
        Transcoder t = transcoders.get(uri);
        if (t == null || t.spec().v2() != v2) {
            m.fail(ApiStatus.NOT_FOUND, "Transcoder not found: " + uri);
            return;
        }
        WatermarkPlacement placement = new WatermarkPlacement(b.getInteger("x", 0), b.getInteger("y", 0),
                b.getInteger("marginTop", 0), b.getInteger("marginLeft", 0),
                b.getInteger("marginBottom", 0), b.getInteger("marginRight", 0));
        String problem = placement.problem();
        if (problem != null) {
            m.fail(ApiStatus.BAD_REQUEST, problem);
            return;
        }
        String name = b.getString("watermark");
        if (name == null || name.isBlank()) {
            t.setWatermark(null);   // no file: the watermark is removed
            m.reply(null);
            return;
        }
        vertx.executeBlocking(() -> loadWatermark(name)).onSuccess(w -> {
            if (t.status() != Transcoder.Status.STOPPED) {
                t.setWatermark(new PlacedWatermark(w, placement));
            }
            m.reply(null);
        }).onFailure(e -> fail(m, e));
    }

    private static void fail(Message<JsonObject> m, Throwable e) {
        if (e instanceof Failure f) {
            m.fail(f.status, f.getMessage());
        } else {
            m.fail(ApiStatus.INTERNAL, String.valueOf(e.getMessage()));
        }
    }

    /** A request problem found on a worker thread, carried back as its HTTP status. */
    private static final class Failure extends RuntimeException {
        final int status;

        Failure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
