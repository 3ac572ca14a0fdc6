package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.estuary.core.rtsp.AccessUnitSink;
import org.estuary.core.rtsp.RtpPacket;
import org.junit.jupiter.api.Test;

/**
 * AV1 RTP round trips through {@link Av1Packetizer} and {@link Av1Depacketizer}; payloads as
 * libwebrtc sends them (W=2, the last element without a length); losses and broken fragments.
 */
class Av1RtpTest {
    private record Unit(long ts, byte[] data, boolean key) { }

    private final List<Unit> out = new ArrayList<>();
    private final Av1Depacketizer depacketizer = new Av1Depacketizer(new AccessUnitSink() {
        @Override
        public void accessUnit(long rtpTimestamp, byte[] payload, boolean keyframe) {
            out.add(new Unit(rtpTimestamp, payload, keyframe));
        }

        @Override
        public void config(byte[] record) {
            fail("AV1 in RTP has no configuration record");
        }
    });
    private int seq = 65530;

    /** A sized OBU: header of {@code type}, leb128 size, {@code size} random bytes. */
    private static byte[] obu(int type, int size, long seed) {
        byte[] payload = new byte[size];
        new Random(seed).nextBytes(payload);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write((type << 3) | 0x02);
        Av1Obus.writeLeb128(o, size);
        o.write(payload, 0, size);
        return o.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.write(p, 0, p.length);
        }
        return o.toByteArray();
    }

    /** A temporal unit: delimiter, (sequence header on a key frame), a frame OBU (type 6). */
    private static byte[] unit(boolean key, int frameSize, long seed) {
        byte[] td = {0x12, 0x00};
        return key ? concat(td, obu(Av1Obus.SEQUENCE_HEADER, 11, seed), obu(6, frameSize, seed + 1))
                : concat(td, obu(6, frameSize, seed + 1));
    }

    private RtpPacket packet(byte[] payload, long ts, boolean marker) {
        byte[] d = new byte[12 + payload.length];
        d[0] = (byte) 0x80;
        d[1] = (byte) ((marker ? 0x80 : 0) | 45);
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

    @Test
    void unitsRoundTripWithTheirSizesKeyFramesAndFragments() {
        Av1Packetizer p = new Av1Packetizer(1200);
        byte[] key = unit(true, 5000, 1);
        byte[] small = unit(false, 300, 2);
        byte[] big = unit(false, 1200, 3); // just over a packet: split across two
        List<byte[]> keyPayloads = p.packetize(key, true);
        assertEquals(5, keyPayloads.size(), "5 kB in 1,200-byte payloads");
        assertEquals(0x08 | 0x40, keyPayloads.get(0)[0] & 0xFF, "N on the first, Y: the frame OBU goes on");
        assertEquals(0x80, keyPayloads.get(4)[0] & 0xFF, "the last continues (Z) and ends (no Y)");
        assertTrue(keyPayloads.stream().allMatch(x -> x.length <= 1200));
        send(keyPayloads, 1000);
        send(p.packetize(small, false), 4000);
        send(p.packetize(big, false), 7000);
        assertEquals(3, out.size());
        assertArrayEquals(key, out.get(0).data());
        assertTrue(out.get(0).key());
        assertArrayEquals(small, out.get(1).data());
        assertFalse(out.get(1).key());
        assertArrayEquals(big, out.get(2).data());
        assertEquals(7000, out.get(2).ts());
        assertEquals(0, depacketizer.discarded());
    }

    @Test
    void libwebrtcStylePayloadsWithWElementsAndUnsizedObus() {
        // W=2: the sequence header with its length, then the frame OBU (no size field) to the end
        byte[] seqHeader = {(byte) (Av1Obus.SEQUENCE_HEADER << 3), 1, 2, 3};
        byte[] frame = {(byte) (6 << 3), 9, 8, 7, 6, 5};
        byte[] payload = concat(new byte[] {0x28, (byte) seqHeader.length}, seqHeader, frame); // W=2, N
        depacketizer.accept(packet(payload, 90, true));
        assertEquals(1, out.size());
        assertTrue(out.get(0).key());
        assertArrayEquals(concat(new byte[] {0x12, 0x00}, new byte[] {0x0A, 3, 1, 2, 3},
                new byte[] {0x32, 5, 9, 8, 7, 6, 5}), out.get(0).data());
    }

    @Test
    void lossOrAContinuationWithoutItsStartDropsTheUnitOnly() {
        Av1Packetizer p = new Av1Packetizer(1200);
        List<byte[]> key = p.packetize(unit(true, 3000, 4), true);
        depacketizer.accept(packet(key.get(0), 100, false));
        seq++; // the second packet is lost
        depacketizer.accept(packet(key.get(2), 100, true));
        assertEquals(0, out.size());
        assertEquals(1, depacketizer.discarded());
        // a unit whose first packet was lost, continuing a fragment
        List<byte[]> next = p.packetize(unit(false, 2000, 5), false);
        seq++;
        send(next.subList(1, next.size()), 200);
        assertEquals(0, out.size());
        // the next whole unit decodes
        byte[] ok = unit(false, 200, 6);
        send(p.packetize(ok, false), 300);
        assertEquals(1, out.size());
        assertArrayEquals(ok, out.get(0).data());
        // garbage: a length beyond the payload, an empty payload
        depacketizer.accept(packet(new byte[] {0x00, 0x7F, 1}, 400, true));
        depacketizer.accept(packet(new byte[0], 500, true));
        assertEquals(1, out.size());
    }

    @Test
    void sizedUnitsLoseTheirDelimiterAndSizesOnTheWire() {
        List<byte[]> e = Av1Obus.elements(unit(true, 20, 7));
        assertEquals(2, e.size(), "delimiter dropped");
        assertEquals(Av1Obus.SEQUENCE_HEADER << 3, e.get(0)[0] & 0xFF, "no size field");
        assertEquals(12, e.get(0).length);
        assertNull(Av1Obus.elements(new byte[] {0x32, 0x7F, 1}), "a size beyond the unit");
    }
}
