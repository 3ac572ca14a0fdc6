package org.estuary.media.snapshot;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.codec.H264Sps;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.scale.ColorUtil;
import org.jcodec.scale.Transform;

/**
 * One keyframe (hub form: AVCC NAL units + the decoder configuration record) in, one PNG out, at
 * the stream's resolution (the SPS cropping applied). H.264 is decoded by JCodec; H.265 and other
 * codecs, and H.264 that JCodec cannot read, by FFmpeg ({@link FfmpegSnapshot}).
 *
 * <p>JCodec wants Annex-B: the parameter sets and the frame's NAL units are rewritten with start
 * codes into a fresh buffer on each call, since the decoder unescapes its input in place.
 */
public final class SnapshotDecoder {
    private static final byte[] START_CODE = {0, 0, 0, 1};

    private SnapshotDecoder() { }

    public static byte[] toPng(Frame config, Frame keyframe) throws SnapshotException {
        if (config == null || keyframe == null) {
            throw new SnapshotException("no video configuration or keyframe");
        }
        if (config.codec() != keyframe.codec()) {
            throw new SnapshotException("configuration " + config.codec() + " does not match the keyframe's " + keyframe.codec());
        }
        if (keyframe.codec() != Codec.H264) {
            return png(FfmpegSnapshot.decode(config, keyframe)); // H.265, VP8, VP9, AV1: JCodec has no decoder
        }
        AvcConfig avc;
        H264Sps sps;
        try {
            avc = AvcConfig.parse(config.payload());
            sps = avc.firstSps();
        } catch (CodecConfigException e) {
            throw new SnapshotException("bad H.264 configuration: " + e.getMessage(), e);
        }
        if (sps == null) {
            throw new SnapshotException("H.264 configuration has no SPS");
        }
        ByteBuffer annexB = annexB(avc, keyframe.payload());
        Picture decoded;
        try {
            // buffers sized for whole macroblock pairs; the returned picture carries the crop
            int w = (sps.width() + 31) & ~31;
            int h = (sps.height() + 31) & ~31;
            decoded = new H264Decoder().decodeFrame(annexB, Picture.create(w, h, ColorSpace.YUV420J).getData());
        } catch (RuntimeException e) {
            decoded = null; // e.g. 4:2:2 or 10-bit High profiles: FFmpeg reads them
        }
        if (decoded == null) {
            return png(FfmpegSnapshot.decode(config, keyframe));
        }
        return png(decoded, sps.width(), sps.height());
    }

    /** Parameter sets, then the frame's NAL units, each behind a 4-byte start code. */
    static ByteBuffer annexB(AvcConfig avc, byte[] avcc) throws SnapshotException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(avcc.length + 256);
        for (byte[] s : avc.sps()) {
            out.writeBytes(START_CODE);
            out.writeBytes(s);
        }
        for (byte[] p : avc.pps()) {
            out.writeBytes(START_CODE);
            out.writeBytes(p);
        }
        int n = avc.nalLengthSize();
        int pos = 0;
        while (pos + n <= avcc.length) {
            int len = 0;
            for (int i = 0; i < n; i++) {
                len = len << 8 | (avcc[pos + i] & 0xFF);
            }
            pos += n;
            if (len < 0 || pos + len > avcc.length) {
                throw new SnapshotException("truncated NAL unit in keyframe");
            }
            out.writeBytes(START_CODE);
            out.write(avcc, pos, len);
            pos += len;
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    private static byte[] png(Picture yuv, int width, int height) throws SnapshotException {
        Picture rgb = Picture.create(yuv.getWidth(), yuv.getHeight(), ColorSpace.RGB);
        Transform t = ColorUtil.getTransform(yuv.getColor(), ColorSpace.RGB);
        if (t == null) {
            throw new SnapshotException("no colour conversion from " + yuv.getColor());
        }
        t.transform(yuv, rgb);
        int w = Math.min(width, yuv.getWidth());
        int h = Math.min(height, yuv.getHeight());
        int x0 = yuv.getCrop() == null ? 0 : yuv.getCrop().getX();
        int y0 = yuv.getCrop() == null ? 0 : yuv.getCrop().getY();
        byte[] px = rgb.getPlaneData(0); // interleaved R,G,B, stored as value - 128
        int stride = rgb.getWidth() * 3;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            int row = (y + y0) * stride + x0 * 3;
            for (int x = 0; x < w; x++) {
                int i = row + x * 3;
                int r = px[i] + 128;
                int g = px[i + 1] + 128;
                int b = px[i + 2] + 128;
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return png(img);
    }

    private static byte[] png(BufferedImage img) throws SnapshotException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new SnapshotException("PNG encoding failed: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
