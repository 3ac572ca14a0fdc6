package org.estuary.core.flv;

import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;

/**
 * Builds FLV/RTMP audio and video tag bodies from hub frames. H.264 uses the legacy header that
 * every player understands; H.265, AV1, VP9 and VP8 use Enhanced RTMP. The header/body split
 * ({@link #videoHeaderSize}, {@link #writeVideoHeader}) lets a caller place the header in front
 * of the payload in one preallocated array.
 */
public final class FlvWriter {
    private static final int FRAME_KEY = 1;
    private static final int FRAME_INTER = 2;

    private FlvWriter() {
    }

    // ---- video ----

    public static byte[] videoTag(Frame f) {
        int header = videoHeaderSize(f);
        byte[] out = new byte[header + f.size()];
        writeVideoHeader(f, out, 0);
        System.arraycopy(f.payload(), 0, out, header, f.size());
        return out;
    }

    /** @throws IllegalArgumentException if the frame is not video FLV can carry */
    public static int videoHeaderSize(Frame f) {
        Codec c = f.codec();
        if (c == Codec.H264) {
            return 5;
        }
        checkEnhancedVideo(c);
        return enhancedVideoPacketType(f) == FlvVideo.PACKET_CODED_FRAMES && c == Codec.H265 ? 8 : 5;
    }

    public static void writeVideoHeader(Frame f, byte[] dst, int off) {
        int frameType = f.isKeyframe() ? FRAME_KEY : FRAME_INTER;
        if (f.codec() == Codec.H264) {
            dst[off] = (byte) (frameType << 4 | FlvVideo.CODEC_ID_AVC);
            dst[off + 1] = (byte) (f.isConfig() ? 0 : 1);
            writeS24(dst, off + 2, f.isConfig() ? 0 : ctsMs(f));
            return;
        }
        checkEnhancedVideo(f.codec());
        int packetType = enhancedVideoPacketType(f);
        dst[off] = (byte) (0x80 | frameType << 4 | packetType);
        writeFourCc(dst, off + 1, FourCc.of(f.codec()));
        if (packetType == FlvVideo.PACKET_CODED_FRAMES && f.codec() == Codec.H265) {
            writeS24(dst, off + 5, ctsMs(f));
        }
    }

    private static int enhancedVideoPacketType(Frame f) {
        if (f.isConfig()) {
            return FlvVideo.PACKET_SEQUENCE_START;
        }
        // for HEVC, CodedFramesX saves the 3 CTS bytes when there is no reordering
        if (f.codec() == Codec.H265 && ctsMs(f) == 0) {
            return FlvVideo.PACKET_CODED_FRAMES_X;
        }
        return FlvVideo.PACKET_CODED_FRAMES;
    }

    private static void checkEnhancedVideo(Codec c) {
        if (c != Codec.H265 && c != Codec.AV1 && c != Codec.VP9 && c != Codec.VP8) {
            throw new IllegalArgumentException("no FLV video mapping for " + c);
        }
    }

    /** Composition offset in ms, rounded and clamped to the signed 24-bit field. */
    static int ctsMs(Frame f) {
        long ms = Math.round(f.ctsUs() / 1000.0);
        return (int) Math.max(-0x800000, Math.min(0x7FFFFF, ms));
    }

    // ---- audio ----

    /** @param params sample rate and channels, needed for MP3/PCMA/PCMU, ignored (may be null) for AAC and Opus */
    public static byte[] audioTag(Frame f, AudioParams params) {
        int header = audioHeaderSize(f);
        byte[] out = new byte[header + f.size()];
        writeAudioHeader(f, params, out, 0);
        System.arraycopy(f.payload(), 0, out, header, f.size());
        return out;
    }

    public static int audioHeaderSize(Frame f) {
        return switch (f.codec()) {
            case AAC -> 2;
            case OPUS -> 5;
            case MP3, PCMA, PCMU -> 1;
            default -> throw new IllegalArgumentException("no FLV audio mapping for " + f.codec());
        };
    }

    public static void writeAudioHeader(Frame f, AudioParams params, byte[] dst, int off) {
        switch (f.codec()) {
            case AAC -> {
                // the spec fixes these bits for AAC (44 kHz, 16 bit, stereo); the real values are in the config
                dst[off] = (byte) 0xAF;
                dst[off + 1] = (byte) (f.isConfig() ? 0 : 1);
            }
            case OPUS -> {
                int packetType = f.isConfig() ? FlvAudio.PACKET_SEQUENCE_START : FlvAudio.PACKET_CODED_FRAMES;
                dst[off] = (byte) (FlvAudio.FORMAT_EX_HEADER << 4 | packetType);
                writeFourCc(dst, off + 1, FourCc.OPUS);
            }
            case MP3 -> dst[off] = legacy(FlvAudio.FORMAT_MP3, rateIndex(params), params);
            // G.711 is 8 kHz by definition; FLV readers ignore the rate bits for it
            case PCMA -> dst[off] = legacy(FlvAudio.FORMAT_PCMA, 0, params);
            case PCMU -> dst[off] = legacy(FlvAudio.FORMAT_PCMU, 0, params);
            default -> throw new IllegalArgumentException("no FLV audio mapping for " + f.codec());
        }
    }

    private static byte legacy(int format, int rateIndex, AudioParams params) {
        boolean stereo = params != null && params.channels() >= 2;
        return (byte) (format << 4 | rateIndex << 2 | 0x02 | (stereo ? 1 : 0));
    }

    private static int rateIndex(AudioParams params) {
        int rate = params == null ? 44100 : params.sampleRate();
        return rate >= 44100 ? 3 : rate >= 22050 ? 2 : rate >= 11025 ? 1 : 0;
    }

    private static void writeFourCc(byte[] dst, int off, int fourCc) {
        dst[off] = (byte) (fourCc >>> 24);
        dst[off + 1] = (byte) (fourCc >>> 16);
        dst[off + 2] = (byte) (fourCc >>> 8);
        dst[off + 3] = (byte) fourCc;
    }

    private static void writeS24(byte[] dst, int off, int v) {
        dst[off] = (byte) (v >>> 16);
        dst[off + 1] = (byte) (v >>> 8);
        dst[off + 2] = (byte) v;
    }
}
