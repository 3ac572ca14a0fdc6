package org.estuary.core.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkCodecTest {
    private static final int MAX = 1 << 20;

    private static byte[] payload(int len, int seed) {
        byte[] b = new byte[len];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static List<RtmpMessage> decodeAll(ChunkDecoder d, byte[] bytes) throws RtmpProtocolException {
        List<RtmpMessage> out = new ArrayList<>();
        d.feed(bytes, 0, bytes.length, out::add);
        return out;
    }

    private static void assertSameMessage(RtmpMessage expected, RtmpMessage actual) {
        assertEquals(expected.chunkStreamId(), actual.chunkStreamId(), "csid");
        assertEquals(expected.typeId(), actual.typeId(), "type");
        assertEquals(expected.timestamp(), actual.timestamp(), "timestamp");
        assertEquals(expected.messageStreamId(), actual.messageStreamId(), "msid");
        assertArrayEquals(expected.payload(), actual.payload(), "payload");
    }

    /** A decoder already switched to {@code chunkSize} by a SET_CHUNK_SIZE message. */
    private static ChunkDecoder decoderWithChunkSize(int chunkSize) throws RtmpProtocolException {
        ChunkDecoder d = new ChunkDecoder(MAX);
        if (chunkSize != ChunkDecoder.DEFAULT_CHUNK_SIZE) {
            decodeAll(d, ChunkEncoder.encode(RtmpControl.setChunkSize(chunkSize), ChunkDecoder.DEFAULT_CHUNK_SIZE));
        }
        assertEquals(chunkSize, d.chunkSize());
        return d;
    }

    @ParameterizedTest(name = "chunk {0}, len {1}, ts {2}, csid {3}")
    @CsvSource({
        "128, 0, 0, 3",
        "128, 1, 1000, 3",
        "128, 128, 1000, 4",
        "128, 129, 1000, 5",
        "128, 5000, 16777214, 6",
        "128, 5000, 16777215, 6",   // exactly 0xFFFFFF: extended
        "128, 5000, 4294967295, 6",  // max 32-bit
        "4096, 100000, 20000000, 63",
        "4096, 4096, 0, 64",
        "1, 300, 17000000, 319",
        "1, 50, 5, 320",
        "128, 1000, 123, 65599",
    })
    void roundTrip(int chunkSize, int len, long ts, int csid) throws RtmpProtocolException {
        RtmpMessage m = new RtmpMessage(csid, MessageType.VIDEO, ts, 1, payload(len, len));
        byte[] wire = ChunkEncoder.encode(m, chunkSize);
        assertEquals(wire.length, ChunkEncoder.encodedSize(len, chunkSize, ts, csid));

        List<RtmpMessage> whole = decodeAll(decoderWithChunkSize(chunkSize), wire);
        assertEquals(1, whole.size());
        assertSameMessage(m, whole.get(0));

        // byte by byte
        ChunkDecoder d = decoderWithChunkSize(chunkSize);
        List<RtmpMessage> out = new ArrayList<>();
        for (int i = 0; i < wire.length; i++) {
            d.feed(wire, i, 1, out::add);
        }
        assertEquals(1, out.size());
        assertSameMessage(m, out.get(0));

        // random splits, several seeds
        for (int seed = 0; seed < 5; seed++) {
            assertSameMessage(m, feedRandomly(decoderWithChunkSize(chunkSize), wire, seed).get(0));
        }
    }

    private static List<RtmpMessage> feedRandomly(ChunkDecoder d, byte[] wire, long seed) throws RtmpProtocolException {
        Random r = new Random(seed);
        List<RtmpMessage> out = new ArrayList<>();
        int pos = 0;
        while (pos < wire.length) {
            int n = Math.min(wire.length - pos, 1 + r.nextInt(300));
            byte[] piece = new byte[n + 4]; // offset within a bigger array, to test off/len handling
            System.arraycopy(wire, pos, piece, 2, n);
            d.feed(piece, 2, n, out::add);
            pos += n;
        }
        return out;
    }

    @Test
    void extendedTimestampIsRepeatedInContinuationChunks() {
        RtmpMessage m = new RtmpMessage(4, MessageType.AUDIO, 0x01020304L, 1, payload(200, 1));
        byte[] wire = ChunkEncoder.encode(m, 128);
        // fmt0 header: 1 + 11 + 4, then 128 payload, then fmt3 basic header, then the repeated timestamp
        assertEquals(0xFF, wire[1] & 0xFF);
        assertEquals((byte) 0xC4, wire[16 + 128]);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, java.util.Arrays.copyOfRange(wire, 16 + 129, 16 + 133));
    }

    @Test
    void acceptsContinuationsWithoutRepeatedExtendedTimestamp() throws RtmpProtocolException {
        // some peers do not repeat the extended timestamp in fmt3 continuations
        long ts = 0x1000000L;
        byte[] body = payload(200, 9);
        body[128] = 0x55; // continuation data must not be mistaken for the timestamp
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        w.write(0x05);
        w.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, (byte) 200, 9, 1, 0, 0, 0});
        w.writeBytes(new byte[] {1, 0, 0, 0});
        w.write(body, 0, 128);
        w.write(0xC5);
        w.write(body, 128, 72);
        for (int seed = 0; seed < 3; seed++) {
            List<RtmpMessage> out = feedRandomly(new ChunkDecoder(MAX), w.toByteArray(), seed);
            assertEquals(1, out.size());
            assertEquals(ts, out.get(0).timestamp());
            assertArrayEquals(body, out.get(0).payload());
        }
    }

    @Test
    void interleavedChunkStreams() throws RtmpProtocolException {
        RtmpMessage video = new RtmpMessage(6, MessageType.VIDEO, 40, 1, payload(300, 1));
        RtmpMessage audio = new RtmpMessage(4, MessageType.AUDIO, 0x2000000L, 1, payload(200, 2));
        byte[] v = ChunkEncoder.encode(video, 128); // 12+128 | 1+128 | 1+44
        byte[] a = ChunkEncoder.encode(audio, 128); // 16+128 | 5+72
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        w.write(v, 0, 140);
        w.write(a, 0, 144);
        w.write(v, 140, 129);
        w.write(a, 144, 77);
        w.write(v, 269, v.length - 269);
        byte[] wire = w.toByteArray();
        for (int seed = 0; seed < 10; seed++) {
            List<RtmpMessage> out = feedRandomly(new ChunkDecoder(MAX), wire, seed);
            assertEquals(2, out.size());
            assertSameMessage(audio, out.get(0));
            assertSameMessage(video, out.get(1));
        }
    }

    @Test
    void deltaHeadersFmt1Fmt2Fmt3() throws RtmpProtocolException {
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        // fmt0 csid 4: ts 1000, len 3, type 8, msid 1
        w.writeBytes(new byte[] {0x04, 0x00, 0x03, (byte) 0xE8, 0, 0, 3, 8, 1, 0, 0, 0, 'a', 'b', 'c'});
        // fmt1: delta 20, len 2, type 9
        w.writeBytes(new byte[] {0x44, 0, 0, 20, 0, 0, 2, 9, 'd', 'e'});
        // fmt2: delta 30 (same length and type)
        w.writeBytes(new byte[] {(byte) 0x84, 0, 0, 30, 'f', 'g'});
        // fmt3: new message reusing delta 30
        w.writeBytes(new byte[] {(byte) 0xC4, 'h', 'i'});
        // fmt2 with extended delta 0x1000000
        w.writeBytes(new byte[] {(byte) 0x84, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 0, 0, 0, 'j', 'k'});
        // fmt3 new message: repeats the extended delta
        w.writeBytes(new byte[] {(byte) 0xC4, 1, 0, 0, 0, 'l', 'm'});
        byte[] wire = w.toByteArray();
        for (int seed = 0; seed < 5; seed++) {
            List<RtmpMessage> out = feedRandomly(new ChunkDecoder(MAX), wire, seed);
            assertEquals(6, out.size());
            long[] ts = {1000, 1020, 1050, 1080, 1080 + 0x1000000L, 1080 + 0x2000000L};
            int[] types = {8, 9, 9, 9, 9, 9};
            String[] bodies = {"abc", "de", "fg", "hi", "jk", "lm"};
            for (int i = 0; i < 6; i++) {
                assertEquals(ts[i], out.get(i).timestamp(), "ts " + i);
                assertEquals(types[i], out.get(i).typeId());
                assertEquals(1, out.get(i).messageStreamId());
                assertEquals(bodies[i], new String(out.get(i).payload()));
            }
        }
    }

    @Test
    void fmt3AfterFmt0ReusesTheTimestampFieldAsDelta() throws RtmpProtocolException {
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        w.writeBytes(new byte[] {0x04, 0, 0, 40, 0, 0, 1, 8, 1, 0, 0, 0, 'a'});
        w.writeBytes(new byte[] {(byte) 0xC4, 'b'});
        List<RtmpMessage> out = decodeAll(new ChunkDecoder(MAX), w.toByteArray());
        assertEquals(40, out.get(0).timestamp());
        assertEquals(80, out.get(1).timestamp());
    }

    @Test
    void timestampDeltasWrapAt32Bits() throws RtmpProtocolException {
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        w.writeBytes(ChunkEncoder.encode(new RtmpMessage(4, 8, 0xFFFFFFF0L, 1, new byte[] {1}), 128));
        w.writeBytes(new byte[] {(byte) 0x84, 0, 0, 0x20, 2});
        List<RtmpMessage> out = decodeAll(new ChunkDecoder(MAX), w.toByteArray());
        assertEquals(0x10, out.get(1).timestamp());
    }

    @Test
    void setChunkSizeMidStreamAppliesToTheNextChunk() throws RtmpProtocolException {
        RtmpMessage before = new RtmpMessage(4, 8, 1, 1, payload(300, 3));
        RtmpMessage after = new RtmpMessage(4, 8, 2, 1, payload(10_000, 4));
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        w.writeBytes(ChunkEncoder.encode(before, 128));
        w.writeBytes(ChunkEncoder.encode(RtmpControl.setChunkSize(4096), 128));
        w.writeBytes(ChunkEncoder.encode(after, 4096));
        for (int seed = 0; seed < 5; seed++) {
            ChunkDecoder d = new ChunkDecoder(MAX);
            List<RtmpMessage> out = feedRandomly(d, w.toByteArray(), seed);
            assertEquals(3, out.size());
            assertSameMessage(before, out.get(0));
            assertEquals(MessageType.SET_CHUNK_SIZE, out.get(1).typeId()); // still delivered
            assertSameMessage(after, out.get(2));
            assertEquals(4096, d.chunkSize());
            assertEquals(w.size(), d.bytesReceived());
        }
    }

    @Test
    void setChunkSizeIgnoresTheReservedTopBit() throws RtmpProtocolException {
        RtmpMessage m = new RtmpMessage(2, MessageType.SET_CHUNK_SIZE, 0, 0, new byte[] {(byte) 0x80, 0, 0x10, 0});
        ChunkDecoder d = new ChunkDecoder(MAX);
        decodeAll(d, ChunkEncoder.encode(m, 128));
        assertEquals(4096, d.chunkSize());
    }

    @ParameterizedTest
    @CsvSource({"0", "16777217", "2147483647"})
    void invalidChunkSizeIsRejected(long size) {
        byte[] p = {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size};
        byte[] wire = ChunkEncoder.encode(new RtmpMessage(2, MessageType.SET_CHUNK_SIZE, 0, 0, p), 128);
        assertThrows(RtmpProtocolException.class, () -> decodeAll(new ChunkDecoder(MAX), wire));
    }

    @Test
    void abortDropsThePartialMessage() throws RtmpProtocolException {
        RtmpMessage big = new RtmpMessage(6, 9, 10, 1, payload(300, 5));
        RtmpMessage next = new RtmpMessage(6, 9, 20, 1, payload(50, 6));
        byte[] bigWire = ChunkEncoder.encode(big, 128);
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        w.write(bigWire, 0, 12 + 128); // first chunk only
        w.writeBytes(ChunkEncoder.encode(RtmpControl.abort(6), 128));
        w.writeBytes(ChunkEncoder.encode(next, 128));
        List<RtmpMessage> out = decodeAll(new ChunkDecoder(MAX), w.toByteArray());
        assertEquals(2, out.size());
        assertEquals(MessageType.ABORT, out.get(0).typeId());
        assertSameMessage(next, out.get(1));
    }

    @Test
    void messageLargerThanLimitIsRejected() {
        byte[] wire = ChunkEncoder.encode(new RtmpMessage(4, 9, 0, 1, new byte[1001]), 128);
        assertThrows(RtmpProtocolException.class, () -> decodeAll(new ChunkDecoder(1000), wire));
    }

    @Test
    void tooManyChunkStreamsInFlightIsRejected() {
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        for (int csid = 3; csid < 3 + ChunkDecoder.MAX_STREAMS_IN_FLIGHT + 1; csid++) {
            byte[] wire = ChunkEncoder.encode(new RtmpMessage(csid, 9, 0, 1, new byte[200]), 128);
            w.write(wire, 0, ChunkEncoder.basicHeaderSize(csid) + 11 + 128); // first chunk of each
        }
        assertThrows(RtmpProtocolException.class, () -> decodeAll(new ChunkDecoder(MAX), w.toByteArray()));
    }

    @Test
    void nonZeroFmtWithoutPreviousHeaderIsRejected() {
        assertThrows(RtmpProtocolException.class,
                () -> decodeAll(new ChunkDecoder(MAX), new byte[] {0x44, 0, 0, 1, 0, 0, 1, 9, 0}));
        assertThrows(RtmpProtocolException.class, () -> decodeAll(new ChunkDecoder(MAX), new byte[] {(byte) 0xC5}));
    }

    @Test
    void newHeaderBeforeMessageCompletesIsRejected() {
        byte[] first = ChunkEncoder.encode(new RtmpMessage(4, 9, 0, 1, new byte[200]), 128);
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        w.write(first, 0, 12 + 128);
        w.write(first, 0, 12);
        assertThrows(RtmpProtocolException.class, () -> decodeAll(new ChunkDecoder(MAX), w.toByteArray()));
    }

    @Test
    void encodeToByteBufferAndStreamMatch() {
        RtmpMessage m = new RtmpMessage(300, 18, 77, 1, payload(1000, 8));
        byte[] direct = ChunkEncoder.encode(m, 256);
        ByteBuffer buf = ByteBuffer.allocate(direct.length + 3);
        buf.put((byte) 1);
        ChunkEncoder.encodeTo(m, 256, buf);
        assertEquals(direct.length + 1, buf.position());
        assertArrayEquals(direct, java.util.Arrays.copyOfRange(buf.array(), 1, 1 + direct.length));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChunkEncoder.encodeTo(m, 256, out);
        assertArrayEquals(direct, out.toByteArray());
    }

    @Test
    void encoderRejectsBadArguments() {
        RtmpMessage m = new RtmpMessage(1, 9, 0, 1, new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> ChunkEncoder.encode(m, 128));
        RtmpMessage ok = new RtmpMessage(3, 9, 0, 1, new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> ChunkEncoder.encode(ok, 0));
    }

    @Test
    void manyMessagesAcrossStreamsRandomSplits() throws RtmpProtocolException {
        Random r = new Random(42);
        List<RtmpMessage> sent = new ArrayList<>();
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            int csid = 3 + r.nextInt(400);
            long ts = r.nextInt(4) == 0 ? 0xFFFFFF + r.nextInt(1000) : r.nextInt(100000);
            RtmpMessage m = new RtmpMessage(csid, 8 + r.nextInt(2), ts, r.nextInt(5), payload(r.nextInt(2000), i));
            sent.add(m);
            w.writeBytes(ChunkEncoder.encode(m, 128));
        }
        List<RtmpMessage> got = feedRandomly(new ChunkDecoder(MAX), w.toByteArray(), 7);
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++) {
            assertSameMessage(sent.get(i), got.get(i));
        }
        assertTrue(got.size() > 0);
    }

    @Test
    void unfinishedNamesWhatAVanishedPeerCutShort() throws Exception {
        ChunkDecoder d = new ChunkDecoder(1 << 20);
        List<RtmpMessage> got = new ArrayList<>();
        assertEquals(null, d.unfinished());
        byte[] whole = ChunkEncoder.encode(new RtmpMessage(6, MessageType.VIDEO, 40, 1, new byte[500]), 128);
        d.feed(whole, got::add);
        assertEquals(1, got.size());
        assertEquals(null, d.unfinished(), "between messages nothing is unfinished");
        d.feed(whole, 0, 5, got::add);
        assertEquals("a chunk header", d.unfinished());
        d.feed(whole, 5, 12 + 60 - 5, got::add);
        assertEquals("a type 9 message (60 of 500 bytes)", d.unfinished());
        d.feed(whole, 72, 140 - 72, got::add); // exactly the first chunk: the message waits for the next
        assertEquals("a type 9 message (128 of 500 bytes)", d.unfinished());
        d.feed(whole, 140, whole.length - 140, got::add);
        assertEquals(2, got.size());
        assertEquals(null, d.unfinished());
    }
}
