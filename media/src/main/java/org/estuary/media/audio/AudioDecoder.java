package org.estuary.media.audio;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.estuary.core.codec.AacConfig;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.media.Codec;

/**
 * Audio decoder for AAC, Opus, MP3, G.711 and G.722 hub frames, giving planar float PCM. The format is known
 * from the config (AAC's AudioSpecificConfig, read here before the first unit; Opus) or given by the caller (G.711: 8 kHz mono unless the stream says
 * otherwise); {@link #sampleRate()}/{@link #channels()} follow what the codec actually produces.
 */
public final class AudioDecoder implements AutoCloseable {
    private final Codec codec;
    private int sampleRate;
    private int channels;
    private AVCodecContext ctx;
    private AVFrame frame;
    private AVPacket packet;

    /**
     * @param config     config frame payload (ASC / OpusHead), may be null for G.711
     * @param sampleRate expected rate (used by G.711; 0 = 8000)
     * @param channels   expected channels (used by G.711; 0 = 1)
     */
    public AudioDecoder(Codec codec, byte[] config, int sampleRate, int channels) {
        Ff.init();
        String name = switch (codec) {
            case AAC -> "aac";
            case OPUS -> "libopus";
            case PCMA -> "pcm_alaw";
            case PCMU -> "pcm_mulaw";
            case MP3 -> "mp3float";
            case G722 -> "g722";
            default -> throw new MediaException("no audio decoder for " + codec);
        };
        AVCodec c = avcodec_find_decoder_by_name(name);
        if (c == null) {
            throw new MediaException("no " + name + " decoder in this FFmpeg build");
        }
        this.codec = codec;
        if (codec == Codec.AAC) {
            // the codec context may learn the format only from the first decoded frame: take it
            // from the AudioSpecificConfig, which callers need before decoding (to size a resampler)
            AacConfig asc = ascOf(config);
            sampleRate = asc.sampleRate();
            channels = asc.channels();
        }
        this.sampleRate = sampleRate > 0 ? sampleRate : codec == Codec.OPUS ? 48000 : codec == Codec.G722 ? 16000 : 8000;
        this.channels = channels > 0 ? channels : codec == Codec.OPUS ? 2 : 1;
        try {
            ctx = avcodec_alloc_context3(c);
            ctx.sample_rate(this.sampleRate);
            av_channel_layout_default(ctx.ch_layout(), this.channels);
            if (config != null && config.length > 0) {
                BytePointer extra = new BytePointer(av_malloc(config.length + AV_INPUT_BUFFER_PADDING_SIZE));
                extra.capacity(config.length + AV_INPUT_BUFFER_PADDING_SIZE);
                extra.fill(0);
                extra.put(config);
                ctx.extradata(extra).extradata_size(config.length);
            }
            Ff.check(avcodec_open2(ctx, c, (AVDictionary) null), "opening the " + name + " decoder");
            if (ctx.sample_rate() > 0) {
                this.sampleRate = ctx.sample_rate();
            }
            if (ctx.ch_layout().nb_channels() > 0) {
                this.channels = ctx.ch_layout().nb_channels();
            }
            frame = av_frame_alloc();
            packet = av_packet_alloc();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** An AAC decoder for raw access units described by {@code audioSpecificConfig} (the config frame payload). */
    public static AudioDecoder aac(byte[] audioSpecificConfig) {
        return new AudioDecoder(Codec.AAC, audioSpecificConfig, 0, 0);
    }

    private static AacConfig ascOf(byte[] config) {
        if (config == null || config.length < 2) {
            throw new MediaException("AAC decoder needs an AudioSpecificConfig of at least 2 bytes");
        }
        AacConfig c;
        try {
            c = AacConfig.parse(config);
        } catch (CodecConfigException e) {
            throw new MediaException("bad AudioSpecificConfig: " + e.getMessage());
        }
        if (c.channels() < 1 || c.channels() > 8) {
            throw new MediaException("unsupported AAC channel configuration " + c.channels());
        }
        return c;
    }

    public Codec codec() { return codec; }
    public int sampleRate() { return sampleRate; }
    public int channels() { return channels; }

    /** Decodes one unit; returns [channels][samples] (possibly zero samples while priming). */
    public float[][] decode(byte[] unit) {
        Ff.check(av_new_packet(packet, unit.length), "allocating an audio packet");
        try {
            packet.data().put(unit);
            Ff.check(avcodec_send_packet(ctx, packet), codec + " decode");
        } finally {
            av_packet_unref(packet);
        }
        float[][] out = new float[channels][0];
        while (true) {
            int r = avcodec_receive_frame(ctx, frame);
            if (r == Ff.EAGAIN || r == AVERROR_EOF()) {
                return out;
            }
            Ff.check(r, codec + " decode");
            try {
                if (frame.sample_rate() > 0 && frame.sample_rate() != sampleRate && out[0].length == 0) {
                    sampleRate = frame.sample_rate();
                }
                int frameChannels = frame.ch_layout().nb_channels();
                if (frameChannels > 0 && frameChannels != channels && out[0].length == 0) {
                    // MP3 and Opus know their channel count only from the data (FLV's flag may be wrong)
                    channels = frameChannels;
                    out = new float[channels][0];
                }
                float[][] got = SampleFormats.read(frame, channels);
                float[][] grown = new float[channels][out[0].length + got[0].length];
                for (int c = 0; c < channels; c++) {
                    System.arraycopy(out[c], 0, grown[c], 0, out[c].length);
                    System.arraycopy(got[c], 0, grown[c], out[c].length, got[c].length);
                }
                out = grown;
            } finally {
                av_frame_unref(frame);
            }
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
