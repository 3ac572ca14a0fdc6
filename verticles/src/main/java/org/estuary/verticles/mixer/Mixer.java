package org.estuary.verticles.mixer;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.estuary.core.config.MixerConfig;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.pipeline.NodeStats;
import org.estuary.media.pipeline.Pipeline;
import org.estuary.media.video.PlacedWatermark;
import org.estuary.media.video.VideoEncoder;
import org.estuary.media.video.VideoEncoderSettings;
import org.estuary.media.video.VideoStages;
import org.estuary.verticles.agent.ControlError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mixer: inputs in, one hub stream out. Its media graph is declared once, as in
 * jitsi-videobridge's packet pipeline, with stages on {@code media.pipeline}:
 * <pre>
 *   clock ──> decode ─┬─ video tick ──> composite ──> encodeVideo (H.264) ──┬─> output stream
 *                     └─ audio tick ──> mix ──────> encodeAudio (AAC) ───┘
 * </pre>
 * A single worker thread owns every native object and runs the {@link MixerClock}: it sleeps
 * until the next video or audio tick or until an input has frames, pushes the inputs through
 * {@code decode} (a few decode threads when several inputs are busy), and on each tick pushes
 * one picture through the video branch (steady fps) or one 1024-sample frame through the audio
 * branch (continuous audio), so a stalled or departed input never stalls the output. A settings
 * change builds a new video branch (flushing the old encoder). Control calls from the verticle
 * only touch volatile fields or queue commands for the worker; the REST view is {@link MixerJson}.
 */
final class Mixer {
    private static final Logger LOG = LoggerFactory.getLogger(Mixer.class);
    static final int AUDIO_RATE = 48_000;
    static final int AUDIO_CHANNELS = 2;

    final String uri;
    final String localStreamName;
    final boolean hasVideo;
    final boolean hasAudio;
    final boolean automatic;
    private final StreamRegistry registry;
    private final Stream output;
    private final MixerBackground background;
    private final String watermarkName;
    private final int audioBitrate;
    private final long idleNanos;
    private final List<MixerInput> inputs = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Thread worker;
    private volatile MixerSettings settings;
    private volatile PlacedWatermark bodyWatermark;
    private volatile boolean running = true;
    private volatile MixerStatus status = MixerStatus.PROCESSED_LOCAL;
    private volatile Consumer<Mixer> onEnded = m -> { };
    // statistics, written by the worker, read by find_all
    private volatile long videoFramesOut;
    private volatile long audioFramesOut;
    private volatile long parkedNanos;
    private volatile long startedAtNanos = System.nanoTime();

    // ---- worker thread state (the graph) ----
    private final MixerClock clock;
    private final InputDecoding decoding;
    private final Pipeline<List<MixerInput>, MixerInput> decode;
    private volatile Pipeline<Integer, Frame> audio;
    private volatile Pipeline<CompositeStage.Tick, Frame> video;
    private final CompositeStage.Look look;
    private MixerSettings active;
    private long lastBusyNanos;

    Mixer(String uri, String localStreamName, boolean hasVideo, boolean hasAudio, boolean automatic,
          StreamRegistry registry, Stream output, MixerSettings settings, MixerBackground background,
          PlacedWatermark watermark, String watermarkName, MixerConfig config) {
        this.uri = uri;
        this.localStreamName = localStreamName;
        this.hasVideo = hasVideo;
        this.hasAudio = hasAudio;
        this.automatic = automatic;
        this.registry = registry;
        this.output = output;
        this.settings = settings;
        this.background = background;
        this.bodyWatermark = watermark;
        this.watermarkName = watermarkName;
        this.audioBitrate = config.audioBitrate();
        this.idleNanos = config.idleTimeoutMs() * 1_000_000L;
        this.decoding = new InputDecoding(localStreamName,
                Math.min(config.decodeThreads(), Runtime.getRuntime().availableProcessors()));
        this.decode = Pipeline.<List<MixerInput>>builder().then("decode", decoding).build();
        this.clock = new MixerClock(hasVideo, hasAudio, AUDIO_RATE);
        this.look = new CompositeStage.Look(uri, inputs, () -> active, () -> bodyWatermark, config.desktopKeyword(),
                config.holdLastFrameMs() * 1_000_000L, config.labelFontSize());
        this.worker = new Thread(this::run, "mixer-" + localStreamName);
        this.worker.setDaemon(true);
        output.onTerminate(() -> terminate("Stopped by rest /stream/terminate"));
    }

    void start(Consumer<Mixer> whenEnded) {
        this.onEnded = whenEnded;
        worker.start();
    }

    // ---- control (verticle thread) ----

    String mediaSessionId() { return output.mediaSessionId(); }
    MixerSettings settings() { return settings; }
    List<MixerInput> inputs() { return List.copyOf(inputs); }
    boolean isRunning() { return running; }

    MixerInput find(String streamName) {
        for (MixerInput in : inputs) {
            if (in.streamName.equals(streamName)) {
                return in;
            }
        }
        return null;
    }

    MixerInput findBySession(String mediaSessionId) {
        for (MixerInput in : inputs) {
            if (in.matchesSession(mediaSessionId)) {
                return in;
            }
        }
        return null;
    }

    /** Adds an input and starts reading it (now, or when its name is published). */
    void add(MixerInput in) {
        synchronized (inputs) {
            if (!running) {
                throw new ControlError(org.estuary.core.control.ApiStatus.NOT_FOUND, "Mixer is stopping: " + uri);
            }
            inputs.add(in);
        }
        in.follow(registry, worker(), this::wake);
        wake();
    }

    void remove(MixerInput in) {
        if (inputs.remove(in)) {
            in.retire();
            commands.add(in::closeNatives);
            wake();
        }
    }

    void setSettings(MixerSettings s) {
        settings = s;
        wake();
    }

    void setBodyWatermark(PlacedWatermark w) {
        bodyWatermark = w;
    }

    /** Stops the mixer; the worker frees everything and ends the output stream. Idempotent. */
    void terminate(String reason) {
        if (running) {
            LOG.info("Mixer {} stopping: {}", uri, reason);
            status = status == MixerStatus.FAILED ? status : MixerStatus.TERMINATED;
            running = false;
            // The output name is free once terminate has answered: a client that starts the mixer
            // again at once must not find it taken while the worker is still closing the codecs
            // (AgentChurnTest). The worker's own end() below is then a no-op.
            output.end("Mixer " + uri + " stopped");
            wake();
        }
    }

    /** Waits (bounded) for the worker to finish; only for shutdown paths off the event loop. */
    void join(long millis) throws InterruptedException {
        worker.join(millis);
    }

    private void wake() {
        LockSupport.unpark(worker);
    }

    /** Runs lifecycle steps (an input's source came or went) on the worker, between ticks. */
    private Executor worker() {
        return step -> {
            commands.add(step);
            wake();
        };
    }

    MixerStatus status() { return status; }
    MixerBackground background() { return background; }
    String watermarkName() { return watermarkName; }

    /** The worker's output counters, read by the REST view. */
    record Counters(long videoFramesOut, long audioFramesOut, long skippedFrames, long parkedNanos,
                    long startedAtNanos) { }

    Counters counters() {
        return new Counters(videoFramesOut, audioFramesOut, clock.skippedPictures(), parkedNanos, startedAtNanos);
    }

    JsonObject toJson() {
        return MixerJson.of(this);
    }

    /** Every node of the graph with its counters (the video branch's restart with each new encoder). */
    List<NodeStats> pipelineStats() {
        List<NodeStats> all = new ArrayList<>(decode.stats());
        Pipeline<CompositeStage.Tick, Frame> v = video;
        Pipeline<Integer, Frame> a = audio;
        if (v != null) {
            all.addAll(v.stats());
        }
        if (a != null) {
            all.addAll(a.stats());
        }
        return all;
    }

    // ---- worker thread ----

    private void run() {
        try {
            long start = System.nanoTime();
            startedAtNanos = start;
            lastBusyNanos = start;
            clock.start(start);
            if (hasAudio) {
                AacEncodeStage aac = new AacEncodeStage(AUDIO_RATE, AUDIO_CHANNELS, audioBitrate);
                audio = Pipeline.<Integer>builder().then("mix", new MixStage(inputs, AUDIO_CHANNELS))
                        .then("encodeAudio", aac).build();
                output.publish(aac.config());
            }
            applySettings(0);
            describe();
            while (running) {
                for (Runnable c; (c = commands.poll()) != null; ) {
                    c.run();
                }
                if (settings != active) {
                    applySettings(System.nanoTime());
                    describe();
                }
                decode.push(inputs, in -> { });
                stopWhenIdle();
                tick();
            }
        } catch (Throwable t) {
            LOG.error("Mixer {} failed", uri, t);
            status = MixerStatus.FAILED;
        } finally {
            cleanup();
        }
    }

    /** mixer.idleTimeoutMs: with no input receiving (none added, or all their sources gone) for that long, stop. */
    private void stopWhenIdle() {
        if (idleNanos <= 0) {
            return;
        }
        long now = System.nanoTime();
        for (MixerInput in : inputs) {
            if (in.connected()) {
                lastBusyNanos = now;
                return;
            }
        }
        if (now - lastBusyNanos >= idleNanos) {
            terminate("idle: no input for " + idleNanos / 1_000_000 + " ms (mixer.idleTimeoutMs)");
        }
    }

    /** Produces whatever media is due, then sleeps until the next tick (or a wake-up). */
    private void tick() {
        long now = System.nanoTime();
        long nextVideo = clock.nextVideoNanos();
        long nextAudio = clock.nextAudioNanos();
        if (nextVideo <= now && nextAudio <= now) {
            // both due: the earlier one first so output times rise across the two tracks
            if (nextVideo <= nextAudio) {
                videoTick(now);
                audioTick();
            } else {
                audioTick();
                videoTick(now);
            }
        } else if (nextVideo <= now) {
            videoTick(now);
        } else if (nextAudio <= now) {
            audioTick();
        } else {
            LockSupport.parkNanos(Math.min(nextVideo, nextAudio) - now);
            parkedNanos += System.nanoTime() - now;
        }
    }

    private void videoTick(long now) {
        video.push(new CompositeStage.Tick(now, clock.takeVideo(now)), output::publish);
        videoFramesOut++;
    }

    private void audioTick() {
        clock.takeAudio(AacEncodeStage.FRAME);
        audio.push(AacEncodeStage.FRAME, output::publish);
        audioFramesOut++;
    }

    /** A new video branch (canvas, background, encoder) for new settings, keeping output times rising. */
    private void applySettings(long now) {
        MixerSettings s = settings;
        String problem = s.problem();
        if (problem != null) {
            LOG.warn("Mixer {}: settings ignored: {}", uri, problem);
            settings = active;
            return;
        }
        boolean rebuild = active == null || active.width() != s.width() || active.height() != s.height()
                || active.fps() != s.fps() || active.bitrateKbps() != s.bitrateKbps();
        if (hasVideo && rebuild) {
            Pipeline<CompositeStage.Tick, Frame> old = video;
            if (old != null) {
                old.flush(output::publish);
                old.close();
            }
            video = null;
            CompositeStage composite = new CompositeStage(look, background, s.width(), s.height());
            VideoEncoder encoder;
            try {
                encoder = new VideoEncoder(VideoEncoderSettings.h264(s.width(), s.height(), s.fps(), s.fps(),
                        s.bitrateKbps()));   // a keyframe a second: joiners start fast
            } catch (RuntimeException e) {
                composite.close();
                throw e;
            }
            video = Pipeline.<CompositeStage.Tick>builder().then("composite", composite)
                    .then("encodeVideo", VideoStages.encode(encoder)).build();
            clock.retime(now, s.fps(), active == null);
        }
        active = s;
    }

    private void describe() {
        MixerSettings s = active;
        output.describe(new MediaDescription(hasVideo ? Codec.H264 : null, hasVideo ? s.width() : 0,
                hasVideo ? s.height() : 0, hasVideo ? s.fps() : 0, hasAudio ? Codec.AAC : null,
                hasAudio ? AUDIO_RATE : 0, hasAudio ? AUDIO_CHANNELS : 0));
    }

    private void cleanup() {
        running = false;
        decode.close();
        for (Runnable c; (c = commands.poll()) != null; ) {
            try {
                c.run();
            } catch (RuntimeException e) {
                LOG.warn("Mixer {}: cleanup step failed: {}", uri, e.toString());
            }
        }
        List<MixerInput> last;
        synchronized (inputs) {
            running = false;
            last = List.copyOf(inputs);
            inputs.clear();
        }
        for (MixerInput in : last) {
            in.retire();
            in.closeNatives();
        }
        closeQuietly(video);
        closeQuietly(audio);
        output.end("Mixer " + uri + " stopped");
        LOG.info("Mixer {} stopped", uri);
        onEnded.accept(this);
    }

    private void closeQuietly(Pipeline<?, ?> p) {
        if (p != null) {
            try {
                p.close();
            } catch (RuntimeException e) {
                LOG.warn("Mixer {}: closing {} failed: {}", uri, p.describe(), e.toString());
            }
        }
    }
}
