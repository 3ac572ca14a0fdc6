package org.estuary.verticles.webrtc;

import java.util.ArrayList;
import java.util.List;
import org.estuary.core.codec.H264Sps;
import org.estuary.core.media.Codec;
import org.estuary.core.webrtc.LossTracker;
import org.estuary.core.webrtc.ReceptionStats;

/**
 * One track a room participant publishes (its audio or its video m-line): the SSRC it comes on,
 * reception statistics (loss, for receiver reports and /sfu/stats), the gaps to NACK, the bitrate
 * over the last second, and the picture size: for H.264 read from the SPS that comes with each key
 * frame, for VP8 from the key frame header (RFC 6386 §9.1). The SFU forwards its packets as they are; nothing here decodes media. Event-loop only.
 */
final class SfuTrack {
    /** NACK retries: 3 tries 40 ms apart (an RTT on a LAN), given up after 300 ms. */
    private static final long NACK_RETRY_MS = 40;

    final String id;
    /** The simulcast layer's RID (RFC 8852), null for a track without simulcast. */
    final String rid;
    final Codec codec;
    final int payloadType;
    final int clockRate;
    long ssrc;
    ReceptionStats reception;
    final LossTracker loss;
    long packets;
    long bytes;
    int width;
    int height;
    long keyframes;
    private long windowStartMs;
    private long windowBytes;
    private long bitrate;

    SfuTrack(String id, Codec codec, int payloadType, int clockRate, long ssrc, boolean nack) {
        this(id, null, codec, payloadType, clockRate, ssrc, nack);
    }

    SfuTrack(String id, String rid, Codec codec, int payloadType, int clockRate, long ssrc, boolean nack) {
        this.id = id;
        this.rid = rid;
        this.codec = codec;
        this.payloadType = payloadType;
        this.clockRate = clockRate;
        this.ssrc = ssrc;
        this.loss = nack ? new LossTracker(NACK_RETRY_MS, 3, 300) : null;
    }

    boolean video() {
        return codec.type() == org.estuary.core.media.TrackType.VIDEO;
    }

    /** A decrypted packet of this track arrived; returns true when it starts a key frame. */
    boolean received(byte[] p, int len, long nowMs) {
        int seq = ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
        long ts = SrtpTransform.u32(p, 4);
        if (reception == null) {
            reception = new ReceptionStats(ssrc, clockRate);
        }
        reception.received(seq, ts, System.nanoTime());
        if (loss != null) {
            loss.received(seq, nowMs);
        }
        packets++;
        bytes += len;
        if (nowMs - windowStartMs >= 1000) {
            long span = Math.max(1, nowMs - windowStartMs);
            bitrate = windowStartMs == 0 ? 0 : windowBytes * 8000 / span;
            windowStartMs = nowMs;
            windowBytes = 0;
        }
        windowBytes += len;
        return video() && keyframe(p, len);
    }

    /** Bits per second over the last full second. */
    long bitrate(long nowMs) {
        return nowMs - windowStartMs > 3000 ? 0 : bitrate; // nothing arrived for a while
    }

    long lost() {
        return reception == null ? 0 : reception.lost();
    }

    /** H.264 (RFC 6184): an SPS alone or in a STAP-A, or an IDR, starts a key frame; the SPS gives the size. */
    private boolean keyframe(byte[] p, int len) {
        int off = payloadOffset(p, len);
        if (off < 0 || off >= len) {
            return false;
        }
        if (codec == Codec.VP8) {
            return vp8Keyframe(p, off, len);
        }
        if (codec != Codec.H264) {
            return false;
        }
        int type = p[off] & 0x1F;
        List<byte[]> nals = new ArrayList<>();
        if (type == 24) {
            for (int i = off + 1; i + 2 <= len; ) {
                int n = ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
                if (n == 0 || i + 2 + n > len) {
                    break;
                }
                nals.add(java.util.Arrays.copyOfRange(p, i + 2, i + 2 + n));
                i += 2 + n;
            }
        } else if (type == 28) {
            return false; // an FU-A IDR follows its SPS (Chromium sends SPS+PPS in a STAP-A first): counted there
        } else {
            nals.add(java.util.Arrays.copyOfRange(p, off, len));
        }
        boolean key = false;
        for (byte[] nal : nals) {
            int t = nal.length == 0 ? 0 : nal[0] & 0x1F;
            if (t == 7) {
                try {
                    H264Sps sps = H264Sps.parse(nal);
                    width = sps.width();
                    height = sps.height();
                } catch (Exception e) {
                    // a broken SPS leaves the last known size
                }
                key = true;
            } else if (t == 5) {
                key = true;
            }
        }
        if (key) {
            keyframes++;
        }
        return key;
    }

    /**
     * VP8 (RFC 7741): the first packet of a frame (S=1, partition 0) whose frame tag has P=0 starts a
     * key frame; its header after the start code 9d 01 2a holds the 14-bit width and height.
     */
    private boolean vp8Keyframe(byte[] p, int off, int len) {
        int d = vp8DescriptorLength(p, off, len);
        if (d < 0 || (p[off] & 0x10) == 0 || (p[off] & 0x0F) != 0) {
            return false;
        }
        int f = off + d;
        if (f + 10 > len || (p[f] & 0x01) != 0) {
            return false; // an inter frame, or too short to hold a key frame header
        }
        if ((p[f + 3] & 0xFF) != 0x9D || (p[f + 4] & 0xFF) != 0x01 || (p[f + 5] & 0xFF) != 0x2A) {
            return false;
        }
        width = ((p[f + 6] & 0xFF) | (p[f + 7] & 0xFF) << 8) & 0x3FFF;
        height = ((p[f + 8] & 0xFF) | (p[f + 9] & 0xFF) << 8) & 0x3FFF;
        keyframes++;
        return true;
    }

    /** Bytes of the VP8 payload descriptor at {@code off} (X, I with a 7/15-bit PictureID, L, T/K), -1 when cut short. */
    static int vp8DescriptorLength(byte[] p, int off, int len) {
        int n = 1;
        if ((p[off] & 0x80) != 0) {
            if (off + 2 > len) {
                return -1;
            }
            int x = p[off + 1] & 0xFF;
            n = 2;
            if ((x & 0x80) != 0) {
                if (off + n + 1 > len) {
                    return -1;
                }
                n += (p[off + n] & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) {
                n++;
            }
            if ((x & 0x30) != 0) {
                n++;
            }
        }
        return off + n <= len ? n : -1;
    }

    /** Where the RTP payload starts (after CSRCs and the header extension), -1 when malformed. */
    static int payloadOffset(byte[] p, int len) {
        return org.estuary.core.webrtc.Rtx.headerLength(p, len);
    }
}
