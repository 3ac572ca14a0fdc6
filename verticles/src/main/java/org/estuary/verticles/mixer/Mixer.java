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
import org.estuary.media.audio.AudioEncoder;
import org.estuary.media.audio.PcmMixer;
import org.estuary.media.video.DecodedPicture;
import org.estuary.media.video.PictureCompositor;
import org.estuary.media.video.PlacedWatermark;
import org.estuary.media.video.VideoEncoder;
import org.estuary.media.video.VideoEncoderSettings;
import org.estuary.media.video.Watermark;
import org.estuary.media.video.WatermarkPlacement;
import org.estuary.verticles.agent.ControlError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mixer: inputs in, one hub stream out. A single worker thread owns every native object and
 * runs the clock: it sleeps until the next video or audio tick or until an input has frames,
 * decodes what arrived, and on each tick composes/encodes one picture (steady fps) or mixes/encodes
 * one 1024-sample AAC frame (continuous audio), so a stalled or departed input never stalls the
 * output. Output times come from the same clock for both tracks, which keeps them in sync.
 * With several busy inputs the worker hands their decoding to a few decode threads and waits for
 * them (inputs' natives are still used by one thread at a time, never during composing).
 * Control calls from the verticle only touch volatile fields or queue commands for the worker.
 */
final class Mixer {
    private static final Logger LOG = LoggerFactory.getLogger(Mixer.class);
    static final int AUDIO_RATE = 48_000;
    static final int AUDIO_CHANNELS = 2;
    private static final int AAC_FRAME = 1024;
    private static final long NANOS = 1_000_000_000L;

    final String uri;
    final String localStreamName;
    final boolean hasVideo;
    final boolean hasAudio;
    final boolean automatic;
    private final StreamRegistry registry;
    private final Stream output;
    private final MixerBackground background;
    private final String watermarkName;
    private final String desktopKeyword;
    private final long holdNanos;
    private final int audioBitrate;
    private final int labelFontSize;
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
    private volatile long skippedFrames;
    private volatile long parkedNanos;
    private volatile long startedAtNanos = System.nanoTime();

    // ---- worker thread state ----
    private final PictureCompositor compositor = new PictureCompositor();
    private VideoEncoder videoEncoder;
    private final InputDecoding decoding;
    private AudioEncoder audioEncoder;
    private DecodedPicture canvas;
    private DecodedPicture backgroundPicture;
    private MixerSettings active;
    private long videoOriginNanos;
    private long videoOriginUs;
    private long videoFrames;
    private long audioSamples;
    private long audioUnits;
    private long startNanos;
    private long lastVideoPtsUs;
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
        this.desktopKeyword = config.desktopKeyword();
        this.holdNanos = config.holdLastFrameMs() * 1_000_000L;
        this.audioBitrate = config.audioBitrate();
        this.labelFontSize = config.labelFontSize();
        this.idleNanos = config.idleTimeoutMs() * 1_000_000L;
        this.decoding = new InputDecoding(localStreamName,
                Math.min(config.decodeThreads(), Runtime.getRuntime().availableProcessors()));
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
        return new Counters(videoFramesOut, audioFramesOut, skippedFrames, parkedNanos, startedAtNanos);
    }

    JsonObject toJson() {
        return MixerJson.of(this);
    }

    // ---- worker thread ----

    private void run() {
        try {
            startNanos = System.nanoTime();
            startedAtNanos = startNanos;
            lastBusyNanos = startNanos;
            if (hasAudio) {
                audioEncoder = new AudioEncoder(Codec.AAC, AUDIO_RATE, AUDIO_CHANNELS, audioBitrate);
                output.publish(Frame.config(Codec.AAC, 0, audioEncoder.config()));
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
                decoding.drain(inputs);
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
        long nextVideo = hasVideo ? videoOriginNanos + videoFrames * NANOS / active.fps() : Long.MAX_VALUE;
        long nextAudio = hasAudio ? startNanos + audioSamples * NANOS / AUDIO_RATE : Long.MAX_VALUE;
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
        long due = videoOriginNanos + videoFrames * NANOS / active.fps();
        if (now - due > NANOS) {
            // starved of CPU for over a second: skip the missed pictures instead of bursting them
            long behind = (now - due) * active.fps() / NANOS;
            videoFrames += behind;
            skippedFrames += behind;
        }
        long pts = videoOriginUs + videoFrames * 1_000_000L / active.fps();
        videoFrames++;
        compose(now);
        canvas.setPtsUs(pts);
        lastVideoPtsUs = pts;
        for (Frame f : videoEncoder.encode(canvas)) {
            output.publish(f);
        }
        videoFramesOut++;
    }

    private void compose(long now) {
        compositor.copy(backgroundPicture, canvas);
        List<MixerInput> list = inputs;
        List<String> names = new ArrayList<>(list.size());
        List<MixerInput> shown = new ArrayList<>(list.size());
        for (MixerInput in : list) {
            if (in.tiled()) {
                names.add(in.streamName);
                shown.add(in);
            }
        }
        List<Tile> tiles = layoutFor(names).arrange(names, active.width(), active.height());
        for (int i = 0; i < shown.size(); i++) {
            MixerInput in = shown.get(i);
            try {
                drawTile(in, tiles.get(i), now);
            } catch (RuntimeException e) {
                LOG.warn("Mixer {}: input {} not drawn: {}", uri, in.streamName, e.getMessage());
            }
        }
        PlacedWatermark w = bodyWatermark;
        if (w != null) {
            w.watermark().apply(canvas, w.placement());
        }
    }

    /** One input's tile: its picture, else its avatar (no video, muted, stalled), then its label. */
    private void drawTile(MixerInput in, Tile tile, long now) {
        int[] size = in.wantVideo ? in.sourceSize() : null;
        DecodedPicture p = null;
        if (size != null) {
            Tile fit = tile.fit(size[0], size[1]);
            p = in.pictureFor(fit, now, holdNanos);
            if (p != null) {
                compositor.paste(p, canvas, fit.x(), fit.y());
            }
        }
        if (p == null) {
            Watermark avatar = in.avatarFor(tile);
            if (avatar != null) {
                avatar.apply(canvas, at(tile.x() + (tile.width() - avatar.width()) / 2,
                        tile.y() + (tile.height() - avatar.height()) / 2));
            }
        }
        Watermark label = in.labelFor(tile.width(), labelFontSize);
        if (label != null && label.height() < tile.height()) {
            label.apply(canvas, at(tile.x(), tile.y() + tile.height() - label.height()));
        }
    }

    private static WatermarkPlacement at(int x, int y) {
        return new WatermarkPlacement(Math.max(0, x), Math.max(0, y), 0, 0, 0, 0);
    }

    /** A screen-share input switches any layout to the desktop arrangement. */
    private MixerLayout layoutFor(List<String> names) {
        MixerLayout configured = active.layout();
        if (configured instanceof DesktopLayout) {
            return configured;
        }
        DesktopLayout desktop = new DesktopLayout(desktopKeyword, configured);
        return desktop.desktopIndex(names) >= 0 ? desktop : configured;
    }

    private void audioTick() {
        float[][] mix = new float[AUDIO_CHANNELS][AAC_FRAME];
        for (MixerInput in : inputs) {
            if (!in.wantAudio) {
                continue;
            }
            float[][] pcm = in.readAudio(AAC_FRAME);
            int level = in.audioLevel();
            if (level > 0) {
                mix = PcmMixer.mix(mix, 1f, pcm, level / 100f);
            }
        }
        audioSamples += AAC_FRAME;
        for (byte[] au : audioEncoder.encode(mix)) {
            // units leave the encoder one by one after its priming delay: number them
            long t = audioUnits++ * AAC_FRAME * 1_000_000L / AUDIO_RATE;
            output.publish(Frame.media(Codec.AAC, t, t, true, au));
        }
        audioFramesOut++;
    }

    /** (Re)creates the encoder, canvas and background for new settings, keeping output times rising. */
    private void applySettings(long now) {
        MixerSettings s = settings;
        String problem = s.problem();
        if (problem != null) {
            LOG.warn("Mixer {}: settings ignored: {}", uri, problem);
            settings = active;
            return;
        }
        boolean sizeChanged = active == null || active.width() != s.width() || active.height() != s.height();
        boolean encoderChanged = sizeChanged || active.fps() != s.fps() || active.bitrateKbps() != s.bitrateKbps();
        if (hasVideo && encoderChanged) {
            if (videoEncoder != null) {
                for (Frame f : videoEncoder.flush()) {
                    output.publish(f);
                }
                videoEncoder.close();
            }
            videoEncoder = new VideoEncoder(VideoEncoderSettings.h264(s.width(), s.height(), s.fps(),
                    s.fps(), s.bitrateKbps()));   // a keyframe a second: joiners start fast
            if (active == null) {
                videoOriginNanos = startNanos;
                videoOriginUs = 0;
            } else {
                // a new timeline starting one old frame interval after the last picture
                videoOriginNanos = now;
                videoOriginUs = lastVideoPtsUs + 1_000_000L / active.fps();
            }
            videoFrames = 0;
        }
        if (hasVideo && sizeChanged) {
            closePicture(canvas);
            closePicture(backgroundPicture);
            canvas = DecodedPicture.allocate(s.width(), s.height(), 0);
            backgroundPicture = background.render(s.width(), s.height(), compositor);
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
        decoding.close();
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
        if (videoEncoder != null) {
            videoEncoder.close();
            videoEncoder = null;
        }
        if (audioEncoder != null) {
            audioEncoder.close();
            audioEncoder = null;
        }
        closePicture(canvas);
        closePicture(backgroundPicture);
        canvas = null;
        backgroundPicture = null;
        output.end("Mixer " + uri + " stopped");
        LOG.info("Mixer {} stopped", uri);
        onEnded.accept(this);
    }

    private static void closePicture(DecodedPicture p) {
        if (p != null) {
            p.close();
        }
    }
}
