package org.estuary.media.audio;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.estuary.core.codec.AacConfig;
import org.estuary.core.codec.CodecConfigException;

/**
 * AAC decoder (FFmpeg's native {@code aac}) for raw access units described by an
 * AudioSpecificConfig, giving planar float PCM.
 */
public final class AacDecoder implements AutoCloseable {
    private final int sampleRate;
    private final int channels;
    private AVCodecContext ctx;
    private AVFrame frame;
    private AVPacket packet;

    /** @param audioSpecificConfig the stream's config frame payload */
    public AacDecoder(byte[] audioSpecificConfig) {
        Ff.init();
        if (audioSpecificConfig == null || audioSpecificConfig.length < 2) {
            throw new MediaException("AAC decoder needs an AudioSpecificConfig of at least 2 bytes");
        }
        // the codec context only learns the format from the first decoded frame: take it from the ASC
        try {
            AacConfig c = AacConfig.parse(audioSpecificConfig);
            sampleRate = c.sampleRate();
            channels = c.channels();
        } catch (CodecConfigException e) {
            throw new MediaException("bad AudioSpecificConfig: " + e.getMessage());
        }
        if (channels < 1 || channels > 8) {
            throw new MediaException("unsupported AAC channel configuration " + channels);
        }
        AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_AAC);
        if (codec == null) {
            throw new MediaException("no AAC decoder in this FFmpeg build");
        }
        try {
            ctx = avcodec_alloc_context3(codec);
            // extradata must come from av_malloc: avcodec_free_context frees it
            BytePointer extra = new BytePointer(av_malloc(audioSpecificConfig.length + AV_INPUT_BUFFER_PADDING_SIZE));
            extra.position(0).limit(audioSpecificConfig.length + AV_INPUT_BUFFER_PADDING_SIZE);
            extra.fill(0);
            extra.put(audioSpecificConfig);
            ctx.extradata(extra).extradata_size(audioSpecificConfig.length);
            Ff.check(avcodec_open2(ctx, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "opening the AAC decoder");
            frame = av_frame_alloc();
            packet = av_packet_alloc();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public int sampleRate() { return sampleRate; }
    public int channels() { return channels; }

    /**
     * Decodes one access unit; returns its samples as [channel][sample] (1024 per channel for
     * AAC-LC, possibly none while the decoder primes).
     */
    public float[][] decode(byte[] accessUnit) {
        Ff.check(av_new_packet(packet, accessUnit.length), "allocating an AAC packet");
        try {
            packet.data().put(accessUnit);
            Ff.check(avcodec_send_packet(ctx, packet), "AAC decode");
        } finally {
            av_packet_unref(packet);
        }
        int ch = channels();
        float[][] out = new float[ch][0];
        while (true) {
            int r = avcodec_receive_frame(ctx, frame);
            if (r == Ff.EAGAIN || r == AVERROR_EOF()) {
                return out;
            }
            Ff.check(r, "AAC decode");
            if (frame.format() != AV_SAMPLE_FMT_FLTP) {
                throw new MediaException("AAC decoder gave sample format " + frame.format() + ", expected planar float");
            }
            int n = frame.nb_samples();
            int fch = Math.min(ch, frame.ch_layout().nb_channels());
            float[][] grown = new float[ch][out[0].length + n];
            for (int c = 0; c < ch; c++) {
                System.arraycopy(out[c], 0, grown[c], 0, out[c].length);
                try (FloatPointer fp = new FloatPointer(frame.data(Math.min(c, fch - 1)))) {
                    fp.get(grown[c], out[c].length, n);
                }
            }
            out = grown;
            av_frame_unref(frame);
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
