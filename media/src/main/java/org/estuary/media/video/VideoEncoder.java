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
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.media.audio.MediaException;

/**
 * Encodes {@link DecodedPicture}s into hub {@link Frame}s.
 *
 * <p>H.264 comes out the way the hub carries it: length-prefixed NAL units, preceded by a config
 * frame with the AVCDecoderConfigurationRecord (from the encoder's global header, and again
 * whenever in-band parameter sets differ from the last record). Parameter sets and access unit
 * delimiters are removed from media frames. No B-frames, so dts = pts = the picture's time.
 * Not thread safe; blocks, so use it from a worker thread.
 */
public final class VideoEncoder implements AutoCloseable {
    private final VideoEncoderSettings settings;
    private final String encoderName;
    private AVCodecContext ctx;
    private AVPacket packet;
    private byte[] lastConfig;
    private boolean configSent;
    private long lastPts = Long.MIN_VALUE;
    private boolean keyframeRequested;

    public VideoEncoder(VideoEncoderSettings settings) {
        Ff.init();
        String problem = settings.problem();
        if (problem != null) {
            throw new MediaException("bad encoder settings: " + problem);
        }
        this.settings = settings;
        this.encoderName = settings.encoderName() != null ? settings.encoderName()
                : VideoEncoders.defaultEncoder(settings.codec());
        AVCodec c = encoderName == null ? null : avcodec_find_encoder_by_name(encoderName);
        if (c == null) {
            throw new MediaException("no " + settings.codec() + " encoder "
                    + (encoderName == null ? "" : "'" + encoderName + "' ") + "in this FFmpeg build");
        }
        AVDictionary opts = new AVDictionary(null);
        try {
            ctx = avcodec_alloc_context3(c);
            ctx.width(settings.width()).height(settings.height()).pix_fmt(AV_PIX_FMT_YUV420P);
            ctx.time_base().num(1).den(Ff.MICROS);
            ctx.framerate().num(settings.fps()).den(1);
            ctx.gop_size(settings.keyFrameInterval());
            ctx.keyint_min(settings.keyFrameInterval());
            ctx.max_b_frames(0);
            ctx.bit_rate(settings.bitrateKbps() * 1000L);
            ctx.thread_count(settings.threads());
            ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            encoderOptions(opts);
            Ff.check(avcodec_open2(ctx, c, opts), "opening the " + encoderName + " encoder");
            packet = av_packet_alloc();
            lastConfig = globalHeaderRecord();
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            av_dict_free(opts);
        }
    }

    private void encoderOptions(AVDictionary opts) {
        switch (encoderName) {
            case VideoEncoders.OPENH264 -> {
                // bitrate mode without frame skipping: the output keeps its frame rate. Measured with
                // the bundled CLI on testsrc2 360p15 at 500 kbit/s: 502 kbit/s, all 150 frames (with
                // skipping allowed: 142 frames for the same rate). Busy content may overshoot instead.
                av_dict_set(opts, "rc_mode", "bitrate", 0);
                av_dict_set(opts, "allow_skip_frames", "0", 0);
                av_dict_set(opts, "profile", "constrained_baseline", 0);
            }
            case VideoEncoders.X264 -> {
                av_dict_set(opts, "preset", "veryfast", 0);
                av_dict_set(opts, "tune", "zerolatency", 0);   // no lookahead delay, no B-frames
                av_dict_set(opts, "forced-idr", "1", 0);
            }
            case "libvpx", "libvpx-vp9" -> {
                av_dict_set(opts, "deadline", "realtime", 0);
                av_dict_set(opts, "cpu-used", "8", 0);
                av_dict_set(opts, "lag-in-frames", "0", 0);
            }
            case "libsvtav1" -> av_dict_set(opts, "preset", "12", 0);   // fastest
            default -> { }
        }
    }

    public VideoEncoderSettings settings() { return settings; }
    /** The FFmpeg encoder in use (e.g. libopenh264). */
    public String encoderName() { return encoderName; }

    /** Makes the next encoded picture a keyframe (e.g. for a new reader). */
    public void requestKeyframe() {
        keyframeRequested = true;
    }

    /**
     * Encodes one picture of the output size at its {@link DecodedPicture#ptsUs()} (times must
     * rise; an equal or earlier time is moved 1 µs past the previous one). Returns the frames it
     * completed: possibly a config frame, then zero or more media frames. The picture is only read.
     */
    public List<Frame> encode(DecodedPicture picture) {
        if (picture.width() != settings.width() || picture.height() != settings.height()) {
            throw new MediaException("picture " + picture.width() + "x" + picture.height()
                    + " does not match the encoder size " + settings.width() + "x" + settings.height());
        }
        long pts = Math.max(picture.ptsUs(), lastPts == Long.MIN_VALUE ? picture.ptsUs() : lastPts + 1);
        lastPts = pts;
        AVFrame f = picture.avFrame();
        int format = f.format();
        long oldPts = f.pts();
        int oldType = f.pict_type();
        List<Frame> out = new ArrayList<>(2);
        try {
            // full-range 4:2:0 has the same layout; the encoder only accepts the studio-range tag
            f.format(AV_PIX_FMT_YUV420P).pts(pts);
            if (keyframeRequested) {
                f.pict_type(AV_PICTURE_TYPE_I);
                keyframeRequested = false;
            }
            Ff.check(avcodec_send_frame(ctx, f), encoderName + " encode");
        } finally {
            f.format(format).pts(oldPts).pict_type(oldType);
        }
        receive(out);
        return out;
    }

    /** Returns the frames still inside the encoder; the encoder cannot be used afterwards. */
    public List<Frame> flush() {
        List<Frame> out = new ArrayList<>();
        if (ctx != null) {
            avcodec_send_frame(ctx, (AVFrame) null);
            receive(out);
        }
        return out;
    }

    private void receive(List<Frame> out) {
        while (true) {
            int r = avcodec_receive_packet(ctx, packet);
            if (r == Ff.EAGAIN || r == AVERROR_EOF()) {
                return;
            }
            Ff.check(r, encoderName + " encode");
            try {
                byte[] data = new byte[packet.size()];
                packet.data().get(data);
                long pts = packet.pts() == AV_NOPTS_VALUE ? lastPts : packet.pts();
                long dts = packet.dts() == AV_NOPTS_VALUE ? pts : packet.dts();
                boolean key = (packet.flags() & AV_PKT_FLAG_KEY) != 0;
                if (settings.codec() == Codec.H264) {
                    h264Frames(data, dts, pts, key, out);
                } else {
                    out.add(Frame.media(settings.codec(), dts, pts, key, data));
                }
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private void h264Frames(byte[] annexB, long dts, long pts, boolean key, List<Frame> out) {
        List<byte[]> nals = AnnexB.split(annexB);
        byte[] sps = null;
        List<byte[]> pps = new ArrayList<>();
        List<byte[]> media = new ArrayList<>(nals.size());
        for (byte[] nal : nals) {
            switch (AnnexB.h264Type(nal)) {
                case 7 -> sps = nal;
                case 8 -> pps.add(nal);
                case 9 -> { }   // access unit delimiter: meaningless in length-prefixed form
                default -> {
                    media.add(nal);
                    if (AnnexB.h264Type(nal) == 5) {
                        key = true;
                    }
                }
            }
        }
        if (sps != null && !pps.isEmpty()) {
            byte[] record = AvcConfig.build(sps, pps);
            if (!Arrays.equals(record, lastConfig)) {
                lastConfig = record;
                configSent = false;
            }
        }
        if (!configSent && lastConfig != null) {
            out.add(Frame.config(Codec.H264, dts, lastConfig));
            configSent = true;
        }
        if (!media.isEmpty()) {
            out.add(Frame.media(Codec.H264, dts, pts, key, AnnexB.lengthPrefixed(media)));
        }
    }

    /** The avcC record from the encoder's global header (Annex-B or already avcC), or null. */
    private byte[] globalHeaderRecord() {
        if (settings.codec() != Codec.H264 || ctx.extradata_size() <= 0 || ctx.extradata() == null) {
            return null;
        }
        byte[] extra = new byte[ctx.extradata_size()];
        ctx.extradata().get(extra);
        if (extra[0] == 1) {
            return extra;
        }
        byte[] sps = null;
        List<byte[]> pps = new ArrayList<>();
        for (byte[] nal : AnnexB.split(extra)) {
            if (AnnexB.h264Type(nal) == 7) {
                sps = nal;
            } else if (AnnexB.h264Type(nal) == 8) {
                pps.add(nal);
            }
        }
        return sps == null || pps.isEmpty() ? null : AvcConfig.build(sps, pps);
    }

    @Override
    public void close() {
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (ctx != null) {
            avcodec_free_context(ctx);
            ctx = null;
        }
    }
}
