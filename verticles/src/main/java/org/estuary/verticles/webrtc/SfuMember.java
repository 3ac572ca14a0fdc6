package org.estuary.verticles.webrtc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.estuary.core.webrtc.Negotiation;
import org.estuary.verticles.agent.ControlError;

/**
 * A room participant's publishing peer connection, which may also receive: what WCS's SFU SDK
 * does with its one RTCPeerConnection per room. Its own tracks go to the {@link SfuPublisher};
 * m-lines it added later as recvonly (a re-offer, {@link WebRtcSessions#reofferRoom}) are slots,
 * and each slot carries one leased track of another participant through an {@link SfuSubscriber}
 * of that one m-line (its SSRC was announced in the re-offer's answer). A lease ends when the
 * client releases it, leases another track there, or the track's participant leaves. Event-loop only.
 */
final class SfuMember implements SessionMedia {
    final SfuPublisher publisher;
    private final String sessionId;
    private final Consumer<byte[]> sendRaw;
    private final Consumer<byte[]> sendRtcp;
    private final WebRtcCounters counters;
    private final Random random;
    /** Lines we send on, by mid (from re-offers). */
    private final Map<String, Negotiation.Line> slots = new LinkedHashMap<>();
    private final Map<String, SfuSubscriber> leases = new LinkedHashMap<>();
    private SrtpTransform srtp;

    SfuMember(SfuPublisher publisher, String sessionId, Consumer<byte[]> sendRaw, Consumer<byte[]> sendRtcp,
              WebRtcCounters counters, Random random) {
        this.publisher = publisher;
        this.sessionId = sessionId;
        this.sendRaw = sendRaw;
        this.sendRtcp = sendRtcp;
        this.counters = counters;
        this.random = random;
    }

    /** A re-offer's lines: the ones we send on become (or stay) slots. */
    void lines(List<Negotiation.Line> lines) {
        for (Negotiation.Line l : lines) {
            if (l.accepted() && l.sendSsrc() >= 0) {
                slots.putIfAbsent(l.offered().mid(), l);
            }
        }
    }

    /**
     * Puts {@code trackId} ("nickName/video") of another participant on the slot {@code mid}, or
     * empties the slot when {@code trackId} is null. 404 unknown slot or track, 400 a track of the
     * wrong kind or codec for the slot.
     */
    void lease(String mid, String trackId) {
        Negotiation.Line slot = slots.get(mid);
        if (slot == null) {
            throw new ControlError(404, "No receiving m-line with mid " + mid + " (add a recvonly transceiver and re-offer first)");
        }
        if (trackId == null) {
            release(mid);
            return;
        }
        int slash = trackId.lastIndexOf('/');
        SfuPublisher from = slash <= 0 ? null : publisher.room.participant(trackId.substring(0, slash));
        SfuTrack track = from == null ? null : from.tracks().stream().filter(t -> t.id.equals(trackId)).findFirst().orElse(null);
        if (track == null || from == publisher) {
            throw new ControlError(404, "No track " + trackId + " of another participant in room " + publisher.room.name);
        }
        if (track.codec != slot.codec()) {
            throw new ControlError(400, "Track " + trackId + " is " + track.codec + "; the m-line " + mid + " receives "
                    + slot.codec());
        }
        release(mid);
        SfuSubscriber s = new SfuSubscriber(publisher.participant, from, sessionId + "#" + mid, List.of(slot), sendRaw,
                sendRtcp, counters, random);
        leases.put(mid, s);
        publisher.room.subscribed(s);
        if (srtp != null) {
            s.connected(srtp);
        }
    }

    private void release(String mid) {
        SfuSubscriber old = leases.remove(mid);
        if (old != null) {
            old.close("released");
        }
    }

    /** The room ended a lease (its participant left; the client hears it as the member leaving): the slot is free again. */
    void leaseClosed(String mid, String reason) {
        release(mid);
    }

    /** Forces the simulcast layer of the video leased on {@code mid} (null mid: every lease); false when none matched. */
    boolean quality(String mid, String quality) {
        boolean any = false;
        for (var e : leases.entrySet()) {
            if (mid == null || mid.equals(e.getKey())) {
                any |= e.getValue().quality(quality);
            }
        }
        return any;
    }

    /** Lines of this connection we send on, by mid (for the re-answer's bookkeeping). */
    Map<String, Negotiation.Line> slots() {
        return slots;
    }

    @Override
    public void connected(SrtpTransform srtp) {
        this.srtp = srtp;
        publisher.connected(srtp);
        leases.values().forEach(s -> s.connected(srtp));
    }

    @Override
    public void rtp(byte[] pkt, int len, long nowMs) {
        publisher.rtp(pkt, len, nowMs);
    }

    @Override
    public void rtcp(byte[] pkt, int len, long nowMs) {
        publisher.rtcp(pkt, len, nowMs);
        for (SfuSubscriber s : List.copyOf(leases.values())) {
            s.rtcp(pkt, len, nowMs);
        }
    }

    @Override
    public void tick(long nowMs) {
        publisher.tick(nowMs);
        for (SfuSubscriber s : List.copyOf(leases.values())) {
            s.tick(nowMs);
        }
    }

    @Override
    public void close(String reason) {
        for (SfuSubscriber s : List.copyOf(leases.values())) {
            s.close(reason);
        }
        leases.clear();
        publisher.close(reason);
    }
}
