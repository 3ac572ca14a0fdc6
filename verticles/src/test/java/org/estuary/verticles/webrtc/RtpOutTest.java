package org.estuary.verticles.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.estuary.core.webrtc.Rtx;
import org.junit.jupiter.api.Test;

/**
 * A player's outgoing RTP over payloads shared by all players (issue 12): own continuous sequence
 * numbers and timestamps whatever frame it joined at, shared bytes never written, NACKs answered
 * with this player's packet, history bounded in time, SRTP in place.
 */
class RtpOutTest {
    private static final RtpOut.Protect PLAIN = (buf, len) -> len;

    /** What a player's socket got: copies of each packet as handed over. */
    private static final class Wire {
        final List<byte[]> packets = new ArrayList<>();

        void accept(byte[] b, int len) {
            packets.add(Arrays.copyOf(b, len));
        }
    }

    private static int seq(byte[] p) {
        return ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
    }

    private static long ts(byte[] p) {
        return SrtpTransform.u32(p, 4);
    }

    /** 10 frames at 25 fps, 3 payloads each, shared by every player. */
    private static List<List<byte[]>> frames() {
        Random r = new Random(7);
        List<List<byte[]>> frames = new ArrayList<>();
        for (int f = 0; f < 10; f++) {
            List<byte[]> payloads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] b = new byte[100 + r.nextInt(900)];
                r.nextBytes(b);
                payloads.add(b);
            }
            frames.add(payloads);
        }
        return frames;
    }

    private static void sendFrame(RtpOut o, List<byte[]> frame, int index, long nowMs, Wire w) {
        for (int i = 0; i < frame.size(); i++) {
            assertTrue(o.send(index * 40_000L, frame.get(i), i == frame.size() - 1, nowMs, PLAIN, w::accept));
        }
    }

    @Test
    void twoPlayersJoiningAtDifferentFramesGetTheirOwnContinuousNumbering() {
        List<List<byte[]>> frames = frames();
        List<List<byte[]>> before = new ArrayList<>();
        for (List<byte[]> f : frames) {
            List<byte[]> c = new ArrayList<>();
            f.forEach(b -> c.add(b.clone()));
            before.add(c);
        }
        RtpOut early = new RtpOut(0x1111L, 102, 90_000, 1000, 65_530); // wraps after 6 packets
        RtpOut late = new RtpOut(0xFFFF_FFF0L, 102, 90_000, 0xFFFF_FF00L, 7); // RTP time wraps
        Wire we = new Wire();
        Wire wl = new Wire();
        for (int f = 0; f < frames.size(); f++) {
            sendFrame(early, frames.get(f), f, 0, we);
            if (f >= 4) {
                sendFrame(late, frames.get(f), f, 0, wl); // joined at frame 4
            }
        }
        assertEquals(30, we.packets.size());
        assertEquals(18, wl.packets.size());
        for (int i = 0; i < we.packets.size(); i++) {
            assertEquals((65_530 + i) & 0xFFFF, seq(we.packets.get(i)));
            assertEquals((1000 + (i / 3) * 3600L) & 0xFFFFFFFFL, ts(we.packets.get(i)));
            assertEquals(0x1111L, SrtpTransform.u32(we.packets.get(i), 8));
            assertEquals(i % 3 == 2, (we.packets.get(i)[1] & 0x80) != 0, "marker on a frame's last packet");
        }
        for (int i = 0; i < wl.packets.size(); i++) {
            byte[] p = wl.packets.get(i);
            assertEquals(7 + i, seq(p));
            assertEquals((0xFFFF_FF00L + (i / 3) * 3600L) & 0xFFFFFFFFL, ts(p), "from the late player's own base");
            assertEquals(0xFFFF_FFF0L, SrtpTransform.u32(p, 8));
            assertArrayEquals(frames.get(4 + i / 3).get(i % 3), Arrays.copyOfRange(p, 12, p.length), "the shared payload");
        }
        for (int f = 0; f < frames.size(); f++) {
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(before.get(f).get(i), frames.get(f).get(i), "shared payloads are never written");
            }
        }
    }

    @Test
    void aNackResendsThatPlayersPacket() {
        List<List<byte[]>> frames = frames();
        RtpOut a = new RtpOut(1, 102, 90_000, 0, 100);
        RtpOut b = new RtpOut(2, 102, 90_000, 0, 5000);
        Wire wa = new Wire();
        Wire wb = new Wire();
        for (int f = 0; f < frames.size(); f++) {
            sendFrame(a, frames.get(f), f, 0, wa);
            if (f >= 2) {
                sendFrame(b, frames.get(f), f, 0, wb);
            }
        }
        Wire resent = new Wire();
        assertTrue(b.resend(5000 + 4, PLAIN, resent::accept));
        assertArrayEquals(wb.packets.get(4), resent.packets.get(0), "the same bytes, b's numbering");
        assertTrue(a.resend(100 + 10, PLAIN, resent::accept));
        assertArrayEquals(wa.packets.get(10), resent.packets.get(1));
        assertFalse(b.resend(5000 + 24, PLAIN, resent::accept), "never sent");
        assertFalse(b.resend(4999, PLAIN, resent::accept));
        assertEquals(2, resent.packets.size());
    }

    @Test
    void onRtxANackWrapsTheOriginalWithItsSequenceNumber() {
        List<List<byte[]>> frames = frames();
        RtpOut o = new RtpOut(0xABCDL, 102, 90_000, 500, 65_535);
        o.rtxPt = 103;
        o.rtxSsrc = 0xABCEL;
        o.rtxSeq = 9;
        Wire w = new Wire();
        for (int f = 0; f < 3; f++) {
            sendFrame(o, frames.get(f), f, 0, w);
        }
        Wire resent = new Wire();
        assertTrue(o.resend(1, PLAIN, resent::accept)); // the third packet (seq wrapped 65535, 0, 1), a marker
        byte[] rtx = resent.packets.get(0);
        assertEquals(103, rtx[1] & 0x7F);
        assertEquals(9, seq(rtx));
        assertEquals(0xABCEL, SrtpTransform.u32(rtx, 8));
        byte[] original = Rtx.unwrap(rtx, rtx.length, 102, 0xABCDL);
        assertArrayEquals(w.packets.get(2), original, "OSN 1, same timestamp, marker and payload");
        assertTrue(o.resend(1, PLAIN, resent::accept));
        assertEquals(10, seq(resent.packets.get(1)), "RTX numbering goes on");
    }

    @Test
    void forgetOldDropsPacketsOlderThanTheHistoryTime() {
        List<List<byte[]>> frames = frames();
        RtpOut o = new RtpOut(1, 102, 90_000, 0, 1020); // the ring wraps too
        Wire w = new Wire();
        for (int f = 0; f < 5; f++) {
            sendFrame(o, frames.get(f), f, 10_000 + f * 300L, w); // all within the history time
        }
        assertEquals(15, o.historySize());
        o.forgetOld(11_800); // frame 0 is 1.8 s old: gone; frame 1 is 1.5 s old: kept
        assertEquals(12, o.historySize());
        o.forgetOld(11_800 + RtpOut.FORGET_EVERY_MS - 1); // frame 1 is older than 1.5 s now, but looked at most every 100 ms
        assertEquals(12, o.historySize());
        o.forgetOld(10_000 + 2_000); // frames 0 and 1 are 2.0 and 1.7 s old: gone; 2 (1.4 s) is kept
        assertEquals(9, o.historySize());
        Wire resent = new Wire();
        assertFalse(o.resend(1020 + 5, PLAIN, resent::accept), "frame 1 forgotten");
        assertTrue(o.resend(1020 + 6, PLAIN, resent::accept), "frame 2 kept");
        o.forgetOld(10_000 + 100_000);
        assertEquals(0, o.historySize());
        assertFalse(o.resend(1020 + 14, PLAIN, resent::accept));
        // the next packet starts a new run of the ring
        sendFrame(o, frames.get(5), 5, 200_000, w);
        assertEquals(3, o.historySize());
        assertTrue(o.resend((1020 + 15) & 0xFFFF, PLAIN, resent::accept));
    }

    @Test
    void srtpInPlaceDecryptsToWhatWasSentForBothProfiles() {
        for (SrtpProfile p : SrtpProfile.values()) {
            byte[] zeros = new byte[2 * (p.keyLength + p.saltLength)]; // client and server keys equal
            try (SrtpTransform srtp = new SrtpTransform(SrtpKeys.fromExported(p, zeros))) {
                RtpOut video = new RtpOut(0x10L, 102, 90_000, 0, 1);
                RtpOut audio = new RtpOut(0x20L, 111, 48_000, 0, 1);
                List<byte[]> plain = new ArrayList<>();
                Wire w = new Wire();
                RtpOut.Protect protect = (buf, len) -> {
                    plain.add(Arrays.copyOf(buf, len));
                    return srtp.protectRtpInPlace(buf, len);
                };
                for (int i = 0; i < 20; i++) { // video and audio alternate: both SSRCs' contexts
                    RtpOut o = i % 2 == 0 ? video : audio;
                    assertTrue(o.send(i * 20_000L, new byte[] {1, 2, 3, (byte) i}, true, 0, protect, w::accept));
                }
                for (int i = 0; i < 20; i++) {
                    byte[] s = w.packets.get(i);
                    assertEquals(plain.get(i).length + (p == SrtpProfile.AEAD_AES_128_GCM ? 16 : 10), s.length, p + " tag");
                    int n = srtp.unprotectRtp(s, s.length);
                    assertEquals(plain.get(i).length, n, p + " packet " + i);
                    assertArrayEquals(plain.get(i), Arrays.copyOf(s, n));
                }
                assertEquals(-1, srtp.protectRtpInPlace(new byte[20], 20), "no room for the tag");
            }
        }
    }
}
