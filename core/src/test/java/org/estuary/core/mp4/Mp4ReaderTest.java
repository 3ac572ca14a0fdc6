package org.estuary.core.mp4;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.estuary.core.codec.AacConfig;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.media.Codec;
import org.junit.jupiter.api.Test;

class Mp4ReaderTest {
    /** ffmpeg: 2 s testsrc2 160x120 10 fps H.264 main with B-frames + AAC 44.1 kHz stereo, faststart. */
    private static byte[] sample() throws IOException {
        try (InputStream in = Mp4ReaderTest.class.getResourceAsStream("/mp4/small-h264-aac.mp4")) {
            return in.readAllBytes();
        }
    }

    static Mp4Reader.Source of(byte[] data) {
        return new Mp4Reader.Source() {
            @Override
            public long size() {
                return data.length;
            }

            @Override
            public void read(long pos, byte[] dst, int off, int len) throws IOException {
                if (pos < 0 || pos + len > data.length) {
                    throw new IOException("read past end");
                }
                System.arraycopy(data, (int) pos, dst, off, len);
            }
        };
    }

    @Test
    void indexesVideoAndAudioTracksAsFfprobeSeesThem() throws Exception {
        byte[] file = sample();
        List<Mp4TrackIndex> tracks = Mp4Reader.read(of(file));
        assertEquals(2, tracks.size());
        Mp4TrackIndex v = tracks.stream().filter(t -> t.codec() == Codec.H264).findFirst().orElseThrow();
        Mp4TrackIndex a = tracks.stream().filter(t -> t.codec() == Codec.AAC).findFirst().orElseThrow();
        assertEquals(20, v.sampleCount());
        assertEquals(160, v.width());
        assertEquals(120, AvcConfig.parse(v.config()).firstSps().height());
        assertTrue(v.sync()[0]);
        assertEquals(2, countTrue(v.sync()), "keyframe every 10 frames");
        assertEquals(0, v.ptsUs(0), "edit list applied: first picture presents at 0 like ffprobe says");
        assertTrue(v.dtsUs(0) < 0, "B-frame delay shows as negative decode time");
        assertEquals(88, a.sampleCount());
        AacConfig asc = AacConfig.parse(a.config());
        assertEquals(44100, asc.sampleRate());
        assertEquals(2, asc.channels());
        assertEquals(2_000_000, v.durationUs(), 100_001);
        // Sample bytes are where the index says: an AVCC IDR NAL in the first video sample.
        int off = (int) v.offsets()[0];
        int nalLen = ((file[off] & 0xFF) << 24) | ((file[off + 1] & 0xFF) << 16) | ((file[off + 2] & 0xFF) << 8) | (file[off + 3] & 0xFF);
        assertTrue(nalLen > 0 && nalLen <= v.sizes()[0] - 4);
    }

    private static int countTrue(boolean[] b) {
        int n = 0;
        for (boolean x : b) {
            n += x ? 1 : 0;
        }
        return n;
    }

    @Test
    void notAnMp4IsAFormatError() {
        assertThrows(Mp4FormatException.class, () -> Mp4Reader.read(of("hello, this is not a video file".getBytes())));
        assertThrows(Mp4FormatException.class, () -> Mp4Reader.read(of(new byte[0])));
    }

    @Test
    void truncatedAndCorruptedFilesFailCleanly() throws Exception {
        byte[] file = sample();
        Random r = new Random(5);
        for (int i = 0; i < 500; i++) {
            byte[] d = i % 2 == 0 ? Arrays.copyOf(file, r.nextInt(file.length)) : file.clone();
            if (i % 2 == 1) {
                for (int k = 0; k < 10; k++) {
                    d[r.nextInt(Math.min(d.length, 3000))] = (byte) r.nextInt(); // hit the moov at the front
                }
            }
            try {
                Mp4Reader.read(of(d));
            } catch (Mp4FormatException | IOException expected) {
                // a clean failure
            }
        }
    }
}
