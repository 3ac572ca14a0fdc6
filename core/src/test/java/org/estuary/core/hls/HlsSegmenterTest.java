package org.estuary.core.hls;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HlsSegmenterTest {
    /** Records files like a store would. */
    static final class Sink implements HlsSink {
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final List<String> removed = new ArrayList<>();
        int changes;

        @Override
        public void put(String name, byte[] data, boolean segment) {
            files.put(name, data);
        }

        @Override
        public void remove(String name) {
            files.remove(name);
            removed.add(name);
        }

        @Override
        public void changed() {
            changes++;
        }
    }

    /** 25 fps video with a keyframe every {@code gopFrames}, 50 audio frames/s, from {@code startUs}. */
    private static void feed(HlsSegmenter s, long startUs, int videoFrames, int gopFrames) throws Exception {
        s.feed(TestMedia.videoConfig(), 0);
        s.feed(TestMedia.audioConfig(), 0);
        for (int i = 0; i < videoFrames; i++) {
            long t = startUs + i * 40_000L;
            long arrivalMs = 1_700_000_000_000L + t / 1000;
            s.feed(TestMedia.video(t, t, i % gopFrames == 0, 200), arrivalMs);
            s.feed(TestMedia.audio(t, 60), arrivalMs);
            s.feed(TestMedia.audio(t + 20_000, 60), arrivalMs + 20);
        }
    }

    private static List<Double> extinf(String playlist) {
        List<Double> d = new ArrayList<>();
        Matcher m = Pattern.compile("#EXTINF:([0-9.]+),").matcher(playlist);
        while (m.find()) {
            d.add(Double.parseDouble(m.group(1)));
        }
        return d;
    }

    @Test
    void classicSegmentsCutOnKeyframesAndTheWindowSlides() throws Exception {
        Sink sink = new Sink();
        HlsSegmenter s = new HlsSegmenter(new HlsSettings(2_000_000, 3, false, 0), sink);
        feed(s, 0, 25 * 11, 25); // 11 s, keyframe every second
        String p = s.mediaPlaylist();
        assertTrue(p.startsWith("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n"), p);
        assertEquals(List.of(2.0, 2.0, 2.0), extinf(p), p);
        // segments 0..4 complete (10 s), window of 3 => 2,3,4
        assertTrue(p.contains("#EXT-X-MEDIA-SEQUENCE:2\n"), p);
        assertTrue(p.contains("2.ts\n") && p.contains("4.ts\n") && !p.contains("1.ts"), p);
        assertFalse(p.contains("EXT-X-PART"), p);
        // RFC 8216 6.2.2: out of the playlist, a segment stays fetchable for its duration plus the
        // playlist's (2 + 6 s of media here): 0.ts left at 8 s, 1.ts at 10 s
        assertEquals(List.of(), sink.removed, "segments kept a while after they leave the window");
        assertTrue(sink.files.containsKey("0.ts") && sink.files.containsKey("4.ts"));
        assertEquals(0, sink.files.get("4.ts").length % 188);
        // segment 2 starts at media time 4 s, which arrived at 1_700_000_004_000
        assertTrue(p.contains("#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:24.000Z\n"), p);
        feed(s, 11_000_000L, 25 * 10, 25); // on to 21 s
        assertEquals(List.of("0.ts", "1.ts", "2.ts"), sink.removed, "removed 8 s of media after leaving the window");
    }

    @Test
    void segmentsNeverCutBetweenKeyframes() throws Exception {
        Sink sink = new Sink();
        HlsSegmenter s = new HlsSegmenter(new HlsSettings(2_000_000, 10, false, 0), sink);
        feed(s, 0, 25 * 9 + 1, 75); // keyframe every 3 s, target 2 s
        String p = s.mediaPlaylist();
        assertEquals(List.of(3.0, 3.0, 3.0), extinf(p), p);
        assertTrue(p.contains("#EXT-X-TARGETDURATION:3\n"), "target covers the longest segment: " + p);
    }

    @Test
    void publisherRestartAddsDiscontinuityAndKeepsNumbersAndTimeRising() throws Exception {
        Sink sink = new Sink();
        HlsSegmenter s = new HlsSegmenter(new HlsSettings(2_000_000, 10, false, 0), sink);
        feed(s, 5_000_000, 25 * 4 + 1, 25);
        s.sourceEnded();
        feed(s, 0, 25 * 4 + 1, 25); // the new publisher's clock starts at 0
        String p = s.mediaPlaylist();
        assertEquals(1, p.split("#EXT-X-DISCONTINUITY\n", -1).length - 1, p);
        int disc = p.indexOf("#EXT-X-DISCONTINUITY\n");
        assertTrue(p.indexOf("2.ts") < disc && disc < p.indexOf("3.ts"), "discontinuity before the first new segment: " + p);
        List<Long> sequences = s.window().stream().map(HlsSegment::sequence).toList();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), sequences, "5 is open (one frame so far)");
        assertTrue(s.window().get(3).discontinuity());
        assertFalse(s.window().get(4).discontinuity());
        // the new clock was shifted to continue after the old one (5 s + 4 s + one frame)
        assertEquals(9_040_000, firstVideoDts(sink.files.get("3.ts")));
    }

    /** Decode time (microseconds, lead removed) of the first video PES of a TS segment. */
    private static long firstVideoDts(byte[] ts) {
        for (int off = 0; off < ts.length; off += 188) {
            int pid = (ts[off + 1] & 0x1F) << 8 | (ts[off + 2] & 0xFF);
            if (pid == org.estuary.core.mpegts.TsMuxer.VIDEO_PID && (ts[off + 1] & 0x40) != 0) {
                int p = off + 4;
                if ((ts[off + 3] & 0x20) != 0) {
                    p += 1 + (ts[p] & 0xFF);
                }
                int at = (ts[p + 7] & 0xC0) == 0xC0 ? p + 14 : p + 9; // DTS, or PTS when they are equal
                long d = ((long) (ts[at] & 0x0E) << 29) | ((ts[at + 1] & 0xFF) << 22) | ((ts[at + 2] & 0xFE) << 14)
                        | ((ts[at + 3] & 0xFF) << 7) | ((ts[at + 4] & 0xFE) >> 1);
                return (d - 9_000) * 100 / 9;
            }
        }
        throw new AssertionError("no video PES");
    }

    @Test
    void discontinuitySequenceCountsDiscontinuitiesThatLeftTheWindow() throws Exception {
        Sink sink = new Sink();
        HlsSegmenter s = new HlsSegmenter(new HlsSettings(2_000_000, 2, false, 0), sink);
        feed(s, 0, 25 * 2 + 1, 25);
        s.sourceEnded();
        feed(s, 0, 25 * 8 + 1, 25);
        String p = s.mediaPlaylist();
        assertTrue(p.contains("#EXT-X-DISCONTINUITY-SEQUENCE:1\n"), p);
        assertFalse(p.contains("#EXT-X-DISCONTINUITY\n"), p);
    }

    @Test
    void lowLatencyListsPartsHintsAndServerControl() throws Exception {
        Sink sink = new Sink();
        HlsSegmenter s = new HlsSegmenter(new HlsSettings(2_000_000, 6, true, 400_000), sink);
        feed(s, 0, 25 * 5, 25); // 5 s
        String p = s.mediaPlaylist();
        assertTrue(p.contains("#EXT-X-VERSION:9\n"), p);
        assertTrue(p.contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.200\n"), p);
        assertTrue(p.contains("#EXT-X-PART-INF:PART-TARGET=0.400\n"), p);
        assertTrue(p.contains("#EXT-X-MAP:URI=\"init-0.mp4\"\n"), p);
        assertTrue(p.contains("#EXT-X-PART:DURATION=0.400,URI=\"0.0.m4s\",INDEPENDENT=YES\n"), p);
        assertTrue(p.contains("#EXT-X-PART:DURATION=0.400,URI=\"0.1.m4s\"\n"), p);
        assertEquals(List.of(2.0, 2.0), extinf(p), p);
        // segment 2 is open: its parts so far and a hint for the next one
        assertTrue(p.contains("URI=\"2.1.m4s\""), p);
        assertTrue(p.endsWith("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"2.2.m4s\"\n"), p);
        assertTrue(s.hasPart(2, 1));
        assertFalse(s.hasPart(2, 2));
        assertTrue(s.hasSegment(1));
        assertFalse(s.hasSegment(2));
        assertTrue(sink.files.containsKey("init-0.mp4"));
        byte[] seg = sink.files.get("1.m4s");
        int partBytes = 0;
        for (int i = 0; i < 5; i++) {
            partBytes += sink.files.get("1." + i + ".m4s").length;
        }
        assertEquals(partBytes, seg.length, "a segment is the concatenation of its parts");
        for (HlsSegment x : s.window()) {
            for (HlsPart part : x.parts()) {
                assertTrue(part.durationSec() <= 0.4 + 1e-9, "part within PART-TARGET: " + part);
            }
        }
    }

    /** Samples per track id in one moof (tfhd track id -> trun sample count). */
    private static Map<Integer, Integer> samplesPerTrack(byte[] fragment) {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(fragment);
        int moofEnd = b.getInt(0);
        int track = -1;
        for (int i = 8; i + 8 <= moofEnd; ) {
            int size = b.getInt(i);
            String type = new String(fragment, i + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (type.equals("traf")) {
                i += 8; // descend
                continue;
            }
            if (type.equals("tfhd")) {
                track = b.getInt(i + 12);
            } else if (type.equals("trun")) {
                out.put(track, b.getInt(i + 12));
            }
            i += size;
        }
        return out;
    }

    @Test
    void lowLatencyPartsCarryTheAudioUpToTheirCutEvenWhenItArrivesAfterTheCuttingVideoFrame() throws Exception {
        Sink sink = new Sink();
        HlsSegmenter s = new HlsSegmenter(new HlsSettings(2_000_000, 6, true, 400_000), sink);
        feed(s, 0, 25 * 3, 25); // audio of time t arrives just after the video frame of time t
        // 0.4 s parts: 10 video frames and 20 audio frames of 20 ms each, so audio ends where video does
        // (cut at the video frame alone, the last audio frame would wait in the next part: hls.js then
        // sees a part ending 20 ms short and reloads it forever)
        for (String part : List.of("0.0.m4s", "0.1.m4s", "0.4.m4s", "1.0.m4s")) {
            assertEquals(Map.of(1, 10, 2, 20), samplesPerTrack(sink.files.get(part)), part);
        }
    }

    @Test
    void firstPlaylistOfALowLatencyAgentWaitsForLivePartsPastAKeyframe() throws Exception {
        Sink sink = new Sink();
        HlsSegmenter s = new HlsSegmenter(new HlsSettings(2_000_000, 6, true, 400_000), sink);
        s.feed(TestMedia.videoConfig(), 0);
        s.feed(TestMedia.audioConfig(), 0);
        long now = 1_700_000_000_000L;
        // a GOP replayed from the hub's cache: 2 s of frames arriving at once
        for (int i = 0; i < 50; i++) {
            long t = i * 40_000L;
            s.feed(TestMedia.video(t, t, i == 0, 200), now);
            s.feed(TestMedia.audio(t, 60), now);
            s.feed(TestMedia.audio(t + 20_000, 60), now);
        }
        assertFalse(s.startableAtLiveEdge(), "nothing complete yet");
        // then live frames, 40 ms apart in arrival as in media time
        for (int i = 50; i < 100; i++) { // up to the next keyframe
            long t = i * 40_000L;
            long arrival = now + (i - 49) * 40L;
            s.feed(TestMedia.video(t, t, i % 50 == 0, 200), arrival);
            s.feed(TestMedia.audio(t, 60), arrival);
            s.feed(TestMedia.audio(t + 20_000, 60), arrival);
            long sinceKeyframe = t - 2_000_000; // the first live keyframe
            if (s.hasContent() && sinceKeyframe >= 40_000 && sinceKeyframe < 1_200_000) { // keyframe cut made
                assertFalse(s.startableAtLiveEdge(), "live parts past the live keyframe cover less than "
                        + "PART-HOLD-BACK at " + t);
            }
            if (sinceKeyframe >= 1_250_000) {
                assertTrue(s.startableAtLiveEdge(), "three live parts after the keyframe at " + t);
            }
        }
    }

    @Test
    void lowLatencyPartsLeaveThePlaylistAfterThreeSegments() throws Exception {
        Sink sink = new Sink();
        HlsSegmenter s = new HlsSegmenter(new HlsSettings(1_000_000, 10, true, 500_000), sink);
        feed(s, 0, 25 * 7 + 1, 25);
        String p = s.mediaPlaylist();
        assertFalse(p.contains("URI=\"2.0.m4s\""), p);
        assertTrue(p.contains("URI=\"4.0.m4s\""), p);
        assertFalse(sink.removed.contains("0.0.m4s"), "a part out of the playlist is still served a while");
        feed(s, (25 * 7 + 1) * 40_000L, 25 * 10, 25); // 10 s more: past the part's and the playlist's duration
        assertTrue(sink.removed.contains("0.0.m4s"));
        assertFalse(sink.files.containsKey("0.1.m4s"));
    }

    @Test
    void masterPlaylistListsTheVariant() {
        String m = PlaylistWriter.master(List.of(new PlaylistWriter.Variant("cam.m3u8", 1_200_000, 640, 360,
                "avc1.42C01E,mp4a.40.2")), false);
        assertEquals("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n"
                + "#EXT-X-STREAM-INF:BANDWIDTH=1200000,RESOLUTION=640x360,CODECS=\"avc1.42C01E,mp4a.40.2\"\ncam.m3u8\n", m);
    }

    /** Key frames every 2 s of media time (plus the first frame), 25 fps, from {@code startUs} to 12 s. */
    private static void feedAligned(HlsSegmenter s, long startUs) throws Exception {
        s.feed(TestMedia.videoConfig(), 0);
        s.feed(TestMedia.audioConfig(), 0);
        for (long t = startUs; t < 12_000_000L; t += 40_000L) {
            long arrivalMs = 1_700_000_000_000L + t / 1000;
            s.feed(TestMedia.video(t, t, t == startUs || t % 2_000_000L == 0, 200), arrivalMs);
            s.feed(TestMedia.audio(t, 60), arrivalMs);
        }
    }

    @Test
    void renditionsStartedAtDifferentTimesNumberTheSameSegmentAlike() throws Exception {
        HlsSegmenter early = new HlsSegmenter(new HlsSettings(2_000_000, 10, false, 0), new Sink()).sequencesFromMediaTime();
        HlsSegmenter late = new HlsSegmenter(new HlsSettings(2_000_000, 10, false, 0), new Sink()).sequencesFromMediaTime();
        feedAligned(early, 0);
        feedAligned(late, 3_040_000L);
        String a = early.mediaPlaylist();
        String b = late.mediaPlaylist();
        assertTrue(a.contains("#EXT-X-MEDIA-SEQUENCE:0\n"), a);
        assertTrue(b.contains("#EXT-X-MEDIA-SEQUENCE:1\n"), "the late start's short segment is number 1: " + b);
        for (HlsSegmenter s : List.of(early, late)) {
            for (var seg : s.window()) {
                if (seg.complete() && seg.sequence() >= 2) {
                    assertEquals(2.0, seg.durationSec(), 0.001, "segment " + seg.sequence() + " spans [2n, 2n+2) s");
                }
            }
        }
        assertEquals(List.of(2L, 3L, 4L), late.window().stream().filter(x -> x.complete() && x.sequence() >= 2)
                .map(x -> x.sequence()).toList());
        assertEquals(List.of(2L, 3L, 4L), early.window().stream().filter(x -> x.complete() && x.sequence() >= 2)
                .map(x -> x.sequence()).toList());
    }
}
