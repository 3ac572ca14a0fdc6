package org.estuary.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Random;

/**
 * Misbehaving RTMP clients made of plain sockets: garbage, truncated handshakes, half-sent chunks.
 * No RTMP library is involved on purpose; the point is to send what no library would.
 */
public final class RawRtmp {
    /** C1/S1/S2/C2 size. */
    public static final int PACKET = 1536;
    private static final Random RANDOM = new Random(20240611);

    private RawRtmp() { }

    public static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setTcpNoDelay(true);
        return s;
    }

    public static byte[] random(int n) {
        byte[] b = new byte[n];
        synchronized (RANDOM) {
            RANDOM.nextBytes(b);
        }
        return b;
    }

    /** Completes the simple handshake as a client: C0+C1, read S0+S1+S2, send C2 (= S1). */
    public static void handshake(Socket s) throws IOException {
        byte[] c0c1 = new byte[1 + PACKET];
        c0c1[0] = 3;
        System.arraycopy(random(PACKET - 8), 0, c0c1, 9, PACKET - 8); // time 0, zero field, then random
        s.getOutputStream().write(c0c1);
        s.setSoTimeout(10_000);
        byte[] s0s1s2 = s.getInputStream().readNBytes(1 + 2 * PACKET);
        if (s0s1s2.length != 1 + 2 * PACKET || s0s1s2[0] != 3) {
            throw new IOException("bad server handshake: " + s0s1s2.length + " bytes");
        }
        byte[] c2 = new byte[PACKET];
        System.arraycopy(s0s1s2, 1, c2, 0, PACKET);
        s.getOutputStream().write(c2);
        s.getOutputStream().flush();
    }

    /**
     * The first bytes of an AMF0 command message on chunk stream 3 that announces
     * {@code declaredLength} bytes but carries only {@code sentLength} of them: the server has to
     * wait for the rest, which never comes.
     */
    public static byte[] halfChunk(int declaredLength, int sentLength) {
        byte[] b = new byte[12 + sentLength];
        b[0] = 0x03; // fmt 0, chunk stream 3
        // timestamp 0 (bytes 1..3)
        b[4] = (byte) (declaredLength >> 16);
        b[5] = (byte) (declaredLength >> 8);
        b[6] = (byte) declaredLength;
        b[7] = 20; // AMF0 command
        // message stream id 0 (bytes 8..11, little endian)
        b[12] = 0x02; // AMF0 string marker, then junk
        System.arraycopy(random(sentLength - 1), 0, b, 13, sentLength - 1);
        return b;
    }

    /**
     * Reads (and discards) until the server closes the connection; returns the milliseconds that
     * took, or -1 if it is still open after {@code timeoutMs}.
     */
    public static long awaitClosed(Socket s, long timeoutMs) throws IOException {
        long start = System.nanoTime();
        long deadline = start + timeoutMs * 1_000_000;
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        while (System.nanoTime() < deadline) {
            s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (in.read(buf) < 0) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            } catch (SocketTimeoutException e) {
                return -1;
            } catch (IOException e) {
                return (System.nanoTime() - start) / 1_000_000; // reset by the server: closed too
            }
        }
        return -1;
    }
}
