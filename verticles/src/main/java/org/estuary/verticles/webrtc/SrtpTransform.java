package org.estuary.verticles.webrtc;

import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP/SRTCP of one session on jitsi-srtp: incoming packets are decrypted with the DTLS client's
 * keys, outgoing ones encrypted with the server's, one crypto context per SSRC. Owned by the
 * session's event loop (jitsi's contexts are internally synchronized, but we never share them).
 */
final class SrtpTransform implements AutoCloseable {
    private static final LoggerImpl JITSI_LOG = new LoggerImpl("org.jitsi.srtp", java.util.logging.Level.WARNING);

    private final SrtpContextFactory decrypt;
    private final SrtpContextFactory encrypt;
    private final Map<Long, SrtpCryptoContext> rtpIn = new HashMap<>();
    private final Map<Long, SrtpCryptoContext> rtpOut = new HashMap<>();
    private final Map<Long, SrtcpCryptoContext> rtcpIn = new HashMap<>();
    private final Map<Long, SrtcpCryptoContext> rtcpOut = new HashMap<>();
    private final int tagRoom;
    /** {@link #protectRtpInPlace}'s context cache and its reused buffer view (event loop only). */
    private long lastSsrcA = -1;
    private long lastSsrcB = -1;
    private SrtpCryptoContext ctxA;
    private SrtpCryptoContext ctxB;
    private final Buf inPlace = new Buf(null, 0);

    SrtpTransform(SrtpKeys k) {
        decrypt = new SrtpContextFactory(false, k.clientKey(), k.clientSalt(), k.profile().policy(), k.profile().policy(), JITSI_LOG);
        encrypt = new SrtpContextFactory(true, k.serverKey(), k.serverSalt(), k.profile().policy(), k.profile().policy(), JITSI_LOG);
        tagRoom = 16 + 4 + 10; // GCM tag 16 or HMAC 10, + SRTCP index 4
    }

    /** Packets per profile the JIT warm-up encrypts and decrypts: enough for the JIT to compile the path. */
    static final int JIT_WARM_UP_PACKETS = 4_000;

    /**
     * Forces the pure-JDK AES (as fast as OpenSSL on JDK 17 with AES-NI) and pays jitsi-srtp's
     * one-time class loading and provider probe at start instead of on the first publish,
     * whose first second of media would otherwise be lost.
     */
    static void warmUp() {
        Aes.setFactoryClassName("org.jitsi.srtp.crypto.Aes$SunJCECipherFactory");
        run(1);
    }

    /**
     * Runs {@link #JIT_WARM_UP_PACKETS} video-sized packets through encrypt and decrypt of each
     * profile, so the JIT has compiled the AES-GCM/CM paths before a player's GOP burst is
     * encrypted on an event loop (interpreted, a burst held a loop for seconds under load). Takes
     * a fraction of a second of CPU (seconds of wall time on a loaded machine): run it on a worker
     * after start, not before it. Returns the milliseconds spent.
     */
    static long warmUpJit() {
        long t0 = System.nanoTime();
        run(JIT_WARM_UP_PACKETS);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void run(int packets) {
        for (SrtpProfile p : SrtpProfile.values()) {
            // all-zero keying material: client and server keys are equal, so we can decrypt what we encrypt
            byte[] zeros = new byte[2 * (p.keyLength + p.saltLength)];
            try (SrtpTransform t = new SrtpTransform(SrtpKeys.fromExported(p, zeros))) {
                byte[] rtp = new byte[12 + 1150];
                rtp[0] = (byte) 0x80;
                rtp[11] = 1;
                byte[] inPlace = new byte[rtp.length + RTP_TAG_ROOM];
                for (int seq = 1; seq <= packets; seq++) {
                    rtp[2] = (byte) (seq >>> 8);
                    rtp[3] = (byte) seq; // the sender refuses repeated sequence numbers
                    byte[] s;
                    int len;
                    if ((seq & 1) == 0) { // both send paths: the players' in-place one and the SFU's copying one
                        System.arraycopy(rtp, 0, inPlace, 0, rtp.length);
                        len = t.protectRtpInPlace(inPlace, rtp.length);
                        s = inPlace;
                    } else {
                        s = t.protectRtp(rtp, rtp.length);
                        len = s == null ? -1 : s.length;
                    }
                    if (len < 0 || t.unprotectRtp(s, len) != rtp.length) {
                        throw new IllegalStateException("SRTP warm-up failed for " + p);
                    }
                }
            }
        }
    }

    /** Decrypts an SRTP packet in place; returns the plaintext length or -1 (auth failure, replay). */
    int unprotectRtp(byte[] pkt, int len) {
        long ssrc = u32(pkt, 8);
        try {
            SrtpCryptoContext c = rtpIn.get(ssrc);
            if (c == null) {
                c = decrypt.deriveContext((int) ssrc, 0);
                rtpIn.put(ssrc, c);
            }
            Buf b = new Buf(pkt, len);
            return c.reverseTransformPacket(b, false) == SrtpErrorStatus.OK ? b.length : -1;
        } catch (GeneralSecurityException e) {
            return -1;
        }
    }

    /** Decrypts an SRTCP packet in place; returns the plaintext length or -1. */
    int unprotectRtcp(byte[] pkt, int len) {
        if (len < 8) {
            return -1;
        }
        long ssrc = u32(pkt, 4);
        try {
            SrtcpCryptoContext c = rtcpIn.get(ssrc);
            if (c == null) {
                c = decrypt.deriveControlContext((int) ssrc);
                rtcpIn.put(ssrc, c);
            }
            Buf b = new Buf(pkt, len);
            return c.reverseTransformPacket(b) == SrtpErrorStatus.OK ? b.length : -1;
        } catch (GeneralSecurityException e) {
            return -1;
        }
    }

    /** Encrypts an RTP packet; returns a new array holding the SRTP packet, or null. */
    byte[] protectRtp(byte[] pkt, int len) {
        long ssrc = u32(pkt, 8);
        try {
            SrtpCryptoContext c = rtpOut.get(ssrc);
            if (c == null) {
                c = encrypt.deriveContext((int) ssrc, 0);
                rtpOut.put(ssrc, c);
            }
            Buf b = new Buf(pkt, len, tagRoom);
            return c.transformPacket(b) == SrtpErrorStatus.OK ? b.bytes() : null;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    /** Room an in-place protect needs after the packet: the largest tag (GCM 16; HMAC 10). */
    static final int RTP_TAG_ROOM = 16;

    /**
     * Encrypts an RTP packet in place: {@code buf} must have {@link #RTP_TAG_ROOM} bytes after
     * {@code len} for the tag. Returns the SRTP length, or -1. The player's send path (issue 12):
     * {@link #protectRtp} copies the packet into a new array and copies the result out again, two
     * copies and two arrays per packet per player; this does neither, and finds the context of the
     * session's last two SSRCs (video, audio) without boxing a {@code Long} for the map.
     */
    int protectRtpInPlace(byte[] buf, int len) {
        if (buf.length < len + RTP_TAG_ROOM) {
            return -1;
        }
        long ssrc = u32(buf, 8);
        try {
            SrtpCryptoContext c;
            if (ssrc == lastSsrcA && ctxA != null) {
                c = ctxA;
            } else if (ssrc == lastSsrcB && ctxB != null) {
                c = ctxB;
            } else {
                c = rtpOut.get(ssrc);
                if (c == null) {
                    c = encrypt.deriveContext((int) ssrc, 0);
                    rtpOut.put(ssrc, c);
                }
                lastSsrcB = lastSsrcA; // the previous one stays cached: video and audio alternate
                ctxB = ctxA;
                lastSsrcA = ssrc;
                ctxA = c;
            }
            Buf b = inPlace;
            b.buf = buf;
            b.offset = 0;
            b.length = len;
            SrtpErrorStatus st = c.transformPacket(b);
            byte[] out = b.buf;
            b.buf = null; // no reference to the caller's array kept
            return st == SrtpErrorStatus.OK && out == buf && b.offset == 0 ? b.length : -1;
        } catch (GeneralSecurityException e) {
            return -1;
        }
    }

    /** Encrypts an RTCP packet; returns the SRTCP packet or null. */
    byte[] protectRtcp(byte[] pkt, int len) {
        long ssrc = u32(pkt, 4);
        try {
            SrtcpCryptoContext c = rtcpOut.get(ssrc);
            if (c == null) {
                c = encrypt.deriveControlContext((int) ssrc);
                rtcpOut.put(ssrc, c);
            }
            Buf b = new Buf(pkt, len, tagRoom);
            return c.transformPacket(b) == SrtpErrorStatus.OK ? b.bytes() : null;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    @Override
    public void close() {
        decrypt.close();
        encrypt.close();
        rtpIn.clear();
        rtpOut.clear();
        ctxA = null;
        ctxB = null;
        rtcpIn.clear();
        rtcpOut.clear();
    }

    static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    /** The byte buffer jitsi-srtp transforms; grows for tags. */
    private static final class Buf implements org.jitsi.utils.ByteArrayBuffer {
        byte[] buf;
        int offset;
        int length;

        Buf(byte[] data, int len) {
            this.buf = data;
            this.length = len;
        }

        Buf(byte[] data, int len, int room) {
            this.buf = new byte[len + room];
            System.arraycopy(data, 0, buf, 0, len);
            this.length = len;
        }

        byte[] bytes() {
            byte[] out = new byte[length];
            System.arraycopy(buf, offset, out, 0, length);
            return out;
        }

        @Override public byte[] getBuffer() { return buf; }
        @Override public int getOffset() { return offset; }
        @Override public int getLength() { return length; }
        @Override public void setLength(int len) { length = len; }
        @Override public void setOffset(int off) { offset = off; }
        @Override public boolean isInvalid() { return false; }

        @Override
        public void readRegionToBuff(int off, int len, byte[] out) {
            System.arraycopy(buf, offset + off, out, 0, len);
        }

        @Override
        public void grow(int howMuch) {
            if (offset + length + howMuch > buf.length) {
                byte[] n = new byte[offset + length + howMuch];
                System.arraycopy(buf, 0, n, 0, offset + length);
                buf = n;
            }
        }

        @Override
        public void append(byte[] data, int len) {
            grow(len);
            System.arraycopy(data, 0, buf, offset + length, len);
            length += len;
        }

        @Override
        public void shrink(int len) {
            length = Math.max(0, length - len);
        }
    }
}
