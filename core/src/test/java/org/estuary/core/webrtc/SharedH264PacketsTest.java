package org.estuary.core.webrtc;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.junit.jupiter.api.Test;

/** One packetising per frame, shared by the players of the stream, equal to a player's own. */
class SharedH264PacketsTest {
    private static Frame frame(long dtsUs, boolean key, int size, long seed) {
        byte[] nal = new byte[size];
        new Random(seed).nextBytes(nal);
        nal[0] = (byte) (key ? 0x65 : 0x41);
        byte[] avcc = new byte[4 + size];
        avcc[0] = (byte) (size >>> 24);
        avcc[1] = (byte) (size >>> 16);
        avcc[2] = (byte) (size >>> 8);
        avcc[3] = (byte) size;
        System.arraycopy(nal, 0, avcc, 4, size);
        return Frame.media(Codec.H264, dtsUs, dtsUs, key, avcc);
    }

    private static void assertSamePayloads(List<byte[]> want, List<byte[]> got) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals(want.get(i), got.get(i), "payload " + i);
        }
    }

    @Test
    void aFrameIsPacketisedOnceAndEqualsAPlayersOwnPacketising() {
        SharedH264Packets shared = new SharedH264Packets(1150);
        List<byte[]> sets = List.of(new byte[] {0x67, 1, 2, 3}, new byte[] {0x68, 4, 5});
        Frame key = frame(0, true, 5000, 1);
        List<byte[]> first = shared.packetize(key, sets);
        // a second player parsed its own copy of the same configuration: equal content, other arrays
        List<byte[]> second = shared.packetize(key, List.of(new byte[] {0x67, 1, 2, 3}, new byte[] {0x68, 4, 5}));
        assertSame(first, second);
        assertEquals(1, shared.misses());
        assertEquals(1, shared.hits());
        assertSamePayloads(new H264Packetizer(1150).packetize(key.payload(), sets), first);
    }

    @Test
    void otherParameterSetsOrAnotherFrameArePacketisedAgain() {
        SharedH264Packets shared = new SharedH264Packets(1150);
        Frame key = frame(0, true, 3000, 2);
        List<byte[]> withSets = shared.packetize(key, List.of(new byte[] {0x67, 9}));
        List<byte[]> without = shared.packetize(key, List.of());
        assertNotSame(withSets, without);
        assertEquals(without.size() + 1, withSets.size(), "the STAP-A of the parameter sets");
        // a frame with the same bytes is still another frame (identity is the key)
        Frame copy = Frame.media(Codec.H264, 0, 0, true, key.payload().clone());
        assertNotSame(without, shared.packetize(copy, List.of()));
        assertEquals(3, shared.misses());
    }

    @Test
    void aJoiningPlayersGopStillHitsWhileTheLiveEdgeMovesOn() {
        SharedH264Packets shared = new SharedH264Packets(1150);
        Frame[] gop = new Frame[50];
        for (int i = 0; i < gop.length; i++) {
            gop[i] = frame(i * 40_000L, i == 0, 800 + i, i);
            shared.packetize(gop[i], List.of()); // the players at the live edge
        }
        long misses = shared.misses();
        for (Frame f : gop) {
            shared.packetize(f, List.of()); // a new player seeded with the cached GOP
        }
        assertEquals(misses, shared.misses());
        // older than the ring: packetised again, still correct
        for (int i = 0; i < SharedH264Packets.SLOTS; i++) {
            shared.packetize(frame(10_000_000L + i, false, 100, 100 + i), List.of());
        }
        assertSamePayloads(new H264Packetizer(1150).packetize(gop[0].payload(), List.of()), shared.packetize(gop[0], List.of()));
        assertEquals(misses + SharedH264Packets.SLOTS + 1, shared.misses());
    }
}
