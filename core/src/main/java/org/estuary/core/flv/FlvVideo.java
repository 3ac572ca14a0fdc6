package org.estuary.core.flv;

import org.estuary.core.media.Codec;

/**
 * Parses the body of an FLV/RTMP video tag, legacy (codec id 7 AVC, 12 HEVC as used by Chinese
 * CDNs) or Enhanced RTMP (IsExHeader bit + FourCC).
 */
public final class FlvVideo {
    public static final int CODEC_ID_AVC = 7;
    /** Non-standard HEVC codec id from the Chinese FLV extension. */
    public static final int CODEC_ID_HEVC = 12;

    public static final int PACKET_SEQUENCE_START = 0;
    public static final int PACKET_CODED_FRAMES = 1;
    public static final int PACKET_SEQUENCE_END = 2;
    public static final int PACKET_CODED_FRAMES_X = 3;
    public static final int PACKET_METADATA = 4;
    public static final int PACKET_MPEG2TS_SEQUENCE_START = 5;

    private FlvVideo() {
    }

    /**
     * A parsed video tag.
     *
     * @param codec             hub codec, or null for codecs the hub does not know (Sorenson, VP6, ...)
     * @param compositionTimeMs pts - dts in ms (signed 24 bit); 0 where the format has no field
     * @param dataOffset        where the codec data (record, NAL units, OBUs...) starts in the payload
     * @param dataLength        its length
     * @param enhanced          true for an Enhanced RTMP header
     * @param fourCc            the FourCC for enhanced tags, else 0
     */
    public record VideoTag(Codec codec, FrameType frameType, PacketKind packetKind, int compositionTimeMs,
                           int dataOffset, int dataLength, boolean enhanced, int fourCc) {
        public boolean isKeyframe() {
            return frameType == FrameType.KEY;
        }

        public boolean isSequenceHeader() {
            return packetKind == PacketKind.SEQUENCE_HEADER;
        }
    }

    public static VideoTag parse(byte[] payload) throws FlvException {
        if (payload.length < 1) {
            throw new FlvException("empty video tag");
        }
        int b0 = payload[0] & 0xFF;
        if ((b0 & 0x80) != 0) {
            return parseEnhanced(payload, b0);
        }
        FrameType frameType = FrameType.of(b0 >>> 4);
        int codecId = b0 & 0x0F;
        if (codecId == CODEC_ID_AVC || codecId == CODEC_ID_HEVC) {
            if (payload.length < 5) {
                throw new FlvException("AVC/HEVC video tag shorter than its 5-byte header");
            }
            PacketKind kind = switch (payload[1]) {
                case 0 -> PacketKind.SEQUENCE_HEADER;
                case 1 -> PacketKind.CODED_FRAMES;
                case 2 -> PacketKind.END_OF_SEQUENCE;
                default -> PacketKind.OTHER;
            };
            Codec codec = codecId == CODEC_ID_AVC ? Codec.H264 : Codec.H265;
            return new VideoTag(codec, frameType, kind, readS24(payload, 2), 5, payload.length - 5, false, 0);
        }
        return new VideoTag(null, frameType, PacketKind.CODED_FRAMES, 0, 1, payload.length - 1, false, 0);
    }

    private static VideoTag parseEnhanced(byte[] payload, int b0) throws FlvException {
        FrameType frameType = FrameType.of(b0 >>> 4 & 0x07);
        int packetType = b0 & 0x0F;
        if (payload.length < 5) {
            throw new FlvException("enhanced video tag shorter than its 5-byte header");
        }
        int fourCc = (payload[1] & 0xFF) << 24 | (payload[2] & 0xFF) << 16 | (payload[3] & 0xFF) << 8
                | (payload[4] & 0xFF);
        Codec codec = FourCc.codec(fourCc);
        if (frameType == FrameType.OTHER && packetType != PACKET_METADATA) {
            // a video command frame: one command byte, no media
            return new VideoTag(codec, frameType, PacketKind.OTHER, 0, 5, payload.length - 5, true, fourCc);
        }
        int offset = 5;
        int cts = 0;
        PacketKind kind;
        switch (packetType) {
            case PACKET_SEQUENCE_START -> kind = PacketKind.SEQUENCE_HEADER;
            case PACKET_CODED_FRAMES -> {
                kind = PacketKind.CODED_FRAMES;
                // only the codecs with B-frames in FLV carry a composition time here
                if (fourCc == FourCc.AVC1 || fourCc == FourCc.HVC1) {
                    if (payload.length < 8) {
                        throw new FlvException("enhanced coded frames missing composition time");
                    }
                    cts = readS24(payload, 5);
                    offset = 8;
                }
            }
            case PACKET_CODED_FRAMES_X -> kind = PacketKind.CODED_FRAMES;
            case PACKET_SEQUENCE_END -> kind = PacketKind.END_OF_SEQUENCE;
            case PACKET_METADATA -> kind = PacketKind.METADATA;
            default -> kind = PacketKind.OTHER; // MPEG2TSSequenceStart, multitrack, ModEx, reserved
        }
        return new VideoTag(codec, frameType, kind, cts, offset, payload.length - offset, true, fourCc);
    }

    static int readS24(byte[] b, int p) {
        int v = (b[p] & 0xFF) << 16 | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF);
        return v << 8 >> 8; // sign-extend 24 bits
    }
}
