package org.estuary.verticles.sip;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import org.estuary.core.sip.Dtmf;
import org.estuary.core.sip.G711;
import org.estuary.core.sip.RtpFormat;
import org.estuary.core.sip.RtpHeader;

/**
 * One call's RTP and RTCP on a port pair of the media range, on the SIP verticle's event loop.
 * Receives the far end's audio (G.711 decoded here: a table look-up) and RFC 4733 DTMF; sends
 * 20 ms packets paced by the verticle's tick from the current {@link AudioSource} (silence when
 * none) and queued DTMF. Symmetric RTP: once the far end's packets arrive, replies go to where
 * they come from, whatever its SDP said (NAT).
 */
final class CallMedia {
    static final int SAMPLES_PER_PACKET = 160; // 20 ms at 8 kHz
    private static final long PACKET_NANOS = 20_000_000L;
    /** Packets sent at most per tick when the event loop was late (then the send clock jumps). */
    private static final int MAX_CATCH_UP = 10;
    private static final int DTMF_PACKETS = 5;   // 100 ms tone
    private static final int DTMF_GAP_PACKETS = 3; // 60 ms pause between digits
    private static final long RTCP_INTERVAL_NANOS = 5_000_000_000L;

    interface Listener {
        void audio(short[] pcm, long rtpTimestamp);

        void dtmf(char digit);
    }

    private final DatagramSocket rtp;
    private final DatagramSocket rtcp;
    private final int localPort;
    private final Listener listener;
    private final long ssrc = ThreadLocalRandom.current().nextLong(1, 0xFFFFFFFFL);
    private String remoteHost;
    private int remotePort;
    private boolean latched;
    private RtpFormat codec;
    private RtpFormat events;
    private boolean sending;
    private AudioSource source;

    private int seq = ThreadLocalRandom.current().nextInt(0x10000);
    private long ts = ThreadLocalRandom.current().nextLong(0x100000000L);
    private long startNanos;
    private long sent;
    private long lastRtcpNanos;
    private final short[] pcmOut = new short[SAMPLES_PER_PACKET];
    private final ArrayDeque<Character> dtmfQueue = new ArrayDeque<>();
    private int dtmfStep = -1;
    private char dtmfDigit;
    private long dtmfTs;
    private int lastDtmfTsSeen = -1;

    long packetsIn;
    long packetsOut;
    long bytesOut;
    long lastPacketAtMs = System.currentTimeMillis();
    String lastPacketFrom = "";

    CallMedia(DatagramSocket rtp, DatagramSocket rtcp, int localPort, Listener listener) {
        this.rtp = rtp;
        this.rtcp = rtcp;
        this.localPort = localPort;
        this.listener = listener;
        rtp.handler(this::received);
        rtcp.handler(p -> { }); // reports are read by nobody yet; the port is open so the peer's RTCP is not refused
    }

    int localPort() { return localPort; }
    RtpFormat codec() { return codec; }
    String remote() { return remoteHost == null ? "" : remoteHost + ":" + remotePort; }

    /** The negotiated codec and where the far end's SDP says to send; starts the send clock the first time. */
    void start(String host, int port, RtpFormat audio, RtpFormat telephoneEvent) {
        if (!latched) {
            remoteHost = host;
            remotePort = port;
        }
        codec = audio;
        events = telephoneEvent;
        if (!sending) {
            sending = true;
            startNanos = System.nanoTime();
            lastPacketAtMs = System.currentTimeMillis();
        }
    }

    /** Hold: keep receiving, stop sending. */
    void setSending(boolean on) {
        if (on && !sending) {
            startNanos = System.nanoTime();
            sent = 0;
        }
        sending = on;
    }

    void setSource(AudioSource s) {
        if (source != null && source != s) {
            source.close();
        }
        source = s;
    }

    AudioSource source() {
        return source;
    }

    boolean canSendRfc2833() {
        return events != null;
    }

    void queueDtmf(String digits) {
        for (char c : digits.toCharArray()) {
            dtmfQueue.add(Character.toUpperCase(c));
        }
    }

    private void received(DatagramPacket p) {
        Buffer b = p.data();
        byte[] data = b.getBytes();
        RtpHeader h = RtpHeader.parse(data, data.length);
        if (h == null || codec == null) {
            return;
        }
        packetsIn++;
        lastPacketAtMs = System.currentTimeMillis();
        String from = p.sender().hostAddress();
        int fromPort = p.sender().port();
        if (!latched || fromPort != remotePort || !from.equals(remoteHost)) {
            latched = true;
            remoteHost = from;
            remotePort = fromPort;
        }
        lastPacketFrom = from + ":" + fromPort;
        if (h.payloadType() == codec.payloadType()) {
            short[] pcm = new short[h.payloadLength()];
            boolean ulaw = codec.encoding().equalsIgnoreCase("PCMU");
            for (int i = 0; i < pcm.length; i++) {
                int v = data[h.payloadOffset() + i];
                pcm[i] = ulaw ? G711.decodeUlaw(v) : G711.decodeAlaw(v);
            }
            listener.audio(pcm, h.timestamp());
        } else if (events != null && h.payloadType() == events.payloadType()) {
            Dtmf.Event e = Dtmf.parseEvent(data, h.payloadOffset(), h.payloadLength());
            // one digit per event timestamp, reported at its first packet (the end is sent 3 times)
            if (e != null && (int) h.timestamp() != lastDtmfTsSeen) {
                lastDtmfTsSeen = (int) h.timestamp();
                listener.dtmf(Dtmf.digit(e.code()));
            }
        }
    }

    /** Sends the packets due by now; called by the verticle's tick on the event loop. */
    void tick(long nowNanos) {
        if (!sending || codec == null || remoteHost == null || remotePort == 0) {
            return;
        }
        long due = (nowNanos - startNanos) / PACKET_NANOS + 1 - sent;
        if (due > MAX_CATCH_UP) {
            sent += due - MAX_CATCH_UP; // the loop stalled: skip ahead rather than burst
            ts = (ts + (due - MAX_CATCH_UP) * SAMPLES_PER_PACKET) & 0xFFFFFFFFL;
            due = MAX_CATCH_UP;
        }
        for (long i = 0; i < due; i++) {
            sendOne();
        }
        if (nowNanos - lastRtcpNanos > RTCP_INTERVAL_NANOS && packetsOut > 0) {
            lastRtcpNanos = nowNanos;
            rtcp.send(Buffer.buffer(senderReport()), remotePort + 1, remoteHost);
        }
    }

    private void sendOne() {
        sent++;
        byte[] packet = dtmfPacket();
        if (packet == null) {
            boolean any = source != null && source.fill(pcmOut);
            if (source != null && source.finished()) {
                source.close();
                source = null;
            }
            byte[] payload = new byte[SAMPLES_PER_PACKET];
            boolean ulaw = codec.encoding().equalsIgnoreCase("PCMU");
            for (int i = 0; i < payload.length; i++) {
                int s = any ? pcmOut[i] : 0;
                payload[i] = ulaw ? G711.encodeUlaw(s) : G711.encodeAlaw(s);
            }
            packet = RtpHeader.write(codec.payloadType(), packetsOut == 0, seq, ts, ssrc, payload);
        }
        seq = (seq + 1) & 0xFFFF;
        ts = (ts + SAMPLES_PER_PACKET) & 0xFFFFFFFFL;
        packetsOut++;
        bytesOut += packet.length - 12;
        rtp.send(Buffer.buffer(packet), remotePort, remoteHost);
    }

    /** The next RFC 4733 packet while a digit plays (null = send audio). */
    private byte[] dtmfPacket() {
        if (dtmfStep < 0) {
            if (dtmfQueue.isEmpty() || events == null) {
                return null;
            }
            dtmfDigit = dtmfQueue.poll();
            dtmfStep = 0;
            dtmfTs = ts;
        }
        int step = dtmfStep++;
        int code = Dtmf.eventCode(dtmfDigit);
        if (step < DTMF_PACKETS + 2) {
            boolean end = step >= DTMF_PACKETS - 1;
            int duration = Math.min(step + 1, DTMF_PACKETS) * SAMPLES_PER_PACKET;
            return RtpHeader.write(events.payloadType(), step == 0, seq, dtmfTs, ssrc,
                    Dtmf.eventPayload(code, end, duration));
        }
        if (step >= DTMF_PACKETS + 2 + DTMF_GAP_PACKETS) {
            dtmfStep = -1;
        }
        return null; // the pause between digits is ordinary audio
    }

    private byte[] senderReport() {
        long nowMs = System.currentTimeMillis();
        long ntpSec = nowMs / 1000 + 2_208_988_800L;
        long ntpFrac = (nowMs % 1000) * 0x100000000L / 1000;
        byte[] b = new byte[28];
        b[0] = (byte) 0x80;
        b[1] = (byte) 200;
        b[3] = 6;
        put32(b, 4, ssrc);
        put32(b, 8, ntpSec);
        put32(b, 12, ntpFrac);
        put32(b, 16, ts);
        put32(b, 20, packetsOut);
        put32(b, 24, bytesOut);
        return b;
    }

    private static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >> 24);
        b[off + 1] = (byte) (v >> 16);
        b[off + 2] = (byte) (v >> 8);
        b[off + 3] = (byte) v;
    }

    /** Closes both sockets; the caller gives the ports back to the pool once closed. */
    io.vertx.core.Future<Void> close() {
        sending = false;
        if (source != null) {
            source.close();
            source = null;
        }
        return io.vertx.core.Future.join(rtp.close(), rtcp.close()).mapEmpty();
    }
}
