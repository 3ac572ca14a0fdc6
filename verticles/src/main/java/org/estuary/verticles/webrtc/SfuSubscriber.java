package org.estuary.verticles.webrtc;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.estuary.core.media.Codec;
import org.estuary.core.webrtc.Negotiation;
import org.estuary.core.webrtc.RtcpFeedback;
import org.estuary.core.webrtc.RtpRewriter;
import org.estuary.core.webrtc.Vp8PictureIds;

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
        /** Simulcast: the layer forwarded now, the one wanted (switched to at its next key frame). */
        SfuTrack current;
        SfuTrack target;
        /** Simulcast: a layer's RID or high/medium/low chosen by the client; null = by bandwidth. */
        String forced;
        long switches;
        /** When the bandwidth choice last changed the target, and when the first packet went (estimator warm-up). */
        long chosenAtMs;
        long startedMs;
        final Vp8PictureIds pictureIds = new Vp8PictureIds();

        /** The abs-send-time extension id negotiated on this line, -1 when none. */
        final int absSendTime;

        Out(Codec codec, RtpRewriter rewriter, int absSendTime) {
            this.codec = codec;
            this.rewriter = rewriter;
            this.absSendTime = absSendTime;
        }
    }

    /** A REMB older than this no longer limits the layer choice. */
    private static final long ESTIMATE_MAX_AGE_MS = 5000;
    /** Up a layer only when it fits in this share of the estimate; stay while it fits in all of it (no flapping). */
    private static final double UP_SHARE = 0.85;
    /**
     * The browser's receive-side estimate starts low and follows what it receives (at most about 1.5x),
     * so it is not believed for its first seconds, and a choice by bandwidth holds a while: without
     * that a subscriber would see layers flap every second.
     */
    private static final long ESTIMATE_WARMUP_MS = 8000;
    private static final long AUTO_HOLD_MS = 4000;

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
    /** The subscriber's browser's bandwidth estimate for this connection (its REMB), and when it came. */
    private long estimateBps = -1;
    private long estimateAtMs;

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
                        random.nextInt(0x10000), random.nextInt() & 0xFFFFFFFFL), org.estuary.core.webrtc.SdpAnswer.absSendTimeId(l.offered())));
            }
        }
    }

    @Override
    public void connected(SrtpTransform srtp) {
        this.srtp = srtp;
        publisher.keyframeWanted(); // PLI on join: the browser can decode nothing before a key frame
    }

    /**
     * A plain packet of the publisher's track {@code t}: rewritten, protected and sent. Of a simulcast
     * video only the chosen layer's packets go; a switch to another layer happens at that layer's
     * key frame ({@code key}: this packet starts one), the sequence numbers, timestamps and VP8
     * picture numbers continuing where the old layer's stopped.
     */
    void forward(SfuTrack t, byte[] plain, int len, boolean key, long nowMs) {
        if (srtp == null || closed) {
            return;
        }
        Out o = outFor(t.codec);
        if (o == null) {
            return;
        }
        if (t.rid != null) {
            if (o.target == null) {
                choose(o, t, nowMs);
            }
            if (t != o.current) {
                if (t != o.target || !key) {
                    return;
                }
                o.current = t;
                o.switches++;
            }
        }
        byte[] p = o.absSendTime > 0 ? withAbsSendTime(plain, len, o.absSendTime) : java.util.Arrays.copyOf(plain, len);
        len = p.length;
        if (t.rid != null && t.codec == Codec.VP8) {
            o.pictureIds.rewrite(p, SfuTrack.payloadOffset(p, len), len, t.ssrc);
        }
        if (!o.rewriter.rewrite(p, len, nowMs)) {
            return;
        }
        byte[] s = srtp.protectRtp(p, len);
        if (s == null) {
            counters.srtpFailures.increment();
            return;
        }
        int seq = ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
        if (o.startedMs == 0) {
            o.startedMs = nowMs;
        }
        o.history[seq % HISTORY] = s;
        o.historySeq[seq % HISTORY] = seq;
        o.packets++;
        o.octets += len - 12;
        sendRaw.accept(s);
    }

    /**
     * A copy of plain packet {@code plain} whose header extensions (the publisher's, under its ids)
     * are replaced by one abs-send-time (6.18 fixed-point seconds, one-byte form): what Chromium's
     * receive-side bandwidth estimator needs to send REMB, the layer choice's budget.
     */
    static byte[] withAbsSendTime(byte[] plain, int len, int id) {
        int head = 12 + 4 * (plain[0] & 0x0F);
        int payload = SfuTrack.payloadOffset(plain, len);
        if (payload < 0 || head > len) {
            return java.util.Arrays.copyOf(plain, len);
        }
        byte[] p = new byte[head + 8 + len - payload];
        System.arraycopy(plain, 0, p, 0, head);
        p[0] |= 0x10;
        p[head] = (byte) 0xBE;
        p[head + 1] = (byte) 0xDE;
        p[head + 3] = 1;
        long ast = ((System.nanoTime() / 1000) << 18) / 1_000_000;
        p[head + 4] = (byte) ((id << 4) | 2);
        p[head + 5] = (byte) (ast >>> 16);
        p[head + 6] = (byte) (ast >>> 8);
        p[head + 7] = (byte) ast;
        System.arraycopy(plain, payload, p, head + 8, len - payload);
        return p;
    }

    /** Picks the layer of simulcast track {@code t} this subscriber should get; a new one gets a PLI. */
    private void choose(Out o, SfuTrack t, long nowMs) {
        List<SfuTrack> all = publisher.layers(t, nowMs);
        List<SfuTrack> layers = all.stream().filter(l -> l.ssrc >= 0 && l.bitrate(nowMs) > 0).toList();
        if (layers.isEmpty()) {
            layers = all.stream().filter(l -> l.ssrc >= 0).toList();
        }
        if (layers.isEmpty()) {
            return;
        }
        SfuTrack pick = null;
        if (o.forced != null) {
            for (SfuTrack l : layers) {
                if (o.forced.equals(l.rid)) {
                    pick = l;
                }
            }
            if (pick == null) {
                pick = switch (o.forced) {
                    case "high" -> layers.get(0);
                    case "medium" -> layers.get(layers.size() / 2);
                    case "low" -> layers.get(layers.size() - 1);
                    default -> null;
                };
            }
        }
        if (pick == null) {
            boolean believed = estimateBps > 0 && nowMs - estimateAtMs <= ESTIMATE_MAX_AGE_MS
                    && o.startedMs > 0 && nowMs - o.startedMs >= ESTIMATE_WARMUP_MS;
            long budget = believed ? estimateBps : Long.MAX_VALUE;
            for (SfuTrack l : layers) {
                if (l.bitrate(nowMs) <= (l == o.current ? budget : (long) (budget * UP_SHARE))) {
                    pick = l;
                    break;
                }
            }
            if (pick == null) {
                pick = layers.get(layers.size() - 1);
            }
            if (o.target != null && pick != o.target && layers.contains(o.target) && nowMs - o.chosenAtMs < AUTO_HOLD_MS) {
                pick = o.target; // the last choice by bandwidth stands a while
            }
        }
        if (pick != o.target) {
            o.target = pick;
            o.chosenAtMs = nowMs;
            if (pick != o.current) {
                publisher.keyframeWanted();
            }
        }
    }

    /** Forces simulcast layer {@code quality} (a RID, or high/medium/low) of the video this subscriber gets; null: by bandwidth. */
    boolean quality(String quality) {
        boolean any = false;
        for (Out o : outs) {
            if (o.codec.type() == org.estuary.core.media.TrackType.VIDEO) {
                o.forced = quality == null || quality.isBlank() || quality.equals("auto") ? null : quality;
                if (o.current != null || o.target != null) {
                    choose(o, o.current != null ? o.current : o.target, System.currentTimeMillis());
                }
                any = true;
            }
        }
        return any;
    }

    /** True when this subscription receives the publisher's track {@code t} (its kind and codec). */
    boolean carries(SfuTrack t) {
        return outFor(t.codec) != null;
    }

    /** The RID of the layer of simulcast track {@code t} forwarded now, null before the first. */
    String layer(SfuTrack t) {
        Out o = outFor(t.codec);
        return o == null || o.current == null ? null : o.current.rid;
    }

    /** The subscriber's REMB estimate (bit/s), -1 when none came. */
    long estimate() {
        return estimateBps;
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
        for (int off = 0; off + 4 <= len && (pkt[off] & 0xC0) == 0x80; ) {
            int plen = 4 * ((((pkt[off + 2] & 0xFF) << 8) | (pkt[off + 3] & 0xFF)) + 1);
            if (off + plen > len) {
                break;
            }
            long remb = plen >= 20 ? RtcpFeedback.rembBitrate(java.util.Arrays.copyOfRange(pkt, off, off + plen), plen) : -1;
            if (remb >= 0) {
                estimateBps = remb; // the browser's receive-side estimate for this connection: the layer budget
                estimateAtMs = nowMs;
            }
            off += plen;
        }
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

    /** Re-chooses simulcast layers (bandwidth and the layers' bitrates move); sender reports follow the publisher's. */
    @Override
    public void tick(long nowMs) {
        for (Out o : outs) {
            SfuTrack any = o.current != null ? o.current : o.target;
            if (any != null && !closed) {
                choose(o, any, nowMs);
            }
        }
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
