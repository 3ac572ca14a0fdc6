package org.estuary.core.webrtc;

import java.io.ByteArrayOutputStream;
import org.estuary.core.rtsp.RtpPacket;

/**
 * One video frame being joined from the RTP payloads of a codec whose packets say where a frame
 * begins (VP8's S bit with partition 0, VP9's B bit) and all carry the frame's timestamp: the part
 * the VP8 and VP9 depacketisers share. A sequence gap or a new timestamp inside a frame drops it;
 * a packet from the middle of a frame whose start was lost is dropped too; a frame over 4 MiB
 * (a browser's 1080p key frame is a few hundred kB) is garbage. Every drop is counted.
 */
final class FrameAssembly {
    private static final int MAX_FRAME = 4 << 20;
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
    private boolean inFrame;
    private long timestamp;
    private int lastSeq = -1;
    private long discarded;

    /** Whether {@code p} does not follow the previous packet; call once per packet, first. */
    boolean gap(RtpPacket p) {
        int seq = p.sequence();
        boolean gap = lastSeq >= 0 && seq != ((lastSeq + 1) & 0xFFFF);
        lastSeq = seq;
        return gap;
    }

    /**
     * Adds the payload of {@code p} after its {@code descriptor} bytes; false when it was dropped
     * (counted), or dropped the frame it would have continued.
     */
    boolean append(RtpPacket p, int descriptor, boolean begins, boolean gap) {
        if (inFrame && (gap || begins || p.timestamp() != timestamp)) {
            discard(); // a piece of the frame is missing, or it never saw its end
        }
        if (!inFrame) {
            if (!begins) {
                discarded++; // the middle of a frame whose start was lost
                return false;
            }
            inFrame = true;
            timestamp = p.timestamp();
        }
        frame.write(p.data(), p.payloadOffset() + descriptor, p.payloadLength() - descriptor);
        if (frame.size() > MAX_FRAME) {
            discard();
            return false;
        }
        return true;
    }

    /** Whether a frame is being joined. */
    boolean inFrame() {
        return inFrame;
    }

    /** The timestamp of the frame being joined. */
    long timestamp() {
        return timestamp;
    }

    /** The joined frame, or null (counted) when shorter than {@code minLength}; the next packet starts afresh. */
    byte[] finish(int minLength) {
        byte[] f = frame.toByteArray();
        reset();
        if (f.length < minLength) {
            discarded++;
            return null;
        }
        return f;
    }

    /** Drops the frame being joined (if any) and counts one discarded packet or frame. */
    void discard() {
        reset();
        discarded++;
    }

    long discarded() {
        return discarded;
    }

    private void reset() {
        frame.reset();
        inFrame = false;
    }
}
