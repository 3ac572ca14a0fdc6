package org.estuary.media.video;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.media.audio.MediaException;

/**
 * Decodes hub video frames (H.264, H.265, VP8, VP9, AV1) into {@link DecodedPicture}s.
 *
 * <p>H.264/H.265 arrive length-prefixed with the decoder configuration record in a config frame;
 * FFmpeg understands that form when the record is its extradata. A config frame with a
 * <em>different</em> record (a source restart: new SPS, new resolution) drains and reopens the
 * codec, so a caller simply feeds every frame of the stream. Pictures not in 8-bit 4:2:0 are
 * converted. Not thread safe; blocks, so use it from a worker thread.
 */
public final class VideoDecoder implements AutoCloseable {
    private final Codec codec;
    private final int threads;
    private byte[] config;
    private AVCodecContext ctx;
    private AVFrame frame;
    private AVPacket packet;
    private VideoScaler converter;
    private long errors;

    /**
     * @param codec   the stream's video codec
     * @param config  the codec configuration record (may be null; a later config frame supplies it)
     * @param threads decoder threads, 0 = automatic
     */
    public VideoDecoder(Codec codec, byte[] config, int threads) {
        Ff.init();
        if (codecId(codec) == AV_CODEC_ID_NONE) {
            throw new MediaException("no video decoder for " + codec);
        }
        this.codec = codec;
        this.threads = threads;
        open(config);
    }

    public Codec codec() { return codec; }

    /** Media frames that failed to decode (skipped, decoding goes on at the next keyframe). */
    public long errors() { return errors; }

    /** Feeds one frame; returns the pictures it completed (the caller closes them). */
    public List<DecodedPicture> decode(Frame f) {
        List<DecodedPicture> out = new ArrayList<>(1);
        if (f.isConfig()) {
            if (config == null || !Arrays.equals(config, f.payload())) {
                if (config != null) {
                    drain(out);
                }
                closeCodec();
                open(f.payload());
            }
            return out;
        }
        if (f.size() == 0) {
            return out;
        }
        Ff.check(av_new_packet(packet, f.size()), "allocating a video packet");
        try {
            packet.data().put(f.payload());
            packet.pts(f.ptsUs()).dts(f.dtsUs());
            if (f.isKeyframe()) {
                packet.flags(packet.flags() | AV_PKT_FLAG_KEY);
            }
            int r = avcodec_send_packet(ctx, packet);
            if (r == Ff.EAGAIN) {
                // output pending: collect it, then the packet fits
                receive(out);
                r = avcodec_send_packet(ctx, packet);
            }
            if (r < 0 && r != Ff.EAGAIN) {
                errors++;   // corrupt or undecodable input is skipped, not fatal
            }
        } finally {
            av_packet_unref(packet);
        }
        receive(out);
        return out;
    }

    /** Returns the pictures still held by the codec (end of stream); decoding can go on afterwards. */
    public List<DecodedPicture> flush() {
        List<DecodedPicture> out = new ArrayList<>();
        drain(out);
        byte[] c = config;
        closeCodec();
        open(c);
        return out;
    }

    private void drain(List<DecodedPicture> out) {
        avcodec_send_packet(ctx, (AVPacket) null);
        receive(out);
    }

    private void receive(List<DecodedPicture> out) {
        while (true) {
            int r = avcodec_receive_frame(ctx, frame);
            if (r == Ff.EAGAIN || r == AVERROR_EOF()) {
                return;
            }
            if (r < 0) {
                errors++;
                return;
            }
            try {
                long pts = frame.best_effort_timestamp();
                if (pts == AV_NOPTS_VALUE) {
                    pts = frame.pts();
                }
                out.add(toPicture(frame, pts));
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    private DecodedPicture toPicture(AVFrame f, long pts) {
        int fmt = f.format();
        if (fmt == AV_PIX_FMT_YUV420P || fmt == AV_PIX_FMT_YUVJ420P) {
            AVFrame copy = av_frame_clone(f);   // shares the buffers by reference count
            if (copy == null) {
                throw new MediaException("out of memory cloning a decoded picture");
            }
            return new DecodedPicture(copy, pts);
        }
        if (converter == null || converter.width() != f.width() || converter.height() != f.height()) {
            if (converter != null) {
                converter.close();
            }
            converter = new VideoScaler(f.width(), f.height());
        }
        return converter.convert(f, pts);
    }

    private void open(byte[] record) {
        AVCodec c = findDecoder(codec);
        if (c == null) {
            throw new MediaException("no " + codec + " decoder in this FFmpeg build");
        }
        try {
            ctx = avcodec_alloc_context3(c);
            ctx.pkt_timebase().num(1).den(Ff.MICROS);
            ctx.thread_count(threads);
            if (record != null && record.length > 0) {
                // extradata must come from av_malloc: avcodec_free_context frees it
                BytePointer extra = new BytePointer(av_malloc(record.length + AV_INPUT_BUFFER_PADDING_SIZE));
                extra.capacity(record.length + AV_INPUT_BUFFER_PADDING_SIZE);
                extra.fill(0);
                extra.put(record);
                ctx.extradata(extra).extradata_size(record.length);
            }
            Ff.check(avcodec_open2(ctx, c, (AVDictionary) null), "opening the " + codec + " decoder");
            if (frame == null) {
                frame = av_frame_alloc();
            }
            if (packet == null) {
                packet = av_packet_alloc();
            }
            config = record == null ? null : record.clone();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static AVCodec findDecoder(Codec codec) {
        if (codec == Codec.AV1) {
            // FFmpeg's own av1 decoder needs a hardware accelerator; libaom decodes in software
            AVCodec aom = avcodec_find_decoder_by_name("libaom-av1");
            if (aom != null) {
                return aom;
            }
        }
        return avcodec_find_decoder(codecId(codec));
    }

    static int codecId(Codec codec) {
        return switch (codec) {
            case H264 -> AV_CODEC_ID_H264;
            case H265 -> AV_CODEC_ID_HEVC;
            case VP8 -> AV_CODEC_ID_VP8;
            case VP9 -> AV_CODEC_ID_VP9;
            case AV1 -> AV_CODEC_ID_AV1;
            default -> AV_CODEC_ID_NONE;
        };
    }

    private void closeCodec() {
        if (ctx != null) {
            avcodec_free_context(ctx);
            ctx = null;
        }
    }

    @Override
    public void close() {
        closeCodec();
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (frame != null) {
            av_frame_free(frame);
            frame = null;
        }
        if (converter != null) {
            converter.close();
            converter = null;
        }
    }
}
