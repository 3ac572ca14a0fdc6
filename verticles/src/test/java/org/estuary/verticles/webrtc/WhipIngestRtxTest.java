package org.estuary.verticles.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.core.webrtc.Negotiation;
import org.estuary.core.webrtc.Rtx;
import org.estuary.core.webrtc.SdpAnswer;
import org.estuary.core.webrtc.SdpOffer;
import org.estuary.core.webrtc.Vp8Packetizer;
import org.junit.jupiter.api.Test;

/**
 * RTX from a publisher (RFC 4588): the answer accepts the offer's rtx, a packet lost on the media
 * stream and resent on the RTX stream is restored into the jitter buffer (the frame comes out whole,
 * the gap is no longer NACKed, the receiver report counts it received), padding-only probes on the
 * RTX stream are counted and ignored, and garbage on it is refused.
 */
class WhipIngestRtxTest {
    private static final long SSRC = 0x11111111L;
    private static final long RTX_SSRC = 0x22222222L;
    private static final String FP = String.join(":", java.util.Collections.nCopies(32, "AB"));
    private static final String OFFER = String.join("\r\n",
            "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97", "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
            "a=fingerprint:sha-256 " + FP, "a=setup:actpass", "a=mid:0", "a=sendonly", "a=rtcp-mux",
            "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
            "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
            "a=ssrc-group:FID " + SSRC + " " + RTX_SSRC, "a=ssrc:" + SSRC + " cname:x", "a=ssrc:" + RTX_SSRC + " cname:x", "");

    private final List<Frame> frames = new ArrayList<>();
    private final WebRtcCounters counters = new WebRtcCounters();
    private final List<Negotiation.Line> lines = Negotiation.negotiate(SdpOffer.parse(OFFER), true, 0);
    private final WhipIngest ingest = new WhipIngest(lines, frames::add, (pts, ts, unit) -> { }, counters);

    private static byte[] rtp(int pt, int seq, long ts, long ssrc, boolean marker, byte[] payload) {
        byte[] d = new byte[12 + payload.length];
        d[0] = (byte) 0x80;
        d[1] = (byte) ((marker ? 0x80 : 0) | pt);
        d[2] = (byte) (seq >>> 8);
        d[3] = (byte) seq;
        for (int i = 0; i < 4; i++) {
            d[4 + i] = (byte) (ts >>> (24 - 8 * i));
            d[8 + i] = (byte) (ssrc >>> (24 - 8 * i));
        }
        System.arraycopy(payload, 0, d, 12, payload.length);
        return d;
    }

    private void in(byte[] p, long nowMs) {
        WhipIngest.Track t = ingest.trackFor(((p[8] & 0xFFL) << 24) | ((p[9] & 0xFF) << 16) | ((p[10] & 0xFF) << 8) | (p[11] & 0xFF),
                p[1] & 0x7F);
        assertNotNull(t, "a packet of the video track or its RTX stream");
        ingest.rtp(t, p, p.length, nowMs);
    }

    @Test
    void theAnswerAcceptsRtxOnTheLineWeReceiveOn() {
        String answer = SdpAnswer.write(lines, "u", "p", new byte[32], List.of(new SdpAnswer.Candidate("127.0.0.1", 1)),
                "c", "s", 1, false, true);
        assertTrue(answer.contains("m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"), answer);
        assertTrue(answer.contains("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"), answer);
        assertFalse(answer.contains("a=ssrc"), "we send nothing on a recvonly line: " + answer);
    }

    @Test
    void aLostPacketResentOnRtxCompletesItsFrame() {
        byte[] key = new byte[3000];
        new Random(7).nextBytes(key);
        key[0] &= ~1; // VP8 key frame
        List<byte[]> payloads = new Vp8Packetizer(1100, 5).packetize(key);
        assertEquals(3, payloads.size());
        byte[][] media = new byte[3][];
        for (int i = 0; i < 3; i++) {
            media[i] = rtp(96, 1000 + i, 90_000, SSRC, i == 2, payloads.get(i));
        }
        in(media[0], 0);
        in(media[2], 5); // 1001 lost
        WhipIngest.Track t = ingest.tracks().get(0);
        assertEquals(List.of(1001), t.loss.due(10), "the gap is NACKed");
        assertTrue(frames.isEmpty(), "the jitter buffer waits for the missing packet");

        // padding-only probe on the RTX stream: header, 4 bytes of padding, no OSN
        byte[] probe = rtp(97, 50, 90_000, RTX_SSRC, false, new byte[] {0, 0, 0, 4});
        probe[0] |= 0x20;
        in(probe, 15);
        assertEquals(1, counters.rtxPadding.sum());
        assertTrue(frames.isEmpty());

        byte[] resent = Rtx.wrap(media[1], media[1].length, 97, 51, RTX_SSRC);
        in(resent, 20);
        assertEquals(1, frames.size(), "the frame is complete");
        assertEquals(Codec.VP8, frames.get(0).codec());
        assertTrue(frames.get(0).isKeyframe());
        assertArrayEquals(key, frames.get(0).payload(), "byte for byte");
        assertEquals(1, counters.rtxReceived.sum());
        assertEquals(1, counters.rtxRepaired.sum());
        assertEquals(RTX_SSRC, t.rtxSsrc);
        assertEquals(List.of(), t.loss.due(100), "no longer NACKed");
        assertEquals(0, t.jitter.late());

        // the same resend again (a NACK answered twice, or a probe with payload): dropped as late, no repair
        in(Rtx.wrap(media[1], media[1].length, 97, 52, RTX_SSRC), 30);
        assertEquals(1, frames.size());
        assertEquals(1, counters.rtxRepaired.sum());
        assertEquals(2, counters.rtxReceived.sum());
        assertEquals(0, ingest.malformed());

        // garbage on the RTX stream: too short for an OSN but not padding, a padding count beyond the packet
        in(rtp(97, 53, 90_000, RTX_SSRC, false, new byte[] {1}), 40);
        byte[] badPad = rtp(97, 54, 90_000, RTX_SSRC, false, new byte[] {0, 0, 0, 99});
        badPad[0] |= 0x20;
        in(badPad, 41);
        assertEquals(2, ingest.malformed());
        assertEquals(1, frames.size());
    }
}
