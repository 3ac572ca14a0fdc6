package org.estuary.core.rtsp;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * What H.264 (RFC 6184) and H.265 (RFC 7798) depacketisation share: loss and timestamp tracking,
 * single NAL units, aggregation packets (STAP-A / AP), fragmentation units (FU-A / FU) and the
 * configuration record sent whenever the parameter sets change. A codec says only how its NAL
 * header reads and what a parameter set is.
 */
abstract class NalDepacketizer implements Depacketizer {
    private final AccessUnitSink sink;
    /** The access unit being assembled (subclasses mark keyframes and add NAL units). */
    protected final NalAccessUnit au = new NalAccessUnit();
    private final int minPayload;
    private ByteArrayOutputStream fragment;
    private int lastSeq = -1;
    private byte[] sentConfig;
    private long discarded;

    /** {@code minPayload}: the smallest usable payload (the NAL header's size, plus a byte for H.265's FU header). */
    NalDepacketizer(AccessUnitSink sink, int minPayload) {
        this.sink = sink;
        this.minPayload = minPayload;
    }

    @Override
    public final void accept(RtpPacket p) {
        if (lastSeq >= 0 && p.sequence() != ((lastSeq + 1) & 0xFFFF)) {
            fragment = null;
            au.damaged = true;
        }
        lastSeq = p.sequence();
        if (au.timestamp != -1 && au.timestamp != p.timestamp()) {
            flush();
        }
        au.timestamp = p.timestamp();
        if (p.payloadLength() < minPayload || (p.payloadByte(0) & 0x80) != 0) {
            damaged();   // empty, or the forbidden bit set
        } else {
            payload(p);
        }
        if (p.marker()) {
            flush();
        }
    }

    /** One packet's payload: a single NAL unit, an aggregation or a fragment. */
    protected abstract void payload(RtpPacket p);

    /** One complete NAL unit: a parameter set to keep, or part of the access unit. */
    protected abstract void nal(byte[] nal);

    /** The decoder configuration record of the parameter sets seen so far, or null while incomplete. */
    protected abstract byte[] configRecord();

    /** A single NAL unit packet. */
    protected final void single(RtpPacket p) {
        nal(Arrays.copyOfRange(p.data(), p.payloadOffset(), p.payloadOffset() + p.payloadLength()));
    }

    /**
     * An aggregation packet: after {@code headerBytes}, NAL units each preceded by a 16-bit size;
     * a size below {@code minNal} or past the end damages the unit.
     */
    protected final void aggregation(RtpPacket p, int headerBytes, int minNal) {
        byte[] d = p.data();
        int off = p.payloadOffset() + headerBytes;
        int end = p.payloadOffset() + p.payloadLength();
        while (off + 2 <= end) {
            int size = ((d[off] & 0xFF) << 8) | (d[off + 1] & 0xFF);
            off += 2;
            if (size < minNal || off + size > end) {
                damaged();
                return;
            }
            nal(Arrays.copyOfRange(d, off, off + size));
            off += size;
        }
    }

    /**
     * A fragmentation unit whose fragment data starts after {@code headerBytes}: the start
     * fragment begins a NAL unit with {@code nalHeader} (rebuilt from the FU headers), the end
     * fragment completes it. A fragment without its start, or a NAL unit over the size limit,
     * damages the access unit.
     */
    protected final void fragment(RtpPacket p, int headerBytes, boolean start, boolean end, byte[] nalHeader) {
        if (start) {
            fragment = new ByteArrayOutputStream(Math.max(64, p.payloadLength() * 4));
            fragment.write(nalHeader, 0, nalHeader.length);
        } else if (fragment == null) {
            damaged();   // its start was lost
            return;
        }
        fragment.write(p.data(), p.payloadOffset() + headerBytes, p.payloadLength() - headerBytes);
        if (fragment.size() > NalAccessUnit.MAX_BYTES) {
            fragment = null;
            au.damaged = true;
            return;
        }
        if (end) {
            byte[] nal = fragment.toByteArray();
            fragment = null;
            nal(nal);
        }
    }

    /** Something unusable arrived: counted, and the access unit will not be emitted. */
    protected final void damaged() {
        discarded++;
        au.damaged = true;
    }

    /** Counted but harmless (a packet type this mode never sends, bad sprop base64). */
    protected final void ignored() {
        discarded++;
    }

    private void flush() {
        byte[] record = configRecord();
        if (record != null && !Arrays.equals(record, sentConfig)) {
            sentConfig = record;
            sink.config(record);
        }
        if (!au.flush(sink)) {
            discarded++;
        }
    }

    @Override
    public final long discarded() {
        return discarded;
    }
}
