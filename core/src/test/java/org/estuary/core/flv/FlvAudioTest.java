package org.estuary.core.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlvAudioTest {

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {
        // hex, format, codec, rate index, 16 bit, stereo, kind, offset
        "AF001210, 10, AAC,  3, true,  true,  SEQUENCE_HEADER, 2",
        "AF01AA,   10, AAC,  3, true,  true,  CODED_FRAMES,    2",
        "2EAA,     2,  MP3,  3, true,  false, CODED_FRAMES,    1",
        "72AA,     7,  PCMA, 0, true,  false, CODED_FRAMES,    1",
        "83AA,     8,  PCMU, 0, true,  true,  CODED_FRAMES,    1",
        "B2AA,     11, NULL, 0, true,  false, CODED_FRAMES,    1",
    })
    void legacy(String hex, int format, Codec codec, int rate, boolean sixteen, boolean stereo, PacketKind kind,
                int offset) throws FlvException {
        FlvAudio.AudioTag t = FlvAudio.parse(HexFormat.of().parseHex(hex));
        assertEquals(format, t.soundFormat());
        assertEquals(codec, t.codec());
        assertEquals(rate, t.rateIndex());
        assertEquals(sixteen, t.sixteenBit());
        assertEquals(stereo, t.stereo());
        assertEquals(kind, t.packetKind());
        assertEquals(offset, t.dataOffset());
        assertEquals(hex.length() / 2 - offset, t.dataLength());
        assertFalse(t.enhanced());
    }

    @Test
    void enhancedOpusAndMp4a() throws FlvException {
        FlvAudio.AudioTag seq = FlvAudio.parse(HexFormat.of().parseHex("90" + "4F707573" + "AABB"));
        assertTrue(seq.enhanced());
        assertEquals(Codec.OPUS, seq.codec());
        assertTrue(seq.isSequenceHeader());
        assertEquals(5, seq.dataOffset());
        assertEquals(2, seq.dataLength());
        FlvAudio.AudioTag aac = FlvAudio.parse(HexFormat.of().parseHex("91" + "6D703461" + "AA"));
        assertEquals(Codec.AAC, aac.codec());
        assertEquals(PacketKind.CODED_FRAMES, aac.packetKind());
        assertNull(FlvAudio.parse(HexFormat.of().parseHex("91" + "664C6143")).codec()); // FLAC: no hub codec
    }

    @Test
    void truncatedFails() {
        for (String hex : new String[] {"", "AF", "90", "904F7075"}) {
            assertThrows(FlvException.class, () -> FlvAudio.parse(HexFormat.of().parseHex(hex)), hex);
        }
    }

    @Test
    void writerRoundTrips() throws FlvException {
        byte[] asc = {0x12, 0x10};
        byte[] seq = FlvWriter.audioTag(Frame.config(Codec.AAC, 0, asc), null);
        assertArrayEquals(HexFormat.of().parseHex("AF001210"), seq);
        assertTrue(FlvAudio.parse(seq).isSequenceHeader());

        byte[] raw = FlvWriter.audioTag(Frame.media(Codec.AAC, 0, 0, true, new byte[] {1, 2, 3}), null);
        assertArrayEquals(new byte[] {(byte) 0xAF, 1, 1, 2, 3}, raw);

        byte[] opus = FlvWriter.audioTag(Frame.media(Codec.OPUS, 0, 0, true, new byte[] {9}), null);
        FlvAudio.AudioTag t = FlvAudio.parse(opus);
        assertEquals(Codec.OPUS, t.codec());
        assertEquals(PacketKind.CODED_FRAMES, t.packetKind());
        assertArrayEquals(new byte[] {9}, Arrays.copyOfRange(opus, t.dataOffset(), opus.length));

        byte[] pcma = FlvWriter.audioTag(Frame.media(Codec.PCMA, 0, 0, true, new byte[] {1}), new AudioParams(8000, 1));
        assertEquals(0x72, pcma[0] & 0xFF);
        byte[] mp3 = FlvWriter.audioTag(Frame.media(Codec.MP3, 0, 0, true, new byte[] {1}), new AudioParams(44100, 2));
        assertEquals(0x2F, mp3[0] & 0xFF);
        assertEquals(Codec.MP3, FlvAudio.parse(mp3).codec());
        assertEquals(1, FlvWriter.audioHeaderSize(Frame.media(Codec.PCMU, 0, 0, true, new byte[0])));
    }

    @Test
    void writerRejectsUnmappedCodecs() {
        assertThrows(IllegalArgumentException.class,
                () -> FlvWriter.audioTag(Frame.media(Codec.G722, 0, 0, true, new byte[1]), new AudioParams(16000, 1)));
    }
}
