package org.estuary.core.mpegts;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A pushed MPEG-TS demuxer: 188-byte packets in (any chunking, garbage allowed), PES packets of
 * the elementary streams the PMT announces out. Tolerant by design: it resyncs on the sync byte,
 * counts continuity errors and marks the affected PES as not intact instead of failing, and bounds
 * every buffer. It never throws on input.
 */
public final class TsDemuxer {
    public static final int PACKET_SIZE = 188;
    private static final int SYNC = 0x47;

    /** Stream types this demuxer reports (ISO/IEC 13818-1 table 2-34 and common registrations). */
    public static final int TYPE_MPEG1_AUDIO = 0x03;
    public static final int TYPE_MPEG2_AUDIO = 0x04;
    public static final int TYPE_PRIVATE_PES = 0x06;
    public static final int TYPE_AAC_ADTS = 0x0F;
    public static final int TYPE_H264 = 0x1B;
    public static final int TYPE_H265 = 0x24;
    /** Our own marker for a private PES stream that registered itself as Opus. */
    public static final int TYPE_OPUS = 0x1_0006;

    /**
     * One reassembled PES packet.
     *
     * @param pts90k presentation time in 90 kHz units (33 bits) or -1
     * @param dts90k decode time in 90 kHz units or -1 (then equal to pts)
     * @param intact false when continuity errors hit this packet (data may be damaged)
     */
    public record Pes(int pid, int streamType, long pts90k, long dts90k, byte[] data, boolean intact) { }

    private final Consumer<Pes> out;
    private final int maxPesBytes;
    private final byte[] partial = new byte[PACKET_SIZE];
    private int partialLen;
    private boolean inSync;
    private int pmtPid = -1;
    private final Map<Integer, Integer> streamTypes = new HashMap<>();
    private final Map<Integer, PesBuffer> pes = new HashMap<>();
    private long packets;
    private long continuityErrors;
    private long syncLosses;
    private long droppedPes;

    public TsDemuxer(Consumer<Pes> out, int maxPesBytes) {
        this.out = out;
        this.maxPesBytes = maxPesBytes;
    }

    public long packets() { return packets; }
    public long continuityErrors() { return continuityErrors; }
    public long syncLosses() { return syncLosses; }
    public long droppedPes() { return droppedPes; }

    /** Elementary PID → stream type, as the last PMT said. */
    public Map<Integer, Integer> streams() {
        return Map.copyOf(streamTypes);
    }

    /** Feeds bytes; packets may be split anywhere across calls. */
    public void feed(byte[] data, int off, int len) {
        int pos = off;
        int end = off + len;
        if (partialLen > 0) {
            int take = Math.min(PACKET_SIZE - partialLen, end - pos);
            System.arraycopy(data, pos, partial, partialLen, take);
            partialLen += take;
            pos += take;
            if (partialLen < PACKET_SIZE) {
                return;
            }
            partialLen = 0;
            packet(partial, 0);
        }
        while (pos < end) {
            // Out of sync, a lone 0x47 inside garbage is not a packet start: the next one must follow.
            boolean confirmed = inSync || pos + PACKET_SIZE >= end || (data[pos + PACKET_SIZE] & 0xFF) == SYNC;
            if ((data[pos] & 0xFF) != SYNC || !confirmed) {
                syncLosses++;
                inSync = false;
                pos = resync(data, pos, end);
                continue;
            }
            if (end - pos < PACKET_SIZE) {
                System.arraycopy(data, pos, partial, 0, end - pos);
                partialLen = end - pos;
                return;
            }
            packet(data, pos);
            inSync = true;
            pos += PACKET_SIZE;
        }
    }

    /** Finds the next plausible packet start: a sync byte followed by another one 188 bytes on. */
    private static int resync(byte[] data, int pos, int end) {
        for (int i = pos + 1; i < end; i++) {
            if ((data[i] & 0xFF) == SYNC && (i + PACKET_SIZE >= end || (data[i + PACKET_SIZE] & 0xFF) == SYNC)) {
                return i;
            }
        }
        return end;
    }

    /** Emits whatever PES data is buffered (e.g. at end of input). */
    public void flush() {
        for (var e : pes.entrySet()) {
            e.getValue().emit(e.getKey());
        }
    }

    private void packet(byte[] b, int p) {
        packets++;
        boolean tei = (b[p + 1] & 0x80) != 0;
        boolean pusi = (b[p + 1] & 0x40) != 0;
        int pid = ((b[p + 1] & 0x1F) << 8) | (b[p + 2] & 0xFF);
        int afc = (b[p + 3] & 0x30) >>> 4;
        int cc = b[p + 3] & 0x0F;
        if (tei || pid == 0x1FFF) {
            return;
        }
        int payload = p + 4;
        if (afc == 2 || afc == 0) {
            return; // adaptation only (PCR) or reserved
        }
        if (afc == 3) {
            int afLen = b[p + 4] & 0xFF;
            payload += 1 + afLen;
        }
        int payloadEnd = p + PACKET_SIZE;
        if (payload >= payloadEnd) {
            return;
        }
        if (pid == 0) {
            if (pusi) {
                parsePat(b, payload, payloadEnd);
            }
        } else if (pid == pmtPid) {
            if (pusi) {
                parsePmt(b, payload, payloadEnd);
            }
        } else if (streamTypes.containsKey(pid)) {
            PesBuffer buf = pes.computeIfAbsent(pid, k -> new PesBuffer());
            buf.onPacket(pid, pusi, cc, b, payload, payloadEnd);
        }
    }

    private void parsePat(byte[] b, int pos, int end) {
        int s = pos + 1 + (b[pos] & 0xFF); // pointer field
        if (s + 8 > end || (b[s] & 0xFF) != 0x00) {
            return;
        }
        int sectionLength = ((b[s + 1] & 0x0F) << 8) | (b[s + 2] & 0xFF);
        int loopEnd = Math.min(end, s + 3 + sectionLength - 4);
        for (int i = s + 8; i + 4 <= loopEnd; i += 4) {
            int program = ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
            int pid = ((b[i + 2] & 0x1F) << 8) | (b[i + 3] & 0xFF);
            if (program != 0) {
                pmtPid = pid;
                return;
            }
        }
    }

    private void parsePmt(byte[] b, int pos, int end) {
        int s = pos + 1 + (b[pos] & 0xFF);
        if (s + 12 > end || (b[s] & 0xFF) != 0x02) {
            return;
        }
        int sectionLength = ((b[s + 1] & 0x0F) << 8) | (b[s + 2] & 0xFF);
        int sectionEnd = Math.min(end, s + 3 + sectionLength - 4);
        int programInfoLength = ((b[s + 10] & 0x0F) << 8) | (b[s + 11] & 0xFF);
        int i = s + 12 + programInfoLength;
        Map<Integer, Integer> found = new HashMap<>();
        while (i + 5 <= sectionEnd) {
            int type = b[i] & 0xFF;
            int pid = ((b[i + 1] & 0x1F) << 8) | (b[i + 2] & 0xFF);
            int esInfoLength = ((b[i + 3] & 0x0F) << 8) | (b[i + 4] & 0xFF);
            int d = i + 5;
            int dEnd = Math.min(sectionEnd, d + esInfoLength);
            if (type == TYPE_PRIVATE_PES && hasRegistration(b, d, dEnd, "Opus")) {
                type = TYPE_OPUS;
            }
            found.put(pid, type);
            i = dEnd;
        }
        if (!found.isEmpty()) {
            streamTypes.clear();
            streamTypes.putAll(found);
        }
    }

    private static boolean hasRegistration(byte[] b, int d, int end, String fourCc) {
        while (d + 2 <= end) {
            int tag = b[d] & 0xFF;
            int len = b[d + 1] & 0xFF;
            if (tag == 0x05 && len >= 4 && d + 6 <= end
                    && new String(b, d + 2, 4, java.nio.charset.StandardCharsets.US_ASCII).equals(fourCc)) {
                return true;
            }
            d += 2 + len;
        }
        return false;
    }

    /** Reassembles one PID's PES packets. */
    private final class PesBuffer {
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        private boolean started;
        private boolean intact = true;
        private int lastCc = -1;
        /** PES_packet_length of the packet being assembled, 0 = unbounded (video). */
        private int declared;

        void onPacket(int pid, boolean pusi, int cc, byte[] b, int from, int to) {
            if (lastCc >= 0) {
                if (cc == lastCc) {
                    return; // duplicate packet, allowed once by the standard
                }
                if (cc != ((lastCc + 1) & 0x0F)) {
                    continuityErrors++;
                    intact = false;
                }
            }
            lastCc = cc;
            if (pusi) {
                emit(pid);
                started = true;
                intact = true;
                declared = to - from >= 6 ? ((b[from + 4] & 0xFF) << 8) | (b[from + 5] & 0xFF) : 0;
            }
            if (!started) {
                return;
            }
            if (data.size() + (to - from) > maxPesBytes) {
                droppedPes++;
                data.reset();
                started = false;
                return;
            }
            data.write(b, from, to - from);
            // A PES with a declared length can go out as soon as it is complete (lower audio latency).
            if (declared > 0 && data.size() >= 6 + declared) {
                emit(pid);
            }
        }

        void emit(int pid) {
            if (!started || data.size() == 0) {
                data.reset();
                return;
            }
            byte[] buf = data.toByteArray();
            data.reset();
            started = false;
            Pes p = parsePes(pid, buf, intact);
            if (p != null) {
                out.accept(p);
            } else {
                droppedPes++;
            }
        }
    }

    private Pes parsePes(int pid, byte[] buf, boolean intact) {
        if (buf.length < 9 || buf[0] != 0 || buf[1] != 0 || buf[2] != 1) {
            return null;
        }
        int declared = ((buf[4] & 0xFF) << 8) | (buf[5] & 0xFF);
        int flags = buf[7] & 0xFF;
        int headerLength = buf[8] & 0xFF;
        int start = 9 + headerLength;
        if (start > buf.length) {
            return null;
        }
        long pts = -1;
        long dts = -1;
        if ((flags & 0x80) != 0 && buf.length >= 14) {
            pts = timestamp(buf, 9);
        }
        if ((flags & 0x40) != 0 && buf.length >= 19) {
            dts = timestamp(buf, 14);
        }
        int end = declared > 0 ? Math.min(buf.length, 6 + declared) : buf.length;
        if (end < start) {
            return null;
        }
        byte[] payload = java.util.Arrays.copyOfRange(buf, start, end);
        return new Pes(pid, streamTypes.getOrDefault(pid, 0), pts, dts < 0 ? pts : dts, payload, intact);
    }

    private static long timestamp(byte[] b, int p) {
        return ((long) (b[p] & 0x0E) << 29) | ((b[p + 1] & 0xFFL) << 22) | ((b[p + 2] & 0xFEL) << 14)
                | ((b[p + 3] & 0xFFL) << 7) | ((b[p + 4] & 0xFEL) >>> 1);
    }
}
