package org.estuary.core.rtsp;

import static org.estuary.core.rtsp.Rtp.bytes;
import static org.estuary.core.rtsp.Rtp.concat;
import static org.estuary.core.rtsp.Rtp.packet;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.estuary.core.codec.AvcConfig;
import org.junit.jupiter.api.Test;

class DepacketizerTest {
    static final byte[] SPS = bytes(0x67, 0x42, 0xC0, 0x1E, 0xD9, 0x00, 0xA0, 0x2F, 0xF9, 0x61, 0x00, 0x00, 0x03, 0x00, 0x01,
            0x00, 0x00, 0x03, 0x00, 0x32, 0x0F, 0x16, 0x2E, 0x48);
    static final byte[] PPS = bytes(0x68, 0xCB, 0x8C, 0xB2);
    static final byte[] IDR = bytes(0x65, 0x88, 0x84, 0x00, 0x33);
    static final byte[] P = bytes(0x41, 0x9A, 0x02, 0x03);

    static byte[] stapA(byte[]... nals) {
        byte[] out = bytes(0x18);
        for (byte[] n : nals) {
            out = concat(out, bytes(n.length >> 8, n.length), n);
        }
        return out;
    }

    static byte[] avcc(byte[]... nals) {
        byte[] out = new byte[0];
        for (byte[] n : nals) {
            out = concat(out, bytes(0, 0, n.length >> 8, n.length), n);
        }
        return out;
    }

    /** FU-A fragments of {@code nal}, {@code chunk} payload bytes each. */
    static byte[][] fuA(byte[] nal, int chunk) {
        int n = (nal.length - 1 + chunk - 1) / chunk;
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            int from = 1 + i * chunk;
            int to = Math.min(nal.length, from + chunk);
            int header = (i == 0 ? 0x80 : 0) | (i == n - 1 ? 0x40 : 0) | (nal[0] & 0x1F);
            out[i] = concat(bytes((nal[0] & 0xE0) | 28, header), Arrays.copyOfRange(nal, from, to));
        }
        return out;
    }

    @Test
    void stapAWithParameterSetsGivesConfigAndKeyframe() throws Exception {
        Rtp.Sink sink = new Rtp.Sink();
        H264Depacketizer d = new H264Depacketizer(sink);
        d.accept(packet(1, 3000, true, stapA(SPS, PPS, bytes(0x09, 0xF0), IDR)));
        d.accept(packet(2, 6000, true, P));
        assertEquals(1, sink.configs.size());
        assertArrayEquals(AvcConfig.build(SPS, java.util.List.of(PPS)), sink.configs.get(0));
        assertEquals(640, AvcConfig.parse(sink.configs.get(0)).firstSps().width());
        assertEquals(2, sink.units.size());
        assertTrue(sink.units.get(0).key());
        assertArrayEquals(avcc(IDR), sink.units.get(0).payload(), "SPS/PPS/AUD are taken out");
        assertEquals(3000, sink.units.get(0).ts());
        assertFalse(sink.units.get(1).key());
        assertArrayEquals(avcc(P), sink.units.get(1).payload());
    }

    @Test
    void fuAIsReassembledAndAUsSplitOnTimestampWithoutMarker() {
        Rtp.Sink sink = new Rtp.Sink();
        H264Depacketizer d = new H264Depacketizer(sink);
        d.spropParameterSets("Z0LAHtkAoC/5YQAAAwABAAADADIPFi5I,aMuMsg==,!!notbase64");
        byte[] bigIdr = new byte[3000];
        bigIdr[0] = 0x65;
        for (int i = 1; i < bigIdr.length; i++) {
            bigIdr[i] = (byte) (i * 7);
        }
        int seq = 100;
        for (byte[] f : fuA(bigIdr, 1000)) {
            d.accept(packet(seq++, 9000, false, f));
        }
        d.accept(packet(seq++, 12000, true, P)); // timestamp change flushes the IDR
        assertEquals(1, sink.configs.size());
        assertEquals(2, sink.units.size());
        assertArrayEquals(avcc(bigIdr), sink.units.get(0).payload());
        assertTrue(sink.units.get(0).key());
        assertEquals(1, d.discarded(), "the bad sprop entry");
    }

    @Test
    void lossInsideAFrameDropsItAndWaitsForTheNextKeyframe() {
        Rtp.Sink sink = new Rtp.Sink();
        H264Depacketizer d = new H264Depacketizer(sink);
        d.accept(packet(1, 1000, true, stapA(SPS, PPS, IDR)));
        byte[] bigP = new byte[2500];
        bigP[0] = 0x41;
        byte[][] frags = fuA(bigP, 1000);
        d.accept(packet(2, 2000, false, frags[0]));
        d.accept(packet(4, 2000, true, frags[2])); // frags[1] lost
        d.accept(packet(5, 3000, true, P));        // refers to the lost picture: dropped too
        d.accept(packet(6, 4000, true, IDR));
        d.accept(packet(7, 5000, true, P));
        assertEquals(3, sink.units.size());
        assertEquals(java.util.List.of(1000L, 4000L, 5000L), sink.units.stream().map(Rtp.Sink.Unit::ts).toList());
        assertTrue(d.discarded() >= 2);
    }

    @Test
    void reorderedPacketsWithoutJitterBufferCountAsLoss() {
        Rtp.Sink sink = new Rtp.Sink();
        H264Depacketizer d = new H264Depacketizer(sink);
        byte[][] frags = fuA(concat(IDR, new byte[1500]), 600);
        d.accept(packet(10, 1000, false, frags[0]));
        d.accept(packet(12, 1000, false, frags[2]));
        d.accept(packet(11, 1000, true, frags[1]));
        assertTrue(sink.units.isEmpty(), "a scrambled picture is never emitted");
    }

    @Test
    void truncatedAndGarbagePacketsNeverThrow() {
        Rtp.Sink sink = new Rtp.Sink();
        H264Depacketizer d = new H264Depacketizer(sink);
        d.accept(packet(1, 1000, true, stapA(SPS, PPS, IDR)));
        d.accept(packet(2, 2000, true, bytes(0x18, 0x00, 0x50, 0x41))); // STAP-A claims 80 bytes
        d.accept(packet(3, 3000, true, bytes(0x1C)));                 // FU-A without header
        d.accept(packet(4, 4000, true, new byte[0]));
        d.accept(packet(5, 5000, true, bytes(0x9C, 0x85)));           // forbidden bit
        d.accept(packet(6, 6000, true, bytes(0x1C, 0x45, 1, 2)));     // FU-A end without start
        assertEquals(1, sink.units.size());
        assertNull(RtpPacket.parse(bytes(0x80, 96, 0, 1)));
        assertNull(RtpPacket.parse(bytes(0x40, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0)), "RTP version 1");
        assertNull(RtpPacket.parse(bytes(0xA0, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x20)), "padding beyond the packet");
        assertNull(RtpPacket.parse(bytes(0x90, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9)), "extension beyond the packet");
        assertNull(RtpPacket.parse(null));
    }

    @Test
    void aacHbrSplitsSeveralAccessUnitsAndReassemblesFragments() {
        Rtp.Sink sink = new Rtp.Sink();
        AacDepacketizer d = new AacDepacketizer(sink, "1190", 13, 3, 3);
        // two AUs of 3 and 2 bytes: header length 32 bits, sizes << 3
        d.accept(packet(1, 48000, true, concat(bytes(0, 32, 0, 3 << 3, 0, 2 << 3), bytes(1, 2, 3, 4, 5))));
        assertArrayEquals(bytes(0x11, 0x90), sink.configs.get(0));
        assertEquals(2, sink.units.size());
        assertEquals(48000, sink.units.get(0).ts());
        assertEquals(48000 + 1024, sink.units.get(1).ts());
        assertArrayEquals(bytes(4, 5), sink.units.get(1).payload());
        // one AU of 6 bytes in two fragments
        byte[] header = bytes(0, 16, 0, 6 << 3);
        d.accept(packet(2, 50048, false, concat(header, bytes(1, 2, 3, 4))));
        d.accept(packet(3, 50048, true, concat(header, bytes(5, 6))));
        assertArrayEquals(bytes(1, 2, 3, 4, 5, 6), sink.units.get(2).payload());
        // a header claiming more data than there is, and garbage
        d.accept(packet(4, 51072, true, concat(bytes(0, 16, 0x10, 0), bytes(1))));
        d.accept(packet(5, 52096, true, bytes(0xFF, 0xFF, 1)));
        d.accept(packet(6, 53120, true, bytes(0)));
        assertEquals(3, sink.units.size());
        assertEquals(3, d.discarded());
        assertThrows(IllegalArgumentException.class, () -> new AacDepacketizer(sink, "zz", 13, 3, 3));
    }

    @Test
    void g711AndOpusAreOneFramePerPacket() {
        Rtp.Sink sink = new Rtp.Sink();
        FramePerPacketDepacketizer d = new FramePerPacketDepacketizer(sink);
        d.accept(packet(1, 160, true, new byte[160]));
        d.accept(packet(2, 320, false, new byte[0]));
        assertEquals(1, sink.units.size());
        assertEquals(160, sink.units.get(0).payload().length);
        assertEquals(1, d.discarded());
    }

    @Test
    void h265FragmentsAndParameterSets() throws Exception {
        Rtp.Sink sink = new Rtp.Sink();
        H265Depacketizer d = new H265Depacketizer(sink);
        byte[] vps = bytes(0x40, 0x01, 0x0C, 0x01, 0xFF, 0xFF);
        // SPS: header, vps id/sub layers, profile_tier_level (12 bytes), then the rest
        byte[] sps = bytes(0x42, 0x01, 0x01, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 0x5D, 0xA0, 0x02, 0x80, 0x80, 0x2D);
        byte[] pps = bytes(0x44, 0x01, 0xC1, 0x72);
        byte[] idr = new byte[2000];
        idr[0] = (byte) (19 << 1);
        idr[1] = 1;
        // aggregation packet with VPS, SPS, PPS
        byte[] ap = bytes(48 << 1, 1);
        for (byte[] n : new byte[][] {vps, sps, pps}) {
            ap = concat(ap, bytes(n.length >> 8, n.length), n);
        }
        d.accept(packet(1, 0, false, ap));
        d.accept(packet(2, 0, false, concat(bytes(49 << 1, 1, 0x80 | 19), Arrays.copyOfRange(idr, 2, 1000))));
        d.accept(packet(3, 0, true, concat(bytes(49 << 1, 1, 0x40 | 19), Arrays.copyOfRange(idr, 1000, 2000))));
        assertEquals(1, sink.configs.size());
        byte[] rec = sink.configs.get(0);
        assertEquals(1, rec[0]);
        assertEquals(0x01, rec[1], "general profile idc 1 (Main)");
        assertEquals(0x5D, rec[12] & 0xFF, "level");
        assertEquals(1, sink.units.size());
        assertTrue(sink.units.get(0).key());
        assertArrayEquals(avcc(idr), sink.units.get(0).payload());
    }
}
