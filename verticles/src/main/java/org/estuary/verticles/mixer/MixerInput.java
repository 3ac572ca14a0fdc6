package org.estuary.verticles.mixer;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Executor;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.stream.FrameSink;
import org.estuary.core.stream.MediaDescription;
import org.estuary.core.stream.ReaderInfo;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamFollower;
import org.estuary.core.stream.StreamReader;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.media.audio.AudioDecoder;
import org.estuary.media.audio.Resampler;
import org.estuary.media.video.DecodedPicture;
import org.estuary.media.video.PlacedWatermark;
import org.estuary.media.video.SharedVideoDecoder;
import org.estuary.media.video.VideoScaler;
import org.estuary.media.video.Watermark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream feeding a mixer. The control fields (level, mute, watermark, the reader) are set from
 * the verticle; everything native (decoders, resampler, pictures) is created, used and freed on
 * the mixer's worker thread only.
 */
final class MixerInput implements FrameSink {
    private static final Logger LOG = LoggerFactory.getLogger(MixerInput.class);
    /** Audio codecs an input may carry into the mix. */
    static final Set<Codec> MIXABLE_AUDIO = EnumSet.of(Codec.AAC, Codec.OPUS, Codec.MP3, Codec.PCMA, Codec.PCMU,
            Codec.G722);

    final String streamName;
    final boolean wantVideo;
    final boolean wantAudio;
    final boolean automatic;
    private final String readerId = java.util.UUID.randomUUID().toString();
    private volatile String mediaSessionId = "";
    private volatile StreamFollower follower;
    private volatile int audioLevel = 100;
    private volatile boolean videoMuted;
    private volatile PlacedWatermark watermark;
    private volatile boolean watermarkChanged;
    private volatile String label;
    private volatile TileImage avatar;
    private volatile String positionId;

    // ---- worker thread state ----
    /** The decoder of the source's video, shared with its transcoders and other mixers' inputs. */
    private SharedVideoDecoder.Handle video;
    private Stream videoSource;
    private AudioDecoder audio;
    private Codec audioConfigCodec;
    private byte[] audioConfig;
    private Codec unmixable;
    private volatile Codec audioCodec;
    private Resampler resampler;
    private int resamplerFromRate;
    private int resamplerFromChannels;
    private final AudioFifo fifo;
    private DecodedPicture latest;
    private long latestAtNanos;
    private boolean latestChanged;
    private VideoScaler scaler;
    private DecodedPicture scaled;
    private int outRate;
    private int outChannels;
    private Watermark labelMark;
    private String labelMarkText;
    private int labelMarkWidth;
    private Watermark avatarMark;
    private TileImage avatarMarkSource;
    private Tile avatarMarkTile;

    MixerInput(String streamName, boolean wantVideo, boolean wantAudio, boolean automatic, int outRate, int outChannels) {
        this.streamName = streamName;
        this.wantVideo = wantVideo;
        this.wantAudio = wantAudio;
        this.automatic = automatic;
        this.outRate = outRate;
        this.outChannels = outChannels;
        // 40 ms cushion, a backlog over 80 ms is cut back: audio stays within the 100 ms A/V sync
        // budget of the picture (which is shown as soon as it is decoded)
        this.fifo = new AudioFifo(outChannels, outRate * 40 / 1000, outRate * 80 / 1000, outRate);
    }

    // ---- control (any thread) ----

    /**
     * Starts following the input's name: lifecycle steps run through {@code owner} (the mixer's
     * worker), {@code wake} runs on the publisher thread when frames arrive. An automatic input
     * (a room member) follows one publication only; the others keep their tile across republishes.
     */
    void follow(StreamRegistry registry, Executor owner, Runnable wake) {
        StreamFollower.Builder b = StreamFollower.of(registry, streamName)
                .owner(owner)
                .reader(s -> ReaderInfo.internal(readerId, "Mixer"))
                .onPublished(r -> mediaSessionId = r.stream().mediaSessionId())
                .onUnpublished((s, why) -> resetForNewSource())
                .wake(wake);
        follower = (automatic ? b.once() : b).build();
        follower.start();
    }

    /** Leaves the mixer for good: stops reading and never attaches again (the worker frees the natives). */
    void retire() {
        StreamFollower f = follower;
        if (f != null) {
            f.stop();
        }
    }

    String mediaSessionId() { return mediaSessionId; }
    String readerId() { return readerId; }
    int audioLevel() { return audioLevel; }
    void setAudioLevel(int level) { audioLevel = level; }
    boolean videoMuted() { return videoMuted; }
    void setVideoMuted(boolean muted) { videoMuted = muted; }
    PlacedWatermark watermark() { return watermark; }

    void setWatermark(PlacedWatermark w) {
        watermark = w;
        watermarkChanged = true;
    }

    String label() { return label; }
    void setLabel(String text) { label = TileLabel.clean(text); }
    /** The XML layout position this input asked for ({@code videoPositionId}), or null. */
    String positionId() { return positionId; }
    void setPositionId(String id) { positionId = id; }
    TileImage avatar() { return avatar; }
    void setAvatar(TileImage image) { avatar = image; }

    /** Whether this input has a tile: it sends video, or it has an avatar to show instead. */
    boolean tiled() {
        return wantVideo || avatar != null;
    }

    boolean matchesSession(String id) {
        return id != null && (id.equals(mediaSessionId) || id.equals(readerId));
    }

    JsonObject toJson() {
        return new JsonObject().put("mediaSessionId", mediaSessionId).put("streamName", streamName)
                .put("audioLevel", audioLevel).put("videoMuted", videoMuted).put("hasVideo", wantVideo)
                .put("hasAudio", wantAudio).put("connected", connected())
                .put("audioCodec", audioCodec == null ? null : audioCodec.name())
                .put("streamLabel", label).put("avatar", avatar != null).put("videoPositionId", positionId);
    }

    boolean connected() {
        StreamFollower f = follower;
        StreamReader r = f == null ? null : f.reader();
        return r != null && !r.isEnded();
    }

    // ---- worker thread ----

    /** True when a drain has something to do: frames queued, or the end of the source to notice. */
    boolean hasQueued() {
        StreamFollower f = follower;
        return f != null && f.hasWork();
    }

    /** Reads and decodes everything queued. */
    void drain() {
        StreamFollower f = follower;
        if (f != null) {
            f.drain(this);
        }
    }

    @Override
    public void frame(Frame f, Stream source) {
        try {
            if (f.isVideo() && wantVideo) {
                onVideo(f, source);
            } else if (f.isAudio() && wantAudio) {
                onAudio(f, source);
            }
        } catch (RuntimeException e) {
            LOG.warn("Mixer input {}: {} frame dropped: {}", streamName, f.codec(), e.getMessage());
            if (f.isConfig()) {
                closeDecoders();
            } else if (f.isAudio()) {
                closeAudio();   // a unit the decoder choked on: start clean on the next one
            }
        }
    }

    private void onVideo(Frame f, Stream source) {
        if (video == null || videoSource != source) {
            if (video != null) {
                video.close();
            }
            video = SharedVideoDecoder.acquire(source);
            videoSource = source;
        }
        for (DecodedPicture p : video.decode(f)) {
            if (latest != null) {
                latest.close();
            }
            latest = p;
            latestAtNanos = System.nanoTime();
            latestChanged = true;
        }
    }

    /** Any codec {@link AudioDecoder} knows: AAC (needs its config frame), Opus, MP3, G.711, G.722. */
    private void onAudio(Frame f, Stream source) {
        if (f.isConfig()) {
            if (!f.codec().equals(audioConfigCodec) || !Arrays.equals(audioConfig, f.payload())) {
                audioConfigCodec = f.codec();
                audioConfig = f.payload();
                closeAudio();   // a new source format: reopen on the next unit
            }
            return;
        }
        if (f.size() == 0) {
            return;
        }
        if (audio == null || audio.codec() != f.codec()) {
            closeAudio();
            if (!MIXABLE_AUDIO.contains(f.codec())) {
                if (unmixable != f.codec()) {
                    unmixable = f.codec();
                    LOG.warn("Mixer input {}: {} audio cannot be decoded, it is left out of the mix", streamName, f.codec());
                }
                return;
            }
            byte[] config = f.codec() == audioConfigCodec ? audioConfig : null;
            if (f.codec() == Codec.AAC && config == null) {
                return;   // raw AAC units are undecodable before their AudioSpecificConfig
            }
            MediaDescription d = source == null ? null : source.description();
            audio = new AudioDecoder(f.codec(), config, d == null ? 0 : d.sampleRate(), d == null ? 0 : d.channels());
            audioCodec = f.codec();
        }
        float[][] pcm = audio.decode(f.payload());
        if (pcm.length == 0 || pcm[0].length == 0) {
            return;
        }
        if (resampler == null || resamplerFromRate != audio.sampleRate() || resamplerFromChannels != pcm.length) {
            // made from what the decoder really produced (MP3/Opus learn rate and channels from data)
            if (resampler != null) {
                resampler.close();
            }
            resamplerFromRate = audio.sampleRate();
            resamplerFromChannels = pcm.length;
            resampler = new Resampler(resamplerFromRate, resamplerFromChannels, outRate, outChannels);
        }
        float[][] resampled = resampler.resample(pcm);
        if (resampled[0].length > 0) {
            fifo.write(resampled);
        }
    }

    /** {@code n} samples of this input's audio (silence when there is none). */
    float[][] readAudio(int n) {
        return fifo.read(n);
    }

    /**
     * This input's picture scaled into {@code tile} (aspect kept), or null when there is nothing to
     * show: muted, no picture yet, or the last one is older than {@code holdNanos}.
     */
    DecodedPicture pictureFor(Tile fit, long nowNanos, long holdNanos) {
        if (videoMuted || latest == null || nowNanos - latestAtNanos > holdNanos) {
            return null;
        }
        boolean resize = scaler == null || scaler.width() != fit.width() || scaler.height() != fit.height();
        if (resize) {
            if (scaler != null) {
                scaler.close();
            }
            scaler = new VideoScaler(fit.width(), fit.height());
        }
        if (resize || latestChanged || watermarkChanged || scaled == null) {
            if (scaled != null) {
                scaled.close();
            }
            scaled = scaler.scale(latest);
            watermarkChanged = false;
            PlacedWatermark w = watermark;
            if (w != null) {
                w.watermark().apply(scaled, w.placement());
            }
            latestChanged = false;
        }
        return scaled;
    }

    /** Worker: the avatar fitted into {@code tile} (aspect kept), or null when there is none. */
    Watermark avatarFor(Tile tile) {
        TileImage a = avatar;
        if (a == null) {
            return null;
        }
        if (avatarMark == null || avatarMarkSource != a || !tile.equals(avatarMarkTile)) {
            Tile fit = tile.fit(a.width(), a.height());
            avatarMark = a.scaledTo(fit.width(), fit.height());
            avatarMarkSource = a;
            avatarMarkTile = tile;
        }
        return avatarMark;
    }

    /** Worker: the label for a tile {@code width} wide, or null when there is none or it does not fit. */
    Watermark labelFor(int width, int fontPx) {
        String text = label;
        if (text == null) {
            return null;
        }
        if (!text.equals(labelMarkText) || width != labelMarkWidth) {
            TileImage img = TileLabel.render(text, fontPx, width);
            labelMark = img == null ? null : Watermark.fromArgb(img.width(), img.height(), img.argb());
            labelMarkText = text;
            labelMarkWidth = width;
        }
        return labelMark;
    }

    /** The decoded size of the source, or null before its first picture. */
    int[] sourceSize() {
        return latest == null ? null : new int[] {latest.width(), latest.height()};
    }

    /** Worker: after a source ended, decoders start again from the next one's config frames; the picture is kept. */
    void resetForNewSource() {
        closeDecoders();
        audioConfig = null;
        audioConfigCodec = null;
        fifo.clear();
    }

    private void closeDecoders() {
        if (video != null) {
            video.close();
            video = null;
        }
        closeAudio();
    }

    private void closeAudio() {
        if (audio != null) {
            audio.close();
            audio = null;
        }
        if (resampler != null) {
            resampler.close();
            resampler = null;
        }
    }

    /** Frees every native object; the input is not used afterwards. */
    void closeNatives() {
        closeDecoders();
        if (latest != null) {
            latest.close();
            latest = null;
        }
        if (scaled != null) {
            scaled.close();
            scaled = null;
        }
        if (scaler != null) {
            scaler.close();
            scaler = null;
        }
    }
}
