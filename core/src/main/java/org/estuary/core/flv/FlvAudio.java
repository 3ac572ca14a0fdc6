package org.estuary.core.flv;

import org.estuary.core.media.Codec;

/** Parses the body of an FLV/RTMP audio tag, legacy or Enhanced RTMP (sound format 9 + FourCC). */
public final class FlvAudio {
    public static final int FORMAT_MP3 = 2;
    public static final int FORMAT_PCMA = 7;
    public static final int FORMAT_PCMU = 8;
    /** Enhanced RTMP: a FourCC follows the first byte. */
    public static final int FORMAT_EX_HEADER = 9;
    public static final int FORMAT_AAC = 10;
    public static final int FORMAT_SPEEX = 11;
    public static final int FORMAT_MP3_8K = 14;

    public static final int PACKET_SEQUENCE_START = 0;
    public static final int PACKET_CODED_FRAMES = 1;
    public static final int PACKET_SEQUENCE_END = 2;

    private static final int[] LEGACY_RATES = {5512, 11025, 22050, 44100};

    private FlvAudio() {
    }

    /**
     * A parsed audio tag.
     *
     * @param soundFormat raw 4-bit sound format (9 for enhanced tags)
     * @param codec       hub codec, or null if the hub does not know it (Speex, Nellymoser, ...)
     * @param rateIndex   legacy 2-bit rate (0 5.5k, 1 11k, 2 22k, 3 44k); meaningless for AAC and enhanced
     * @param sixteenBit  legacy sample size flag
     * @param stereo      legacy channel flag
     * @param packetKind  AAC/enhanced packet kind; CODED_FRAMES for formats without packet types
     * @param dataOffset  where the codec data starts in the payload
     */
    public record AudioTag(int soundFormat, Codec codec, int rateIndex, boolean sixteenBit, boolean stereo,
                           PacketKind packetKind, int dataOffset, int dataLength, boolean enhanced, int fourCc) {
        public boolean isSequenceHeader() {
            return packetKind == PacketKind.SEQUENCE_HEADER;
        }

        /** The legacy rate in Hz (not reliable for AAC, whose config carries the real rate). */
        public int legacySampleRate() {
            return LEGACY_RATES[rateIndex];
        }
    }

    public static AudioTag parse(byte[] payload) throws FlvException {
        if (payload.length < 1) {
            throw new FlvException("empty audio tag");
        }
        int b0 = payload[0] & 0xFF;
        int format = b0 >>> 4;
        int rate = b0 >>> 2 & 0x03;
        boolean sixteen = (b0 & 0x02) != 0;
        boolean stereo = (b0 & 0x01) != 0;
        if (format == FORMAT_EX_HEADER) {
            if (payload.length < 5) {
                throw new FlvException("enhanced audio tag shorter than its 5-byte header");
            }
            int fourCc = (payload[1] & 0xFF) << 24 | (payload[2] & 0xFF) << 16 | (payload[3] & 0xFF) << 8
                    | (payload[4] & 0xFF);
            PacketKind kind = switch (b0 & 0x0F) {
                case PACKET_SEQUENCE_START -> PacketKind.SEQUENCE_HEADER;
                case PACKET_CODED_FRAMES -> PacketKind.CODED_FRAMES;
                case PACKET_SEQUENCE_END -> PacketKind.END_OF_SEQUENCE;
                default -> PacketKind.OTHER; // multichannel config, multitrack, ModEx
            };
            return new AudioTag(format, FourCc.codec(fourCc), 0, false, false, kind, 5, payload.length - 5, true, fourCc);
        }
        if (format == FORMAT_AAC) {
            if (payload.length < 2) {
                throw new FlvException("AAC audio tag missing its packet type");
            }
            PacketKind kind = payload[1] == 0 ? PacketKind.SEQUENCE_HEADER
                    : payload[1] == 1 ? PacketKind.CODED_FRAMES : PacketKind.OTHER;
            return new AudioTag(format, Codec.AAC, rate, sixteen, stereo, kind, 2, payload.length - 2, false, 0);
        }
        Codec codec = switch (format) {
            case FORMAT_MP3, FORMAT_MP3_8K -> Codec.MP3;
            case FORMAT_PCMA -> Codec.PCMA;
            case FORMAT_PCMU -> Codec.PCMU;
            default -> null;
        };
        return new AudioTag(format, codec, rate, sixteen, stereo, PacketKind.CODED_FRAMES, 1, payload.length - 1,
                false, 0);
    }
}
