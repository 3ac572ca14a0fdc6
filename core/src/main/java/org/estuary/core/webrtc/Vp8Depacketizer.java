package org.estuary.core.webrtc;

import org.estuary.core.rtsp.AccessUnitSink;
import org.estuary.core.rtsp.Depacketizer;
import org.estuary.core.rtsp.RtpPacket;

/**
 * RTP VP8 (RFC 7741) to whole frames: skips each payload descriptor (X, I/L/T/K extensions, 7- or
 * 15-bit PictureID), starts a frame at S=1 with partition index 0, and delivers it at the marker
 * bit. A sequence gap or a new timestamp inside a frame drops the frame (counted, {@link FrameAssembly});
 * the next frame start resumes. Key frames: the VP8 frame tag's P bit is 0 (RFC 6386 §9.1).
 */
public final class Vp8Depacketizer implements Depacketizer {
    private final AccessUnitSink sink;
    private final FrameAssembly frame = new FrameAssembly();

    public Vp8Depacketizer(AccessUnitSink sink) {
        this.sink = sink;
    }

    @Override
    public void accept(RtpPacket p) {
        boolean gap = frame.gap(p);
        int off = descriptorLength(p);
        if (off < 0 || off > p.payloadLength()) {
            frame.discard();
            return;
        }
        boolean start = (p.payloadByte(0) & 0x10) != 0 && (p.payloadByte(0) & 0x0F) == 0;
        if (frame.append(p, off, start, gap) && p.marker()) {
            long timestamp = frame.timestamp();
            byte[] f = frame.finish(3);
            if (f != null) {
                sink.accessUnit(timestamp, f, Vp8Packetizer.isKeyframe(f));
            }
        }
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
        return frame.discarded();
    }
}
