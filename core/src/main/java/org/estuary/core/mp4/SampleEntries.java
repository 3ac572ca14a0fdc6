package org.estuary.core.mp4;

import java.nio.charset.StandardCharsets;
import org.estuary.core.media.Codec;

/** The stsd sample entry of each supported codec (ISO/IEC 14496-12/-14/-15, Opus-in-ISOBMFF). */
final class SampleEntries {
    private SampleEntries() { }

    static void write(BoxBuffer b, Mp4Track t) {
        b.beginFull("stsd", 0, 0).u32(1);
        switch (t.codec()) {
            case H264 -> visual(b, "avc1", "avcC", t);
            case H265 -> visual(b, "hvc1", "hvcC", t);
            case AAC -> mp4a(b, t);
            case OPUS -> opus(b, t);
            default -> throw new IllegalArgumentException("unsupported codec " + t.codec());
        }
        b.end();
    }

    private static void visual(BoxBuffer b, String type, String configType, Mp4Track t) {
        b.begin(type).zeros(6).u16(1) // reserved, data_reference_index
                .u16(0).u16(0).zeros(12) // pre_defined, reserved, pre_defined
                .u16(t.width()).u16(t.height())
                .u32(0x00480000).u32(0x00480000) // 72 dpi
                .u32(0).u16(1) // reserved, frame_count
                .zeros(32) // compressorname
                .u16(0x0018).u16(0xFFFF); // depth, pre_defined = -1
        b.begin(configType).bytes(t.config()).end();
        b.end();
    }

    private static void audioHeader(BoxBuffer b, String type, int channels, int rate) {
        b.begin(type).zeros(6).u16(1)
                .zeros(8) // reserved
                .u16(channels).u16(16) // channelcount, samplesize
                .u16(0).u16(0) // pre_defined, reserved
                .u32((long) Math.min(rate, 65_535) << 16);
    }

    private static void mp4a(BoxBuffer b, Mp4Track t) {
        int channels = t.channels() > 0 ? t.channels() : 2;
        audioHeader(b, "mp4a", channels, t.timescale());
        byte[] asc = t.config();
        b.beginFull("esds", 0, 0);
        // ES_Descriptor(tag 3) > DecoderConfigDescriptor(tag 4) > DecoderSpecificInfo(tag 5), SLConfig(tag 6)
        descriptor(b, 3, 3 + (5 + 13 + 5 + asc.length) + (5 + 1));
        b.u16(1).u8(0); // ES_ID, flags
        descriptor(b, 4, 13 + 5 + asc.length);
        b.u8(0x40).u8(0x15).u24(0).u32(0).u32(0); // MPEG-4 audio, audio stream, buffer size, max/avg bitrate
        descriptor(b, 5, asc.length);
        b.bytes(asc);
        descriptor(b, 6, 1);
        b.u8(2); // predefined SL config for MP4
        b.end();
        b.end();
    }

    /** A descriptor tag with the 4-byte (0x80-continued) size form every player accepts. */
    private static void descriptor(BoxBuffer b, int tag, int size) {
        b.u8(tag).u8(0x80 | (size >>> 21) & 0x7F).u8(0x80 | (size >>> 14) & 0x7F)
                .u8(0x80 | (size >>> 7) & 0x7F).u8(size & 0x7F);
    }

    private static void opus(BoxBuffer b, Mp4Track t) {
        byte[] dops = opusSpecific(t);
        int channels = dops[1] & 0xFF;
        audioHeader(b, "Opus", channels, 48_000);
        b.begin("dOps").bytes(dops).end();
        b.end();
    }

    /** The dOps payload: converted from an OpusHead, taken as is, or built for stereo 48 kHz. */
    static byte[] opusSpecific(Mp4Track t) {
        byte[] c = t.config();
        if (c.length >= 19 && new String(c, 0, 8, StandardCharsets.ISO_8859_1).equals("OpusHead")) {
            // OpusHead is little-endian and starts with version 1; dOps is big-endian, version 0
            BoxBuffer d = new BoxBuffer().u8(0).u8(c[9] & 0xFF)
                    .u16((c[10] & 0xFF) | (c[11] & 0xFF) << 8)
                    .u32((c[12] & 0xFFL) | (c[13] & 0xFFL) << 8 | (c[14] & 0xFFL) << 16 | (c[15] & 0xFFL) << 24)
                    .u16((c[16] & 0xFF) | (c[17] & 0xFF) << 8)
                    .u8(c[18] & 0xFF);
            if ((c[18] & 0xFF) != 0 && c.length > 19) {
                byte[] mapping = new byte[c.length - 19];
                System.arraycopy(c, 19, mapping, 0, mapping.length);
                d.bytes(mapping);
            }
            return d.toByteArray();
        }
        if (c.length >= 11 && c[0] == 0) {
            return c;
        }
        int channels = t.channels() > 0 ? Math.min(t.channels(), 2) : 2;
        return new BoxBuffer().u8(0).u8(channels).u16(312).u32(48_000).u16(0).u8(0).toByteArray();
    }

    static boolean isAudio(Codec c) {
        return c == Codec.AAC || c == Codec.OPUS;
    }
}
