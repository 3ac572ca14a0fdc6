package org.estuary.core.flv;

import org.estuary.core.media.Codec;

/** Enhanced RTMP FourCC values, as big-endian ints. */
public final class FourCc {
    public static final int AVC1 = of("avc1");
    public static final int HVC1 = of("hvc1");
    public static final int AV01 = of("av01");
    public static final int VP09 = of("vp09");
    public static final int VP08 = of("vp08");
    public static final int OPUS = of("Opus");
    public static final int MP4A = of("mp4a");
    public static final int MP3 = of(".mp3");

    private FourCc() {
    }

    public static int of(String s) {
        if (s.length() != 4) {
            throw new IllegalArgumentException("FourCC must be 4 characters: " + s);
        }
        return s.charAt(0) << 24 | s.charAt(1) << 16 | s.charAt(2) << 8 | s.charAt(3);
    }

    public static String toString(int fourCc) {
        return new String(new char[] {(char) (fourCc >>> 24 & 0xFF), (char) (fourCc >>> 16 & 0xFF),
            (char) (fourCc >>> 8 & 0xFF), (char) (fourCc & 0xFF)});
    }

    /** The hub codec for a FourCC, or null if the hub has no name for it. */
    public static Codec codec(int fourCc) {
        if (fourCc == AVC1) {
            return Codec.H264;
        } else if (fourCc == HVC1) {
            return Codec.H265;
        } else if (fourCc == AV01) {
            return Codec.AV1;
        } else if (fourCc == VP09) {
            return Codec.VP9;
        } else if (fourCc == VP08) {
            return Codec.VP8;
        } else if (fourCc == OPUS) {
            return Codec.OPUS;
        } else if (fourCc == MP4A) {
            return Codec.AAC;
        } else if (fourCc == MP3) {
            return Codec.MP3;
        }
        return null;
    }

    /** The FourCC for a hub codec, or 0 if Enhanced RTMP has none. */
    public static int of(Codec codec) {
        return switch (codec) {
            case H264 -> AVC1;
            case H265 -> HVC1;
            case AV1 -> AV01;
            case VP9 -> VP09;
            case VP8 -> VP08;
            case OPUS -> OPUS;
            case AAC -> MP4A;
            case MP3 -> MP3;
            default -> 0;
        };
    }
}
