package org.estuary.verticles.sip;

import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.FrameSink;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamFollower;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.audio.AudioDecoder;
import org.estuary.media.audio.MediaException;
import org.estuary.media.audio.Resampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live stream's audio (and, for a video call, its video frames as they are) played into a call
 * ({@code /call/inject_stream/startup}, an incoming call's stream): the stream is
 * followed by name (across republishes), its audio decoded and resampled to 16 kHz mono on the
 * call's media executor, and the PCM handed to the event loop through a bounded lock-free queue
 * (at most {@link #MAX_QUEUED_SAMPLES}: a burst from the stream's cache or a stalled event loop
 * costs old audio, never memory).
 */
final class StreamSource implements AudioSource, FrameSink {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSource.class);
    static final int MAX_QUEUED_SAMPLES = 16000; // 1 s

    private final String name;
    private final StreamFollower follower;
    private final Executor media;
    private final ConcurrentLinkedQueue<short[]> chunks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    // media thread
    private AudioDecoder decoder;
    private Resampler resampler;
    private byte[] config;
    // event loop
    private short[] current;
    private int pos;
    private volatile long framesIn;
    /** Where the stream's video goes (a video call's sender), on the media thread; null = audio only. */
    private volatile java.util.function.Consumer<Frame> video;

    StreamSource(StreamRegistry streams, String name, Executor owner, Executor media) {
        this.name = name;
        this.media = media;
        String id = UUID.randomUUID().toString();
        this.follower = StreamFollower.of(streams, name).owner(owner)
                .reader(s -> ReaderInfo.internal(id, "SIP call"))
                .drainOn(media, this)
                .build();
    }

    String name() { return name; }
    long framesIn() { return framesIn; }

    /** Also hand on the stream's video frames (a video call); set before {@link #start}. */
    void videoTo(java.util.function.Consumer<Frame> sink) {
        video = sink;
    }

    void start() {
        follower.start();
    }

    // ---------------------------------------------------------------- media thread

    @Override
    public void sourceChanged(Stream source) {
        closeCodecs();
        config = null;
    }

    @Override
    public void frame(Frame f, Stream source) {
        java.util.function.Consumer<Frame> v = video;
        if (f.isVideo() && v != null) {
            v.accept(f);
            return;
        }
        if (!f.isAudio()) {
            return;
        }
        if (f.isConfig()) {
            config = f.payload();
            closeCodecs();
            return;
        }
        framesIn++;
        try {
            if (decoder == null || decoder.codec() != f.codec()) {
                closeCodecs();
                if (f.codec() == Codec.AAC && config == null) {
                    return; // wait for the AudioSpecificConfig
                }
                MediaDescription d = source.description();
                decoder = new AudioDecoder(f.codec(), config, d.sampleRate(), d.channels());
                resampler = new Resampler(decoder.sampleRate(), decoder.channels(), 16000, 1);
            }
            float[][] pcm = decoder.decode(f.payload());
            if (pcm.length == 0 || pcm[0].length == 0) {
                return;
            }
            float[] mono = resampler.resample(pcm)[0];
            short[] out = new short[mono.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (short) Math.max(-32768, Math.min(32767, Math.round(mono[i] * 32767f)));
            }
            chunks.add(out);
            int total = queued.addAndGet(out.length);
            while (total > MAX_QUEUED_SAMPLES) {
                short[] old = chunks.poll();
                if (old == null) {
                    break;
                }
                total = queued.addAndGet(-old.length);
            }
        } catch (MediaException | IllegalArgumentException e) {
            LOG.info("Injected stream {}: audio not decodable ({}), skipped", name, e.getMessage());
            closeCodecs();
        }
    }

    private void closeCodecs() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        if (resampler != null) {
            resampler.close();
            resampler = null;
        }
    }

    // ---------------------------------------------------------------- event loop

    @Override
    public boolean fill(short[] out) {
        int filled = 0;
        while (filled < out.length) {
            if (current == null || pos >= current.length) {
                current = chunks.poll();
                pos = 0;
                if (current == null) {
                    break;
                }
                queued.addAndGet(-current.length);
            }
            int take = Math.min(out.length - filled, current.length - pos);
            System.arraycopy(current, pos, out, filled, take);
            pos += take;
            filled += take;
        }
        if (filled == 0) {
            return false;
        }
        java.util.Arrays.fill(out, filled, out.length, (short) 0);
        return true;
    }

    @Override
    public void close() {
        follower.stop();
        media.execute(this::closeCodecs);
    }
}
