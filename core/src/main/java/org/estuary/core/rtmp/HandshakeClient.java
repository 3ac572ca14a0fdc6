package org.estuary.core.rtmp;

import java.util.Arrays;

/**
 * Client side of the simple handshake: {@link #start()} gives C0+C1; feeding S0+S1 yields C2
 * (an echo of S1), and the handshake is done once S2 has been read. S2 is not validated:
 * servers differ in what they put there.
 */
public final class HandshakeClient {
    private static final int S0S1 = 1 + Handshake.PACKET_SIZE;
    private static final int TOTAL = S0S1 + Handshake.PACKET_SIZE;

    private final byte[] received = new byte[TOTAL];
    private int filled;
    private boolean started;
    private boolean done;
    private String failure;

    /** C0+C1, to send first. */
    public byte[] start() {
        started = true;
        byte[] c0c1 = new byte[S0S1];
        c0c1[0] = Handshake.VERSION;
        System.arraycopy(Handshake.randomPacket(0), 0, c0c1, 1, Handshake.PACKET_SIZE);
        return c0c1;
    }

    public Handshake.Result feed(byte[] in) {
        return feed(in, 0, in.length);
    }

    public Handshake.Result feed(byte[] in, int off, int len) {
        if (failure != null) {
            return Handshake.Result.failure(failure);
        }
        if (!started) {
            failure = "start() must be called before feeding server bytes";
            return Handshake.Result.failure(failure);
        }
        if (done) {
            return new Handshake.Result(Handshake.Result.NONE, true, Arrays.copyOfRange(in, off, off + len), null);
        }
        int before = filled;
        int take = Math.min(len, TOTAL - filled);
        System.arraycopy(in, off, received, filled, take);
        filled += take;
        if (before == 0 && filled > 0 && received[0] != Handshake.VERSION) {
            failure = "server answered RTMP version " + (received[0] & 0xFF);
            return Handshake.Result.failure(failure);
        }
        byte[] toSend = Handshake.Result.NONE;
        if (before < S0S1 && filled >= S0S1) {
            toSend = Arrays.copyOfRange(received, 1, S0S1); // C2 echoes S1
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
