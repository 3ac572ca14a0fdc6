package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.estuary.core.rtsp.AccessUnitSink;
import org.estuary.core.rtsp.RtpPacket;
import org.junit.jupiter.api.Test;

/** RFC 7741 round trips through {@link Vp8Packetizer} and {@link Vp8Depacketizer}, losses and garbage. */
class Vp8RtpTest {
    private record Unit(long ts, byte[] data, boolean key) { }

    private final List<Unit> out = new ArrayList<>();
    private final Vp8Depacketizer depacketizer = new Vp8Depacketizer(new AccessUnitSink() {
        @Override
        public void accessUnit(long rtpTimestamp, byte[] payload, boolean keyframe) {
            out.add(new Unit(rtpTimestamp, payload, keyframe));
        }

        @Override
        public void config(byte[] record) {
            fail("VP8 has no configuration record");
        }
    });
    private int seq = 65530; // wraps during the tests

    private static byte[] frame(int size, boolean key, long seed) {
        byte[] f = new byte[size];
        new Random(seed).nextBytes(f);
        f[0] = (byte) (key ? f[0] & ~1 : f[0] | 1);
        return f;
    }

    private List<RtpPacket> packets(List<byte[]> payloads, long ts) {
        List<RtpPacket> ps = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            byte[] pl = payloads.get(i);
            byte[] d = new byte[12 + pl.length];
            d[0] = (byte) 0x80;
            d[1] = (byte) ((i == payloads.size() - 1 ? 0x80 : 0) | 96);
            d[2] = (byte) (seq >>> 8);
            d[3] = (byte) seq;
            seq = (seq + 1) & 0xFFFF;
            d[4] = (byte) (ts >>> 24);
            d[5] = (byte) (ts >>> 16);
            d[6] = (byte) (ts >>> 8);
            d[7] = (byte) ts;
            System.arraycopy(pl, 0, d, 12, pl.length);
            ps.add(RtpPacket.parse(d));
        }
        return ps;
    }

    @Test
    void framesOfAnySizeRoundTrip() {
        Vp8Packetizer pk = new Vp8Packetizer(1150, 0x7FFE);
        int[] sizes = {3, 100, 1146, 1147, 5000, 60_000};
        for (int i = 0; i < sizes.length; i++) {
            byte[] f = frame(sizes[i], i == 0 || i == 4, i);
            List<byte[]> payloads = pk.packetize(f);
            assertTrue(payloads.stream().allMatch(p -> p.length <= 1150), "within the payload size");
            assertEquals(0x10, payloads.get(0)[0] & 0x10, "S on the first piece");
            packets(payloads, 3000L * i).forEach(depacketizer::accept);
            Unit u = out.get(out.size() - 1);
            assertArrayEquals(f, u.data(), "size " + sizes[i]);
            assertEquals(3000L * i, u.ts());
            assertEquals(i == 0 || i == 4, u.key());
        }
        assertEquals(sizes.length, out.size());
        assertEquals(0, depacketizer.discarded());
    }

    @Test
    void pictureIdIs15BitsAndWraps() {
        Vp8Packetizer pk = new Vp8Packetizer(1150, 0x7FFF);
        byte[] a = pk.packetize(frame(10, true, 1)).get(0);
        byte[] b = pk.packetize(frame(10, false, 2)).get(0);
        assertEquals(0xFF, a[2] & 0xFF);
        assertEquals(0xFF, a[3] & 0xFF);
        assertEquals(0x80, b[2] & 0xFF, "M set, PictureID 0 after the wrap");
        assertEquals(0, b[3]);
    }

    @Test
    void aLostPieceDropsItsFrameAndTheNextFrameDecodes() {
        Vp8Packetizer pk = new Vp8Packetizer(1150, 1);
        byte[] big = frame(4000, true, 7);
        List<RtpPacket> first = packets(pk.packetize(big), 90_000);
        first.remove(1); // lost
        first.forEach(depacketizer::accept);
        byte[] next = frame(2000, false, 8);
        packets(pk.packetize(next), 93_000).forEach(depacketizer::accept);
        assertEquals(1, out.size());
        assertArrayEquals(next, out.get(0).data());
        assertTrue(depacketizer.discarded() >= 1);
    }

    @Test
    void aLostMarkerIsNoticedAtTheNextFrame() {
        Vp8Packetizer pk = new Vp8Packetizer(1150, 1);
        List<RtpPacket> first = packets(pk.packetize(frame(3000, true, 3)), 0);
        first.remove(first.size() - 1); // the marker packet is lost
        first.forEach(depacketizer::accept);
        seq++; // its sequence number went missing too
        byte[] next = frame(500, false, 4);
        packets(pk.packetize(next), 3000).forEach(depacketizer::accept);
        assertEquals(1, out.size());
        assertArrayEquals(next, out.get(0).data());
    }

    @Test
    void readsChromiumStyleDescriptorsWithAllExtensions() {
        // X=1 S=1 PID=0 | I=1 L=1 T=1 | M=1 PictureID 0x1234 | TL0PICIDX | TID/Y/KEYIDX, then the frame
        byte[] f = frame(20, true, 5);
        byte[] pl = new byte[6 + f.length];
        pl[0] = (byte) 0x90;
        pl[1] = (byte) 0xE0;
        pl[2] = (byte) 0x92;
        pl[3] = (byte) 0x34;
        pl[4] = 7;
        pl[5] = 0x20;
        System.arraycopy(f, 0, pl, 6, f.length);
        packets(List.of(pl), 42).forEach(depacketizer::accept);
        assertEquals(1, out.size());
        assertArrayEquals(f, out.get(0).data());
        assertTrue(out.get(0).key());
    }

    @Test
    void keyFramesTellTheirSize() {
        // a 640x480 key frame header: tag (P=0, show_frame), start code, 14-bit sizes with scale bits
        byte[] key = {(byte) 0x50, 0x42, 0x00, (byte) 0x9d, 0x01, 0x2a, (byte) 0x80, (byte) 0x42, (byte) 0xe0, (byte) 0x41};
        assertArrayEquals(new int[] {640, 480}, Vp8Packetizer.keyframeSize(key));
        byte[] inter = key.clone();
        inter[0] |= 1;
        assertNull(Vp8Packetizer.keyframeSize(inter));
        byte[] badStart = key.clone();
        badStart[4] = 0;
        assertNull(Vp8Packetizer.keyframeSize(badStart));
        assertNull(Vp8Packetizer.keyframeSize(new byte[4]));
    }

    @Test
    void garbageNeverThrows() {
        Random r = new Random(11);
        for (int i = 0; i < 2000; i++) {
            byte[] pl = new byte[r.nextInt(8)];
            r.nextBytes(pl);
            packets(List.of(pl), i).forEach(p -> {
                if (p != null) {
                    depacketizer.accept(p);
                }
            });
        }
        assertTrue(depacketizer.discarded() > 0);
        assertThrows(IllegalArgumentException.class, () -> new Vp8Packetizer(10, 0));
        assertEquals(List.of(), new Vp8Packetizer(1150, 0).packetize(new byte[0]));
    }
}
