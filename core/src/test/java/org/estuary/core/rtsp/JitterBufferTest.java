package org.estuary.core.rtsp;

import static org.estuary.core.rtsp.Rtp.packet;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JitterBufferTest {
    private static List<Integer> seqs(List<RtpPacket> ps) {
        return ps.stream().map(RtpPacket::sequence).toList();
    }

    @Test
    void reordersAndDropsDuplicatesAndLatePackets() {
        JitterBuffer j = new JitterBuffer(100, 200);
        List<Integer> out = new ArrayList<>();
        for (int s : new int[] {10, 12, 11, 11, 13, 15, 14, 9}) {
            out.addAll(seqs(j.push(packet(s, 0, false, new byte[1]), 0)));
        }
        assertEquals(List.of(10, 11, 12, 13, 14, 15), out);
        assertEquals(2, j.dropped());
    }

    @Test
    void aGapIsGivenUpAfterTheDelayOrWhenFull() {
        JitterBuffer j = new JitterBuffer(3, 100);
        assertEquals(List.of(1), seqs(j.push(packet(1, 0, false, new byte[1]), 0)));
        assertEquals(List.of(), seqs(j.push(packet(3, 0, false, new byte[1]), 10)));
        assertEquals(List.of(), seqs(j.drain(50)));
        assertEquals(List.of(3), seqs(j.drain(110)));
        // capacity: 5 missing, 6..9 held, the fourth forces release
        j.push(packet(6, 0, false, new byte[1]), 200);
        j.push(packet(7, 0, false, new byte[1]), 200);
        j.push(packet(8, 0, false, new byte[1]), 200);
        assertEquals(List.of(6, 7, 8, 9), seqs(j.push(packet(9, 0, false, new byte[1]), 200)));
    }

    @Test
    void sequenceNumbersWrapAround() {
        JitterBuffer j = new JitterBuffer(100, 200);
        List<Integer> out = new ArrayList<>();
        for (int s : new int[] {65534, 0, 65535, 1}) {
            out.addAll(seqs(j.push(packet(s, 0, false, new byte[1]), 0)));
        }
        assertEquals(List.of(65534, 65535, 0, 1), out);
    }
}
