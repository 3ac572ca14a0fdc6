package org.estuary.verticles.transcoder;

import org.estuary.core.limits.Limit;
import org.estuary.core.limits.Limits;
import org.estuary.verticles.agent.AgentLimit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.estuary.core.config.TranscoderConfig;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.stream.NameInUseException;
import org.estuary.core.stream.PublisherInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.audio.MediaException;
import org.estuary.media.video.PlacedWatermark;
import org.estuary.media.video.Watermark;
import org.estuary.media.video.WatermarkPlacement;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.Control;
import org.estuary.verticles.agent.ControlError;
import org.estuary.verticles.agent.Find;
import org.estuary.verticles.agent.MediaFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /transcoder/*} and {@code /transcoder2/*}. Checks that touch FFmpeg (which
 * encoders the build has) or files (watermark PNGs) run on worker threads; the transcoder map is
 * only touched on this verticle's context.
 */
public final class TranscoderVerticle extends VerticleBase {
    private Limits limits = Limits.none();

    /** The node's limits (limits.maxTranscoders and the like); call before deployment. */
    public TranscoderVerticle limits(Limits l) {
        this.limits = l;
        return this;
    }

    private static final Logger LOG = LoggerFactory.getLogger(TranscoderVerticle.class);
    private final StreamRegistry streams;
    private final MediaFiles files;
    private final TranscoderConfig config;
    private final Map<String, Transcoder> transcoders = new LinkedHashMap<>();
    /** Output timelines of aligned transcoders ({@code keyFrameAlignMs}), by source and period, with their users. */
    private final Map<String, SharedTimeline> timelines = new LinkedHashMap<>();

    private static final class SharedTimeline {
        final SourceClock.Timeline timeline = new SourceClock.Timeline();
        int users;
    }

    public TranscoderVerticle(StreamRegistry streams, Path mediaDirectory, TranscoderConfig config) {
        this.config = config;
        this.streams = streams;
        this.files = new MediaFiles(mediaDirectory);
    }

    @Override
    public Future<?> start() {
        Control api = new Control(vertx, LOG);
        for (boolean v2 : new boolean[] {false, true}) {
            String g = v2 ? "/transcoder2" : "/transcoder";
            api.on(g + "/startup", (m, b) -> startup(m, b, v2));
            api.on(g + "/find", (m, b) -> find(m, b, v2, true));
            api.on(g + "/find_all", (m, b) -> find(m, b, v2, false));
            api.on(g + "/terminate", (m, b) -> terminate(m, b, v2, g));
            api.on(g + "/set_watermark", (m, b) -> setWatermark(m, b, v2));
        }
        return api.ready();
    }

    @Override
    public Future<?> stop() {
        for (Transcoder t : List.copyOf(transcoders.values())) {
            t.terminate("Server shutdown");
        }
        transcoders.clear();
        return Future.succeededFuture();
    }

    // ---------------------------------------------------------------- startup

    private void startup(Message<JsonObject> m, Body b, boolean v2) {
        AgentLimit.check(limits, Limit.TRANSCODERS, transcoders.size());
        // parsing asks FFmpeg which encoders exist, and the watermark is read from disk: a worker
        vertx.executeBlocking(() -> {
            TranscodeSpec spec = TranscodeRequests.parse(b.json(), v2, config);
            PlacedWatermark w = spec.watermark() == null ? null
                    : new PlacedWatermark(loadWatermark(spec.watermark()), WatermarkPlacement.TOP_LEFT);
            return new Prepared(spec, w);
        }).onSuccess(p -> start(m, p.spec(), p.watermark())).onFailure(e -> ControlError.reply(m, e));
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
        String timelineKey = spec.keyFrameAlignMs() > 0 ? spec.remoteStreamName() + "|" + spec.keyFrameAlignMs() : null;
        SharedTimeline shared = timelineKey == null ? null : timelines.computeIfAbsent(timelineKey, k -> new SharedTimeline());
        if (shared != null) {
            shared.users++;
        }
        Transcoder t = new Transcoder(context, streams, spec, output, watermark, config.audioBitrate(),
                shared == null ? null : shared.timeline, () -> {
                    transcoders.remove(spec.uri());
                    if (shared != null && --shared.users == 0) {
                        timelines.remove(timelineKey, shared);
                    }
                });
        transcoders.put(spec.uri(), t);
        t.start();
        m.reply(t.toJson());
    }

    private Watermark loadWatermark(String name) {
        Path p;
        try {
            p = files.resolve(name);
        } catch (MediaFiles.BadNameException e) {
            throw ControlError.badRequest("watermark: " + e.getMessage());
        }
        if (!Files.isRegularFile(p)) {
            throw ControlError.badRequest("watermark file not found in the media directory: " + name);
        }
        try {
            if (Files.size(p) > config.maxWatermarkBytes()) {
                throw ControlError.badRequest("watermark file is larger than " + config.maxWatermarkBytes() + " bytes: " + name);
            }
            return Watermark.fromPng(Files.readAllBytes(p));
        } catch (IOException e) {
            throw ControlError.badRequest("cannot read watermark " + name + ": " + e.getMessage());
        } catch (MediaException e) {
            throw ControlError.badRequest("watermark " + name + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- find / terminate / watermark

    private List<Transcoder> matching(Body q, boolean v2, boolean filtered) {
        List<Transcoder> out = new ArrayList<>();
        for (Transcoder t : transcoders.values()) {
            if (t.spec().v2() != v2) {
                continue;
            }
            if (!filtered || (Find.eq(q, "uri", t.uri()) && Find.eq(q, "remoteStreamName", t.spec().remoteStreamName())
                    && Find.eq(q, "localStreamName", t.outputName()) && Find.eq(q, "status", t.status().name()))) {
                out.add(t);
            }
        }
        return out;
    }

    private void find(Message<JsonObject> m, Body q, boolean v2, boolean filtered) {
        Find.reply(m, matching(q, v2, filtered).stream().map(Transcoder::toJson).toList(), "Transcoder not found");
    }

    private void terminate(Message<JsonObject> m, Body b, boolean v2, String group) {
        if (!b.has("uri") && !b.has("remoteStreamName") && !b.has("localStreamName") && !b.has("status")) {
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

    private void setWatermark(Message<JsonObject> m, Body body, boolean v2) {
        JsonObject b = body.json();
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
        }).onFailure(e -> ControlError.reply(m, e));
    }
}
