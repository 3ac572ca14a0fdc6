package org.estuary.media.audio;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * AAC-LC encoder (FFmpeg's native {@code aac}): planar float PCM in any amount, raw access units
 * (no ADTS) out, plus the AudioSpecificConfig for the stream's config frame. Input is buffered
 * until a whole codec frame (1024 samples) is available.
 */
public final class AacEncoder implements AutoCloseable {
    private final int sampleRate;
    private final int channels;
    private AVCodecContext ctx;
    private AVFrame frame;
    private AVPacket packet;
    private final int frameSize;
    private final float[][] pending;
    private int pendingLen;
    private long pts;

    public AacEncoder(int sampleRate, int channels, int bitrate) {
        Ff.init();
        if (sampleRate < 8000 || sampleRate > 96000 || channels < 1 || channels > 8) {
            throw new MediaException("unsupported AAC format " + sampleRate + " Hz " + channels + " ch");
        }
        this.sampleRate = sampleRate;
        this.channels = channels;
        AVCodec codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
        if (codec == null) {
            throw new MediaException("no AAC encoder in this FFmpeg build");
        }
        try {
            ctx = avcodec_alloc_context3(codec);
            ctx.sample_fmt(AV_SAMPLE_FMT_FLTP);
            ctx.sample_rate(sampleRate);
            av_channel_layout_default(ctx.ch_layout(), channels);
            ctx.bit_rate(bitrate);
            ctx.time_base().num(1).den(sampleRate);
            ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER); // puts the ASC into extradata
            Ff.check(avcodec_open2(ctx, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "opening the AAC encoder");
            frameSize = ctx.frame_size();
            frame = av_frame_alloc();
            frame.nb_samples(frameSize).format(AV_SAMPLE_FMT_FLTP).sample_rate(sampleRate);
            Ff.check(av_channel_layout_copy(frame.ch_layout(), ctx.ch_layout()), "copying the channel layout");
            Ff.check(av_frame_get_buffer(frame, 0), "allocating the AAC input frame");
            packet = av_packet_alloc();
            pending = new float[channels][frameSize];
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public int sampleRate() { return sampleRate; }
    public int channels() { return channels; }
    /** Samples per access unit (1024). */
    public int frameSize() { return frameSize; }

    /** The AudioSpecificConfig (2 bytes for AAC-LC) describing the access units. */
    public byte[] audioSpecificConfig() {
        byte[] asc = new byte[ctx.extradata_size()];
        ctx.extradata().get(asc);
        return asc;
    }

    /** Encodes {@code pcm} ([channel][sample]); returns the access units completed so far (often none or one). */
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
        Ff.check(avcodec_send_frame(ctx, null), "flushing the AAC encoder");
        receive(out);
        return out;
    }

    private void sendPending(List<byte[]> out) {
        Ff.check(av_frame_make_writable(frame), "making the AAC frame writable");
        for (int c = 0; c < channels; c++) {
            try (FloatPointer fp = new FloatPointer(frame.data(c))) {
                fp.put(pending[c], 0, frameSize);
            }
        }
        frame.pts(pts);
        pts += frameSize;
        pendingLen = 0;
        Ff.check(avcodec_send_frame(ctx, frame), "AAC encode");
        receive(out);
    }

    private void receive(List<byte[]> out) {
        while (true) {
            int r = avcodec_receive_packet(ctx, packet);
            if (r == Ff.EAGAIN || r == AVERROR_EOF()) {
                return;
            }
            Ff.check(r, "AAC encode");
            byte[] au = new byte[packet.size()];
            packet.data().get(au);
            av_packet_unref(packet);
            out.add(au);
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
