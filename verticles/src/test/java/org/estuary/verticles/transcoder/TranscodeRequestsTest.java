package org.estuary.verticles.transcoder;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import org.estuary.core.media.Codec;
import org.estuary.core.media.Frame;
import org.estuary.verticles.agent.ControlError;
import org.junit.jupiter.api.Test;

class TranscodeRequestsTest {

    private static JsonObject body(String uri, JsonObject encoder) {
        return new JsonObject().put("uri", uri).put("remoteStreamName", "a").put("localStreamName", "b")
                .put("encoder", encoder);
    }

    @Test
    void acceptsTheReferenceShapesAndStringNumbers() throws Exception {
        TranscodeSpec v1 = TranscodeRequests.parse(body("transcoder://tcode1", new JsonObject().put("width", "640")
                .put("height", 360).put("fps", 15).put("keyFrameInterval", 30).put("bitrate", 500).put("type", "OPENH264")), false);
        assertEquals(640, v1.width());
        assertEquals("libopenh264", v1.encoderName());
        assertNull(v1.audioCodec(), "v1 passes audio through");
        TranscodeSpec v2 = TranscodeRequests.parse(body("transcoder2://tcode2", new JsonObject().put("videoCodec", "H264")
                .put("audioCodec", "mpeg4-generic").put("width", 321).put("height", 240).put("fps", 30)
                .put("audioRate", 44100).put("audioBitrate", 64000)), true);
        assertEquals(Codec.AAC, v2.audioCodec());
        assertEquals(320, v2.width(), "odd sizes rounded down to even");
        assertEquals(44100, v2.audioRate());
    }

    @Test
    void refusesImpossibleValues() {
        JsonObject ok = new JsonObject().put("width", 640).put("height", 360);
        for (JsonObject bad : new JsonObject[] {ok.copy().put("fps", 0), ok.copy().put("width", -2),
                ok.copy().put("height", 99999), ok.copy().put("keyFrameInterval", 0), ok.copy().put("type", "VP8X"),
                ok.copy().put("bitrate", -1), ok.copy().put("fps", 2.5), ok.copy().put("width", "wide")}) {
            assertThrows(ControlError.class, () -> TranscodeRequests.parse(body("transcoder://x", bad), false), bad.encode());
        }
        assertThrows(ControlError.class, () -> TranscodeRequests.parse(body("transcoder2://x", ok), false), "v2 uri on v1");
        assertThrows(ControlError.class, () -> TranscodeRequests.parse(body("transcoder://a/../b", ok), false));
        assertThrows(ControlError.class, () -> TranscodeRequests.parse(body("transcoder2://x",
                ok.copy().put("audioCodec", "speex")), true));
        assertThrows(ControlError.class, () -> TranscodeRequests.parse(body("transcoder2://x",
                ok.copy().put("videoCodec", "VP8")), true));
    }

    @Test
    void outputSizeKeepsTheAspectRatioAndEvenSizes() {
        assertArrayEquals(new int[] {640, 360}, TranscoderVideo.outputSize(640, 0, 1280, 720));
        assertArrayEquals(new int[] {640, 360}, TranscoderVideo.outputSize(0, 360, 1280, 720));
        assertArrayEquals(new int[] {480, 360}, TranscoderVideo.outputSize(0, 360, 640, 480));
        assertArrayEquals(new int[] {1280, 720}, TranscoderVideo.outputSize(0, 0, 1280, 720));
        int[] odd = TranscoderVideo.outputSize(0, 100, 1366, 768);   // 177.86 -> 178
        assertEquals(0, odd[0] % 2);
        assertEquals(100, odd[1]);
    }

    @Test
    void sourceClockKeepsTimesRisingAcrossARestart() {
        SourceClock clock = new SourceClock();
        assertEquals(5_000_000, clock.map(Frame.media(Codec.H264, 5_000_000, 5_000_000, true, new byte[1])).dtsUs());
        assertEquals(5_040_000, clock.map(Frame.media(Codec.H264, 5_040_000, 5_040_000, false, new byte[1])).dtsUs());
        clock.rebase();   // the source was published again, its clock back at 0
        long t = clock.map(Frame.media(Codec.H264, 0, 0, true, new byte[1])).dtsUs();
        assertTrue(t > 5_040_000, "continues after the last time: " + t);
        assertEquals(t + 40_000, clock.map(Frame.media(Codec.H264, 40_000, 40_000, false, new byte[1])).dtsUs());
    }

    /**
     * Aligned renditions of one source share a timeline: after a republish they take the same offset even
     * when one saw the old publish further than the other, or sees a later frame of the new one first.
     */
    @Test
    void sharedTimelineGivesEveryRenditionTheSameOffsetAfterARepublish() {
        SourceClock.Timeline shared = new SourceClock.Timeline();
        SourceClock a = new SourceClock(shared);
        SourceClock b = new SourceClock(shared);
        a.rebase("first");
        b.rebase("first");
        assertEquals(9_000_000, a.map(Frame.media(Codec.H264, 9_000_000, 9_000_000, true, new byte[1])).dtsUs());
        assertEquals(9_000_000, b.map(Frame.media(Codec.H264, 9_000_000, 9_000_000, true, new byte[1])).dtsUs());
        a.map(Frame.media(Codec.H264, 9_040_000, 9_040_000, false, new byte[1])); // b never saw this one
        a.rebase("second");
        b.rebase("second");
        long ta = a.map(Frame.media(Codec.H264, 0, 0, true, new byte[1])).dtsUs();
        long tb = b.map(Frame.media(Codec.H264, 2_000_000, 2_000_000, true, new byte[1])).dtsUs(); // b starts later
        assertTrue(ta > 9_040_000, "continues after the last time: " + ta);
        assertEquals(ta + 2_000_000, tb, "the same offset for the same publish");
    }
}
