package org.estuary.core.rtmp;

import java.util.Arrays;

/**
 * Server side of the simple handshake, fed incrementally. Once C0+C1 are in, answers S0+S1+S2
 * (S2 echoes C1, which is what digest-less clients check, if they check at all). C2 is read and
 * ignored: clients fill it inconsistently and validating it only breaks interoperability.
 */
public final class HandshakeServer {
    private static final int C0C1 = 1 + Handshake.PACKET_SIZE;
    private static final int TOTAL = C0C1 + Handshake.PACKET_SIZE;

    private final byte[] received = new byte[TOTAL];
    private int filled;
    private boolean done;
    private String failure;

    /** Feeds received bytes; never buffers more than C0+C1+C2. */
    public Handshake.Result feed(byte[] in) {
        return feed(in, 0, in.length);
    }

    public Handshake.Result feed(byte[] in, int off, int len) {
        if (failure != null) {
            return Handshake.Result.failure(failure);
        }
        if (done) {
            return new Handshake.Result(Handshake.Result.NONE, true, Arrays.copyOfRange(in, off, off + len), null);
        }
        int before = filled;
        int take = Math.min(len, TOTAL - filled);
        System.arraycopy(in, off, received, filled, take);
        filled += take;
        byte[] toSend = Handshake.Result.NONE;
        if (before == 0 && filled > 0 && received[0] != Handshake.VERSION) {
            failure = "unsupported RTMP version " + (received[0] & 0xFF) + " (encrypted RTMPE is not supported)";
            return Handshake.Result.failure(failure);
        }
        if (before < C0C1 && filled >= C0C1) {
            toSend = new byte[1 + 2 * Handshake.PACKET_SIZE];
            toSend[0] = Handshake.VERSION;
            byte[] s1 = Handshake.randomPacket(0);
            System.arraycopy(s1, 0, toSend, 1, Handshake.PACKET_SIZE);
            System.arraycopy(received, 1, toSend, 1 + Handshake.PACKET_SIZE, Handshake.PACKET_SIZE);
        }
        if (filled == TOTAL) {
            done = true;
            return new Handshake.Result(toSend, true, Arrays.copyOfRange(in, off + take, off + len), null);
        }
        return new Handshake.Result(toSend, false, Handshake.Result.NONE, null);
    }

    public boolean isDone() {
        return done;
    }
}
