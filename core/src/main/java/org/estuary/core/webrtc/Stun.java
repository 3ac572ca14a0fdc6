package org.estuary.core.webrtc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * STUN (RFC 5389) as an ICE-lite agent needs it: parse Binding requests, check their
 * MESSAGE-INTEGRITY (short-term credential: HMAC-SHA1 keyed with our ice-pwd) and FINGERPRINT,
 * and write the success response with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT.
 * Malformed input gives null, never an exception.
 */
public final class Stun {
    public static final int MAGIC_COOKIE = 0x2112A442;
    static final int BINDING_REQUEST = 0x0001;
    static final int BINDING_SUCCESS = 0x0101;
    static final int USERNAME = 0x0006;
    static final int MESSAGE_INTEGRITY = 0x0008;
    static final int XOR_MAPPED_ADDRESS = 0x0020;
    static final int PRIORITY = 0x0024;
    static final int USE_CANDIDATE = 0x0025;
    static final int FINGERPRINT = 0x8028;
    static final int ICE_CONTROLLED = 0x8029;
    static final int ICE_CONTROLLING = 0x802A;
    private static final int FINGERPRINT_XOR = 0x5354554E;

    /**
     * A Binding request.
     *
     * @param integrityOffset where the MESSAGE-INTEGRITY attribute starts, -1 when absent
     * @param fingerprintOk   false when a FINGERPRINT is present and wrong
     */
    public record BindingRequest(byte[] transactionId, String username, boolean useCandidate, boolean controlling,
                                 int integrityOffset, boolean fingerprintOk) {
        /** Our ufrag: the part of USERNAME before the colon (RFC 8445 §7.2.2). */
        public String localUfrag() {
            int c = username == null ? -1 : username.indexOf(':');
            return c < 0 ? null : username.substring(0, c);
        }
    }

    private Stun() { }

    /** Parses a Binding request; null when {@code d} is not one (or is malformed). */
    public static BindingRequest parseBindingRequest(byte[] d, int len) {
        if (len < 20 || len > d.length || (d[0] & 0xC0) != 0) {
            return null;
        }
        int type = u16(d, 0);
        int bodyLen = u16(d, 2);
        if (type != BINDING_REQUEST || bodyLen + 20 != len || (bodyLen & 3) != 0 || u32(d, 4) != MAGIC_COOKIE) {
            return null;
        }
        byte[] tid = new byte[12];
        System.arraycopy(d, 8, tid, 0, 12);
        String username = null;
        boolean useCandidate = false;
        boolean controlling = false;
        int integrity = -1;
        boolean fingerprintOk = true;
        int off = 20;
        while (off + 4 <= len) {
            int at = u16(d, off);
            int alen = u16(d, off + 2);
            int vo = off + 4;
            if (vo + alen > len) {
                return null;
            }
            if (integrity >= 0 && at != FINGERPRINT) {
                return null; // only FINGERPRINT may follow MESSAGE-INTEGRITY (RFC 5389 §15.4)
            }
            switch (at) {
                case USERNAME -> username = new String(d, vo, alen, StandardCharsets.UTF_8);
                case USE_CANDIDATE -> useCandidate = true;
                case ICE_CONTROLLING -> controlling = true;
                case MESSAGE_INTEGRITY -> {
                    if (alen != 20) {
                        return null;
                    }
                    integrity = off;
                }
                case FINGERPRINT -> {
                    if (alen != 4 || vo + 4 != len) {
                        return null;
                    }
                    fingerprintOk = (crc(d, off) ^ FINGERPRINT_XOR) == (int) u32(d, vo);
                }
                default -> { }
            }
            off = vo + ((alen + 3) & ~3);
        }
        if (off != len) {
            return null;
        }
        return new BindingRequest(tid, username, useCandidate, controlling, integrity, fingerprintOk);
    }

    /** True when the request carries MESSAGE-INTEGRITY made with {@code password} and no bad FINGERPRINT. */
    public static boolean verify(byte[] d, BindingRequest r, String password) {
        if (r.integrityOffset() < 0 || !r.fingerprintOk()) {
            return false;
        }
        int io = r.integrityOffset();
        byte[] copy = new byte[io];
        System.arraycopy(d, 0, copy, 0, io);
        // the length field covers the message up to and including MESSAGE-INTEGRITY
        put16(copy, 2, io - 20 + 24);
        byte[] mac = hmac(password, copy, io);
        byte[] got = new byte[20];
        System.arraycopy(d, io + 4, got, 0, 20);
        return MessageDigest.isEqual(mac, got);
    }

    /** A Binding success response for {@code r} telling the peer its address as we saw it. */
    public static byte[] bindingSuccess(BindingRequest r, byte[] peerIp, int peerPort, String password) {
        int addrLen = peerIp.length == 4 ? 8 : 20;
        int len = 20 + (4 + addrLen) + 24 + 8;
        byte[] m = new byte[len];
        put16(m, 0, BINDING_SUCCESS);
        put32(m, 4, MAGIC_COOKIE);
        System.arraycopy(r.transactionId(), 0, m, 8, 12);
        int off = 20;
        put16(m, off, XOR_MAPPED_ADDRESS);
        put16(m, off + 2, addrLen);
        m[off + 5] = (byte) (peerIp.length == 4 ? 1 : 2);
        put16(m, off + 6, peerPort ^ (MAGIC_COOKIE >>> 16));
        for (int i = 0; i < peerIp.length; i++) {
            // XOR with the magic cookie then the transaction id (IPv6)
            int k = i < 4 ? (MAGIC_COOKIE >>> (24 - 8 * i)) & 0xFF : r.transactionId()[i - 4] & 0xFF;
            m[off + 8 + i] = (byte) (peerIp[i] ^ k);
        }
        off += 4 + addrLen;
        put16(m, 2, off - 20 + 24);
        byte[] mac = hmac(password, m, off);
        put16(m, off, MESSAGE_INTEGRITY);
        put16(m, off + 2, 20);
        System.arraycopy(mac, 0, m, off + 4, 20);
        off += 24;
        put16(m, 2, off - 20 + 8);
        put16(m, off, FINGERPRINT);
        put16(m, off + 2, 4);
        put32(m, off + 4, crc(m, off) ^ FINGERPRINT_XOR);
        return m;
    }

    /**
     * Builds a Binding request (what a browser sends); tests and load clients use it.
     */
    public static byte[] bindingRequest(byte[] tid, String username, String password, boolean useCandidate) {
        return bindingRequest(tid, username, password, useCandidate, -1, 0);
    }

    /**
     * A controlling full-ICE agent's Binding request (RFC 8445 §7.1.1): PRIORITY (when
     * {@code priority >= 0}) and ICE-CONTROLLING with our tie-breaker. Server-to-server dialling uses it.
     */
    public static byte[] bindingRequest(byte[] tid, String username, String password, boolean useCandidate,
                                        long priority, long tieBreaker) {
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        int userPadded = (user.length + 3) & ~3;
        int len = 20 + 4 + userPadded + (priority >= 0 ? 8 : 0) + (useCandidate ? 4 : 0) + 12 + 24 + 8;
        byte[] m = new byte[len];
        put16(m, 0, BINDING_REQUEST);
        put32(m, 4, MAGIC_COOKIE);
        System.arraycopy(tid, 0, m, 8, 12);
        int off = 20;
        put16(m, off, USERNAME);
        put16(m, off + 2, user.length);
        System.arraycopy(user, 0, m, off + 4, user.length);
        off += 4 + userPadded;
        if (priority >= 0) {
            put16(m, off, PRIORITY);
            put16(m, off + 2, 4);
            put32(m, off + 4, priority);
            off += 8;
        }
        if (useCandidate) {
            put16(m, off, USE_CANDIDATE);
            off += 4;
        }
        put16(m, off, ICE_CONTROLLING);
        put16(m, off + 2, 8);
        put32(m, off + 4, tieBreaker >>> 32);
        put32(m, off + 8, tieBreaker & 0xFFFFFFFFL);
        off += 12;
        put16(m, 2, off - 20 + 24);
        byte[] mac = hmac(password, m, off);
        put16(m, off, MESSAGE_INTEGRITY);
        put16(m, off + 2, 20);
        System.arraycopy(mac, 0, m, off + 4, 20);
        off += 24;
        put16(m, 2, off - 20 + 8);
        put16(m, off, FINGERPRINT);
        put16(m, off + 2, 4);
        put32(m, off + 4, crc(m, off) ^ FINGERPRINT_XOR);
        return m;
    }

    /**
     * The transaction id of a Binding success response whose MESSAGE-INTEGRITY was made with
     * {@code password} (the remote's ice-pwd: the key of a check we sent), or null when {@code d}
     * is not such a response (any other message, a bad FINGERPRINT or integrity).
     */
    public static byte[] bindingSuccessTransaction(byte[] d, int len, String password) {
        if (len < 20 || len > d.length || (d[0] & 0xC0) != 0 || u16(d, 0) != BINDING_SUCCESS
                || u16(d, 2) + 20 != len || u32(d, 4) != MAGIC_COOKIE) {
            return null;
        }
        int integrity = -1;
        int off = 20;
        while (off + 4 <= len) {
            int at = u16(d, off);
            int alen = u16(d, off + 2);
            int vo = off + 4;
            if (vo + alen > len) {
                return null;
            }
            if (at == MESSAGE_INTEGRITY && alen == 20 && integrity < 0) {
                integrity = off;
            } else if (at == FINGERPRINT && (alen != 4 || (crc(d, off) ^ FINGERPRINT_XOR) != (int) u32(d, vo))) {
                return null;
            }
            off = vo + ((alen + 3) & ~3);
        }
        if (integrity < 0) {
            return null;
        }
        byte[] copy = new byte[integrity];
        System.arraycopy(d, 0, copy, 0, integrity);
        put16(copy, 2, integrity - 20 + 24);
        byte[] mac = hmac(password, copy, integrity);
        byte[] got = new byte[20];
        System.arraycopy(d, integrity + 4, got, 0, 20);
        if (!MessageDigest.isEqual(mac, got)) {
            return null;
        }
        byte[] tid = new byte[12];
        System.arraycopy(d, 8, tid, 0, 12);
        return tid;
    }

    private static byte[] hmac(String password, byte[] data, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            mac.update(data, 0, len);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    private static int crc(byte[] d, int len) {
        CRC32 c = new CRC32();
        c.update(d, 0, len);
        return (int) c.getValue();
    }

    static int u16(byte[] d, int off) {
        return ((d[off] & 0xFF) << 8) | (d[off + 1] & 0xFF);
    }

    static long u32(byte[] d, int off) {
        return ((long) (d[off] & 0xFF) << 24) | ((d[off + 1] & 0xFF) << 16) | ((d[off + 2] & 0xFF) << 8) | (d[off + 3] & 0xFF);
    }

    static void put16(byte[] d, int off, int v) {
        d[off] = (byte) (v >>> 8);
        d[off + 1] = (byte) v;
    }

    static void put32(byte[] d, int off, long v) {
        d[off] = (byte) (v >>> 24);
        d[off + 1] = (byte) (v >>> 16);
        d[off + 2] = (byte) (v >>> 8);
        d[off + 3] = (byte) v;
    }
}
