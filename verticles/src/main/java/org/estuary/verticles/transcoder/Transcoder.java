package org.estuary.verticles.transcoder;

import io.vertx.core.Context;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ExecutorService;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.MediaDescriptions;
import org.estuary.core.stream.FrameSink;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamFollower;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.pipeline.NodeStats;
import org.estuary.media.video.PlacedWatermark;
import org.estuary.verticles.agent.AgentThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running transcoder: reads {@code remoteStreamName}, publishes {@code localStreamName}.
 * Control (attach, re-attach, terminate) runs on the verticle's context; all media work — and so
 * every FFmpeg call — runs on one worker thread named {@code transcoder-<id>} that the reader's
 * onReadable wakes. That thread is also the output stream's single publisher thread.
 */
final class Transcoder {
    private static final Logger LOG = LoggerFactory.getLogger(Transcoder.class);

    enum Status { PROCESSED_LOCAL, FAILED, STOPPED }

    private final Context ctx;
    private final TranscodeSpec spec;
    private final Stream output;
    private final ExecutorService worker;
    private final StreamFollower follower;
    private final long createdAt = System.currentTimeMillis();
    private final Runnable onStopped;
    // worker-thread state
    private final SourceClock clock;
    private final boolean sharedClock;
    private final TranscoderVideo video;
    private final TranscoderAudio audio;
    private volatile MediaDescription outDescription;
    private boolean sawVideoConfig;

    private volatile Status status = Status.PROCESSED_LOCAL;
    private volatile String info = "";
    private volatile long sourceRestarts;
    private volatile long errors;

    /** @param timeline the output timeline shared with the source's other aligned transcoders, or null (its own) */
    Transcoder(Context ctx, StreamRegistry registry, TranscodeSpec spec, Stream output, PlacedWatermark watermark,
               int defaultAudioBitrate, SourceClock.Timeline timeline, Runnable onStopped) {
        this.ctx = ctx;
        this.sharedClock = timeline != null;
        this.clock = timeline == null ? new SourceClock() : new SourceClock(timeline);
        this.spec = spec;
        this.output = output;
        this.onStopped = onStopped;
        this.video = new TranscoderVideo(spec, watermark);
        this.audio = new TranscoderAudio(spec.audioCodec(), spec.audioRate(),
                spec.audioBitrate() > 0 ? spec.audioBitrate() : defaultAudioBitrate);
        this.outDescription = MediaDescription.EMPTY.withVideo(Codec.H264, spec.width(), spec.height(), spec.fps());
        this.worker = AgentThreads.worker(threadName(spec.uri()));
        this.follower = StreamFollower.of(registry, spec.remoteStreamName())
                .owner(AgentThreads.on(ctx))
                .reader(s -> ReaderInfo.internal(output.mediaSessionId() + "-in", "Transcoder"))
                .onPublished(this::onSource)
                .onUnpublished(this::onSourceEnded)
                .drainOn(worker, new Media())
                .build();
    }

    static String threadName(String uri) {
        return "transcoder-" + uri.substring(uri.indexOf("://") + 3);
    }

    String uri() { return spec.uri(); }
    TranscodeSpec spec() { return spec; }
    Status status() { return status; }
    String outputName() { return spec.localStreamName(); }

    // ---------------------------------------------------------------- control (context)

    void start() {
        output.onTerminate(() -> ctx.runOnContext(v -> terminate("Stopped by rest /terminate")));
        worker.execute(() -> output.describe(outDescription));
        follower.start();
    }

    private void onSource(StreamReader r) {
        info = "";
        LOG.info("Transcoder {}: {} ({}) -> {}", spec.uri(), spec.remoteStreamName(), r.stream().mediaSessionId(),
                spec.localStreamName());
    }

    private void onSourceEnded(Stream s, String reason) {
        sourceRestarts++;
        info = spec.remoteStreamName() + " unpublished (" + reason + "); waiting for it to be published again";
        LOG.info("Transcoder {}: {}", spec.uri(), info);
    }

    /** Live watermark change (null removes it); applied from the next picture on. */
    void setWatermark(PlacedWatermark w) {
        video.setWatermark(w);
    }

    /** Context: stops reading, ends the output stream; the worker frees the codecs and ends. */
    void terminate(String reason) {
        if (status == Status.STOPPED) {
            return;
        }
        status = Status.STOPPED;
        info = reason;
        follower.stop();
        output.end(reason);
        AgentThreads.finish(worker, () -> {
            video.close();
            audio.close();
        });
        onStopped.run();
        LOG.info("Transcoder {} stopped: {}", spec.uri(), reason);
    }

    // ---------------------------------------------------------------- media (worker)

    /** The worker's side of the follower: source frames in, transcoded frames published. */
    private final class Media implements FrameSink {
        @Override
        public void sourceChanged(Stream source) {
            if (sharedClock) {
                clock.rebase(source.mediaSessionId()); // the same offset as the other renditions of this publish
            } else {
                clock.rebase();
            }
        }

        @Override
        public boolean wants() {
            return status != Status.STOPPED;
        }

        @Override
        public void frame(Frame f, Stream source) {
            try {
                process(f, source);
            } catch (RuntimeException e) {
                errors++;
                if (errors <= 5 || errors % 100 == 0) {
                    LOG.warn("Transcoder {}: media error on {} ({} so far)", spec.uri(), f, errors, e);
                }
                if (f.isVideo() && !sawVideoConfig && errors > 50 && status != Status.FAILED) {
                    fail("cannot decode or encode the source video: " + e.getMessage());
                }
            }
        }
    }

    private void process(Frame f, Stream source) {
        Frame onClock = clock.map(f);
        if (f.isVideo()) {
            video.push(f, onClock, source, this::publish);
        } else if (f.isAudio()) {
            for (Frame out : audio.apply(onClock, source.description())) {
                publish(out);
            }
        }
        // data frames (onMetaData of the source) describe the source, not the output: dropped
    }

    private void publish(Frame f) {
        if (f.isConfig()) {
            if (f.isVideo()) {
                sawVideoConfig = true;
            }
            outDescription = MediaDescriptions.apply(outDescription, f).withFps(spec.fps());
            outDescription = audio.describe(outDescription);
            output.describe(outDescription);
        } else if (f.isAudio() && outDescription.audioCodec() == null) {
            outDescription = audio.describe(outDescription.withAudio(f.codec(), 0, 0));
            output.describe(outDescription);
        }
        output.publish(f);
    }

    private void fail(String why) {
        status = Status.FAILED;
        info = why;
        LOG.warn("Transcoder {} FAILED: {}", spec.uri(), why);
    }

    // ---------------------------------------------------------------- REST

    JsonObject toJson() {
        long in = 0;
        long out = 0;
        long dropped = 0;
        JsonArray nodes = new JsonArray();
        for (NodeStats n : video.stats()) {
            nodes.add(new JsonObject().put("name", n.name()).put("framesIn", n.framesIn())
                    .put("framesOut", n.framesOut()).put("dropped", n.dropped()));
            dropped += n.dropped();
            if (n.name().equals("decode")) {
                in = n.framesIn();
            }
            if (n.name().equals("encode")) {
                out = n.framesOut();
            }
        }
        // the request's encoder object with the values in force (numbers, resolved size and bitrate)
        JsonObject encoder = spec.encoder().copy()
                .put("fps", spec.fps()).put("keyFrameInterval", spec.keyFrameInterval());
        if (video.outWidth() > 0) {
            encoder.put("width", video.outWidth()).put("height", video.outHeight())
                    .put("bitrate", video.bitrateKbps(video.outWidth(), video.outHeight()));
        }
        if (spec.v2()) {
            encoder.put("videoCodec", "H264").put("videoRate", 90000);
        }
        if (video.encoderName() != null) {
            encoder.put("encoderName", video.encoderName());
        }
        PlacedWatermark w = video.watermark();
        return new JsonObject()
                .put("uri", spec.uri())
                .put("remoteStreamName", spec.remoteStreamName())
                .put("localStreamName", spec.localStreamName())
                .put("localMediaSessionId", output.mediaSessionId())
                .put("status", status.name())
                .put("info", info)
                .put("hasVideo", true)
                .put("hasAudio", outDescription.hasAudio())
                .put("record", output.isRecording())
                .put("encoder", encoder)
                .put("watermark", w != null)
                .put("createDate", createdAt)
                .put("stats", new JsonObject()
                        .put("framesIn", in)
                        .put("framesOut", out)
                        .put("dropped", dropped)
                        .put("audioFramesIn", audio.framesIn())
                        .put("audioFramesOut", audio.framesOut())
                        .put("errors", errors)
                        .put("sharedDecodes", video.sharedDecodes())
                        .put("sourceRestarts", sourceRestarts)
                        .put("nodes", nodes));
    }
}
