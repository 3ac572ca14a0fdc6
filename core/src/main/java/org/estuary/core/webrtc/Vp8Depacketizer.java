package org.estuary.core.webrtc;

import java.io.ByteArrayOutputStream;
import org.estuary.core.rtsp.AccessUnitSink;
import org.estuary.core.rtsp.Depacketizer;
import org.estuary.core.rtsp.RtpPacket;

/**
 * RTP VP8 (RFC 7741) to whole frames: skips each payload descriptor (X, I/L/T/K extensions, 7- or
 * 15-bit PictureID), starts a frame at S=1 with partition index 0, and delivers it at the marker
 * bit (or when the timestamp changes). A sequence gap inside a frame drops the frame (counted);
 * the next frame start resumes. Key frames: the VP8 frame tag's P bit is 0 (RFC 6386 §9.1).
 */
public final class Vp8Depacketizer implements Depacketizer {
    /** A browser's 1080p key frame is a few hundred kB; more than this is garbage. */
    private static final int MAX_FRAME = 4 << 20;
    private final AccessUnitSink sink;
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
    private boolean inFrame;
    private long timestamp;
    private int lastSeq = -1;
    private long discarded;

    public Vp8Depacketizer(AccessUnitSink sink) {
        this.sink = sink;
    }

    @Override
    public void accept(RtpPacket p) {
        int seq = p.sequence();
        boolean gap = lastSeq >= 0 && seq != ((lastSeq + 1) & 0xFFFF);
        lastSeq = seq;
        int off = descriptorLength(p);
        if (off < 0 || off > p.payloadLength()) {
            drop();
            discarded++;
            return;
        }
        boolean start = (p.payloadByte(0) & 0x10) != 0 && (p.payloadByte(0) & 0x0F) == 0;
        if (inFrame && (gap || start || p.timestamp() != timestamp)) {
            if (!start && p.timestamp() == timestamp) {
                drop(); // a piece of this frame is missing
                discarded++;
                return;
            }
            drop(); // the previous frame never saw its marker: incomplete
            discarded++;
        }
        if (!inFrame) {
            if (!start) {
                discarded++; // the middle of a frame whose start was lost
                return;
            }
            inFrame = true;
            timestamp = p.timestamp();
        }
        frame.write(p.data(), p.payloadOffset() + off, p.payloadLength() - off);
        if (frame.size() > MAX_FRAME) {
            drop();
            discarded++;
            return;
        }
        if (p.marker()) {
            byte[] f = frame.toByteArray();
            drop();
            if (f.length < 3) {
                discarded++;
                return;
            }
            sink.accessUnit(timestamp, f, Vp8Packetizer.isKeyframe(f));
        }
    }

    private void drop() {
        frame.reset();
        inFrame = false;
    }

    /** Bytes of the payload descriptor, -1 when it is cut short. */
    static int descriptorLength(RtpPacket p) {
        int n = p.payloadLength();
        if (n < 1) {
            return -1;
        }
        int off = 1;
        if ((p.payloadByte(0) & 0x80) != 0) { // X
            if (n < 2) {
                return -1;
            }
            int x = p.payloadByte(1);
            off = 2;
            if ((x & 0x80) != 0) { // I: PictureID, 7 or 15 bits
                if (n < off + 1) {
                    return -1;
                }
                off += (p.payloadByte(off) & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) { // L: TL0PICIDX
                off++;
            }
            if ((x & 0x30) != 0) { // T or K: TID/Y/KEYIDX
                off++;
            }
        }
        return off <= n ? off : -1;
    }

    @Override
    public long discarded() {
        return discarded;
    }
}
