package org.estuary.core.rtsp;

import java.util.Base64;

/**
 * H.265 over RTP (RFC 7798, no DONL): single NAL units, aggregation packets (48) and
 * fragmentation units (49). VPS/SPS/PPS (sprop-vps/sps/pps or in band) become an
 * HEVCDecoderConfigurationRecord and are taken out of the access units.
 */
public final class H265Depacketizer extends NalDepacketizer {
    private static final int AP = 48;
    private static final int FU = 49;

    private byte[] vps;
    private byte[] sps;
    private byte[] pps;

    public H265Depacketizer(AccessUnitSink sink) {
        super(sink, 3);
    }

    /** Feeds sprop-vps / sprop-sps / sprop-pps values (base64, comma-separated). */
    public void spropParameterSets(String... values) {
        for (String v : values) {
            if (v == null) {
                continue;
            }
            for (String b64 : v.split(",")) {
                try {
                    byte[] nal = Base64.getDecoder().decode(b64.trim());
                    if (nal.length > 2) {
                        nal(nal);
                    }
                } catch (IllegalArgumentException e) {
                    ignored();
                }
            }
        }
    }

    @Override
    protected void payload(RtpPacket p) {
        int type = (p.payloadByte(0) >> 1) & 0x3F;
        if (type < 48) {
            single(p);
        } else if (type == AP) {
            aggregation(p, 2, 2);
        } else if (type == FU) {
            int h0 = p.payloadByte(0);
            int h1 = p.payloadByte(1);
            int fu = p.payloadByte(2);
            fragment(p, 3, (fu & 0x80) != 0, (fu & 0x40) != 0,
                    new byte[] {(byte) ((h0 & 0x81) | ((fu & 0x3F) << 1)), (byte) h1});
        } else {
            ignored(); // PACI and reserved types
        }
    }

    @Override
    protected void nal(byte[] nal) {
        int type = (nal[0] >> 1) & 0x3F;
        switch (type) {
            case 32 -> vps = nal;
            case 33 -> sps = nal;
            case 34 -> pps = nal;
            case 35 -> { } // access unit delimiter
            default -> {
                if (type >= 16 && type <= 23) {
                    au.keyframe = true;
                }
                au.add(nal);
            }
        }
    }

    @Override
    protected byte[] configRecord() {
        return vps != null && sps != null && pps != null ? HevcRecord.build(vps, sps, pps) : null;
    }
}
