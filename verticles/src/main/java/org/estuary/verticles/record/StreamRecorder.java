package org.estuary.verticles.record;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.mp4.Mp4Track;
import org.estuary.core.record.RecordNameTemplate;
import org.estuary.core.record.Rotation;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one stream: reads it like a player, starts the file on a video keyframe (or the first
 * audio frame of an audio-only stream), rotates on a keyframe once the duration or size limit is
 * reached, and finishes the file when stopped or when the stream ends. Everything but
 * {@link #start()}/{@link #stop()} runs on its {@link SerialLane}.
 */
final class StreamRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRecorder.class);
    private static final int HEADER_RESERVE = 8 * 1024;

    private final Stream stream;
    private final Path dir;
    private final RecordNameTemplate template;
    private final Rotation rotation;
    private final RecordHook hook;
    private final SerialLane lane;
    private final Consumer<StreamRecorder> onStreamEnded;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** Set once by start(); the seed may signal (and a drain run) before that, which then does nothing. */
    private volatile StreamReader reader;

    // Lane state.
    private Frame videoConfig;
    private Frame audioConfig;
    private RecordFile file;
    private int videoTrack = -1;
    private int audioTrack = -1;
    private long zeroUs;
    private int part;
    private boolean done;
    private volatile String fileName = "";
    private volatile String failure;

    StreamRecorder(Stream stream, Path dir, RecordNameTemplate template, Rotation rotation, RecordHook hook,
                   Executor pool, Consumer<StreamRecorder> onStreamEnded) {
        this.stream = stream;
        this.dir = dir;
        this.template = template;
        this.rotation = rotation;
        this.hook = hook;
        this.lane = new SerialLane(pool);
        this.onStreamEnded = onStreamEnded;
    }

    Stream stream() { return stream; }

    /** Why the recording stopped by itself on an error (e.g. the disk is full), or null. */
    String failure() { return failure; }

    /** The current file name (with unresolved placeholders while recording), "" before the first keyframe. */
    String fileName() {
        String n = fileName;
        return n.isEmpty() ? template.render(knownValues(), RecordFile.EXTENSION) : n;
    }

    void start() {
        reader = stream.addReader(ReaderInfo.internal(UUID.randomUUID().toString(), "Recorder"),
                () -> lane.execute(this::drain));
        stream.setRecording(true);
        lane.execute(this::drain); // the join's seed may have signalled before `reader` was set
    }

    /** Finishes the current file; completes when it is closed and renamed. */
    CompletableFuture<Void> stop() {
        lane.execute(() -> finish("stopped"));
        return stopped;
    }

    private void drain() {
        StreamReader reader = this.reader;
        if (done || reader == null) {
            return;
        }
        reader.beginDrain();
        try {
            for (Frame f; (f = reader.poll()) != null; ) {
                onFrame(f);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("recording of {} failed: {}", stream.name(), e.toString());
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
            finish("write error");
            onStreamEnded.accept(this);
            return;
        }
        if (reader.isEnded()) {
            finish("stream ended");
            onStreamEnded.accept(this);
        }
    }

    private void onFrame(Frame f) throws IOException {
        if (f.isData()) {
            return;
        }
        if (f.isConfig()) {
            if (f.isVideo()) {
                videoConfig = f;
            } else {
                audioConfig = f;
                if (file != null && audioTrack < 0) {
                    addAudioTrack();
                }
            }
            return;
        }
        boolean hasVideo = videoConfig != null || stream.description().hasVideo();
        boolean startPoint = hasVideo ? f.isVideo() && f.isKeyframe() && videoConfig != null : f.isAudio();
        if (file == null) {
            if (!startPoint) {
                return; // wait for a decodable start
            }
            openFile(f.dtsUs());
        } else if (startPoint && rotation.enabled()
                && rotation.due(f.dtsUs() - zeroUs, file.mp4().size())) {
            Path finished = closeFile(true);
            LOG.info("recording of {} rotated: {}", stream.name(), finished.getFileName());
            openFile(f.dtsUs());
        }
        long t = f.dtsUs() - zeroUs;
        if (t < 0) {
            return; // audio from before the first keyframe
        }
        int track = f.isVideo() ? videoTrack : audioTrack;
        if (track < 0 && f.isAudio() && audioConfig == null && f.codec() == Codec.OPUS) {
            addAudioTrack();
            track = audioTrack;
        }
        if (track >= 0) {
            file.mp4().writeSample(track, t, f.ptsUs() - zeroUs, f.isKeyframe(), f.payload());
        }
    }

    private void openFile(long zero) throws IOException {
        file = RecordFile.create(dir, template, knownValues(), HEADER_RESERVE);
        zeroUs = zero;
        videoTrack = -1;
        audioTrack = -1;
        Mp4Track v = TrackSpecs.video(videoConfig, stream.description());
        if (v != null) {
            videoTrack = file.mp4().addTrack(v);
        }
        addAudioTrack();
        fileName = file.fileName();
    }

    private void addAudioTrack() throws IOException {
        Codec codec = audioConfig != null ? audioConfig.codec() : stream.description().audioCodec();
        Mp4Track a = codec == null ? null : TrackSpecs.audio(audioConfig, codec, stream.description());
        if (a != null) {
            audioTrack = file.mp4().addTrack(a);
        }
    }

    /** Finishes the current file (numbered when rotating) and fires the hook. */
    private Path closeFile(boolean rotating) throws IOException {
        RecordFile f = file;
        file = null;
        int n = 0;
        if (rotation.enabled() && !template.hasStartTime()) {
            n = rotating ? ++part : 0;
        }
        Path done = f.finish(n);
        hook.fire(stream.name(), done);
        return done;
    }

    private void finish(String why) {
        if (done) {
            return;
        }
        done = true;
        try {
            if (file != null && failure != null) {
                // the write that failed (a full disk) left the file's end torn: finishing it would
                // index samples that are not all there, so it is removed; parts finished before stay
                Path torn = file.path();
                file.abandon();
                file = null;
                java.nio.file.Files.deleteIfExists(torn);
                LOG.warn("recording of {}: the unfinished file {} was removed after the write error", stream.name(),
                        torn.getFileName());
            } else if (file != null) {
                Path p = closeFile(false);
                fileName = p.getFileName().toString();
                LOG.info("recording of {} {}: {}", stream.name(), why, p.getFileName());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not finish recording of {}: {}", stream.name(), e.toString());
            if (file != null) {
                file.abandon();
            }
        } finally {
            reader.close();
            stopped.complete(null);
        }
    }

    private Map<String, String> knownValues() {
        Map<String, String> v = new HashMap<>();
        v.put(RecordNameTemplate.STREAM_NAME, stream.name());
        v.put(RecordNameTemplate.MEDIA_SESSION_ID, stream.mediaSessionId());
        String session = stream.publisher().sessionId();
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(session.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        v.put(RecordNameTemplate.SESSION_ID, b64.length() > 60 ? b64.substring(0, 60) : b64);
        v.put(RecordNameTemplate.LOGIN, stream.publisher().query().getOrDefault("login", ""));
        Codec vc = videoConfig != null ? videoConfig.codec() : stream.description().videoCodec();
        Codec ac = audioConfig != null ? audioConfig.codec() : stream.description().audioCodec();
        v.put(RecordNameTemplate.VIDEO_CODEC, vc == null ? "" : abbreviate(vc));
        v.put(RecordNameTemplate.AUDIO_CODEC, ac == null ? "" : abbreviate(ac));
        return v;
    }

    private static String abbreviate(Codec c) {
        String n = c.name();
        return n.length() > 4 ? n.substring(0, 4) : n;
    }
}
