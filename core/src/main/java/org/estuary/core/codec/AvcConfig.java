package org.estuary.core.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An AVCDecoderConfigurationRecord (ISO/IEC 14496-15): profile, level, NAL length size and the
 * parameter sets it carries.
 *
 * @param nalLengthSize bytes of each NAL length prefix (1, 2 or 4)
 */
public record AvcConfig(int profile, int profileCompatibility, int level, int nalLengthSize,
                        List<byte[]> sps, List<byte[]> pps) {

    public static AvcConfig parse(byte[] record) throws CodecConfigException {
        Reader r = new Reader(record);
        if (r.u8() != 1) {
            throw new CodecConfigException("unsupported AVC configuration version");
        }
        int profile = r.u8();
        int compatibility = r.u8();
        int level = r.u8();
        int lengthSize = (r.u8() & 0x03) + 1;
        if (lengthSize == 3) {
            throw new CodecConfigException("NAL length size 3 is not allowed");
        }
        int spsCount = r.u8() & 0x1F;
        List<byte[]> sps = new ArrayList<>(spsCount);
        for (int i = 0; i < spsCount; i++) {
            sps.add(r.bytes(r.u16()));
        }
        int ppsCount = r.u8();
        List<byte[]> pps = new ArrayList<>(ppsCount);
        for (int i = 0; i < ppsCount; i++) {
            pps.add(r.bytes(r.u16()));
        }
        // high profiles may append chroma/bit depth fields after this: not needed, ignored
        return new AvcConfig(profile, compatibility, level, lengthSize, List.copyOf(sps), List.copyOf(pps));
    }

    /** The first SPS parsed, or null if the record has none. */
    public H264Sps firstSps() throws CodecConfigException {
        return sps.isEmpty() ? null : H264Sps.parse(sps.get(0));
    }

    /** The RFC 6381 codec string, e.g. {@code avc1.42C01F}. */
    public String codecString() {
        return String.format("avc1.%02X%02X%02X", profile, profileCompatibility, level);
    }

    /** Builds a record with 4-byte NAL lengths from one SPS and PPSs (e.g. for RTSP/WebRTC ingest). */
    public static byte[] build(byte[] sps, List<byte[]> pps) {
        if (sps.length < 4) {
            throw new IllegalArgumentException("SPS too short");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(1);
        out.write(sps[1]);
        out.write(sps[2]);
        out.write(sps[3]);
        out.write(0xFF); // 6 reserved bits + length size 4
        out.write(0xE1); // 3 reserved bits + one SPS
        out.write(sps.length >>> 8);
        out.write(sps.length);
        out.write(sps, 0, sps.length);
        out.write(pps.size());
        for (byte[] p : pps) {
            out.write(p.length >>> 8);
            out.write(p.length);
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return "AvcConfig{" + codecString() + " nalLength=" + nalLengthSize + " sps=" + sps.size()
                + " pps=" + pps.size() + '}';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvcConfig a && a.profile == profile && a.profileCompatibility == profileCompatibility
                && a.level == level && a.nalLengthSize == nalLengthSize && sameBytes(a.sps, sps) && sameBytes(a.pps, pps);
    }

    @Override
    public int hashCode() {
        return profile * 31 + level;
    }

    /** Whether two lists of NAL units (parameter sets) hold the same bytes in the same order. */
    public static boolean sameBytes(List<byte[]> a, List<byte[]> b) {
        if (a == b) {
            return true;
        }
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Byte cursor that fails with {@link CodecConfigException} instead of running off the end. */
    static final class Reader {
        private final byte[] data;
        private int pos;

        Reader(byte[] data) {
            this.data = data;
        }

        int u8() throws CodecConfigException {
            need(1);
            return data[pos++] & 0xFF;
        }

        int u16() throws CodecConfigException {
            return u8() << 8 | u8();
        }

        long u32() throws CodecConfigException {
            return (long) u16() << 16 | u16();
        }

        void skip(int n) throws CodecConfigException {
            need(n);
            pos += n;
        }

        byte[] bytes(int n) throws CodecConfigException {
            need(n);
            byte[] b = Arrays.copyOfRange(data, pos, pos + n);
            pos += n;
            return b;
        }

        int remaining() {
            return data.length - pos;
        }

        private void need(int n) throws CodecConfigException {
            if (n > data.length - pos) {
                throw new CodecConfigException("configuration record truncated");
            }
        }
    }
}
