package org.estuary.core.webrtc;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * H.264 access units (AVCC, hub form) to RTP payloads (RFC 6184, packetization-mode 1): NAL units
 * that fit go alone, small parameter sets are aggregated in one STAP-A before a key frame, larger
 * NAL units are split into FU-A fragments. The caller sets the marker bit on the last payload.
 */
public final class H264Packetizer {
    private final int maxPayload;

    public H264Packetizer(int maxPayload) {
        if (maxPayload < 100) {
            throw new IllegalArgumentException("payload size too small: " + maxPayload);
        }
        this.maxPayload = maxPayload;
    }

    /**
     * @param avcc        length-prefixed NAL units (4-byte lengths)
     * @param parameterSets SPS/PPS NAL units to send first (for key frames), may be empty
     * @return payloads in send order; empty when the unit is malformed
     */
    public List<byte[]> packetize(byte[] avcc, List<byte[]> parameterSets) {
        List<byte[]> nals = new ArrayList<>(parameterSets);
        int off = 0;
        while (off + 4 <= avcc.length) {
            int len = ((avcc[off] & 0xFF) << 24) | ((avcc[off + 1] & 0xFF) << 16) | ((avcc[off + 2] & 0xFF) << 8) | (avcc[off + 3] & 0xFF);
            off += 4;
            if (len <= 0 || len > avcc.length - off) {
                return List.of();
            }
            byte[] nal = new byte[len];
            System.arraycopy(avcc, off, nal, 0, len);
            int type = nal[0] & 0x1F;
            if (type != 9) { // access unit delimiters are not sent
                nals.add(nal);
            }
            off += len;
        }
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream stap = null;
        int stapNri = 0;
        for (byte[] nal : nals) {
            if (nal.length + 3 <= maxPayload && (nal[0] & 0x1F) >= 6 && (nal[0] & 0x1F) <= 8) {
                // SEI/SPS/PPS: aggregate (STAP-A) until a picture NAL comes
                if (stap == null) {
                    stap = new ByteArrayOutputStream();
                    stap.write(0); // header written at the end
                }
                if (stap.size() + 2 + nal.length > maxPayload) {
                    out.add(finishStap(stap, stapNri));
                    stap = new ByteArrayOutputStream();
                    stap.write(0);
                    stapNri = 0;
                }
                stap.write(nal.length >>> 8);
                stap.write(nal.length);
                stap.write(nal, 0, nal.length);
                stapNri = Math.max(stapNri, nal[0] & 0x60);
                continue;
            }
            if (stap != null) {
                out.add(finishStap(stap, stapNri));
                stap = null;
                stapNri = 0;
            }
            if (nal.length <= maxPayload) {
                out.add(nal);
            } else {
                fuA(nal, out);
            }
        }
        if (stap != null) {
            out.add(finishStap(stap, stapNri));
        }
        return out;
    }

    private static byte[] finishStap(ByteArrayOutputStream stap, int nri) {
        byte[] b = stap.toByteArray();
        b[0] = (byte) (nri | 24);
        return b;
    }

    private void fuA(byte[] nal, List<byte[]> out) {
        int indicator = (nal[0] & 0xE0) | 28;
        int type = nal[0] & 0x1F;
        int off = 1;
        int chunk = maxPayload - 2;
        while (off < nal.length) {
            int n = Math.min(chunk, nal.length - off);
            byte[] p = new byte[n + 2];
            p[0] = (byte) indicator;
            p[1] = (byte) (type | (off == 1 ? 0x80 : 0) | (off + n == nal.length ? 0x40 : 0));
            System.arraycopy(nal, off, p, 2, n);
            out.add(p);
            off += n;
        }
    }
}
