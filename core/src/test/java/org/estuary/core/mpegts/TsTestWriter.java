package org.estuary.core.mpegts;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/** A minimal MPEG-TS writer for tests: PAT, PMT and PES split into 188-byte packets. */
final class TsTestWriter {
    static final int PMT_PID = 0x1000;
    static final int VIDEO_PID = 0x100;
    static final int AUDIO_PID = 0x101;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<Integer, Integer> cc = new HashMap<>();

    void tables() {
        byte[] pat = {0x00, (byte) 0xB0, 0x0D, 0x00, 0x01, (byte) 0xC1, 0x00, 0x00,
                0x00, 0x01, (byte) (0xE0 | (PMT_PID >> 8)), (byte) PMT_PID, 0, 0, 0, 0};
        section(0, pat);
        byte[] pmt = {0x02, (byte) 0xB0, 0x17, 0x00, 0x01, (byte) 0xC1, 0x00, 0x00,
                (byte) (0xE0 | (VIDEO_PID >> 8)), (byte) VIDEO_PID, (byte) 0xF0, 0x00,
                0x1B, (byte) (0xE0 | (VIDEO_PID >> 8)), (byte) VIDEO_PID, (byte) 0xF0, 0x00,
                0x0F, (byte) (0xE0 | (AUDIO_PID >> 8)), (byte) AUDIO_PID, (byte) 0xF0, 0x00,
                0, 0, 0, 0};
        section(PMT_PID, pmt);
    }

    private void section(int pid, byte[] section) {
        byte[] payload = new byte[section.length + 1];
        System.arraycopy(section, 0, payload, 1, section.length); // pointer field 0
        packets(pid, payload, true);
    }

    void pes(int pid, int streamId, long pts90k, long dts90k, byte[] es, boolean bounded) {
        boolean withDts = dts90k >= 0 && dts90k != pts90k;
        int headerData = withDts ? 10 : 5;
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0);
        p.write(0);
        p.write(1);
        p.write(streamId);
        int len = bounded ? 3 + headerData + es.length : 0;
        p.write(len >> 8);
        p.write(len);
        p.write(0x80);
        p.write(withDts ? 0xC0 : 0x80);
        p.write(headerData);
        ts(p, withDts ? 3 : 2, pts90k);
        if (withDts) {
            ts(p, 1, dts90k);
        }
        p.write(es, 0, es.length);
        packets(pid, p.toByteArray(), true);
    }

    private static void ts(ByteArrayOutputStream p, int prefix, long t) {
        p.write((int) ((prefix << 4) | ((t >> 29) & 0x0E) | 1));
        p.write((int) (t >> 22));
        p.write((int) (((t >> 14) & 0xFE) | 1));
        p.write((int) (t >> 7));
        p.write((int) (((t << 1) & 0xFE) | 1));
    }

    private void packets(int pid, byte[] payload, boolean unitStart) {
        int pos = 0;
        boolean first = unitStart;
        while (pos < payload.length) {
            int c = cc.merge(pid, 1, (a, b) -> (a + 1) & 0x0F) ;
            int room = 184;
            int take = Math.min(room, payload.length - pos);
            byte[] pkt = new byte[188];
            pkt[0] = 0x47;
            pkt[1] = (byte) ((first ? 0x40 : 0) | (pid >> 8));
            pkt[2] = (byte) pid;
            if (take < room) {
                // stuff with an adaptation field so the payload ends the packet
                int af = room - take - 1;
                pkt[3] = (byte) (0x30 | (c & 0x0F));
                pkt[4] = (byte) af;
                if (af > 0) {
                    pkt[5] = 0;
                    for (int i = 6; i < 5 + af; i++) {
                        pkt[i] = (byte) 0xFF;
                    }
                }
                System.arraycopy(payload, pos, pkt, 5 + af, take);
            } else {
                pkt[3] = (byte) (0x10 | (c & 0x0F));
                System.arraycopy(payload, pos, pkt, 4, take);
            }
            out.write(pkt, 0, 188);
            pos += take;
            first = false;
        }
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
