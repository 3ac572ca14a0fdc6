package org.estuary.core.rtmp;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Shared definitions of the simple (non-digest) RTMP handshake: C0/S0 is the version byte 3,
 * C1/S1/C2/S2 are 1536 bytes each. See {@link HandshakeServer} and {@link HandshakeClient}.
 */
public final class Handshake {
    public static final int VERSION = 3;
    public static final int PACKET_SIZE = 1536;

    private Handshake() {
    }

    /**
     * Outcome of feeding bytes to one side of the handshake.
     *
     * @param toSend   bytes to write to the peer now (empty if none)
     * @param done     the handshake is complete; chunk stream bytes follow
     * @param leftover bytes received after the handshake ended (start of the chunk stream), empty if none
     * @param failure  non-null if the handshake failed; the connection should be closed
     */
    public record Result(byte[] toSend, boolean done, byte[] leftover, String failure) {
        static final byte[] NONE = new byte[0];

        public boolean failed() {
            return failure != null;
        }

        static Result failure(String why) {
            return new Result(NONE, false, NONE, why);
        }
    }

    /** A C1/S1 packet: 4-byte time, 4 zero bytes (marks the simple handshake), 1528 random bytes. */
    static byte[] randomPacket(long timeMs) {
        byte[] p = new byte[PACKET_SIZE];
        ThreadLocalRandom.current().nextBytes(p);
        p[0] = (byte) (timeMs >>> 24);
        p[1] = (byte) (timeMs >>> 16);
        p[2] = (byte) (timeMs >>> 8);
        p[3] = (byte) timeMs;
        p[4] = p[5] = p[6] = p[7] = 0;
        return p;
    }
}
