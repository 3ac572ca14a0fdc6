package org.estuary.media.audio;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.estuary.core.media.Codec;

/**
 * Audio encoder for the hub's audio codecs: AAC-LC (native {@code aac}, 1024-sample raw access
 * units, no ADTS), Opus ({@code libopus}), G.711 A-law/µ-law ({@code pcm_alaw}/{@code pcm_mulaw}),
 * G.722 ({@code g722}, 16 kHz mono).
 * Planar float PCM in any amount; whole codec frames out (20 ms for Opus and G.711). {@link #config()} is the stream's config frame payload
 * (AudioSpecificConfig, OpusHead) or empty when the codec has none.
 */
public final class AudioEncoder implements AutoCloseable {
    private final Codec codec;
    private final int sampleRate;
    private final int channels;
    private final int frameSize;
    private AVCodecContext ctx;
    private AVFrame frame;
    private AVPacket packet;
    private final float[][] pending;
    private int pendingLen;
    private long pts;

    public AudioEncoder(Codec codec, int sampleRate, int channels, int bitrate) {
        Ff.init();
        String name = switch (codec) {
            case AAC -> "aac";
            case OPUS -> "libopus";
            case PCMA -> "pcm_alaw";
            case PCMU -> "pcm_mulaw";
            case G722 -> "g722";
            default -> throw new MediaException("no audio encoder for " + codec);
        };
        if (codec == Codec.G722 && (sampleRate != 16000 || channels != 1)) {
            throw new MediaException("G.722 encodes 16 kHz mono, not " + sampleRate + " Hz " + channels + " ch");
        }
        if (codec == Codec.OPUS && !java.util.Set.of(8000, 12000, 16000, 24000, 48000).contains(sampleRate)) {
            throw new MediaException("Opus encodes 8, 12, 16, 24 or 48 kHz, not " + sampleRate);
        }
        // AAC carries up to 7.1 (a transponder re-encodes whatever the source has); the others mono or stereo
        if (sampleRate < 8000 || sampleRate > 96000 || channels < 1 || channels > (codec == Codec.AAC ? 8 : 2)) {
            throw new MediaException("unsupported " + codec + " format " + sampleRate + " Hz " + channels + " ch");
        }
        AVCodec c = avcodec_find_encoder_by_name(name);
        if (c == null) {
            throw new MediaException("no " + name + " encoder in this FFmpeg build");
        }
        this.codec = codec;
        this.sampleRate = sampleRate;
        this.channels = channels;
        try {
            ctx = avcodec_alloc_context3(c);
            int fmt = switch (codec) {
                case AAC -> AV_SAMPLE_FMT_FLTP;
                case OPUS -> AV_SAMPLE_FMT_FLT;
                default -> AV_SAMPLE_FMT_S16;
            };
            ctx.sample_fmt(fmt);
            ctx.sample_rate(sampleRate);
            av_channel_layout_default(ctx.ch_layout(), channels);
            if (bitrate > 0 && (codec == Codec.AAC || codec == Codec.OPUS)) {
                ctx.bit_rate(bitrate);
            }
            ctx.time_base().num(1).den(sampleRate);
            ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            Ff.check(avcodec_open2(ctx, c, (AVDictionary) null), "opening the " + name + " encoder");
            // PCM codecs take any frame size: 20 ms, as RTP and FLV carry G.711
            frameSize = ctx.frame_size() > 0 ? ctx.frame_size() : sampleRate / 50;
            frame = av_frame_alloc();
            frame.nb_samples(frameSize).format(fmt).sample_rate(sampleRate);
            Ff.check(av_channel_layout_copy(frame.ch_layout(), ctx.ch_layout()), "copying the channel layout");
            Ff.check(av_frame_get_buffer(frame, 0), "allocating the audio input frame");
            packet = av_packet_alloc();
            pending = new float[channels][frameSize];
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public Codec codec() { return codec; }
    public int sampleRate() { return sampleRate; }
    public int channels() { return channels; }
    /** Samples per channel in each encoded unit. */
    public int frameSize() { return frameSize; }

    /** The config frame payload (ASC for AAC, OpusHead for Opus), empty for G.711. */
    public byte[] config() {
        if (ctx.extradata_size() <= 0 || ctx.extradata() == null) {
            return new byte[0];
        }
        byte[] b = new byte[ctx.extradata_size()];
        ctx.extradata().get(b);
        return b;
    }

    /** Encodes {@code pcm} ([channel][sample]); returns the units completed so far. */
    public List<byte[]> encode(float[][] pcm) {
        if (pcm.length != channels) {
            throw new IllegalArgumentException("expected " + channels + " channels, got " + pcm.length);
        }
        List<byte[]> out = new ArrayList<>();
        int n = pcm[0].length;
        int pos = 0;
        while (pos < n) {
            int take = Math.min(frameSize - pendingLen, n - pos);
            for (int c = 0; c < channels; c++) {
                System.arraycopy(pcm[c], pos, pending[c], pendingLen, take);
            }
            pendingLen += take;
            pos += take;
            if (pendingLen == frameSize) {
                sendPending(out);
            }
        }
        return out;
    }

    /** Encodes what is buffered (padded with silence) and drains the encoder; it cannot be used afterwards. */
    public List<byte[]> flush() {
        List<byte[]> out = new ArrayList<>();
        if (pendingLen > 0) {
            for (float[] ch : pending) {
                java.util.Arrays.fill(ch, pendingLen, frameSize, 0f);
            }
            pendingLen = frameSize;
            sendPending(out);
        }
        Ff.check(avcodec_send_frame(ctx, null), "flushing the " + codec + " encoder");
        receive(out);
        return out;
    }

    private void sendPending(List<byte[]> out) {
        Ff.check(av_frame_make_writable(frame), "making the audio frame writable");
        SampleFormats.write(frame, pending, 0, frameSize);
        frame.pts(pts);
        pts += frameSize;
        pendingLen = 0;
        Ff.check(avcodec_send_frame(ctx, frame), codec + " encode");
        receive(out);
    }

    private void receive(List<byte[]> out) {
        while (true) {
            int r = avcodec_receive_packet(ctx, packet);
            if (r == Ff.EAGAIN || r == AVERROR_EOF()) {
                return;
            }
            Ff.check(r, codec + " encode");
            byte[] unit = new byte[packet.size()];
            packet.data().get(unit);
            av_packet_unref(packet);
            out.add(unit);
        }
    }

    @Override
    public void close() {
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
        if (ctx != null) {
            avcodec_free_context(ctx);
            ctx = null;
        }
    }
}
