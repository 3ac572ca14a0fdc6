package org.estuary.verticles.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.estuary.core.config.SfuConfig;
import org.estuary.core.media.Codec;
import org.estuary.verticles.agent.ControlError;
import org.junit.jupiter.api.Test;

/** Room membership, its refusals and a leaver's clean-up, without sockets; and what a track reads from its packets. */
class SfuRoomsTest {
    private final List<String> closed = new ArrayList<>();
    private final SfuRooms rooms = new SfuRooms(new SfuConfig(2, 2, false), (id, why) -> closed.add(id + ": " + why));
    private final WebRtcCounters counters = new WebRtcCounters();

    private static WebRtcSessions.RoomRequest req(String room, String nick, String from, List<List<String>> heard) {
        return new WebRtcSessions.RoomRequest("v=0", room, nick, from, "ws-" + nick, "", null, heard == null ? null : heard::add, null);
    }

    private SfuPublisher join(String room, String nick, List<List<String>> heard) {
        WebRtcSessions.RoomRequest r = req(room, nick, null, heard);
        rooms.check(r);
        return rooms.publish(r, "pub-" + nick, List.of(), 1, 0, b -> { }, counters);
    }

    private SfuSubscriber receive(String room, String nick, String from) {
        WebRtcSessions.RoomRequest r = req(room, nick, from, null);
        rooms.check(r);
        return rooms.subscribe(r, nick + "-sub-" + from, List.of(), b -> { }, b -> { }, counters, new Random(1));
    }

    private static int status(Runnable r) {
        return ((ControlError) assertThrows(ControlError.class, r::run)).status();
    }

    @Test
    void membersHearEachOtherAndALeaverEndsItsSubscriptionsBothWays() {
        List<List<String>> aliceHeard = new ArrayList<>();
        SfuPublisher alice = join("r", "alice", aliceHeard);
        SfuPublisher bob = join("r", "bob", null);
        assertEquals(List.of(List.of(), List.of("bob")), aliceHeard);
        receive("r", "alice", "bob");
        receive("r", "bob", "alice");
        JsonObject stats = rooms.stats("r").orElseThrow();
        assertEquals(2, stats.getJsonArray("participants").size(), stats.encode());
        assertEquals(1, alice.subscribers().size());

        bob.close("gone");
        assertEquals(List.of("bob-sub-alice: bob left the room", "alice-sub-bob: bob left the room (gone)").stream().sorted().toList(),
                closed.stream().sorted().toList());
        assertEquals(List.of(), aliceHeard.get(aliceHeard.size() - 1), "alice hears that bob left");
        assertEquals(404, status(() -> rooms.check(req("r", "alice", "bob", null))));
    }

    @Test
    void refusals() {
        join("r", "alice", null);
        assertEquals(409, status(() -> rooms.check(req("r", "alice", null, null))), "a nickName publishes once");
        join("r", "bob", null);
        assertEquals(503, status(() -> rooms.check(req("r", "carol", null, null))), "maxParticipantsPerRoom 2");
        join("s", "x", null);
        assertEquals(503, status(() -> rooms.check(req("t", "y", null, null))), "maxRooms 2");
        assertEquals(404, status(() -> rooms.check(req("r", "carol", "nobody", null))));
        assertEquals(404, status(() -> rooms.check(req("nowhere", "carol", "alice", null))));
        assertEquals(400, status(() -> rooms.check(req("r", "alice", "alice", null))), "nobody receives itself");
        assertEquals(400, status(() -> rooms.check(req("r", "a\nb", null, null))));
        assertEquals(400, status(() -> rooms.check(req("", "carol", null, null))));
        assertEquals(400, status(() -> rooms.check(req("r", "x".repeat(129), null, null))));
        assertTrue(rooms.stats("nowhere").isEmpty());
    }

    @Test
    void theLastOneLeavingClosesTheRoom() {
        SfuPublisher a = join("r", "alice", null);
        assertEquals(1, rooms.rooms());
        a.close("bye");
        assertEquals(0, rooms.rooms());
        assertTrue(rooms.stats("r").isEmpty());
    }

    @Test
    void aTrackReadsItsPictureSizeFromTheSpsOfAKeyFrame() {
        byte[] sps = HexFormat.of().parseHex("6742C01FDA014016E84000000300400000" + "0F03C60CA8"); // x264 1280x720
        byte[] pps = {0x68, (byte) 0xCE, 0x38, (byte) 0x80};
        // STAP-A (24) with SPS and PPS, after a header with one CSRC and a one-word extension
        byte[] p = new byte[12 + 4 + 8 + 1 + 2 + sps.length + 2 + pps.length];
        p[0] = (byte) 0x91; // V=2, X=1, CC=1
        p[1] = 96;
        p[19] = 1; // extension length: one word
        int off = 12 + 4 + 8;
        assertEquals(off, SfuTrack.payloadOffset(p, p.length));
        p[off++] = 24;
        p[off++] = 0;
        p[off++] = (byte) sps.length;
        System.arraycopy(sps, 0, p, off, sps.length);
        off += sps.length;
        p[off++] = 0;
        p[off++] = (byte) pps.length;
        System.arraycopy(pps, 0, p, off, pps.length);
        SfuTrack t = new SfuTrack("a/video", Codec.H264, 96, 90_000, 5, true);
        assertTrue(t.received(p, p.length, 1_000));
        assertEquals(1280, t.width);
        assertEquals(720, t.height);
        assertEquals(1, t.keyframes);
        byte[] delta = {(byte) 0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5, 0x41, 0x00};
        assertFalse(t.received(delta, delta.length, 1_033), "a non-IDR slice");
        assertEquals(-1, SfuTrack.payloadOffset(new byte[]{(byte) 0x90, 96, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9}, 16),
                "an extension longer than the packet");
    }

    @Test
    void aVp8TrackReadsItsPictureSizeFromAKeyFrameHeader() {
        // RTP header, then a descriptor X=1 with a 15-bit PictureID (I) and TL0PICIDX (L), S=1, partition 0
        byte[] key = HexFormat.of().parseHex("80600001000000000000000" + "5" // seq 1, SSRC 5
                + "90" + "C0" + "8123" + "07" // X|S, I|L, PictureID 0x0123 (M=1), TL0PICIDX
                + "501D00" + "9D012A" + "8002" + "E001" + "0000"); // tag P=0, start code, 640 (scale 0) x 480
        SfuTrack t = new SfuTrack("a/video", Codec.VP8, 96, 90_000, 5, true);
        assertTrue(t.received(key, key.length, 1_000));
        assertEquals(640, t.width);
        assertEquals(480, t.height);
        assertEquals(1, t.keyframes);
        byte[] inter = key.clone();
        inter[12 + 5] |= 0x01; // P=1
        assertFalse(t.received(inter, inter.length, 1_050), "an inter frame");
        byte[] middle = key.clone();
        middle[12] = (byte) 0x80; // S=0: not the start of a frame
        assertFalse(t.received(middle, middle.length, 1_100), "a frame's later packet");
        assertFalse(t.received(key, 12 + 5 + 6, 1_150), "cut short before the size");
        assertEquals(1, t.keyframes);
        assertEquals(-1, SfuTrack.vp8DescriptorLength(new byte[]{(byte) 0x80}, 0, 1), "X set, no extension byte");
    }

    @Test
    void aSinglePeerConnectionLeasesOtherMembersTracksOntoItsAddedMLines() {
        // alice publishes H.264 video; bob's one peer connection re-offered two recvonly m-lines
        org.estuary.core.webrtc.SdpOffer pub = org.estuary.core.webrtc.SdpOffer.parse(String.join("\r\n", "v=0",
                "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=ice-ufrag:u", "a=ice-pwd:0123456789abcdefghijklmn",
                "a=fingerprint:sha-256 " + "AB:".repeat(31) + "CD",
                "m=video 9 UDP/TLS/RTP/SAVPF 102", "a=mid:0", "a=sendonly", "a=rtpmap:102 H264/90000",
                "a=fmtp:102 packetization-mode=1;profile-level-id=42e01f", "a=ssrc:77 cname:c",
                "m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:1", "a=recvonly", "a=rtpmap:96 VP8/90000",
                "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:2", "a=recvonly", "a=rtpmap:111 opus/48000/2",
                "m=video 9 UDP/TLS/RTP/SAVPF 102", "a=mid:3", "a=recvonly", "a=rtpmap:102 H264/90000",
                "a=fmtp:102 packetization-mode=1;profile-level-id=42e01f", ""));
        WebRtcSessions.RoomRequest ra = req("r", "alice", null, null);
        rooms.check(ra);
        rooms.publish(ra, "pub-alice", org.estuary.core.webrtc.Negotiation.negotiate(pub, true, 1), 1, 0, b -> { }, counters);
        SfuPublisher bobPub = join("r", "bob", null);
        List<byte[]> sent = new ArrayList<>();
        SfuMember bob = new SfuMember(bobPub, "pub-bob", sent::add, b -> { }, counters, new Random(2));
        List<org.estuary.core.webrtc.Negotiation.Line> slots = List.of(
                org.estuary.core.webrtc.Negotiation.sendLine(pub.media().get(1), 500),
                org.estuary.core.webrtc.Negotiation.sendLine(pub.media().get(2), 501),
                org.estuary.core.webrtc.Negotiation.sendLine(pub.media().get(3), 502));
        bob.lines(slots);
        assertEquals(Codec.VP8, slots.get(0).codec(), "VP8 where H.264 is not offered");
        assertEquals(404, status(() -> bob.lease("9", "alice/video")), "no such m-line");
        assertEquals(404, status(() -> bob.lease("1", "carol/video")), "no such track");
        assertEquals(404, status(() -> bob.lease("1", "bob/audio")), "not its own");
        assertEquals(400, status(() -> bob.lease("1", "alice/video")), "alice's H.264 on a VP8 m-line");
        assertEquals(404, status(() -> bob.lease("2", "alice/audio")), "alice publishes no audio");
        JsonObject stats = rooms.stats("r").orElseThrow();
        assertTrue(stats.encode().contains("\"subscribers\":[]"), stats.encode());
        bob.lease("1", null); // freeing an empty m-line is fine
        bob.lease("3", "alice/video");
        JsonObject leased = rooms.stats("r").orElseThrow();
        assertTrue(leased.encode().contains("\"subscribers\":[{\"nickName\":\"bob\""), leased.encode());
        // alice leaves: the room ends bob's lease by its id (session#mid), not bob's peer connection
        closed.clear();
        SfuRoom room = bobPub.room;
        room.left(room.participant("alice"), "gone");
        assertEquals(List.of("pub-bob#3: alice left the room (gone)"), closed);
        bob.leaseClosed("3", "alice left");
        bob.close("gone");
        assertEquals(0, rooms.rooms(), "the last one out closes the room");
    }
}
