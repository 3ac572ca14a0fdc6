package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.estuary.core.rtsp.AccessUnitSink;
import org.estuary.core.rtsp.RtpPacket;
import org.junit.jupiter.api.Test;

/**
 * RFC 9628 round trips through {@link Vp9Packetizer} and {@link Vp9Depacketizer}; descriptors as
 * Chromium sends them (flexible mode with P_DIFFs, layer indices, a scalability structure on key
 * frames); spatial layers above the base dropped; losses and garbage.
 */
class Vp9RtpTest {
    private record Unit(long ts, byte[] data, boolean key) { }

    private final List<Unit> out = new ArrayList<>();
    private final Vp9Depacketizer depacketizer = new Vp9Depacketizer(new AccessUnitSink() {
        @Override
        public void accessUnit(long rtpTimestamp, byte[] payload, boolean keyframe) {
            out.add(new Unit(rtpTimestamp, payload, keyframe));
        }

        @Override
        public void config(byte[] record) {
            fail("VP9 has no configuration record");
        }
    });
    private int seq = 65530;

    /** A VP9 frame of profile 0: frame marker 2, show_existing_frame 0, frame_type 0 (key) or 1. */
    private static byte[] frame(int size, boolean key, long seed) {
        byte[] f = new byte[size];
        new Random(seed).nextBytes(f);
        f[0] = (byte) (key ? 0x82 : 0x86);
        return f;
    }

    private RtpPacket packet(byte[] payload, long ts, boolean marker) {
        byte[] d = new byte[12 + payload.length];
        d[0] = (byte) 0x80;
        d[1] = (byte) ((marker ? 0x80 : 0) | 98);
        d[2] = (byte) (seq >>> 8);
        d[3] = (byte) seq;
        seq = (seq + 1) & 0xFFFF;
        d[4] = (byte) (ts >>> 24);
        d[5] = (byte) (ts >>> 16);
        d[6] = (byte) (ts >>> 8);
        d[7] = (byte) ts;
        System.arraycopy(payload, 0, d, 12, payload.length);
        return RtpPacket.parse(d);
    }

    private void send(List<byte[]> payloads, long ts) {
        for (int i = 0; i < payloads.size(); i++) {
            depacketizer.accept(packet(payloads.get(i), ts, i == payloads.size() - 1));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void keyFramesAreReadFromTheBitstream() {
        assertTrue(Vp9Packetizer.isKeyframe(new byte[] {(byte) 0x82}));
        assertFalse(Vp9Packetizer.isKeyframe(new byte[] {(byte) 0x86}), "frame_type 1: inter");
        assertFalse(Vp9Packetizer.isKeyframe(new byte[] {(byte) 0x88}), "show_existing_frame");
        assertTrue(Vp9Packetizer.isKeyframe(new byte[] {(byte) 0xB0}), "profile 3: a reserved bit, then both flags 0");
        assertFalse(Vp9Packetizer.isKeyframe(new byte[] {(byte) 0x42}), "frame marker is not 2");
        assertFalse(Vp9Packetizer.isKeyframe(new byte[0]));
    }

    @Test
    void keyFrameSizeIsReadFromTheUncompressedHeader() {
        // libvpx-vp9 (ffmpeg testsrc 640x480, profile 1 4:4:4): the first 16 bytes of its key frame
        assertArrayEquals(new int[] {640, 480}, Vp9Packetizer.keyframeSize(hex("a2498342e027f01df60638241c184a10")));
        // profile 0, color space 1 (BT.601), studio range: 0x82, sync code, 0010, 639, 479
        assertArrayEquals(new int[] {640, 480}, Vp9Packetizer.keyframeSize(hex("8249834220 27f01df0 0000".replace(" ", ""))));
        assertNull(Vp9Packetizer.keyframeSize(hex("8649834220 27f01df0 0000".replace(" ", ""))), "inter frame");
        assertNull(Vp9Packetizer.keyframeSize(hex("8249834320 27f01df0 0000".replace(" ", ""))), "bad sync code");
        assertNull(Vp9Packetizer.keyframeSize(hex("824983")), "short");
    }

    private static byte[] hex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    @Test
    void framesOfAnySizeRoundTripWithBAndEAndP() {
        Vp9Packetizer pk = new Vp9Packetizer(1150, 0x7FFE);
        int[] sizes = {1, 100, 1147, 1148, 5000, 60_000};
        for (int i = 0; i < sizes.length; i++) {
            boolean key = i == 0 || i == 4;
            byte[] f = frame(sizes[i], key, i);
            List<byte[]> payloads = pk.packetize(f);
            assertTrue(payloads.stream().allMatch(p -> p.length <= 1150), "within the payload size");
            byte[] first = payloads.get(0);
            assertEquals(0x88 | (key ? 0 : 0x40) | (payloads.size() == 1 ? 0x04 : 0), first[0] & 0xFF, "I, P on inter, B (and E)");
            assertEquals(0x04, payloads.get(payloads.size() - 1)[0] & 0x04, "E on the last");
            send(payloads, 3000L * i);
            Unit u = out.get(out.size() - 1);
            assertArrayEquals(f, u.data(), "size " + sizes[i]);
            assertEquals(3000L * i, u.ts());
            assertEquals(key, u.key());
        }
        assertEquals(sizes.length, out.size());
        assertEquals(0, depacketizer.discarded());
        // PictureID: 15 bits, wraps, one per frame
        byte[] next = pk.packetize(frame(5, false, 9)).get(0);
        assertEquals((0x7FFE + sizes.length) & 0x7FFF, ((next[1] & 0x7F) << 8) | (next[2] & 0xFF));
        assertEquals(0x80, next[1] & 0x80, "M: 15 bits");
    }

    @Test
    void chromiumsFlexibleModeDescriptorsAndScalabilityStructure() {
        byte[] key = frame(40, true, 1);
        // key frame: I (15-bit), L (TID 0, SID 0), F, B, E, V with one spatial layer 640x480, no group
        byte[] keyDesc = {(byte) 0xBE, (byte) 0x81, 0x23, 0x00, 0x10, 0x02, (byte) 0x80, 0x01, (byte) 0xE0};
        depacketizer.accept(packet(concat(keyDesc, key), 9000, true));
        // inter frame in two packets: I, P, L, F, B / E, two P_DIFFs (N set on the first)
        byte[] inter = frame(30, false, 2);
        byte[] d1 = {(byte) 0xF8, (byte) 0x81, 0x24, 0x00, 0x03, 0x04};
        byte[] d2 = {(byte) 0xF4, (byte) 0x81, 0x24, 0x00, 0x03, 0x04};
        depacketizer.accept(packet(concat(d1, java.util.Arrays.copyOfRange(inter, 0, 10)), 12_000, false));
        depacketizer.accept(packet(concat(d2, java.util.Arrays.copyOfRange(inter, 10, 30)), 12_000, true));
        // non-flexible mode: L carries TL0PICIDX; a group in the scalability structure with 1 reference
        byte[] next = frame(8, false, 3);
        byte[] d3 = {(byte) 0xEE, (byte) 0x81, 0x25, 0x00, 0x07, 0x08, 0x01, 0x04, 0x01};
        depacketizer.accept(packet(concat(d3, next), 15_000, true));
        assertEquals(3, out.size(), "descriptors skipped: " + depacketizer.discarded());
        assertArrayEquals(key, out.get(0).data());
        assertTrue(out.get(0).key());
        assertArrayEquals(inter, out.get(1).data());
        assertFalse(out.get(1).key());
        assertArrayEquals(next, out.get(2).data());
    }

    @Test
    void higherSpatialLayersAreDroppedTheBaseLayerKept() {
        byte[] base = frame(20, true, 4);
        byte[] upper = frame(20, false, 5);
        // L2: base layer (SID 0) then the upper one (SID 1, inter-layer predicted) in the same picture
        depacketizer.accept(packet(concat(new byte[] {(byte) 0xBC, (byte) 0x80, 0x05, 0x00}, base), 9000, false));
        depacketizer.accept(packet(concat(new byte[] {(byte) 0xBC, (byte) 0x80, 0x05, 0x03}, upper), 9000, true));
        assertEquals(1, out.size());
        assertArrayEquals(base, out.get(0).data());
        assertEquals(1, depacketizer.skippedLayers());
    }

    @Test
    void aLostMiddlePacketDropsTheFrameAndTheNextKeyFrameResumes() {
        Vp9Packetizer pk = new Vp9Packetizer(200, 0);
        List<byte[]> a = pk.packetize(frame(1000, true, 6));
        depacketizer.accept(packet(a.get(0), 0, false));
        seq++; // a.get(1) lost
        for (int i = 2; i < a.size(); i++) {
            depacketizer.accept(packet(a.get(i), 0, i == a.size() - 1));
        }
        assertTrue(out.isEmpty());
        assertTrue(depacketizer.discarded() >= 1);
        byte[] k = frame(500, true, 7);
        send(pk.packetize(k), 3000);
        assertEquals(1, out.size());
        assertArrayEquals(k, out.get(0).data());
    }

    @Test
    void garbageIsCountedNotThrown() {
        depacketizer.accept(packet(new byte[0], 0, true));
        depacketizer.accept(packet(new byte[] {(byte) 0x80}, 0, true)); // I without its PictureID
        depacketizer.accept(packet(new byte[] {(byte) 0x5C, 0x01, 0x01, 0x01}, 0, true)); // four P_DIFFs
        depacketizer.accept(packet(new byte[] {(byte) 0x0E, (byte) 0xFF}, 0, true)); // V: an SS cut short
        assertEquals(4, depacketizer.discarded());
        assertTrue(out.isEmpty());
    }
}
