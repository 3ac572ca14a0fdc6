package org.estuary.core.webrtc;

import java.util.ArrayList;
import java.util.List;

/**
 * VP8 frames to RTP payloads (RFC 7741 §4): each payload starts with a payload descriptor carrying
 * a 15-bit PictureID (X=1, I=1, M=1), so the receiver can tell frames apart across losses; the
 * first payload of a frame has S=1, partition index 0. Frames are cut into even-sized pieces
 * (partition boundaries are not needed: PID 0 everywhere is allowed). The caller sets the marker
 * bit on the last payload. Not thread-safe (the PictureID counts frames).
 */
public final class Vp8Packetizer {
    /** X | S, then I, then M + 15-bit PictureID. */
    static final int DESCRIPTOR = 4;
    private final int maxPayload;
    private int pictureId;

    public Vp8Packetizer(int maxPayload, int firstPictureId) {
        if (maxPayload < 64) {
            throw new IllegalArgumentException("payload size too small: " + maxPayload);
        }
        this.maxPayload = maxPayload;
        this.pictureId = firstPictureId & 0x7FFF;
    }

    /** @return payloads in send order; empty for an empty frame */
    public List<byte[]> packetize(byte[] frame) {
        if (frame == null || frame.length == 0) {
            return List.of();
        }
        int room = maxPayload - DESCRIPTOR;
        int count = (frame.length + room - 1) / room;
        int piece = (frame.length + count - 1) / count; // even pieces: no tiny last packet
        List<byte[]> out = new ArrayList<>(count);
        for (int off = 0; off < frame.length; off += piece) {
            int len = Math.min(piece, frame.length - off);
            byte[] p = new byte[DESCRIPTOR + len];
            p[0] = (byte) (0x80 | (off == 0 ? 0x10 : 0)); // X, S on the first piece, PID 0
            p[1] = (byte) 0x80; // I: a PictureID follows
            p[2] = (byte) (0x80 | (pictureId >>> 8)); // M: 15 bits
            p[3] = (byte) pictureId;
            System.arraycopy(frame, off, p, DESCRIPTOR, len);
            out.add(p);
        }
        pictureId = (pictureId + 1) & 0x7FFF;
        return out;
    }

    /**
     * {width, height} of a VP8 key frame (RFC 6386 §9.1: the 3-byte tag, start code 9d 01 2a, then
     * 14-bit width and height, little-endian), null for an inter frame or a damaged header.
     */
    public static int[] keyframeSize(byte[] frame) {
        if (!isKeyframe(frame) || frame.length < 10 || (frame[3] & 0xFF) != 0x9d || (frame[4] & 0xFF) != 0x01
                || (frame[5] & 0xFF) != 0x2a) {
            return null;
        }
        int w = ((frame[6] & 0xFF) | (frame[7] & 0xFF) << 8) & 0x3FFF;
        int h = ((frame[8] & 0xFF) | (frame[9] & 0xFF) << 8) & 0x3FFF;
        return w == 0 || h == 0 ? null : new int[] {w, h};
    }

    /** True when {@code frame} is a key frame (VP8 frame tag, RFC 6386 §9.1: P bit 0). */
    public static boolean isKeyframe(byte[] frame) {
        return frame != null && frame.length >= 3 && (frame[0] & 0x01) == 0;
    }
}
