package org.estuary.verticles.record;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.mp4.Mp4RecordingFile;
import org.estuary.core.mp4.Mp4Track;
import org.estuary.core.record.RecordNameTemplate;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code multi-recorder://name}: several streams into one MP4, one video and one audio track per
 * input. Inputs join and leave while recording; each input's clock is mapped to the recorder's
 * wall clock when its first keyframe arrives, so the tracks line up in time. All file work runs
 * on one {@link SerialLane}.
 */
final class MultiRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(MultiRecorder.class);

    private final String uri;
    private final Path dir;
    private final RecordHook hook;
    private final SerialLane lane;
    private final Map<String, Input> inputs = new LinkedHashMap<>(); // guarded by this
    private final long startNanos = System.nanoTime();
    private RecordFile file;
    private boolean done;

    MultiRecorder(String uri, Path dir, RecordHook hook, Executor pool) {
        this.uri = uri;
        this.dir = dir;
        this.hook = hook;
        this.lane = new SerialLane(pool);
    }

    /** The reference names the file after the uri with "://" replaced by "___". */
    static String baseName(String uri) {
        return uri.replace("://", "___");
    }

    String uri() { return uri; }

    String fileName() {
        RecordFile f = file;
        return f == null ? RecordNameTemplate.sanitize(baseName(uri), RecordFile.EXTENSION) : f.fileName();
    }

    synchronized List<String> mediaSessionIds() {
        return new ArrayList<>(inputs.keySet());
    }

    synchronized boolean contains(String mediaSessionId) {
        return inputs.containsKey(mediaSessionId);
    }

    /** Creates the file (no tracks yet). */
    CompletableFuture<Void> open() {
        CompletableFuture<Void> r = new CompletableFuture<>();
        lane.execute(() -> {
            try {
                file = RecordFile.create(dir, new RecordNameTemplate(baseName(uri)), Map.of(),
                        Mp4RecordingFile.DEFAULT_HEADER_RESERVE);
                r.complete(null);
            } catch (IOException | RuntimeException e) {
                done = true;
                r.completeExceptionally(e);
            }
        });
        return r;
    }

    synchronized void add(Stream s) {
        Input in = new Input(s);
        inputs.put(s.mediaSessionId(), in);
        in.reader = s.addReader(ReaderInfo.internal(UUID.randomUUID().toString(), "MultiRecorder"),
                () -> lane.execute(in::drain));
        lane.execute(in::drain); // the join's seed may have signalled before in.reader was set
    }

    /** Detaches an input; its tracks stay in the file with what was recorded so far. */
    synchronized boolean remove(String mediaSessionId) {
        Input in = inputs.remove(mediaSessionId);
        if (in == null) {
            return false;
        }
        lane.execute(() -> in.reader.close());
        return true;
    }

    CompletableFuture<Path> terminate() {
        CompletableFuture<Path> r = new CompletableFuture<>();
        List<Input> all;
        synchronized (this) {
            all = new ArrayList<>(inputs.values());
            inputs.clear();
        }
        lane.execute(() -> {
            for (Input in : all) {
                in.reader.close();
            }
            if (done || file == null) {
                r.complete(null);
                return;
            }
            done = true;
            try {
                Path p = file.finish(0);
                LOG.info("multi-recorder {} finished: {}", uri, p.getFileName());
                hook.fire(uri, p);
                r.complete(p);
            } catch (IOException | RuntimeException e) {
                file.abandon();
                r.completeExceptionally(e);
            }
        });
        return r;
    }

    private long nowUs() {
        return (System.nanoTime() - startNanos) / 1_000;
    }

    /** One input stream and its tracks in the shared file. Lane thread only (but the reader). */
    private final class Input {
        final Stream stream;
        volatile StreamReader reader;
        Frame videoConfig;
        Frame audioConfig;
        int videoTrack = -1;
        int audioTrack = -1;
        boolean started;
        long offsetUs;

        Input(Stream stream) {
            this.stream = stream;
        }

        void drain() {
            if (done || reader == null || reader.isClosed()) {
                return;
            }
            reader.beginDrain();
            try {
                for (Frame f; (f = reader.poll()) != null; ) {
                    onFrame(f);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("multi-recorder {}: input {} failed: {}", uri, stream.name(), e.toString());
                reader.close();
            }
            if (reader.isEnded()) {
                reader.close(); // the stream ended: its tracks simply stop
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
                }
                return;
            }
            if (!started) {
                boolean hasVideo = videoConfig != null || stream.description().hasVideo();
                boolean startPoint = hasVideo ? f.isVideo() && f.isKeyframe() && videoConfig != null : f.isAudio();
                if (!startPoint) {
                    return;
                }
                started = true;
                offsetUs = nowUs() - f.dtsUs(); // this keyframe happens "now" on the recorder's clock
                Mp4Track v = TrackSpecs.video(videoConfig, stream.description());
                if (v != null) {
                    videoTrack = file.mp4().addTrack(v);
                }
            }
            if (f.isAudio() && audioTrack < 0) {
                Codec codec = audioConfig != null ? audioConfig.codec() : f.codec();
                Mp4Track a = TrackSpecs.audio(audioConfig, codec, stream.description());
                if (a == null) {
                    return;
                }
                audioTrack = file.mp4().addTrack(a);
            }
            long t = f.dtsUs() + offsetUs;
            int track = f.isVideo() ? videoTrack : audioTrack;
            if (t >= 0 && track >= 0) {
                file.mp4().writeSample(track, t, f.ptsUs() + offsetUs, f.isKeyframe(), f.payload());
            }
        }
    }
}
