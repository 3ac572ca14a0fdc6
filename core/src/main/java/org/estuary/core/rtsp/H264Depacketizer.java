package org.estuary.core.rtsp;

import java.util.Base64;
import java.util.List;
import org.estuary.core.codec.AvcConfig;

/**
 * H.264 over RTP (RFC 6184, packetization-mode 0 and 1): single NAL units, STAP-A and FU-A.
 * SPS/PPS (from sprop-parameter-sets or in band) become configuration records and are taken out
 * of the access units; access unit delimiters are dropped.
 */
public final class H264Depacketizer extends NalDepacketizer {
    private static final int STAP_A = 24;
    private static final int FU_A = 28;

    private byte[] sps;
    private byte[] pps;

    public H264Depacketizer(AccessUnitSink sink) {
        super(sink, 1);
    }

    /** Feeds the SDP's sprop-parameter-sets (comma-separated base64 NAL units); bad base64 is ignored. */
    public void spropParameterSets(String sprop) {
        if (sprop == null) {
            return;
        }
        for (String b64 : sprop.split(",")) {
            try {
                byte[] nal = Base64.getDecoder().decode(b64.trim());
                if (nal.length > 0) {
                    parameterSet(nal);
                }
            } catch (IllegalArgumentException e) {
                ignored();
            }
        }
    }

    @Override
    protected void payload(RtpPacket p) {
        int type = p.payloadByte(0) & 0x1F;
        if (type >= 1 && type <= 23) {
            single(p);
        } else if (type == STAP_A) {
            aggregation(p, 1, 1);
        } else if (type == FU_A) {
            if (p.payloadLength() < 2) {
                damaged();
                return;
            }
            int indicator = p.payloadByte(0);
            int header = p.payloadByte(1);
            fragment(p, 2, (header & 0x80) != 0, (header & 0x40) != 0,
                    new byte[] {(byte) ((indicator & 0xE0) | (header & 0x1F))});
        } else {
            ignored(); // STAP-B, MTAP, FU-B: only for interleaved mode, which we do not ask for
        }
    }

    @Override
    protected void nal(byte[] nal) {
        int type = nal[0] & 0x1F;
        switch (type) {
            case 7, 8 -> parameterSet(nal);
            case 9 -> { } // access unit delimiter: AVCC streams go without
            case 5 -> {
                au.keyframe = true;
                au.add(nal);
            }
            default -> au.add(nal);
        }
    }

    private void parameterSet(byte[] nal) {
        if ((nal[0] & 0x1F) == 7) {
            sps = nal;
        } else if ((nal[0] & 0x1F) == 8) {
            pps = nal;
        }
    }

    @Override
    protected byte[] configRecord() {
        return sps != null && pps != null && sps.length >= 4 ? AvcConfig.build(sps, List.of(pps)) : null;
    }
}
