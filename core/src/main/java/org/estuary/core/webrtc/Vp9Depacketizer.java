package org.estuary.core.webrtc;

import org.estuary.core.rtsp.AccessUnitSink;
import org.estuary.core.rtsp.Depacketizer;
import org.estuary.core.rtsp.RtpPacket;

/**
 * RTP VP9 (RFC 9628) to whole frames: reads each payload descriptor (I with a 7- or 15-bit
 * PictureID, L layer indices with TL0PICIDX in non-flexible mode, up to three P_DIFFs in flexible
 * mode, the scalability structure V), starts a frame at B=1 and delivers it at E=1. A sequence gap
 * inside a frame drops the frame (counted); the next frame start resumes.
 *
 * <p>Spatial scalability (SVC: several spatial layers per picture, each its own frame) is not
 * passed on: only the base layer (SID 0) is kept, which decodes on its own; higher layers are
 * counted in {@link #skippedLayers()}. Temporal layers pass as they are (every frame is kept).
 * Browsers send one spatial layer unless the page asks for SVC (scalabilityMode L2T*, L3T*).
 */
public final class Vp9Depacketizer implements Depacketizer {
    private final AccessUnitSink sink;
    private final FrameAssembly frame = new FrameAssembly();
    private long skippedLayers;

    public Vp9Depacketizer(AccessUnitSink sink) {
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
        int d = p.payloadByte(0);
        boolean layers = (d & 0x20) != 0;
        int sid = layers ? (p.payloadByte(1 + pictureIdLength(p)) >>> 1) & 0x07 : 0;
        if (sid != 0) {
            skippedLayers++;
            if (gap && frame.inFrame()) {
                frame.discard(); // a base-layer packet may be among the missing ones
            }
            return;
        }
        boolean begin = (d & 0x08) != 0;
        boolean end = (d & 0x04) != 0;
        if (frame.append(p, off, begin, gap) && end) {
            long timestamp = frame.timestamp();
            byte[] f = frame.finish(1);
            if (f != null) {
                sink.accessUnit(timestamp, f, Vp9Packetizer.isKeyframe(f));
            }
        }
    }

    private static int pictureIdLength(RtpPacket p) {
        if ((p.payloadByte(0) & 0x80) == 0) {
            return 0;
        }
        return p.payloadLength() > 1 && (p.payloadByte(1) & 0x80) != 0 ? 2 : 1;
    }

    /** Bytes of the payload descriptor (scalability structure included), -1 when it is cut short. */
    static int descriptorLength(RtpPacket p) {
        int n = p.payloadLength();
        if (n < 1) {
            return -1;
        }
        int d = p.payloadByte(0);
        boolean flexible = (d & 0x10) != 0;
        int off = 1;
        if ((d & 0x80) != 0) { // I
            if (n < 2) {
                return -1;
            }
            off += (p.payloadByte(1) & 0x80) != 0 ? 2 : 1;
        }
        if ((d & 0x20) != 0) { // L: TID/U/SID/D, and TL0PICIDX in non-flexible mode
            off += flexible ? 1 : 2;
        }
        if ((d & 0x40) != 0 && flexible) { // P_DIFFs, N continues (at most 3)
            for (int i = 0; ; i++) {
                if (off >= n || i == 3) {
                    return -1;
                }
                boolean more = (p.payloadByte(off++) & 0x01) != 0;
                if (!more) {
                    break;
                }
            }
        }
        if ((d & 0x02) != 0) { // V: scalability structure
            if (off >= n) {
                return -1;
            }
            int ss = p.payloadByte(off++);
            int spatial = (ss >>> 5) + 1;
            if ((ss & 0x10) != 0) { // Y: a width and height per spatial layer
                off += 4 * spatial;
            }
            if ((ss & 0x08) != 0) { // G: the picture group
                if (off >= n) {
                    return -1;
                }
                int groups = p.payloadByte(off++);
                for (int g = 0; g < groups; g++) {
                    if (off >= n) {
                        return -1;
                    }
                    int refs = (p.payloadByte(off++) >>> 2) & 0x03;
                    off += refs;
                }
            }
        }
        return off <= n ? off : -1;
    }

    @Override
    public long discarded() {
        return frame.discarded();
    }

    /** Packets of spatial layers above the base one, not passed on. */
    public long skippedLayers() {
        return skippedLayers;
    }
}
