package org.estuary.verticles.webrtc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.estuary.core.webrtc.Negotiation;
import org.estuary.core.webrtc.ReceptionStats;
import org.estuary.core.webrtc.RtcpFeedback;
import org.estuary.core.webrtc.SdpAnswer;

/**
 * A room participant's published tracks (its one publishing peer connection): decrypts each
 * packet once and hands the plain packet to every subscriber, which rewrites and re-encrypts it
 * for its own peer connection; nothing is depacketised or transcoded. Towards the browser it acts
 * as a receiver: NACKs for gaps, receiver reports with a REMB (so its encoder leaves the start
 * bitrate), and a PLI when a subscriber joins or asks for a key frame. Event-loop only.
 */
final class SfuPublisher implements SessionMedia {
    /** Feedback (NACK) at most this often, reports every second, as libwebrtc receivers do. */
    private static final long FEEDBACK_MS = 50;
    private static final long REPORT_MS = 1000;
    /** A joining subscriber's PLI and a subscriber's own PLI reach the browser at most this often. */
    private static final long PLI_MIN_MS = 300;

    final String participant;
    final SfuRoom room;
    final String sessionId;
    private final List<SfuTrack> tracks = new ArrayList<>();
    private final List<SfuSubscriber> subscribers = new ArrayList<>();
    private final long ourSsrc;
    private final long rembBps;
    private final Consumer<byte[]> sendRtcp;
    private final WebRtcCounters counters;
    private SrtpTransform srtp;
    /** The RID header extension's id on the simulcast video line, -1 without simulcast. */
    private int ridExt = -1;
    /** With simulcast, the one layer the hub copy (sfu.mixedView) gets: the first whose size is known. */
    private SfuTrack hubLayer;
    private long lastFeedbackMs;
    private long lastReportMs;
    private long lastPliMs;
    private boolean keyframeWanted;
    private boolean closed;
    /** The participant's copy in the hub (sfu.mixedView), or null. */
    private SfuHubFeed hub;

    SfuPublisher(String participant, SfuRoom room, String sessionId, List<Negotiation.Line> lines, long ourSsrc,
                 long rembBps, Consumer<byte[]> sendRtcp, WebRtcCounters counters) {
        this.participant = participant;
        this.room = room;
        this.sessionId = sessionId;
        this.ourSsrc = ourSsrc;
        this.rembBps = rembBps;
        this.sendRtcp = sendRtcp;
        this.counters = counters;
        for (Negotiation.Line l : lines) {
            if (l.accepted()) {
                boolean nack = l.chosen().feedback().stream().anyMatch(f -> f.equalsIgnoreCase("nack"));
                String id = participant + "/" + (l.codec().type() == org.estuary.core.media.TrackType.VIDEO ? "video" : "audio");
                int ridExt = l.offered().rids().isEmpty() ? -1 : l.offered().extId(SdpAnswer.RID_URI);
                if (ridExt > 0) {
                    // simulcast: one SfuTrack per layer, its SSRC learnt from the RID its first packets carry
                    this.ridExt = ridExt;
                    for (String rid : l.offered().rids()) {
                        tracks.add(new SfuTrack(id, rid, l.codec(), l.chosen().pt(), l.chosen().clockRate(), -1, nack));
                    }
                } else {
                    tracks.add(new SfuTrack(id, l.codec(), l.chosen().pt(), l.chosen().clockRate(),
                            l.offered().primarySsrc(), nack));
                }
            }
        }
    }

    /** The simulcast layers of video track {@code id}, best first (widest, then highest bitrate); one entry without simulcast. */
    List<SfuTrack> layers(SfuTrack of, long nowMs) {
        List<SfuTrack> out = new ArrayList<>();
        for (SfuTrack t : tracks) {
            if (t.id.equals(of.id)) {
                out.add(t);
            }
        }
        out.sort((a, b) -> a.width != b.width ? Integer.compare(b.width, a.width)
                : Long.compare(b.bitrate(nowMs), a.bitrate(nowMs)));
        return out;
    }

    /** One entry per track id (a simulcast video's first layer stands for it). */
    List<SfuTrack> distinctTracks() {
        List<SfuTrack> out = new ArrayList<>();
        for (SfuTrack t : tracks) {
            if (out.stream().noneMatch(o -> o.id.equals(t.id))) {
                out.add(t);
            }
        }
        return out;
    }

    /** Also publishes this participant into the hub (sfu.mixedView). */
    void hubFeed(SfuHubFeed feed) {
        this.hub = feed;
    }

    List<SfuTrack> tracks() {
        return tracks;
    }

    void add(SfuSubscriber s) {
        subscribers.add(s);
    }

    void remove(SfuSubscriber s) {
        subscribers.remove(s);
    }

    List<SfuSubscriber> subscribers() {
        return List.copyOf(subscribers);
    }

    @Override
    public void connected(SrtpTransform srtp) {
        this.srtp = srtp;
        keyframeWanted();
    }

    @Override
    public void rtp(byte[] pkt, int len, long nowMs) {
        long ssrc = SrtpTransform.u32(pkt, 8);
        SfuTrack t = trackFor(ssrc, pkt[1] & 0x7F);
        if (t == null && ridExt < 0) {
            counters.unknownSsrc.increment();
            return;
        }
        int plain = srtp.unprotectRtp(pkt, len);
        if (plain < 0) {
            counters.srtpFailures.increment();
            return;
        }
        if (t == null) {
            // a simulcast layer's new SSRC: the RID in its header extension says which layer (RFC 8852)
            String rid = org.estuary.core.webrtc.SimulcastRid.of(pkt, plain, ridExt);
            t = rid == null ? null : tracks.stream().filter(x -> rid.equals(x.rid) && x.ssrc < 0).findFirst().orElse(null);
            if (t == null) {
                counters.unknownSsrc.increment();
                return;
            }
            t.ssrc = ssrc;
        }
        boolean key = t.received(pkt, plain, nowMs);
        if (hub != null && (t.rid == null || hubLayer == t || (hubLayer == null && t.width > 0 && (hubLayer = t) == t))) {
            hub.rtp(pkt, plain, nowMs);
        }
        for (SfuSubscriber s : subscribers) {
            s.forward(t, pkt, plain, key, nowMs);
        }
        feedback(nowMs);
    }

    /** The track of an SSRC, learning it by payload type when the offer had no a=ssrc; null when unknown. */
    private SfuTrack trackFor(long ssrc, int pt) {
        for (SfuTrack t : tracks) {
            if (t.ssrc == ssrc) {
                return t;
            }
        }
        for (SfuTrack t : tracks) {
            if (t.ssrc < 0 && t.rid == null && t.payloadType == pt) {
                t.ssrc = ssrc;
                return t;
            }
        }
        return null;
    }

    private void feedback(long nowMs) {
        if (nowMs - lastFeedbackMs < FEEDBACK_MS) {
            return;
        }
        lastFeedbackMs = nowMs;
        for (SfuTrack t : tracks) {
            if (t.loss != null && t.ssrc >= 0) {
                List<Integer> lost = t.loss.due(nowMs);
                if (!lost.isEmpty()) {
                    counters.nacksSent.add(lost.size());
                    sendRtcp.accept(RtcpFeedback.nack(ourSsrc, t.ssrc, lost));
                }
            }
        }
        if (nowMs - lastReportMs >= REPORT_MS) {
            lastReportMs = nowMs;
            report(nowMs);
        }
    }

    /** Receiver reports with a REMB: the browser's encoder otherwise stays at its ~300 kbit/s start. */
    private void report(long nowMs) {
        List<byte[]> blocks = new ArrayList<>();
        List<Long> ssrcs = new ArrayList<>();
        for (SfuTrack t : tracks) {
            if (t.reception != null && t.reception.started()) {
                blocks.add(t.reception.reportBlock(nowMs));
                ssrcs.add(t.ssrc);
            }
        }
        if (blocks.isEmpty()) {
            return;
        }
        byte[] rr = ReceptionStats.receiverReport(ourSsrc, blocks);
        if (rembBps > 0) {
            byte[] remb = RtcpFeedback.remb(ourSsrc, rembBps, ssrcs);
            byte[] both = java.util.Arrays.copyOf(rr, rr.length + remb.length);
            System.arraycopy(remb, 0, both, rr.length, remb.length);
            rr = both;
            counters.rembSent.increment();
        }
        counters.receiverReports.increment();
        sendRtcp.accept(rr);
    }

    /**
     * The browser's sender reports: remembered for our receiver reports' LSR/DLSR (its round-trip
     * estimate) and passed on to each subscriber in its own SSRC and timestamp space (lip sync).
     */
    @Override
    public void rtcp(byte[] pkt, int len, long nowMs) {
        int off = 0;
        while (off + 4 <= len && (pkt[off] & 0xC0) == 0x80) {
            int plen = 4 * ((((pkt[off + 2] & 0xFF) << 8) | (pkt[off + 3] & 0xFF)) + 1);
            if (off + plen > len) {
                break;
            }
            if ((pkt[off + 1] & 0xFF) == 200 && plen >= 28) {
                long ssrc = SrtpTransform.u32(pkt, off + 4);
                long ntp = (SrtpTransform.u32(pkt, off + 8) << 32) | SrtpTransform.u32(pkt, off + 12);
                long rtpTs = SrtpTransform.u32(pkt, off + 16);
                for (SfuTrack t : tracks) {
                    if (t.ssrc == ssrc && t.reception != null) {
                        t.reception.senderReport(ntp, nowMs);
                        for (SfuSubscriber s : subscribers) {
                            s.senderReport(t, ntp, rtpTs);
                        }
                    }
                }
            }
            off += plen;
        }
    }

    @Override
    public void tick(long nowMs) {
        if (srtp == null) {
            return;
        }
        feedback(nowMs);
        if (hub != null && hub.keyframeDue(nowMs)) {
            keyframeWanted = true; // the hub's HLS segments and mixer want fresh key frames; browsers send none unasked
        }
        if (keyframeWanted && nowMs - lastPliMs >= PLI_MIN_MS) {
            requestKeyframe(nowMs);
        }
    }

    /** A subscriber joined or lost its picture: PLI now, or at the next tick when one went out just before. */
    void keyframeWanted() {
        keyframeWanted = true;
        long now = System.currentTimeMillis();
        if (srtp != null && now - lastPliMs >= PLI_MIN_MS) {
            requestKeyframe(now);
        }
    }

    private void requestKeyframe(long nowMs) {
        for (SfuTrack t : tracks) {
            if (t.video() && t.ssrc >= 0) {
                keyframeWanted = false;
                lastPliMs = nowMs;
                sendRtcp.accept(RtcpFeedback.pli(ourSsrc, t.ssrc));
            }
        }
    }

    /**
     * This participant's entry of /sfu/stats: one entry per track; a simulcast video's size, bitrate
     * and counts are its widest layer's, with every layer under {@code layers}. Each subscriber is
     * listed once per track it receives (an SFU SDK member leases audio and video on two m-lines of
     * one peer connection: two subscriptions, one participant).
     */
    JsonObject stats(long nowMs) {
        JsonArray out = new JsonArray();
        for (SfuTrack first : distinctTracks()) {
            List<SfuTrack> layers = layers(first, nowMs);
            SfuTrack t = layers.get(0);
            JsonObject o = new JsonObject().put("id", t.id).put("type", t.video() ? "VIDEO" : "AUDIO")
                    .put("codec", switch (t.codec) {
                        case OPUS -> "opus";
                        case VP8 -> "VP8";
                        case VP9 -> "VP9";
                        case AV1 -> "AV1";
                        default -> "H264";
                    })
                    .put("ssrc", t.ssrc).put("bitrate", t.bitrate(nowMs)).put("packets", t.packets)
                    .put("bytes", t.bytes).put("packetsLost", t.lost()).put("alive", t.bitrate(nowMs) > 0)
                    .put("muted", muted.contains(t.id));
            if (t.video()) {
                o.put("width", t.width).put("height", t.height).put("keyFrames", t.keyframes);
            } else {
                o.put("sampleRate", t.clockRate);
            }
            if (t.rid != null) {
                JsonArray ls = new JsonArray();
                for (SfuTrack l : layers) {
                    ls.add(new JsonObject().put("rid", l.rid).put("ssrc", l.ssrc).put("width", l.width).put("height", l.height)
                            .put("bitrate", l.bitrate(nowMs)).put("packets", l.packets).put("packetsLost", l.lost())
                            .put("keyFrames", l.keyframes));
                }
                o.put("layers", ls);
            }
            java.util.Map<String, JsonObject> subs = new java.util.LinkedHashMap<>();
            for (SfuSubscriber s : subscribers) {
                if (s.carries(t)) {
                    JsonObject e = subs.computeIfAbsent(s.participant, n -> new JsonObject().put("nickName", n).put("packets", 0L));
                    e.put("packets", e.getLong("packets") + s.sent(t));
                    if (t.rid != null) {
                        e.put("quality", s.layer(t));
                    }
                }
            }
            o.put("subscribers", new JsonArray(new ArrayList<>(subs.values())));
            out.add(o);
        }
        return new JsonObject().put("nickName", participant).put("outgoingTracks", out);
    }

    /** Track ids ("nick/video") the participant muted (SFU SDK muteTrack): flagged in /sfu/stats. */
    final java.util.Set<String> muted = new java.util.TreeSet<>();

    /** Flags track {@code trackId} (null: all) muted or not; 404 when the participant has no such track. */
    void mute(String trackId, boolean mute) {
        boolean any = false;
        for (SfuTrack t : distinctTracks()) {
            if (trackId == null || trackId.equals(t.id)) {
                any = true;
                if (mute) {
                    muted.add(t.id);
                } else {
                    muted.remove(t.id);
                }
            }
        }
        if (!any) {
            throw new org.estuary.verticles.agent.ControlError(404, "No track " + trackId + " of " + participant);
        }
        room.muteChanged(this);
    }

    @Override
    public void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (hub != null) {
            hub.close(reason);
        }
        room.left(this, reason);
    }
}
