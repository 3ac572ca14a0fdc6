package org.estuary.core.webrtc;

import java.io.ByteArrayOutputStream;
import org.estuary.core.rtsp.AccessUnitSink;
import org.estuary.core.rtsp.Depacketizer;
import org.estuary.core.rtsp.RtpPacket;

/**
 * RTP AV1 ("RTP Payload Format For AV1", AOMedia, §4) to temporal units in the low-overhead
 * bitstream format ({@link Av1Obus}): reads each aggregation header (Z, Y, W, N), joins OBU
 * fragments across packets, gives every OBU its size field back, puts a temporal delimiter first,
 * and delivers the unit at the marker bit. A key frame is a unit whose first packet has N=1 or that
 * holds a sequence header. A sequence gap, a continuation without its start or a bad length drops
 * the unit (counted); the next unit resumes. Spatial/temporal layers (OBU extension headers) pass
 * as they are: browsers send one layer (L1T1) unless the page asks for SVC.
 */
public final class Av1Depacketizer implements Depacketizer {
    private static final int MAX_UNIT = 4 << 20;
    private static final byte[] TEMPORAL_DELIMITER = {0x12, 0x00};
    private final AccessUnitSink sink;
    private final ByteArrayOutputStream unit = new ByteArrayOutputStream();
    /** the OBU being joined across packets (the last element of a packet with Y=1) */
    private final ByteArrayOutputStream fragment = new ByteArrayOutputStream();
    private boolean open;
    private boolean broken;
    private boolean fragmentOpen;
    private boolean key;
    private long timestamp;
    private int lastSeq = -1;
    private long discarded;

    public Av1Depacketizer(AccessUnitSink sink) {
        this.sink = sink;
    }

    @Override
    public void accept(RtpPacket p) {
        int seq = p.sequence();
        boolean gap = lastSeq >= 0 && seq != ((lastSeq + 1) & 0xFFFF);
        lastSeq = seq;
        if (open && p.timestamp() != timestamp) {
            reset(); // the unit never saw its marker
            discarded++;
        }
        if (!open) {
            open = true;
            timestamp = p.timestamp();
            broken = gap; // lost packets may have been this unit's first OBUs
        } else if (gap) {
            broken = true;
        }
        if (!broken) {
            broken = !parse(p);
        }
        if (p.marker()) {
            boolean deliver = !broken && !fragmentOpen && unit.size() > TEMPORAL_DELIMITER.length;
            byte[] tu = deliver ? unit.toByteArray() : null;
            boolean k = key;
            reset();
            if (deliver) {
                sink.accessUnit(timestamp, tu, k || Av1Obus.hasSequenceHeader(tu));
            } else {
                discarded++;
            }
        }
    }

    /** Reads one payload's elements into the unit; false when it cannot be used. */
    private boolean parse(RtpPacket p) {
        int n = p.payloadLength();
        if (n < 2) {
            return false;
        }
        int agg = p.payloadByte(0);
        boolean z = (agg & 0x80) != 0;
        boolean y = (agg & 0x40) != 0;
        int w = (agg >>> 4) & 0x03;
        if (unit.size() == 0) {
            unit.write(TEMPORAL_DELIMITER, 0, TEMPORAL_DELIMITER.length);
            key = (agg & 0x08) != 0;
        }
        if (z != fragmentOpen) {
            return false; // a continuation without its start, or a start whose end was never sent
        }
        byte[] d = p.data();
        int base = p.payloadOffset();
        int off = 1;
        for (int i = 0; off < n; i++) {
            int len;
            if (w == 0 || i < w - 1) {
                long[] leb = Av1Obus.readLeb128(d, base + off);
                if (leb == null) {
                    return false;
                }
                off += (int) leb[1];
                len = (int) Math.min(leb[0], Integer.MAX_VALUE);
            } else {
                len = n - off; // the last of W elements has no length
            }
            if (len < 0 || off + len > n || (w != 0 && i >= w)) {
                return false;
            }
            boolean last = off + len == n;
            fragment.write(d, base + off, len);
            off += len;
            if (last && y) {
                fragmentOpen = true;
            } else {
                fragmentOpen = false;
                byte[] obu = fragment.toByteArray();
                fragment.reset();
                if (obu.length > 0 && Av1Obus.type(obu[0] & 0xFF) != Av1Obus.TEMPORAL_DELIMITER
                        && !Av1Obus.withSize(obu, 0, obu.length, unit)) {
                    return false;
                }
            }
            if (unit.size() + fragment.size() > MAX_UNIT) {
                return false;
            }
        }
        return true;
    }

    private void reset() {
        unit.reset();
        fragment.reset();
        open = false;
        broken = false;
        fragmentOpen = false;
        key = false;
    }

    @Override
    public long discarded() {
        return discarded;
    }
}
