package org.estuary.core.mpegts;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.estuary.core.hls.TestMedia;
import org.estuary.core.media.Codec;
import org.junit.jupiter.api.Test;

class TsMuxerTest {

    private static byte[] segment(TsMuxer m, long startUs, int videoFrames) throws Exception {
        m.startSegment();
        for (int i = 0; i < videoFrames; i++) {
            long t = startUs + i * 33_333L;
            // sizes cover one packet, exact fits and multi-packet PES
            m.write(TestMedia.video(t, t + 66_666, i == 0, i == 0 ? 5000 : 150 + i * 13));
            if (i % 2 == 0) {
                m.write(TestMedia.audio(startUs + (i / 2) * 21_333L, 200 + i));
            }
        }
        return m.finishSegment();
    }

    @Test
    void segmentParsesWithTablesTimestampsAndContinuity() throws Exception {
        TsMuxer m = new TsMuxer(Codec.H264, true);
        m.write(TestMedia.videoConfig());
        m.write(TestMedia.audioConfig());
        byte[] a = segment(m, 1_000_000, 30);
        byte[] b = segment(m, 2_000_000, 30);
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        // counters run on across segments, so the concatenation is one valid stream
        TsChecker c = TsChecker.check(both);
        assertEquals(2, c.patCount, "PAT at the start of every segment");
        assertEquals(TsMuxer.PMT_PID, c.pmtPid);
        assertEquals(TsMuxer.VIDEO_PID, c.pcrPid);
        assertEquals(0x1B, c.streamTypes.get(TsMuxer.VIDEO_PID));
        assertEquals(0x0F, c.streamTypes.get(TsMuxer.AUDIO_PID));
        List<TsChecker.Pes> video = c.pes.stream().filter(p -> p.pid() == TsMuxer.VIDEO_PID).toList();
        List<TsChecker.Pes> audio = c.pes.stream().filter(p -> p.pid() == TsMuxer.AUDIO_PID).toList();
        assertEquals(60, video.size());
        assertEquals(30, audio.size());
        assertFalse(c.pcrs.isEmpty());

        TsChecker.Pes first = video.get(0);
        assertEquals(0xE0, first.streamId());
        assertEquals(90_000 + TsMuxer.PTS_LEAD_90K, first.dts());
        assertEquals(95_999 + TsMuxer.PTS_LEAD_90K, first.pts()); // 1.066666 s, floored to 90 kHz
        assertTrue(first.randomAccess(), "keyframe flagged random access");
        byte[] es = first.payload();
        // AUD, then SPS and PPS from the config record, then the IDR slice
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0x09, (byte) 0xF0}, java.util.Arrays.copyOf(es, 6));
        assertEquals(7, es[10] & 0x1F, "SPS after the AUD");
        assertTrue(indexOfNal(es, 8) > 0, "PPS present");
        assertTrue(indexOfNal(es, 5) > indexOfNal(es, 8), "IDR after the parameter sets");
        assertEquals(-1, indexOfNal(video.get(1).payload(), 7), "no SPS before a non-key frame");
        for (int i = 1; i < video.size(); i++) {
            assertTrue(video.get(i).dts() > video.get(i - 1).dts(), "DTS rises");
        }

        TsChecker.Pes aac = audio.get(0);
        assertEquals(0xC0, aac.streamId());
        byte[] adts = aac.payload();
        assertEquals(0xFF, adts[0] & 0xFF);
        assertEquals(0xF0, adts[1] & 0xF6, "ADTS sync + MPEG-4 id");
        int frameLength = (adts[3] & 0x03) << 11 | (adts[4] & 0xFF) << 3 | (adts[5] & 0xE0) >> 5;
        assertEquals(adts.length, frameLength, "ADTS frame length covers header + AU");
        assertEquals(3, (adts[2] >> 2) & 0xF, "48 kHz sampling index");
        assertEquals(1, (adts[2] >> 6) & 3, "AAC-LC profile");
        for (TsChecker.Pes v : video) {
            assertTrue(c.pcrs.get(0) / 300 <= v.dts(), "PCR not after decode time");
        }
    }

    @Test
    void audioOnlyCarriesPcrOnAudio() throws Exception {
        TsMuxer m = new TsMuxer(null, true);
        m.write(TestMedia.audioConfig());
        m.startSegment();
        for (int i = 0; i < 50; i++) {
            m.write(TestMedia.audio(i * 21_333L, 300));
        }
        TsChecker c = TsChecker.check(m.finishSegment());
        assertEquals(TsMuxer.AUDIO_PID, c.pcrPid);
        assertEquals(50, c.pes.size());
        assertEquals(50, c.pcrs.size());
    }

    @Test
    void rejectsCodecsTsDoesNotCarryHere() {
        assertThrows(IllegalArgumentException.class, () -> new TsMuxer(Codec.VP8, true));
        assertThrows(IllegalArgumentException.class, () -> new TsMuxer(null, false));
    }

    @Test
    void crcMatchesTheMpegCheckValue() {
        // CRC-32/MPEG-2 check value for "123456789"
        byte[] d = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(0x0376E6E7, Crc32Mpeg.compute(d, 0, d.length));
    }

    private static int indexOfNal(byte[] es, int type) {
        for (int i = 0; i + 4 < es.length; i++) {
            if (es[i] == 0 && es[i + 1] == 0 && es[i + 2] == 0 && es[i + 3] == 1 && (es[i + 4] & 0x1F) == type) {
                return i;
            }
        }
        return -1;
    }
}
