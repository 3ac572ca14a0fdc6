package org.estuary.core.cmaf;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.estuary.core.hls.TestMedia;
import org.junit.jupiter.api.Test;

class CmafMuxerTest {

    @Test
    void initSegmentIsFtypPlusMoovWithTwoTracksAndMvex() throws Exception {
        CmafMuxer m = new CmafMuxer(TestMedia.videoConfig(), TestMedia.audioConfig());
        byte[] init = m.initSegment();
        List<Boxes> top = Boxes.parse(init, 0, init.length);
        assertEquals(List.of("ftyp", "moov"), Boxes.types(top));
        Boxes moov = top.get(1);
        assertEquals(List.of("mvhd", "trak", "trak", "mvex"), Boxes.types(moov.children()));
        Boxes video = moov.all("trak").get(0);
        Boxes stbl = video.child("mdia").child("minf").child("stbl");
        assertEquals(List.of("stsd", "stts", "stsc", "stsz", "stco"), Boxes.types(stbl.children()));
        assertTrue(new String(init, stbl.child("stsd").offset() + 20, 4).equals("avc1"));
        assertEquals(List.of("trex", "trex"), Boxes.types(moov.child("mvex").children()));
        assertEquals("avc1.42C01E,mp4a.40.2", m.codecs());
        assertEquals(640, m.width());
        assertEquals(360, m.height());
        // tkhd width/height in 16.16 fixed point
        Boxes tkhd = video.child("tkhd");
        assertEquals(640 << 16, Boxes.u32(init, tkhd.offset() + 84));
        assertEquals(360 << 16, Boxes.u32(init, tkhd.offset() + 88));
        Boxes audioStsd = moov.all("trak").get(1).child("mdia").child("minf").child("stbl").child("stsd");
        assertEquals("mp4a", new String(init, audioStsd.offset() + 20, 4));
    }

    @Test
    void fragmentsAreMoofPlusMdatWithOffsetsIntoTheMdat() throws Exception {
        CmafMuxer m = new CmafMuxer(TestMedia.videoConfig(), TestMedia.audioConfig());
        assertNull(m.flushFragment(), "nothing committed yet");
        for (int i = 0; i < 10; i++) {
            m.add(TestMedia.video(i * 40_000L, i * 40_000L + 40_000, i == 0, 100 + i));
            m.add(TestMedia.audio(i * 20_000L, 50));
        }
        byte[] frag = m.flushFragment();
        List<Boxes> top = Boxes.parse(frag, 0, frag.length);
        assertEquals(List.of("moof", "mdat"), Boxes.types(top));
        Boxes moof = top.get(0);
        Boxes mdat = top.get(1);
        assertEquals(List.of("mfhd", "traf", "traf"), Boxes.types(moof.children()));
        Boxes traf = moof.all("traf").get(0);
        assertEquals(List.of("tfhd", "tfdt", "trun"), Boxes.types(traf.children()));
        Boxes trun = traf.child("trun");
        int count = Boxes.u32(frag, trun.offset() + 12);
        int dataOffset = Boxes.u32(frag, trun.offset() + 16);
        assertEquals(9, count, "the last video frame waits for its successor");
        assertEquals(mdat.offset() + 8, moof.offset() + dataOffset, "data offset points at the mdat payload");
        // first sample: duration 3600 (40 ms at 90 kHz), size 104, sync flags, composition offset 3600
        int s0 = trun.offset() + 20;
        assertEquals(3600, Boxes.u32(frag, s0));
        assertEquals(104, Boxes.u32(frag, s0 + 4));
        assertEquals(0x02000000, Boxes.u32(frag, s0 + 8));
        assertEquals(3600, Boxes.u32(frag, s0 + 12));
        assertEquals(0x01010000, Boxes.u32(frag, s0 + 16 + 8), "second sample is not a sync sample");
        assertEquals(0x65, frag[mdat.offset() + 8 + 4] & 0xFF, "mdat starts with the first NAL (length-prefixed)");
        Boxes audioTrun = moof.all("traf").get(1).child("trun");
        int audioOffset = Boxes.u32(frag, audioTrun.offset() + 16);
        int videoBytes = 0;
        for (int i = 0; i < 9; i++) {
            videoBytes += 104 + i;
        }
        assertEquals(dataOffset + videoBytes, audioOffset, "audio samples follow the video samples");

        m.add(TestMedia.video(10 * 40_000L, 10 * 40_000L, false, 10));
        byte[] next = m.flushFragment();
        List<Boxes> t2 = Boxes.parse(next, 0, next.length);
        Boxes tfdt = t2.get(0).all("traf").get(0).child("tfdt");
        long base = (long) Boxes.u32(next, tfdt.offset() + 12) << 32 | (Boxes.u32(next, tfdt.offset() + 16) & 0xFFFFFFFFL);
        assertEquals(9 * 3600, base, "next fragment's decode time continues where the first ended");
        assertEquals(2, Boxes.u32(next, t2.get(0).child("mfhd").offset() + 12), "fragment sequence number");
    }
}
