package org.estuary.verticles.sip;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import org.estuary.core.sip.Decimator;
import org.estuary.core.sip.Dtmf;
import org.estuary.core.sip.G711;
import org.estuary.core.rtp.JitterBuffer;
import org.estuary.core.rtp.Rtcp;
import org.estuary.core.rtp.RtpReception;
import org.estuary.core.sip.RtpFormat;
import org.estuary.core.sip.RtpHeader;

/**
 * One call's RTP and RTCP on a port pair of the media range, on the SIP verticle's event loop.
 * Receives the far end's audio (payloads handed on undecoded: decoding is the media executor's
 * job) and RFC 4733 DTMF; sends 20 ms packets paced by the verticle's tick from the current
 * {@link AudioSource} (16 kHz PCM; silence when none) and queued DTMF. G.711 is coded right here
 * (a 16→8 kHz {@link Decimator} and a table look-up); G.722 and Opus need FFmpeg, so their
 * packets are numbered here and coded and sent on the call's serial media executor, in order.
 * Symmetric RTP: once the far end's packets arrive, replies go to where they come from, whatever
 * its SDP said (NAT).
 */
final class CallMedia {
    /** 20 ms at 8 kHz: the unit the verticle's silence bookkeeping counts in. */
    static final int SAMPLES_PER_PACKET = 160;
    /** 20 ms of the 16 kHz PCM sources give. */
    static final int PCM_PER_PACKET = 320;
    /**
     * Packets waiting for the encoder beyond this (1 s) are dropped, not queued without end: on a
     * starved machine a call hears gaps rather than ever later audio.
     */
    private static final int MAX_ENCODE_BACKLOG = 50;
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
        /** One packet of the negotiated audio codec, undecoded, in sequence order. */
        void audio(RtpFormat codec, byte[] payload, long rtpTimestamp);

        void dtmf(char digit);
    }

    private final DatagramSocket rtp;
    private final DatagramSocket rtcp;
    private final int localPort;
    private final Listener listener;
    private final SerialExecutor media;
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
    private final short[] pcmOut = new short[PCM_PER_PACKET];
    private final short[] pcm8k = new short[SAMPLES_PER_PACKET];
    private final Decimator decimator = new Decimator();
    private PayloadEncoder encoder; // media executor only
    private final ArrayDeque<Character> dtmfQueue = new ArrayDeque<>();
    private int dtmfStep = -1;
    private char dtmfDigit;
    private long dtmfTs;
    private int lastDtmfTsSeen = -1;

    /** Every received packet (audio and DTMF) in sequence order; released ones run on the event loop. */
    private final JitterBuffer<Runnable> jitter = new JitterBuffer<>(JITTER_CAPACITY, JITTER_WINDOW_NANOS);
    private RtpReception reception = new RtpReception(8000);
    long rtcpReportsIn;
    int remoteFractionLost;
    long remoteLost;
    double remoteJitterMs;
    long packetsIn;
    long packetsOut;
    final java.util.concurrent.atomic.AtomicLong bytesOut = new java.util.concurrent.atomic.AtomicLong();
    long encodeDropped;
    /** Packets the encoder failed on (media executor writes). */
    volatile long encodeErrors;
    long lastPacketAtMs = System.currentTimeMillis();
    String lastPacketFrom = "";

    /** @param pool where G.722/Opus packets are coded: a serial lane of its own, so the far end's audio being
     *              transcoded for the stream never holds up what the call sends */
    CallMedia(DatagramSocket rtp, DatagramSocket rtcp, int localPort, Listener listener, java.util.concurrent.Executor pool) {
        this.media = new SerialExecutor(pool);
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
        if (packetsIn == 0 && (codec == null || codec.clockRate() != audio.clockRate())) {
            reception = new RtpReception(audio.clockRate()); // jitter is counted in the codec's clock
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
            byte[] payload = java.util.Arrays.copyOfRange(data, h.payloadOffset(), h.payloadOffset() + h.payloadLength());
            long ts = h.timestamp();
            RtpFormat f = codec;
            handling = () -> listener.audio(f, payload, ts);
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
                    remoteJitterMs = b.jitter() * 1000.0 / (codec == null ? 8000 : codec.clockRate());
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
            ts = (ts + (due - MAX_CATCH_UP) * tsPerPacket()) & 0xFFFFFFFFL;
            due = MAX_CATCH_UP;
        }
        for (long i = 0; i < due; i++) {
            sendOne();
        }
        if (nowNanos - lastRtcpNanos > RTCP_INTERVAL_NANOS && packetsOut > 0) {
            lastRtcpNanos = nowNanos;
            rtcp.send(Buffer.buffer(Rtcp.senderReport(ssrc, System.currentTimeMillis(), ts, packetsOut, bytesOut.get(),
                    reception.packets() > 0 ? reception.reportBlock(nowNanos) : null)), remotePort + 1, remoteHost);
        }
    }

    /** RTP timestamp units per 20 ms packet: 160 for G.711 and G.722 (8 kHz clock), 960 for Opus. */
    private int tsPerPacket() {
        return codec.clockRate() / 50;
    }

    private void sendOne() {
        sent++;
        byte[] packet = dtmfPacket();
        if (packet != null) {
            send(packet);
            return;
        }
        boolean any = source != null && source.fill(pcmOut);
        if (source != null && source.finished()) {
            source.close();
            source = null;
        }
        if (codec.isG711()) {
            if (any) {
                decimator.decimate(pcmOut, pcm8k);
            }
            byte[] payload = new byte[SAMPLES_PER_PACKET];
            boolean ulaw = codec.encoding().equalsIgnoreCase("PCMU");
            for (int i = 0; i < payload.length; i++) {
                int s = any ? pcm8k[i] : 0;
                payload[i] = ulaw ? G711.encodeUlaw(s) : G711.encodeAlaw(s);
            }
            send(RtpHeader.write(codec.payloadType(), packetsOut == 0, seq, ts, ssrc, payload));
            return;
        }
        // G.722 / Opus: numbered now, coded and sent in order on the media executor
        if (media.queued() > MAX_ENCODE_BACKLOG) {
            encodeDropped++;
            advance();
            return;
        }
        short[] pcm = any ? pcmOut.clone() : new short[PCM_PER_PACKET];
        RtpFormat f = codec;
        boolean marker = packetsOut == 0;
        int s = seq;
        long t = ts;
        String host = remoteHost;
        int port = remotePort;
        advance();
        media.execute(() -> encodeAndSend(f, pcm, marker, s, t, host, port));
    }

    private void send(byte[] packet) {
        advance();
        bytesOut.addAndGet(packet.length - 12);
        if (codec.isG711()) {
            rtp.send(Buffer.buffer(packet), remotePort, remoteHost);
        } else {
            String host = remoteHost;
            int port = remotePort;
            media.execute(() -> rtp.send(Buffer.buffer(packet), port, host)); // behind the audio queued before it
        }
    }

    private void advance() {
        seq = (seq + 1) & 0xFFFF;
        ts = (ts + tsPerPacket()) & 0xFFFFFFFFL;
        packetsOut++;
    }

    /** Media executor: codes one packet (the encoder follows the codec of a re-INVITE) and sends it. */
    private void encodeAndSend(RtpFormat f, short[] pcm, boolean marker, int s, long t, String host, int port) {
        try {
            if (encoder == null || !encoder.format().sameCodec(f)) {
                closeEncoder();
                encoder = new PayloadEncoder(f);
            }
            byte[] payload = encoder.encode(pcm);
            if (payload == null) {
                return;
            }
            bytesOut.addAndGet(payload.length);
            rtp.send(Buffer.buffer(RtpHeader.write(f.payloadType(), marker, s, t, ssrc, payload)), port, host);
        } catch (RuntimeException e) {
            encodeErrors++;
            closeEncoder();
        }
    }

    private void closeEncoder() {
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
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
            int duration = Math.min(step + 1, DTMF_PACKETS) * tsPerPacket();
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
        media.execute(this::closeEncoder); // after the packets still queued
        return io.vertx.core.Future.join(rtp.close(), rtcp.close()).mapEmpty();
    }
}
