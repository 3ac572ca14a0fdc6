package org.estuary.core.mpegts;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small transport stream reader for tests: checks sync bytes, continuity counters, PAT/PMT
 * CRCs, and reassembles PES packets with their PTS/DTS, independently of the muxer's code.
 */
final class TsChecker {
    record Pes(int pid, int streamId, long pts, long dts, byte[] payload, boolean randomAccess) { }

    final Map<Integer, Integer> streamTypes = new HashMap<>();
    final List<Pes> pes = new ArrayList<>();
    final List<Long> pcrs = new ArrayList<>();
    int pmtPid = -1;
    int pcrPid = -1;
    int patCount;

    private final Map<Integer, Integer> lastCc = new HashMap<>();
    private final Map<Integer, ByteArrayOutputStream> assembling = new HashMap<>();
    private final Map<Integer, Boolean> rai = new HashMap<>();

    static TsChecker check(byte[] ts) {
        TsChecker c = new TsChecker();
        c.read(ts);
        return c;
    }

    void read(byte[] ts) {
        assertEquals(0, ts.length % 188, "whole packets");
        for (int off = 0; off < ts.length; off += 188) {
            packet(ts, off);
        }
        for (int pid : List.copyOf(assembling.keySet())) {
            finishPes(pid);
        }
    }

    private void packet(byte[] b, int off) {
        assertEquals(0x47, b[off] & 0xFF, "sync byte at " + off);
        boolean pusi = (b[off + 1] & 0x40) != 0;
        int pid = (b[off + 1] & 0x1F) << 8 | (b[off + 2] & 0xFF);
        int afc = (b[off + 3] >> 4) & 3;
        int cc = b[off + 3] & 0x0F;
        assertNotEquals(0, afc, "reserved adaptation_field_control");
        int p = off + 4;
        boolean randomAccess = false;
        if ((afc & 2) != 0) {
            int afLen = b[p] & 0xFF;
            assertTrue(afLen <= 183, "adaptation field length");
            if (afLen > 0) {
                int flags = b[p + 1] & 0xFF;
                randomAccess = (flags & 0x40) != 0;
                if ((flags & 0x10) != 0) {
                    long base = ((long) (b[p + 2] & 0xFF) << 25) | ((b[p + 3] & 0xFF) << 17) | ((b[p + 4] & 0xFF) << 9)
                            | ((b[p + 5] & 0xFF) << 1) | ((b[p + 6] & 0x80) >> 7);
                    int ext = (b[p + 6] & 1) << 8 | (b[p + 7] & 0xFF);
                    pcrs.add(base * 300 + ext);
                    assertEquals(pcrPid, pid, "PCR on the PMT's PCR PID");
                }
            }
            p += 1 + afLen;
        }
        if ((afc & 1) == 0) {
            return;
        }
        Integer prev = lastCc.put(pid, cc);
        if (prev != null) {
            assertEquals((prev + 1) & 0xF, cc, "continuity counter of PID " + pid);
        }
        int end = off + 188;
        if (pid == 0) {
            patCount++;
            int sectionStart = p + 1 + (b[p] & 0xFF);
            byte[] s = section(b, sectionStart);
            assertEquals(0, s[0], "PAT table id");
            pmtPid = (s[10] & 0x1F) << 8 | (s[11] & 0xFF);
            return;
        }
        if (pid == pmtPid) {
            int sectionStart = p + 1 + (b[p] & 0xFF);
            byte[] s = section(b, sectionStart);
            assertEquals(2, s[0], "PMT table id");
            pcrPid = (s[8] & 0x1F) << 8 | (s[9] & 0xFF);
            int infoLen = (s[10] & 0x0F) << 8 | (s[11] & 0xFF);
            int q = 12 + infoLen;
            while (q < s.length - 4) {
                int type = s[q] & 0xFF;
                int epid = (s[q + 1] & 0x1F) << 8 | (s[q + 2] & 0xFF);
                int esInfo = (s[q + 3] & 0x0F) << 8 | (s[q + 4] & 0xFF);
                streamTypes.put(epid, type);
                q += 5 + esInfo;
            }
            return;
        }
        assertTrue(streamTypes.containsKey(pid), "PID " + pid + " announced in the PMT before use");
        if (pusi) {
            finishPes(pid);
            assembling.put(pid, new ByteArrayOutputStream());
            rai.put(pid, randomAccess);
        }
        ByteArrayOutputStream o = assembling.get(pid);
        assertNotNull(o, "payload before the first PES start on PID " + pid);
        o.write(b, p, end - p);
    }

    /** A PSI section with its CRC verified (CRC over the whole section including the CRC is 0). */
    private static byte[] section(byte[] b, int start) {
        int len = (b[start + 1] & 0x0F) << 8 | (b[start + 2] & 0xFF);
        byte[] s = java.util.Arrays.copyOfRange(b, start, start + 3 + len);
        assertEquals(0, Crc32Mpeg.compute(s, 0, s.length), "section CRC32");
        return s;
    }

    private void finishPes(int pid) {
        ByteArrayOutputStream o = assembling.remove(pid);
        if (o == null) {
            return;
        }
        byte[] d = o.toByteArray();
        assertEquals(0, d[0]);
        assertEquals(0, d[1]);
        assertEquals(1, d[2], "PES start code");
        int streamId = d[3] & 0xFF;
        int length = (d[4] & 0xFF) << 8 | (d[5] & 0xFF);
        assertEquals(0x80, d[6] & 0xC0, "PES header marker bits");
        int flags = (d[7] >> 6) & 3;
        int headerLen = d[8] & 0xFF;
        assertTrue(flags == 2 || flags == 3, "PTS present");
        long pts = timestamp(d, 9, flags == 3 ? 3 : 2);
        long dts = flags == 3 ? timestamp(d, 14, 1) : pts;
        int payloadStart = 9 + headerLen;
        int payloadEnd = length == 0 ? d.length : 6 + length;
        assertTrue(payloadEnd <= d.length, "PES length within the data");
        pes.add(new Pes(pid, streamId, pts, dts, java.util.Arrays.copyOfRange(d, payloadStart, payloadEnd),
                rai.getOrDefault(pid, false)));
    }

    private static long timestamp(byte[] d, int at, int prefix) {
        assertEquals(prefix, (d[at] & 0xF0) >> 4, "PTS/DTS prefix");
        assertEquals(1, d[at] & 1, "marker");
        assertEquals(1, d[at + 2] & 1, "marker");
        assertEquals(1, d[at + 4] & 1, "marker");
        return ((long) (d[at] & 0x0E) << 29) | ((d[at + 1] & 0xFF) << 22) | ((d[at + 2] & 0xFE) << 14)
                | ((d[at + 3] & 0xFF) << 7) | ((d[at + 4] & 0xFE) >> 1);
    }
}
