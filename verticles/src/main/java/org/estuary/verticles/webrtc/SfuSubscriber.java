package org.estuary.verticles.webrtc;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.estuary.core.media.Codec;
import org.estuary.core.webrtc.Negotiation;
import org.estuary.core.webrtc.RtcpFeedback;
import org.estuary.core.webrtc.RtpRewriter;

/**
 * One participant receiving another's tracks on a peer connection of its own: every forwarded
 * packet gets this connection's SSRC, payload type, sequence and timestamp space
 * ({@link RtpRewriter}) and its SRTP; the last {@link #HISTORY} packets sent per track answer the
 * browser's NACKs; its PLI/FIR go to the publisher (and one goes at once when the subscription
 * starts, so the first picture comes within a round trip). Event-loop only.
 */
final class SfuSubscriber implements SessionMedia {
    /** About 2 s of 640x480 video at the start bitrate: what a NACK can still ask for usefully. */
    static final int HISTORY = 512;

    /** One outgoing track of this peer connection, fed by the publisher's track of the same codec. */
    private static final class Out {
        final Codec codec;
        final RtpRewriter rewriter;
        final byte[][] history = new byte[HISTORY][];
        final int[] historySeq = new int[HISTORY];
        long packets;
        long octets;

        Out(Codec codec, RtpRewriter rewriter) {
            this.codec = codec;
            this.rewriter = rewriter;
        }
    }

    final String participant;
    final SfuPublisher publisher;
    final String sessionId;
    private final List<Out> outs = new ArrayList<>();
    private final Consumer<byte[]> sendRaw;
    private final Consumer<byte[]> sendRtcp;
    private final WebRtcCounters counters;
    private SrtpTransform srtp;
    private boolean closed;
    long retransmits;

    SfuSubscriber(String participant, SfuPublisher publisher, String sessionId, List<Negotiation.Line> lines,
                  Consumer<byte[]> sendRaw, Consumer<byte[]> sendRtcp, WebRtcCounters counters, Random random) {
        this.participant = participant;
        this.publisher = publisher;
        this.sessionId = sessionId;
        this.sendRaw = sendRaw;
        this.sendRtcp = sendRtcp;
        this.counters = counters;
        for (Negotiation.Line l : lines) {
            if (l.accepted() && l.sendSsrc() >= 0) {
                outs.add(new Out(l.codec(), new RtpRewriter(l.sendSsrc(), l.chosen().pt(), l.chosen().clockRate(),
                        random.nextInt(0x10000), random.nextInt() & 0xFFFFFFFFL)));
            }
        }
    }

    @Override
    public void connected(SrtpTransform srtp) {
        this.srtp = srtp;
        publisher.keyframeWanted(); // PLI on join: the browser can decode nothing before a key frame
    }

    /** A plain packet of the publisher's track {@code t}: rewritten, protected and sent. */
    void forward(SfuTrack t, byte[] plain, int len, long nowMs) {
        if (srtp == null || closed) {
            return;
        }
        Out o = outFor(t.codec);
        if (o == null) {
            return;
        }
        byte[] p = java.util.Arrays.copyOf(plain, len);
        if (!o.rewriter.rewrite(p, len, nowMs)) {
            return;
        }
        byte[] s = srtp.protectRtp(p, len);
        if (s == null) {
            counters.srtpFailures.increment();
            return;
        }
        int seq = ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
        o.history[seq % HISTORY] = s;
        o.historySeq[seq % HISTORY] = seq;
        o.packets++;
        o.octets += len - 12;
        sendRaw.accept(s);
    }

    private Out outFor(Codec c) {
        for (Out o : outs) {
            if (o.codec == c) {
                return o;
            }
        }
        return null;
    }

    /** Packets of the publisher's track {@code t} sent to this subscriber. */
    long sent(SfuTrack t) {
        Out o = outFor(t.codec);
        return o == null ? 0 : o.packets;
    }

    @Override
    public void rtp(byte[] pkt, int len, long nowMs) {
        counters.rtpStrangers.increment(); // a receiving peer connection sends no media
    }

    @Override
    public void rtcp(byte[] pkt, int len, long nowMs) {
        for (RtcpFeedback.Request r : RtcpFeedback.parse(pkt, len)) {
            switch (r.kind()) {
                case NACK -> {
                    Out o = byOutSsrc(r.mediaSsrc());
                    if (o == null) {
                        continue;
                    }
                    for (int seq : r.lostSequences()) {
                        byte[] s = o.history[seq % HISTORY];
                        if (s != null && o.historySeq[seq % HISTORY] == seq) {
                            retransmits++;
                            sendRaw.accept(s);
                        }
                    }
                }
                case PLI -> {
                    // on a room's single peer connection, RTCP carries several leases' feedback
                    if (byOutSsrc(r.mediaSsrc()) != null) {
                        publisher.keyframeWanted();
                    }
                }
                case FIR -> publisher.keyframeWanted();
                default -> { }
            }
        }
    }

    private Out byOutSsrc(long ssrc) {
        for (Out o : outs) {
            if (o.rewriter.outSsrc() == ssrc) {
                return o;
            }
        }
        return null;
    }

    /** The publisher's sender report of {@code t}, in this subscriber's SSRC and timestamps. */
    void senderReport(SfuTrack t, long ntp, long rtpTs) {
        Out o = outFor(t.codec);
        if (srtp == null || closed || o == null || o.packets == 0 || o.rewriter.sourceSsrc() != t.ssrc) {
            return;
        }
        sendRtcp.accept(RtcpFeedback.senderReport(o.rewriter.outSsrc(), ntp, o.rewriter.outTimestamp(rtpTs),
                o.packets, o.octets));
    }

    @Override
    public void tick(long nowMs) {
        // sender reports follow the publisher's (senderReport); NACKs and PLIs are answered as they come
    }

    @Override
    public void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        publisher.room.unsubscribed(this);
    }
}
