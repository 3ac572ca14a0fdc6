package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.estuary.core.rtsp.AccessUnitSink;
import org.estuary.core.rtsp.H264Depacketizer;
import org.estuary.core.rtsp.RtpPacket;
import org.junit.jupiter.api.Test;

/** Packetiser output fed to the core.rtsp depacketiser gives back the same access units. */
class H264PacketizerTest {
    private static byte[] avcc(byte[]... nals) {
        int n = 0;
        for (byte[] x : nals) {
            n += 4 + x.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] x : nals) {
            out[off + 2] = (byte) (x.length >>> 8);
            out[off + 3] = (byte) x.length;
            System.arraycopy(x, 0, out, off + 4, x.length);
            off += 4 + x.length;
        }
        return out;
    }

    private static byte[] nal(int header, int size, Random r) {
        byte[] b = new byte[size];
        r.nextBytes(b);
        b[0] = (byte) header;
        return b;
    }

    @Test
    void keyFrameWithParameterSetsAndFuaRoundTrips() {
        Random r = new Random(1);
        byte[] sps = {0x67, 0x42, (byte) 0xC0, 0x1F, 0x11, 0x22};
        byte[] pps = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};
        byte[] idr = nal(0x65, 5000, r);
        byte[] p1 = nal(0x41, 300, r);
        H264Packetizer pk = new H264Packetizer(1150);
        List<byte[]> keyPayloads = pk.packetize(avcc(idr), List.of(sps, pps));
        assertEquals(24, keyPayloads.get(0)[0] & 0x1F, "STAP-A with SPS+PPS first");
        assertTrue(keyPayloads.size() >= 6, "5000-byte IDR split in FU-A");
        for (byte[] p : keyPayloads) {
            assertTrue(p.length <= 1150);
        }
        List<byte[]> units = new ArrayList<>();
        List<byte[]> configs = new ArrayList<>();
        H264Depacketizer d = new H264Depacketizer(new AccessUnitSink() {
            @Override
            public void accessUnit(long ts, byte[] payload, boolean keyframe) {
                units.add(payload);
            }

            @Override
            public void config(byte[] record) {
                configs.add(record);
            }
        });
        int seq = 0;
        for (List<byte[]> au : List.of(keyPayloads, pk.packetize(avcc(p1), List.of()))) {
            for (int i = 0; i < au.size(); i++) {
                byte[] rtp = new byte[12 + au.get(i).length];
                rtp[0] = (byte) 0x80;
                rtp[1] = (byte) ((i == au.size() - 1 ? 0x80 : 0) | 103);
                rtp[3] = (byte) seq++;
                rtp[7] = (byte) (units.size() + 1);
                System.arraycopy(au.get(i), 0, rtp, 12, au.get(i).length);
                d.accept(RtpPacket.parse(rtp));
            }
        }
        assertEquals(2, units.size());
        assertArrayEquals(avcc(idr), units.get(0));
        assertArrayEquals(avcc(p1), units.get(1));
        assertEquals(1, configs.size());
    }

    @Test
    void malformedUnitGivesNothing() {
        assertTrue(new H264Packetizer(1150).packetize(new byte[] {0, 0, 0, 50, 1, 2}, List.of()).isEmpty());
    }
}
