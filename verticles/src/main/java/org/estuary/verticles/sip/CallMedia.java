package org.estuary.verticles.sip;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import org.estuary.core.sip.Dtmf;
import org.estuary.core.sip.G711;
import org.estuary.core.rtp.JitterBuffer;
import org.estuary.core.rtp.Rtcp;
import org.estuary.core.rtp.RtpReception;
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
    /** Out-of-order packets wait this long for their predecessors (in-order ones pass at once). */
    static final long JITTER_WINDOW_NANOS = 80_000_000L;
    private static final int JITTER_CAPACITY = 16;

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

    /** Every received packet (audio and DTMF) in sequence order; released ones run on the event loop. */
    private final JitterBuffer<Runnable> jitter = new JitterBuffer<>(JITTER_CAPACITY, JITTER_WINDOW_NANOS);
    private final RtpReception reception = new RtpReception(8000);
    long rtcpReportsIn;
    int remoteFractionLost;
    long remoteLost;
    double remoteJitterMs;
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
        rtcp.handler(this::rtcpReceived);
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
            // (re)starts the send clock: after a hold the packets not sent meanwhile are not owed
            sending = true;
            startNanos = System.nanoTime();
            sent = 0;
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
        long now = System.nanoTime();
        reception.received(h.ssrc(), h.sequence(), h.timestamp(), now);
        Runnable handling;
        if (h.payloadType() == codec.payloadType()) {
            short[] pcm = new short[h.payloadLength()];
            boolean ulaw = codec.encoding().equalsIgnoreCase("PCMU");
            for (int i = 0; i < pcm.length; i++) {
                int v = data[h.payloadOffset() + i];
                pcm[i] = ulaw ? G711.decodeUlaw(v) : G711.decodeAlaw(v);
            }
            long ts = h.timestamp();
            handling = () -> listener.audio(pcm, ts);
        } else if (events != null && h.payloadType() == events.payloadType()) {
            Dtmf.Event e = Dtmf.parseEvent(data, h.payloadOffset(), h.payloadLength());
            int ts = (int) h.timestamp();
            handling = () -> {
                // one digit per event timestamp, reported at its first packet (the end is sent 3 times)
                if (e != null && ts != lastDtmfTsSeen) {
                    lastDtmfTsSeen = ts;
                    listener.dtmf(Dtmf.digit(e.code()));
                }
            };
        } else {
            handling = () -> { }; // comfort noise and the like: keeps its place in the sequence
        }
        for (Runnable r : jitter.push(h.sequence(), handling, now)) {
            r.run();
        }
    }

    /** The far end's SR/RR: its view of our stream (loss, jitter) and its sender reports for our LSR/DLSR. */
    private void rtcpReceived(DatagramPacket p) {
        byte[] data = p.data().getBytes();
        long now = System.nanoTime();
        for (Rtcp.Received r : Rtcp.parse(data, data.length)) {
            if (r.hasSenderReport()) {
                reception.senderReport(r.srNtpMiddle32(), now);
            }
            for (Rtcp.ReportBlock b : r.blocks()) {
                if (b.sourceSsrc() == ssrc) {
                    rtcpReportsIn++;
                    remoteFractionLost = b.fractionLost();
                    remoteLost = b.cumulativeLost();
                    remoteJitterMs = b.jitter() * 1000.0 / 8000;
                }
            }
        }
    }

    long lost() { return reception.lost(); }
    double jitterMs() { return reception.jitterMs(); }
    long late() { return jitter.late(); }
    long reordered() { return jitter.reordered(); }

    /** Sends the packets due by now; called by the verticle's tick on the event loop. */
    void tick(long nowNanos) {
        for (Runnable r : jitter.drain(nowNanos)) { // the last packets before a pause wait no longer than the window
            r.run();
        }
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
            rtcp.send(Buffer.buffer(Rtcp.senderReport(ssrc, System.currentTimeMillis(), ts, packetsOut, bytesOut,
                    reception.packets() > 0 ? reception.reportBlock(nowNanos) : null)), remotePort + 1, remoteHost);
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
