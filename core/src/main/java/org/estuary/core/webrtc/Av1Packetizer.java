package org.estuary.core.webrtc;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * AV1 temporal units to RTP payloads ("RTP Payload Format For AV1", AOMedia, §4): each payload is
 * a one-byte aggregation header (Z: the first element continues an OBU of the previous packet, Y:
 * the last element continues in the next, W=0: every element has a leb128 length, N: the first
 * packet of a key frame's coded video sequence) followed by OBU elements without their size fields.
 * Small OBUs share a packet; large ones are split across packets. Temporal delimiters are not sent.
 * No dependency descriptor is sent: like our VP8/VP9, receivers take each frame as depending on the
 * one before and ask for a key frame (PLI) after a loss. The caller sets the marker bit (end of the
 * temporal unit) on the last payload.
 */
public final class Av1Packetizer {
    private final int maxPayload;

    public Av1Packetizer(int maxPayload) {
        if (maxPayload < 64) {
            throw new IllegalArgumentException("payload size too small: " + maxPayload);
        }
        this.maxPayload = maxPayload;
    }

    /** @return payloads in send order; empty for an empty or unreadable temporal unit */
    public List<byte[]> packetize(byte[] tu, boolean keyframe) {
        List<byte[]> elements = tu == null ? null : Av1Obus.elements(tu);
        List<byte[]> out = new ArrayList<>();
        if (elements == null || elements.isEmpty()) {
            return out;
        }
        int lenRoom = Av1Obus.leb128Size(maxPayload);
        ByteArrayOutputStream cur = new ByteArrayOutputStream(maxPayload);
        cur.write(0);
        boolean z = false;
        for (byte[] e : elements) {
            int pos = 0;
            while (pos < e.length) {
                int room = maxPayload - cur.size() - lenRoom;
                if (room < 1) {
                    out.add(seal(cur, z, false, keyframe && out.isEmpty()));
                    z = false;
                    cur.reset();
                    cur.write(0);
                    room = maxPayload - 1 - lenRoom;
                }
                int take = Math.min(room, e.length - pos);
                Av1Obus.writeLeb128(cur, take);
                cur.write(e, pos, take);
                pos += take;
                if (pos < e.length) {
                    out.add(seal(cur, z, true, keyframe && out.isEmpty()));
                    z = true;
                    cur.reset();
                    cur.write(0);
                }
            }
        }
        if (cur.size() > 1) {
            out.add(seal(cur, z, false, keyframe && out.isEmpty()));
        }
        return out;
    }

    private static byte[] seal(ByteArrayOutputStream cur, boolean z, boolean y, boolean n) {
        byte[] p = cur.toByteArray();
        p[0] = (byte) ((z ? 0x80 : 0) | (y ? 0x40 : 0) | (n ? 0x08 : 0)); // W=0
        return p;
    }
}
