package org.estuary.core.mpegts;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.estuary.core.codec.AvcConfig;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.junit.jupiter.api.Test;

class TsDemuxerTest {
    static final byte[] SPS = HexFormat.of().parseHex("6742c01fd9005005bb0110000003001000000303c0f1832480");
    static final byte[] PPS = HexFormat.of().parseHex("68cb83cb20");

    /** 2 s of 25 fps H.264 (IDR every 25) + AAC LC 48 kHz stereo, as an encoder would send it. */
    static byte[] sampleStream(long startPts90k) {
        TsTestWriter w = new TsTestWriter();
        w.tables();
        for (int i = 0; i < 50; i++) {
            if (i % 10 == 9) {
                w.tables(); // encoders repeat PAT/PMT a few times a second
            }
            long pts = startPts90k + i * 3600L;
            boolean idr = i % 25 == 0;
            byte[] big = new byte[idr ? 3000 : 400];
            big[0] = (byte) (idr ? 0x65 : 0x41);
            for (int k = 1; k < big.length; k++) {
                big[k] = (byte) (k % 251 + 1); // no accidental start codes
            }
            var es = new java.io.ByteArrayOutputStream();
            es.writeBytes(new byte[] {0, 0, 0, 1, 0x09, (byte) 0xF0});
            if (idr) {
                es.writeBytes(new byte[] {0, 0, 0, 1});
                es.writeBytes(SPS);
                es.writeBytes(new byte[] {0, 0, 0, 1});
                es.writeBytes(PPS);
            }
            es.writeBytes(new byte[] {0, 0, 1});
            es.writeBytes(big);
            w.pes(TsTestWriter.VIDEO_PID, 0xE0, pts + 3600, pts, es.toByteArray(), false);
            if (i % 2 == 0) {
                w.pes(TsTestWriter.AUDIO_PID, 0xC0, pts, -1, adts(2, 48000), true);
            }
        }
        return w.bytes();
    }

    static byte[] adts(int frames, int rate) {
        var out = new java.io.ByteArrayOutputStream();
        for (int f = 0; f < frames; f++) {
            int payload = 20;
            int len = 7 + payload;
            int rateIndex = rate == 48000 ? 3 : 4;
            out.write(0xFF);
            out.write(0xF1);
            out.write((1 << 6) | (rateIndex << 2)); // LC, rate, channel bits high = 0
            out.write((2 << 6) | (len >> 11)); // 2 channels
            out.write((len >> 3) & 0xFF);
            out.write(((len & 7) << 5) | 0x1F);
            out.write(0xFC);
            for (int i = 0; i < payload; i++) {
                out.write(0x21 + f);
            }
        }
        return out.toByteArray();
    }

    private static List<Frame> demux(byte[] ts, int chunk) {
        List<Frame> frames = new ArrayList<>();
        TsToFrames conv = new TsToFrames(frames::add, 5_000_000, true, true);
        TsDemuxer d = new TsDemuxer(conv::accept, 4 << 20);
        for (int i = 0; i < ts.length; i += chunk) {
            d.feed(ts, i, Math.min(chunk, ts.length - i));
        }
        d.flush();
        return frames;
    }

    @Test
    void h264AndAacBecomeConfigAndLengthPrefixedFrames() throws Exception {
        List<Frame> frames = demux(sampleStream(900_000), 1316);
        Frame vcfg = frames.stream().filter(f -> f.isConfig() && f.codec() == Codec.H264).findFirst().orElseThrow();
        AvcConfig avc = AvcConfig.parse(vcfg.payload());
        assertEquals(1280, avc.firstSps().width());
        assertArrayEquals(PPS, avc.pps().get(0));
        List<Frame> video = frames.stream().filter(f -> f.isVideo() && !f.isConfig()).toList();
        assertEquals(50, video.size());
        assertTrue(video.get(0).isKeyframe());
        assertFalse(video.get(1).isKeyframe());
        assertEquals(2, video.stream().filter(Frame::isKeyframe).count());
        byte[] p = video.get(1).payload();
        assertEquals(400, ((p[0] & 0xFF) << 24) | ((p[1] & 0xFF) << 16) | ((p[2] & 0xFF) << 8) | (p[3] & 0xFF),
                "one length-prefixed NAL without AUD/SPS/PPS");
        assertEquals(4 + 400, p.length);
        assertEquals(0, video.get(0).dtsUs(), "clock starts at 0");
        assertEquals(40_000, video.get(0).ptsUs(), "composition offset kept");
        assertEquals(40_000, video.get(1).dtsUs());
        List<Frame> audio = frames.stream().filter(f -> f.isAudio() && !f.isConfig()).toList();
        assertEquals(50, audio.size(), "two ADTS frames per PES");
        assertEquals(20, audio.get(0).size());
        assertEquals(21_333, audio.get(1).dtsUs(), "second frame of a PES is 1024 samples later");
        assertTrue(frames.stream().anyMatch(f -> f.isConfig() && f.codec() == Codec.AAC));
    }

    @Test
    void anyChunkingGivesTheSameFrames() {
        byte[] ts = sampleStream(0);
        List<Frame> whole = demux(ts, ts.length);
        for (int chunk : new int[] {1, 7, 188, 1000}) {
            List<Frame> split = demux(ts, chunk);
            assertEquals(whole.size(), split.size(), "chunk " + chunk);
            for (int i = 0; i < whole.size(); i++) {
                assertArrayEquals(whole.get(i).payload(), split.get(i).payload());
                assertEquals(whole.get(i).dtsUs(), split.get(i).dtsUs());
            }
        }
    }

    @Test
    void garbageBetweenPacketsIsSkipped() {
        byte[] ts = sampleStream(0);
        Random r = new Random(3);
        var dirty = new java.io.ByteArrayOutputStream();
        byte[] junk = new byte[37];
        r.nextBytes(junk);
        junk[0] = 0x47; // a false sync byte
        dirty.writeBytes(junk);
        for (int i = 0; i < ts.length; i += 188) {
            dirty.write(ts, i, 188);
            if (i % (188 * 40) == 0) {
                dirty.writeBytes(new byte[] {1, 2, 3});
            }
        }
        List<Frame> frames = demux(dirty.toByteArray(), 1316);
        List<Frame> video = frames.stream().filter(f -> f.isVideo() && !f.isConfig()).toList();
        // The first tables are lost to the garbage: decoding restarts at the next tables + IDR (frame 25).
        assertEquals(25, video.size(), "video frames after garbage");
        assertTrue(video.get(0).isKeyframe());
    }

    @Test
    void lostPacketsAreCountedAndMarked() {
        byte[] ts = sampleStream(0);
        var lossy = new java.io.ByteArrayOutputStream();
        int n = 0;
        for (int i = 0; i < ts.length; i += 188) {
            if (++n % 50 != 0) {
                lossy.write(ts, i, 188);
            }
        }
        List<TsDemuxer.Pes> pes = new ArrayList<>();
        TsDemuxer d = new TsDemuxer(pes::add, 1 << 20);
        byte[] b = lossy.toByteArray();
        d.feed(b, 0, b.length);
        d.flush();
        assertTrue(d.continuityErrors() > 0);
        assertTrue(pes.stream().anyMatch(p -> !p.intact()));
        assertTrue(pes.stream().filter(TsDemuxer.Pes::intact).count() > 50, "the rest still comes through");
    }

    @Test
    void timestampJumpIsFoldedIntoAContinuousClock() {
        byte[] a = sampleStream(1_000_000);
        byte[] b = sampleStream(50_000_000); // encoder restart: +9 minutes
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        List<Frame> frames = demux(both, 1316);
        List<Frame> video = frames.stream().filter(f -> f.isVideo() && !f.isConfig()).toList();
        for (int i = 1; i < video.size(); i++) {
            long step = video.get(i).dtsUs() - video.get(i - 1).dtsUs();
            assertTrue(step > 0 && step < 200_000, "rising smoothly at " + i + ": " + step);
        }
    }

    @Test
    void randomAndTruncatedInputNeverThrows() {
        Random r = new Random(42);
        byte[] valid = sampleStream(0);
        for (int i = 0; i < 2000; i++) {
            byte[] data;
            if (i % 2 == 0) {
                data = new byte[r.nextInt(4000)];
                r.nextBytes(data);
                if (data.length > 0) {
                    data[0] = 0x47;
                }
            } else {
                data = java.util.Arrays.copyOf(valid, r.nextInt(valid.length));
                for (int k = 0; k < 20 && data.length > 0; k++) {
                    data[r.nextInt(data.length)] = (byte) r.nextInt();
                }
            }
            List<Frame> frames = new ArrayList<>();
            TsToFrames conv = new TsToFrames(frames::add, 5_000_000, true, true);
            TsDemuxer d = new TsDemuxer(conv::accept, 1 << 16);
            byte[] fd = data;
            assertDoesNotThrow(() -> {
                d.feed(fd, 0, fd.length);
                d.flush();
            });
        }
    }
}
