package org.estuary.core.mp4;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.estuary.core.codec.AacConfig;
import org.estuary.core.media.Codec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4RecordingFileTest {
    @TempDir
    Path dir;

    private static final byte[] AVCC = {1, 0x42, (byte) 0xC0, 0x1E, (byte) 0xFF, (byte) 0xE1, 0, 4, 0x67, 0x42, (byte) 0xC0, 0x1E,
            1, 0, 2, 0x68, (byte) 0xCE};

    /** 3 s of 25 fps video (keyframe every second) and AAC at 48 kHz. */
    private static void feed(Mp4RecordingFile f) throws Exception {
        int v = f.addTrack(Mp4Track.video(Codec.H264, AVCC, 640, 360));
        int a = f.addTrack(Mp4Track.audio(Codec.AAC, AacConfig.build(2, 48_000, 2), 48_000, 2));
        long audioUs = 0;
        for (int i = 0; i < 75; i++) {
            long us = i * 40_000L;
            while (audioUs <= us) {
                f.writeSample(a, audioUs, audioUs, true, new byte[] {1, 2, 3});
                audioUs += 21_333;
            }
            f.writeSample(v, us, us, i % 25 == 0, new byte[] {0, 0, 0, 2, 0x65, (byte) i});
        }
    }

    @Test
    void finishedFileIsProgressiveWithFullSampleTables() throws Exception {
        Path p = dir.resolve("a.mp4");
        Mp4RecordingFile f = Mp4RecordingFile.create(p, 4096);
        feed(f);
        long ms = f.finish();
        assertEquals(3000, ms, 50);
        List<BoxTree> roots = BoxTree.parse(Files.readAllBytes(p));
        List<String> top = roots.stream().map(BoxTree::type).toList();
        assertEquals("ftyp", top.get(0));
        assertFalse(top.contains("moof"), top.toString());
        assertEquals(1, top.stream().filter("moov"::equals).count(), top.toString());
        assertEquals("moov", top.get(top.size() - 1));
        List<BoxTree> stsz = BoxTree.all(roots, "moov/trak/mdia/minf/stbl/stsz");
        assertEquals(2, stsz.size());
        assertEquals(75, stsz.get(0).body().getInt(8), "video sample count");
        assertEquals(139, stsz.get(1).body().getInt(8), "audio sample count");
        List<BoxTree> stss = BoxTree.all(roots, "moov/trak/mdia/minf/stbl/stss");
        assertEquals(1, stss.size());
        assertEquals(3, stss.get(0).body().getInt(4), "three keyframes");
        assertTrue(BoxTree.all(roots, "moov/mvex").isEmpty());
        assertEquals(1, BoxTree.all(roots, "moov/trak/mdia/minf/stbl/stsd").stream()
                .filter(b -> new String(b.body().array(), b.offset() + 20, 4, java.nio.charset.StandardCharsets.ISO_8859_1)
                        .equals("avc1")).count());
        // chunk offsets point at the sample bytes: the first video sample is 0,0,0,2,0x65,0
        BoxTree stco = BoxTree.all(roots, "moov/trak/mdia/minf/stbl/stco").get(0);
        int firstChunk = stco.body().getInt(8);
        byte[] file = Files.readAllBytes(p);
        assertEquals(0x65, file[firstChunk + 4]);
        assertEquals(0, file[firstChunk + 5]);
    }

    @Test
    void unfinishedFileIsFragmentedAndParsable() throws Exception {
        Path p = dir.resolve("b.mp4");
        Mp4RecordingFile f = Mp4RecordingFile.create(p, 4096);
        feed(f);
        f.close(); // like a crash: no finish()
        List<BoxTree> roots = BoxTree.parse(Files.readAllBytes(p));
        assertEquals(List.of("ftyp", "moov", "free"), roots.stream().map(BoxTree::type).toList().subList(0, 3));
        assertEquals(1, BoxTree.all(roots, "moov/mvex").size());
        assertEquals(2, BoxTree.all(roots, "moov/mvex/trex").size());
        List<BoxTree> moofs = BoxTree.all(roots, "moof");
        assertTrue(moofs.size() >= 2, "a fragment per second: " + moofs.size());
        int videoSamples = 0;
        for (BoxTree traf : BoxTree.all(roots, "moof/traf")) {
            BoxTree tfhd = traf.children().get(0);
            BoxTree trun = traf.children().get(2);
            assertEquals("trun", trun.type());
            if (tfhd.body().getInt(4) == 1) {
                videoSamples += trun.body().getInt(4);
            }
        }
        // all but the held-back last sample and the unflushed last fragment
        assertTrue(videoSamples >= 45 && videoSamples < 75, "video samples in fragments: " + videoSamples);
    }

    @Test
    void tracksAddedLaterGetAnEditList() throws Exception {
        Path p = dir.resolve("c.mp4");
        Mp4RecordingFile f = Mp4RecordingFile.create(p, Mp4RecordingFile.DEFAULT_HEADER_RESERVE);
        int v1 = f.addTrack(Mp4Track.video(Codec.H264, AVCC, 640, 360));
        for (int i = 0; i < 50; i++) {
            f.writeSample(v1, i * 40_000L, i * 40_000L, i % 25 == 0, new byte[] {0, 0, 0, 1, 0x65});
        }
        int v2 = f.addTrack(Mp4Track.video(Codec.H264, AVCC, 320, 180));
        assertTrue(f.headerCurrent());
        for (int i = 50; i < 100; i++) {
            f.writeSample(v1, i * 40_000L, i * 40_000L, i % 25 == 0, new byte[] {0, 0, 0, 1, 0x65});
            f.writeSample(v2, i * 40_000L, i * 40_000L, i % 25 == 0, new byte[] {0, 0, 0, 1, 0x65});
        }
        f.finish();
        List<BoxTree> roots = BoxTree.parse(Files.readAllBytes(p));
        assertEquals(2, BoxTree.all(roots, "moov/trak").size());
        List<BoxTree> elst = BoxTree.all(roots, "moov/trak/edts/elst");
        assertEquals(1, elst.size(), "only the late track has an edit");
        assertEquals(2000, elst.get(0).body().getInt(8), "empty edit of 2 s");
    }
}
