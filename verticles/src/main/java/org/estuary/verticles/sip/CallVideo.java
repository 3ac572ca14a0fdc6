package org.estuary.verticles.sip;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.codec.CodecConfigException;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.rtp.JitterBuffer;
import org.estuary.core.rtsp.AccessUnitSink;
import org.estuary.core.rtsp.H264Depacketizer;
import org.estuary.core.rtsp.RtpPacket;
import org.estuary.core.sip.RtpFormat;
import org.estuary.core.sip.RtpHeader;
import org.estuary.core.webrtc.H264Packetizer;
import org.estuary.verticles.agent.UdpPortPairs;

/**
 * A video call's H.264 (RFC 6184) on its own port pair, on the SIP verticle's event loop. The far
 * end's packets go through a jitter buffer and the RTSP/WebRTC depacketiser into AVCC access
 * units, timed on the call stream's clock (the first packet at the moment it arrives, later ones
 * by their 90 kHz RTP timestamps), and are handed on as frames (video passes through: no
 * transcoding). What is sent is H.264 taken from the stream played into the call, packetised
 * (STAP-A parameter sets before each key frame, FU-A for large NAL units), starting at a key frame.
 * Symmetric RTP like the audio: replies go to where the far end's packets come from.
 */
final class CallVideo {
    /** RTP payload size: leaves room for IP/UDP/RTP headers under a 1500-byte MTU. */
    private static final int MAX_PAYLOAD = 1200;
    /** Out-of-order packets wait this long for their predecessors. */
    private static final long JITTER_WINDOW_NANOS = 80_000_000L;
    /** A key frame of a small picture spans tens of packets; reordering within one is what this covers. */
    private static final int JITTER_CAPACITY = 64;

    private final UdpPortPairs.Pair ports;
    private final Consumer<Frame> out;
    private final java.util.function.LongSupplier streamStartNanos;
    private H264Depacketizer depacketizer;
    private JitterBuffer<RtpPacket> jitter = new JitterBuffer<>(JITTER_CAPACITY, JITTER_WINDOW_NANOS);
    private long ssrcIn = -1;
    private long discardedBefore;
    private final H264Packetizer packetizer = new H264Packetizer(MAX_PAYLOAD);
    private final long ssrc = ThreadLocalRandom.current().nextLong(1, 0xFFFFFFFFL);
    private RtpFormat format;
    private String remoteHost;
    private int remotePort;
    private boolean latched;
    private boolean sending;
    // receive timing: RTP time → stream microseconds
    private long firstRtpTs = -1;
    private long firstUs;
    private long lastUs = -1;
    private long lastExtended;
    private byte[] pendingConfig;
    // send state
    private List<byte[]> parameterSets = List.of();
    private boolean keySent;
    private int seq = ThreadLocalRandom.current().nextInt(0x10000);
    /** RTP time of the current source's first frame: a new source continues the timeline, never rewinds it. */
    private long tsOrigin = ThreadLocalRandom.current().nextLong(0x100000000L);
    private long firstSentUs = -1;
    private long lastTs = -1;
    long packetsIn;
    long packetsOut;
    long framesIn;
    long keyframesIn;
    long framesOut;

    /**
     * @param out              where received access units (and their configuration records) go, on the event loop
     * @param streamStartNanos {@link System#nanoTime()} at the call stream's time 0, -1 while there is no
     *                         stream (units received before are dropped)
     */
    CallVideo(UdpPortPairs.Pair ports, Consumer<Frame> out, java.util.function.LongSupplier streamStartNanos) {
        this.ports = ports;
        this.out = out;
        this.streamStartNanos = streamStartNanos;
        this.depacketizer = new H264Depacketizer(new Units());
        ports.rtp().handler(this::received);
        ports.rtcp().handler(p -> { }); // receiver reports about our video: not used yet
    }

    int localPort() { return ports.port(); }
    RtpFormat format() { return format; }
    long discarded() { return discardedBefore + depacketizer.discarded(); }
    String remote() { return remoteHost == null ? "" : remoteHost + ":" + remotePort; }

    /** The negotiated H.264 format and where the far end's SDP says to send; {@code send} false on hold. */
    void start(String host, int port, RtpFormat h264, boolean send) {
        if (!latched) {
            remoteHost = host;
            remotePort = port;
        }
        format = h264;
        sending = send;
    }

    void setSending(boolean on) {
        sending = on;
    }

    private void received(DatagramPacket p) {
        byte[] data = p.data().getBytes();
        RtpPacket r = RtpPacket.parse(data);
        if (r == null || format == null || r.payloadType() != format.payloadType()) {
            return;
        }
        packetsIn++;
        String from = p.sender().hostAddress();
        int fromPort = p.sender().port();
        if (!latched || fromPort != remotePort || !from.equals(remoteHost)) {
            latched = true;
            remoteHost = from;
            remotePort = fromPort;
        }
        if (r.ssrc() != ssrcIn) {
            newSource(r.ssrc());
        }
        long now = System.nanoTime();
        for (RtpPacket q : jitter.push(r.sequence(), r, now)) {
            depacketizer.accept(q);
        }
    }

    /**
     * Another SSRC (the far end switched cameras or sources): its sequence numbers and timestamps
     * start afresh, so does the depacketiser, and its first unit is placed at its arrival.
     */
    private void newSource(long ssrc) {
        if (depacketizer != null) {
            discardedBefore += depacketizer.discarded();
        }
        ssrcIn = ssrc;
        depacketizer = new H264Depacketizer(new Units());
        jitter = new JitterBuffer<>(JITTER_CAPACITY, JITTER_WINDOW_NANOS);
        firstRtpTs = -1;
        pendingConfig = null;
    }

    /** Releases packets that waited out the jitter window; called by the verticle's tick. */
    void tick(long nowNanos) {
        for (RtpPacket q : jitter.drain(nowNanos)) {
            depacketizer.accept(q);
        }
    }

    /** The stream time of an RTP timestamp: 32-bit wrap followed, the first one placed at its arrival. */
    private long toMicros(long rtpTs) {
        if (firstRtpTs < 0) {
            long start = streamStartNanos.getAsLong();
            if (start < 0) {
                return -1;
            }
            firstRtpTs = rtpTs;
            lastExtended = 0;
            // after a source change, never before what was already published
            firstUs = Math.max(lastUs + 1, Math.max(0, (System.nanoTime() - start) / 1000));
        }
        long delta = (int) (rtpTs - (firstRtpTs + lastExtended)); // signed distance from the last one
        lastExtended += delta;
        long us = firstUs + lastExtended * 1000 / 90;
        lastUs = Math.max(lastUs, us);
        return us;
    }

    private final class Units implements AccessUnitSink {
        @Override
        public void accessUnit(long rtpTimestamp, byte[] payload, boolean keyframe) {
            long us = toMicros(rtpTimestamp);
            if (us < 0) {
                return; // no stream yet (early media without one): the configuration waits
            }
            if (pendingConfig != null) {
                out.accept(Frame.config(Codec.H264, us, pendingConfig)); // SPS/PPS come just before their unit
                pendingConfig = null;
            }
            framesIn++;
            if (keyframe) {
                keyframesIn++;
            }
            out.accept(Frame.media(Codec.H264, us, us, keyframe, payload));
        }

        @Override
        public void config(byte[] record) {
            pendingConfig = record;
        }
    }

    // ---------------------------------------------------------------- sending

    /** One frame of the stream played into the call (event loop): H.264 only, from a key frame on. */
    void send(Frame f) {
        if (f.codec() != Codec.H264) {
            return;
        }
        if (f.isConfig()) {
            try {
                AvcConfig c = AvcConfig.parse(f.payload());
                List<byte[]> sets = new java.util.ArrayList<>(c.sps());
                sets.addAll(c.pps());
                parameterSets = List.copyOf(sets);
            } catch (CodecConfigException | RuntimeException e) {
                parameterSets = List.of();
            }
            return;
        }
        if (!sending || format == null || remoteHost == null || remotePort == 0) {
            return;
        }
        if (!keySent && !f.isKeyframe()) {
            return; // the far end's decoder needs a key frame (with SPS/PPS) first
        }
        keySent = true;
        if (firstSentUs < 0) {
            firstSentUs = f.ptsUs();
        }
        long ts = (tsOrigin + (f.ptsUs() - firstSentUs) * 90 / 1000) & 0xFFFFFFFFL;
        lastTs = ts;
        List<byte[]> payloads = packetizer.packetize(f.payload(), f.isKeyframe() ? parameterSets : List.of());
        for (int i = 0; i < payloads.size(); i++) {
            byte[] pkt = RtpHeader.write(format.payloadType(), i == payloads.size() - 1, seq, ts, ssrc, payloads.get(i));
            seq = (seq + 1) & 0xFFFF;
            ports.rtp().send(Buffer.buffer(pkt), remotePort, remoteHost);
            packetsOut++;
        }
        framesOut++;
    }

    /** A new stream is played into the call: wait for its next key frame. */
    void sourceChanged() {
        keySent = false;
        firstSentUs = -1;
        if (lastTs >= 0) {
            tsOrigin = (lastTs + 3000) & 0xFFFFFFFFL; // 1/30 s after the last frame sent
        }
    }

    Future<Void> close() {
        sending = false;
        return Future.join(ports.rtp().close(), ports.rtcp().close()).mapEmpty();
    }
}
