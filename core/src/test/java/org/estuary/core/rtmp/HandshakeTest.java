package org.estuary.core.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HandshakeTest {

    @Test
    void serverAndClientCompleteAgainstEachOther() {
        HandshakeServer server = new HandshakeServer();
        HandshakeClient client = new HandshakeClient();
        byte[] c0c1 = client.start();
        assertEquals(1537, c0c1.length);
        assertEquals(3, c0c1[0]);

        Handshake.Result s = server.feed(c0c1);
        assertFalse(s.failed());
        assertFalse(s.done());
        assertEquals(1 + 2 * 1536, s.toSend().length);
        // S2 echoes C1
        assertArrayEquals(Arrays.copyOfRange(c0c1, 1, 1537), Arrays.copyOfRange(s.toSend(), 1537, 3073));

        Handshake.Result c = client.feed(s.toSend());
        assertTrue(c.done());
        assertEquals(1536, c.toSend().length);
        assertArrayEquals(Arrays.copyOfRange(s.toSend(), 1, 1537), c.toSend()); // C2 echoes S1

        Handshake.Result s2 = server.feed(c.toSend());
        assertTrue(s2.done());
        assertEquals(0, s2.toSend().length);
        assertEquals(0, s2.leftover().length);
        assertTrue(server.isDone());
        assertTrue(client.isDone());
    }

    @Test
    void serverSplitInputAndLeftoverChunkBytes() {
        HandshakeServer server = new HandshakeServer();
        byte[] c0c1 = new HandshakeClient().start();
        byte[] c2 = new byte[1536];
        byte[] firstChunk = ChunkEncoder.encode(RtmpControl.setChunkSize(4096), 128);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(c0c1);
        all.writeBytes(c2);
        all.writeBytes(firstChunk);
        byte[] wire = all.toByteArray();

        Random r = new Random(3);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ByteArrayOutputStream leftover = new ByteArrayOutputStream();
        int pos = 0;
        boolean done = false;
        while (pos < wire.length) {
            int n = Math.min(wire.length - pos, 1 + r.nextInt(700));
            Handshake.Result res = server.feed(Arrays.copyOfRange(wire, pos, pos + n));
            assertFalse(res.failed());
            sent.writeBytes(res.toSend());
            leftover.writeBytes(res.leftover());
            done |= res.done();
            pos += n;
        }
        assertTrue(done);
        assertEquals(3073, sent.size());
        assertArrayEquals(firstChunk, leftover.toByteArray());
    }

    @Test
    void everythingInOneRead() {
        HandshakeServer server = new HandshakeServer();
        byte[] wire = new byte[1537 + 1536 + 5];
        wire[0] = 3;
        wire[wire.length - 1] = 42;
        Handshake.Result res = server.feed(wire);
        assertTrue(res.done());
        assertEquals(3073, res.toSend().length);
        assertEquals(5, res.leftover().length);
        assertEquals(42, res.leftover()[4]);
    }

    @Test
    void clientGetsLeftoverAfterS2() {
        HandshakeClient client = new HandshakeClient();
        client.start();
        byte[] s = new byte[3073 + 7];
        s[0] = 3;
        Handshake.Result res = client.feed(s);
        assertTrue(res.done());
        assertEquals(1536, res.toSend().length);
        assertEquals(7, res.leftover().length);
    }

    @Test
    void clientSendsC2AsSoonAsS1Arrives() {
        HandshakeClient client = new HandshakeClient();
        client.start();
        byte[] s0s1 = new byte[1537];
        s0s1[0] = 3;
        Handshake.Result res = client.feed(s0s1);
        assertFalse(res.done());
        assertEquals(1536, res.toSend().length);
        Handshake.Result end = client.feed(new byte[1536]);
        assertTrue(end.done());
        assertEquals(0, end.toSend().length);
    }

    @Test
    void wrongVersionFails() {
        assertTrue(new HandshakeServer().feed(new byte[] {6}).failed());
        HandshakeServer server = new HandshakeServer();
        assertTrue(server.feed(new byte[] {(byte) 0x47, 0x45, 0x54}).failed()); // "GET": an HTTP client
        assertTrue(server.feed(new byte[] {3}).failed()); // stays failed
        HandshakeClient client = new HandshakeClient();
        client.start();
        assertTrue(client.feed(new byte[] {4, 0}).failed());
    }

    @Test
    void clientMustStartFirst() {
        assertTrue(new HandshakeClient().feed(new byte[] {3}).failed());
    }

    @Test
    void bytesAfterDoneAreLeftover() {
        HandshakeServer server = new HandshakeServer();
        byte[] wire = new byte[3073];
        wire[0] = 3;
        assertTrue(server.feed(wire).done());
        Handshake.Result more = server.feed(new byte[] {1, 2});
        assertTrue(more.done());
        assertArrayEquals(new byte[] {1, 2}, more.leftover());
    }
}
