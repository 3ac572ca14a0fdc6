package org.estuary.core.webrtc;

import java.util.ArrayList;
import java.util.List;

/**
 * VP9 frames to RTP payloads (RFC 9628, "RTP Payload Format for VP9"): each payload starts with a
 * 3-byte payload descriptor in non-flexible mode without layer indices: I=1 with a 15-bit PictureID
 * (M=1), P=1 on inter frames, B on the first payload of the frame, E on its last. Like our VP8, no
 * reference structure is signalled, so receivers (libwebrtc's frame-id-only reference finder) take
 * each picture as depending on the one before; a lost frame makes the receiver wait for a key frame
 * (it sends a PLI). One spatial layer only (see {@link Vp9Depacketizer}). The caller sets the marker
 * bit (end of picture) on the last payload. Not thread-safe (the PictureID counts frames).
 */
public final class Vp9Packetizer {
    static final int DESCRIPTOR = 3;
    private final int maxPayload;
    private int pictureId;

    public Vp9Packetizer(int maxPayload, int firstPictureId) {
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
        boolean inter = !isKeyframe(frame);
        int room = maxPayload - DESCRIPTOR;
        int count = (frame.length + room - 1) / room;
        int piece = (frame.length + count - 1) / count;
        List<byte[]> out = new ArrayList<>(count);
        for (int off = 0; off < frame.length; off += piece) {
            int len = Math.min(piece, frame.length - off);
            byte[] p = new byte[DESCRIPTOR + len];
            // I | P | L=0 | F=0 | B | E | V=0 | Z=0
            p[0] = (byte) (0x80 | (inter ? 0x40 : 0) | (off == 0 ? 0x08 : 0) | (off + len == frame.length ? 0x04 : 0));
            p[1] = (byte) (0x80 | (pictureId >>> 8)); // M: 15 bits
            p[2] = (byte) pictureId;
            System.arraycopy(frame, off, p, DESCRIPTOR, len);
            out.add(p);
        }
        pictureId = (pictureId + 1) & 0x7FFF;
        return out;
    }

    /**
     * True when {@code frame} (a VP9 frame or superframe, whose first frame comes first) starts with a
     * key frame: the uncompressed header (VP9 bitstream spec §6.2) has frame_marker 2,
     * show_existing_frame 0 and frame_type 0.
     */
    public static boolean isKeyframe(byte[] frame) {
        if (frame == null || frame.length < 1) {
            return false;
        }
        int b = frame[0] & 0xFF;
        if ((b >>> 6) != 2) {
            return false;
        }
        int profile = ((b >>> 5) & 1) | (((b >>> 4) & 1) << 1);
        int bit = profile == 3 ? 2 : 3; // profile 3 has a reserved zero bit first
        boolean showExisting = ((b >>> bit) & 1) != 0;
        return !showExisting && ((b >>> (bit - 1)) & 1) == 0;
    }

    /**
     * {width, height} of a VP9 key frame (bitstream spec §6.2: after frame_type, show_frame and
     * error_resilient_mode come the sync code 49 83 42, color_config and 16-bit width-1, height-1),
     * null for an inter frame or a damaged header.
     */
    public static int[] keyframeSize(byte[] frame) {
        if (!isKeyframe(frame) || frame.length < 10) {
            return null;
        }
        int profile = ((frame[0] >>> 5) & 1) | (((frame[0] >>> 4) & 1) << 1);
        int bit = 2 + 2 + (profile == 3 ? 1 : 0) + 1 + 1 + 1 + 1; // marker, profile, reserved, show_existing, type, show, error_res
        if (bits(frame, bit, 24) != 0x498342) {
            return null;
        }
        bit += 24;
        if (profile >= 2) {
            bit++; // ten_or_twelve_bit
        }
        int colorSpace = bits(frame, bit, 3);
        bit += 3;
        if (colorSpace != 7) {
            bit += 1 + (profile == 1 || profile == 3 ? 3 : 0); // color_range, subsampling x/y + reserved
        } else if (profile == 1 || profile == 3) {
            bit++; // reserved_zero
        }
        if ((bit + 32 + 7) / 8 > frame.length) {
            return null;
        }
        return new int[] {bits(frame, bit, 16) + 1, bits(frame, bit + 16, 16) + 1};
    }

    /** {@code n} bits of {@code b} from bit {@code at} (most significant bit first). */
    private static int bits(byte[] b, int at, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            int pos = at + i;
            v = (v << 1) | ((b[pos >>> 3] >>> (7 - (pos & 7))) & 1);
        }
        return v;
    }
}
