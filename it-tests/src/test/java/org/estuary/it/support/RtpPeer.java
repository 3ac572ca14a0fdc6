package org.estuary.it.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The far end's RTP, played by the test itself: a UDP socket on 127.0.0.1 that records every RTP
 * packet it gets (PCMU audio decoded, RFC 4733 digits) and can send a PCMU tone and DTMF events
 * from the same socket (so symmetric RTP keeps answering to it). Its port goes in the far end's SDP.
 */
public final class RtpPeer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread receiver;
    private final List<short[]> audio = new ArrayList<>();
    private final Set<Long> dtmfTimestamps = new LinkedHashSet<>();
    private final StringBuilder digits = new StringBuilder();
    private volatile InetSocketAddress lastSender;
    private volatile int packets;
    private volatile long lastSsrc = -1;

    public RtpPeer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        receiver = new Thread(this::receive, "rtp-peer-" + socket.getLocalPort());
        receiver.setDaemon(true);
        receiver.start();
    }

    public int port() { return socket.getLocalPort(); }
    public int packets() { return packets; }
    public InetSocketAddress lastSender() { return lastSender; }
    /** SSRC of the last RTP packet received (-1 before any). */
    public long lastSsrc() { return lastSsrc; }

    private void receive() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            int len = p.getLength();
            if (len < 12 || (buf[0] & 0xC0) != 0x80) {
                continue;
            }
            packets++;
            lastSender = (InetSocketAddress) p.getSocketAddress();
            lastSsrc = ((long) (buf[8] & 0xFF) << 24) | ((buf[9] & 0xFF) << 16) | ((buf[10] & 0xFF) << 8) | (buf[11] & 0xFF);
            int pt = buf[1] & 0x7F;
            int off = 12 + 4 * (buf[0] & 0x0F);
            long ts = ((long) (buf[4] & 0xFF) << 24) | ((buf[5] & 0xFF) << 16) | ((buf[6] & 0xFF) << 8) | (buf[7] & 0xFF);
            synchronized (this) {
                if (pt == 0) {
                    short[] pcm = new short[len - off];
                    for (int i = 0; i < pcm.length; i++) {
                        pcm[i] = ulawDecode(buf[off + i]);
                    }
                    audio.add(pcm);
                } else if (pt == 101 && len - off >= 4 && dtmfTimestamps.add(ts)) {
                    digits.append("0123456789*#ABCD".charAt(Math.min(15, buf[off] & 0xFF)));
                }
            }
        }
    }

    /** RFC 4733 digits received so far, one per event. */
    public synchronized String digits() {
        return digits.toString();
    }

    /** The last {@code ms} of received PCMU audio. */
    public synchronized short[] lastAudio(int ms) {
        int want = ms * 8;
        short[] out = new short[want];
        int filled = 0;
        for (int i = audio.size() - 1; i >= 0 && filled < want; i--) {
            short[] a = audio.get(i);
            int take = Math.min(a.length, want - filled);
            System.arraycopy(a, a.length - take, out, want - filled - take, take);
            filled += take;
        }
        return java.util.Arrays.copyOfRange(out, want - filled, want);
    }

    /** Energy (dB relative to full scale) of {@code samples} at {@code hz} (Goertzel, 8 kHz). */
    public static double levelAt(short[] samples, int hz) {
        if (samples.length == 0) {
            return -200;
        }
        double w = 2 * Math.PI * hz / 8000.0;
        double c = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (short x : samples) {
            double s = x / 32768.0 + c * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        double power = s1 * s1 + s2 * s2 - c * s1 * s2;
        double amplitude = 2 * Math.sqrt(Math.max(power, 0)) / samples.length;
        return amplitude <= 0 ? -200 : 20 * Math.log10(amplitude);
    }

    /** Sends {@code seconds} of a PCMU sine at {@code hz} to {@code port}, paced at 20 ms (blocking). */
    public void sendTone(int port, int hz, double seconds) throws IOException, InterruptedException {
        int n = (int) (seconds * 50);
        long start = System.nanoTime();
        for (int k = 0; k < n; k++) {
            byte[] payload = new byte[160];
            for (int i = 0; i < 160; i++) {
                payload[i] = ulawEncode((int) (8000 * Math.sin(2 * Math.PI * hz * (k * 160 + i) / 8000.0)));
            }
            send(port, 0, k == 0, k, k * 160L, payload);
            long due = start + (k + 1) * 20_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    /** Sends one RFC 4733 digit (5 updates, then the end 3 times) to {@code port}. */
    /**
     * Like {@link #sendTone} from sequence number {@code firstSeq}, but in every ten packets the
     * fifth and sixth swap places on the wire (sent back to back), as a network reordering would.
     */
    public void sendToneReordered(int port, int hz, double seconds, int firstSeq) throws IOException, InterruptedException {
        int n = (int) (seconds * 50);
        long start = System.nanoTime();
        for (int k = 0; k < n; k++) {
            int sendK = k % 10 == 4 && k + 1 < n ? k + 1 : k % 10 == 5 ? k - 1 : k;
            byte[] payload = new byte[160];
            for (int i = 0; i < 160; i++) {
                payload[i] = ulawEncode((int) (8000 * Math.sin(2 * Math.PI * hz * (sendK * 160 + i) / 8000.0)));
            }
            send(port, 0, false, firstSeq + sendK, (long) (firstSeq + sendK) * 160L, payload);
            if (k % 10 == 4) {
                continue; // its partner goes right after it
            }
            long due = start + (k + 1) * 20_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    /** An RTCP receiver report about {@code sourceSsrc} to {@code port} (RFC 3550 §6.4.2; jitter in 8 kHz units). */
    public void sendReceiverReport(int port, long sourceSsrc, int fractionLost, int cumulativeLost, long jitter)
            throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32);
        b.put((byte) 0x81).put((byte) 201).putShort((short) 7).putInt(0x12000034).putInt((int) sourceSsrc)
                .put((byte) fractionLost).put((byte) (cumulativeLost >> 16)).put((byte) (cumulativeLost >> 8))
                .put((byte) cumulativeLost).putInt(0).putInt((int) jitter).putInt(0).putInt(0);
        socket.send(new DatagramPacket(b.array(), 32, InetAddress.getLoopbackAddress(), port));
    }

    public void sendDigit(int port, char digit, int seq, long ts) throws IOException, InterruptedException {
        int code = "0123456789*#ABCD".indexOf(digit);
        for (int i = 0; i < 8; i++) {
            boolean end = i >= 4;
            int dur = Math.min(i + 1, 5) * 160;
            send(port, 101, i == 0, seq + i, ts, new byte[] {(byte) code, (byte) ((end ? 0x80 : 0) | 10),
                (byte) (dur >> 8), (byte) dur});
            Thread.sleep(20);
        }
    }

    private void send(int port, int pt, boolean marker, int seq, long ts, byte[] payload) throws IOException {
        byte[] b = new byte[12 + payload.length];
        b[0] = (byte) 0x80;
        b[1] = (byte) ((marker ? 0x80 : 0) | pt);
        b[2] = (byte) (seq >> 8);
        b[3] = (byte) seq;
        b[4] = (byte) (ts >> 24);
        b[5] = (byte) (ts >> 16);
        b[6] = (byte) (ts >> 8);
        b[7] = (byte) ts;
        b[8] = 0x12;
        b[11] = 0x34;
        System.arraycopy(payload, 0, b, 12, payload.length);
        socket.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
    }

    static short ulawDecode(byte b) {
        int u = ~b & 0xFF;
        int t = ((u & 0x0F) << 3) + 0x84;
        t <<= (u & 0x70) >> 4;
        return (short) ((u & 0x80) != 0 ? 0x84 - t : t - 0x84);
    }

    static byte ulawEncode(int sample) {
        int sign = sample < 0 ? 0x80 : 0;
        int s = Math.min(Math.abs(sample), 32635) + 0x84;
        int exp = 7;
        for (int mask = 0x4000; exp > 0 && (s & mask) == 0; mask >>= 1) {
            exp--;
        }
        return (byte) ~(sign | (exp << 4) | ((s >> (exp + 3)) & 0x0F));
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        receiver.join(2000);
    }
}
