package org.estuary.core.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FlvVideoTest {
    private static final byte[] DATA = {0, 0, 0, 2, 0x65, 0x11};

    private static FlvVideo.VideoTag parse(String hex) throws FlvException {
        return FlvVideo.parse(HexFormat.of().parseHex(hex));
    }

    @Test
    void legacyAvc() throws FlvException {
        FlvVideo.VideoTag seq = parse("1700000000" + "01640028");
        assertEquals(Codec.H264, seq.codec());
        assertEquals(FrameType.KEY, seq.frameType());
        assertEquals(PacketKind.SEQUENCE_HEADER, seq.packetKind());
        assertEquals(5, seq.dataOffset());
        assertEquals(4, seq.dataLength());
        assertFalse(seq.enhanced());

        FlvVideo.VideoTag inter = parse("2701FFFFD8" + "00000001AA");
        assertEquals(FrameType.INTER, inter.frameType());
        assertEquals(PacketKind.CODED_FRAMES, inter.packetKind());
        assertEquals(-40, inter.compositionTimeMs());

        assertEquals(PacketKind.END_OF_SEQUENCE, parse("1702000000").packetKind());
        assertEquals(80, parse("1701000050").compositionTimeMs());
    }

    @Test
    void legacyHevcCodecId12() throws FlvException {
        FlvVideo.VideoTag t = parse("1C00000000AA");
        assertEquals(Codec.H265, t.codec());
        assertTrue(t.isSequenceHeader());
        assertTrue(t.isKeyframe());
    }

    @Test
    void otherLegacyCodecsHaveNoHubCodec() throws FlvException {
        FlvVideo.VideoTag t = parse("22AABB"); // Sorenson H.263
        assertNull(t.codec());
        assertEquals(1, t.dataOffset());
        assertEquals(2, t.dataLength());
    }

    static Stream<Arguments> enhanced() {
        return Stream.of(
                // hex, codec, frame type, kind, cts, data offset
                Arguments.of("90" + "68766331" + "AA", Codec.H265, FrameType.KEY, PacketKind.SEQUENCE_HEADER, 0, 5),
                Arguments.of("91" + "68766331" + "000021" + "AA", Codec.H265, FrameType.KEY, PacketKind.CODED_FRAMES, 33, 8),
                Arguments.of("A1" + "68766331" + "FFFFFF" + "AA", Codec.H265, FrameType.INTER, PacketKind.CODED_FRAMES, -1, 8),
                Arguments.of("A3" + "68766331" + "AA", Codec.H265, FrameType.INTER, PacketKind.CODED_FRAMES, 0, 5),
                Arguments.of("91" + "61766331" + "000010" + "AA", Codec.H264, FrameType.KEY, PacketKind.CODED_FRAMES, 16, 8),
                Arguments.of("90" + "61763031" + "AA", Codec.AV1, FrameType.KEY, PacketKind.SEQUENCE_HEADER, 0, 5),
                Arguments.of("91" + "61763031" + "AA", Codec.AV1, FrameType.KEY, PacketKind.CODED_FRAMES, 0, 5),
                Arguments.of("A1" + "76703039" + "AA", Codec.VP9, FrameType.INTER, PacketKind.CODED_FRAMES, 0, 5),
                Arguments.of("92" + "76703039", Codec.VP9, FrameType.KEY, PacketKind.END_OF_SEQUENCE, 0, 5),
                Arguments.of("94" + "61763031" + "02", Codec.AV1, FrameType.KEY, PacketKind.METADATA, 0, 5),
                Arguments.of("95" + "61763031" + "AA", Codec.AV1, FrameType.KEY, PacketKind.OTHER, 0, 5),
                Arguments.of("D0" + "68766331" + "01", Codec.H265, FrameType.OTHER, PacketKind.OTHER, 0, 5),
                Arguments.of("91" + "78787878" + "AA", null, FrameType.KEY, PacketKind.CODED_FRAMES, 0, 5));
    }

    @ParameterizedTest
    @MethodSource("enhanced")
    void enhancedRtmp(String hex, Codec codec, FrameType frameType, PacketKind kind, int cts, int offset)
            throws FlvException {
        FlvVideo.VideoTag t = parse(hex);
        assertTrue(t.enhanced());
        assertEquals(codec, t.codec());
        assertEquals(frameType, t.frameType());
        assertEquals(kind, t.packetKind());
        assertEquals(cts, t.compositionTimeMs());
        assertEquals(offset, t.dataOffset());
        assertEquals(hex.length() / 2 - offset, t.dataLength());
    }

    @Test
    void truncatedTagsFail() {
        for (String hex : new String[] {"", "17", "17000000", "90", "9068766", "91687663310000"}) {
            byte[] b = HexFormat.of().parseHex(hex.length() % 2 == 0 ? hex : hex + "0");
            assertThrows(FlvException.class, () -> FlvVideo.parse(b), hex);
        }
    }

    static Stream<Arguments> writerCases() {
        return Stream.of(
                Arguments.of(Frame.config(Codec.H264, 0, DATA), "1700000000", PacketKind.SEQUENCE_HEADER, 0),
                Arguments.of(Frame.media(Codec.H264, 1000, 41000, true, DATA), "1701000028", PacketKind.CODED_FRAMES, 40),
                Arguments.of(Frame.media(Codec.H264, 50000, 10000, false, DATA), "2701FFFFD8", PacketKind.CODED_FRAMES, -40),
                Arguments.of(Frame.config(Codec.H265, 0, DATA), "9068766331", PacketKind.SEQUENCE_HEADER, 0),
                Arguments.of(Frame.media(Codec.H265, 0, 0, true, DATA), "9368766331", PacketKind.CODED_FRAMES, 0),
                Arguments.of(Frame.media(Codec.H265, 0, 33367, false, DATA), "A168766331000021", PacketKind.CODED_FRAMES, 33),
                Arguments.of(Frame.config(Codec.AV1, 0, DATA), "9061763031", PacketKind.SEQUENCE_HEADER, 0),
                Arguments.of(Frame.media(Codec.AV1, 0, 0, false, DATA), "A161763031", PacketKind.CODED_FRAMES, 0),
                Arguments.of(Frame.media(Codec.VP9, 0, 0, true, DATA), "9176703039", PacketKind.CODED_FRAMES, 0));
    }

    @ParameterizedTest
    @MethodSource("writerCases")
    void writerProducesParsableTags(Frame f, String header, PacketKind kind, int cts) throws FlvException {
        byte[] tag = FlvWriter.videoTag(f);
        assertArrayEquals(HexFormat.of().parseHex(header), Arrays.copyOf(tag, header.length() / 2));
        assertEquals(header.length() / 2, FlvWriter.videoHeaderSize(f));
        FlvVideo.VideoTag t = FlvVideo.parse(tag);
        assertEquals(f.codec(), t.codec());
        assertEquals(kind, t.packetKind());
        assertEquals(f.isKeyframe(), t.isKeyframe());
        assertEquals(cts, t.compositionTimeMs());
        assertArrayEquals(DATA, Arrays.copyOfRange(tag, t.dataOffset(), t.dataOffset() + t.dataLength()));
    }

    @Test
    void headerIntoPreallocatedArray() {
        Frame f = Frame.media(Codec.H264, 0, 0, true, DATA);
        byte[] dst = new byte[3 + FlvWriter.videoHeaderSize(f)];
        FlvWriter.writeVideoHeader(f, dst, 3);
        assertArrayEquals(HexFormat.of().parseHex("0000001701000000"), dst);
    }

    @Test
    void unsupportedCodecIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> FlvWriter.videoTag(Frame.media(Codec.AAC, 0, 0, true, DATA)));
    }
}
