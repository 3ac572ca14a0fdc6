package org.estuary.core.mpegts;

import java.io.ByteArrayOutputStream;

/**
 * Cuts PSI sections and PES packets into 188-byte transport packets with continuity counters,
 * PCR and random-access flags in the adaptation field, and stuffing in the last packet.
 * One instance per output: the counters run on across segments like a continuous broadcast.
 */
final class TsPacketWriter {
    static final int PACKET = 188;
    static final byte SYNC = 0x47;

    private final int[] continuity = new int[8192];

    /** One PSI section (pointer field added here) in one packet. */
    void writeSection(ByteArrayOutputStream out, int pid, byte[] section) {
        byte[] p = new byte[PACKET];
        java.util.Arrays.fill(p, (byte) 0xFF);
        p[0] = SYNC;
        p[1] = (byte) (0x40 | (pid >> 8 & 0x1F));
        p[2] = (byte) pid;
        p[3] = (byte) (0x10 | nextCc(pid));
        p[4] = 0; // pointer field
        System.arraycopy(section, 0, p, 5, section.length);
        out.write(p, 0, PACKET);
    }

    /**
     * One PES packet over as many transport packets as needed.
     *
     * @param pcr27 PCR in 27 MHz units for the first packet, or -1 for none
     */
    void writePes(ByteArrayOutputStream out, int pid, byte[] pes, long pcr27, boolean randomAccess) {
        int pos = 0;
        boolean first = true;
        byte[] p = new byte[PACKET];
        while (pos < pes.length) {
            int remaining = pes.length - pos;
            boolean withPcr = first && pcr27 >= 0;
            boolean withRai = first && randomAccess;
            int afBody = withPcr ? 7 : (withRai ? 1 : 0); // flags byte (+ PCR)
            boolean af = afBody > 0;
            int space = PACKET - 4 - (af ? 1 + afBody : 0);
            int stuffing = 0;
            if (remaining < space) {
                stuffing = space - remaining;
                if (!af) {
                    af = true;
                    // the length byte itself takes one of the stuffed bytes
                    afBody = stuffing - 1;
                    stuffing = 0;
                    space = remaining;
                } else {
                    space = remaining;
                }
            }
            int i = 0;
            p[i++] = SYNC;
            p[i++] = (byte) ((first ? 0x40 : 0) | (pid >> 8 & 0x1F));
            p[i++] = (byte) pid;
            p[i++] = (byte) ((af ? 0x30 : 0x10) | nextCc(pid));
            if (af) {
                int afLength = afBody + stuffing;
                p[i++] = (byte) afLength;
                if (afLength > 0) {
                    p[i++] = (byte) ((withRai ? 0x40 : 0) | (withPcr ? 0x10 : 0));
                    if (withPcr) {
                        long base = pcr27 / 300;
                        int ext = (int) (pcr27 % 300);
                        p[i++] = (byte) (base >> 25);
                        p[i++] = (byte) (base >> 17);
                        p[i++] = (byte) (base >> 9);
                        p[i++] = (byte) (base >> 1);
                        p[i++] = (byte) (((base & 1) << 7) | 0x7E | (ext >> 8));
                        p[i++] = (byte) ext;
                    }
                    while (i < PACKET - space) {
                        p[i++] = (byte) 0xFF;
                    }
                }
            }
            System.arraycopy(pes, pos, p, i, space);
            pos += space;
            out.write(p, 0, PACKET);
            first = false;
        }
    }

    private int nextCc(int pid) {
        int cc = continuity[pid];
        continuity[pid] = (cc + 1) & 0x0F;
        return cc;
    }
}
