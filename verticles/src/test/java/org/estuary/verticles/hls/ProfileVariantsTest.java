package org.estuary.verticles.hls;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.estuary.core.hls.PlaylistWriter;
import org.junit.jupiter.api.Test;

class ProfileVariantsTest {
    private static final PlaylistWriter.Variant SOURCE =
            new PlaylistWriter.Variant("cam.m3u8", 1_000_000, 640, 360, "avc1.42C01E,mp4a.40.2");

    private static JsonObject rendition(String suffix, JsonObject profile) {
        return new JsonObject().put("stream", "cam" + suffix).put("profileName", suffix).put("profile", profile);
    }

    private static JsonObject video(int w, int h, int kbps) {
        return new JsonObject().put("video", new JsonObject().put("type", "video").put("codec", "h264")
                .put("width", w).put("height", h).put("bitrate", kbps));
    }

    @Test
    void theSourceComesFirstThenEachApplicableProfileTallestFirst() {
        JsonArray r = new JsonArray()
                .add(rendition("-small", video(160, 96, 250)))
                .add(rendition("-mid", video(0, 240, 500)))
                .add(rendition("-big", video(1280, 720, 2500)))       // taller than the source: no upscale
                .add(rendition("-opus", video(320, 180, 300).put("audio", new JsonObject().put("codec", "opus"))))
                .add(rendition("-aac", video(320, 180, 300).put("audio",
                        new JsonObject().put("codec", "mpeg4-generic").put("bitrate", 48_000))))
                .add(rendition("-voice", new JsonObject().put("audio", new JsonObject().put("codec", "mpeg4-generic"))))
                .add("junk").add(new JsonObject().put("stream", "../x").put("profile", video(16, 16, 10)));
        List<PlaylistWriter.Variant> v = ProfileVariants.variants(SOURCE, r, "aclAuth=k", name -> null);
        assertEquals(List.of("cam.m3u8", "../cam-mid/cam-mid.m3u8?aclAuth=k", "../cam-aac/cam-aac.m3u8?aclAuth=k",
                "../cam-small/cam-small.m3u8?aclAuth=k"), v.stream().map(PlaylistWriter.Variant::uri).toList());
        assertEquals(426, v.get(1).width(), "a side of 0 follows the source's aspect, even");
        assertEquals(240, v.get(1).height());
        assertEquals(500_000, v.get(1).bandwidth());
        assertEquals(348_000, v.get(2).bandwidth(), "video plus audio");
        assertNull(v.get(3).codecs(), "codecs are the transcoder node's choice until measured");
    }

    @Test
    void aRenditionSegmentedHereShowsItsMeasuredCodecsAndTheLargerRate() {
        JsonArray r = new JsonArray().add(rendition("-small", video(160, 96, 250)));
        List<PlaylistWriter.Variant> v = ProfileVariants.variants(SOURCE, r, null,
                name -> new ProfileVariants.Measured(160, 96, "avc1.42C00C,mp4a.40.2", 400_000));
        assertEquals("../cam-small/cam-small.m3u8", v.get(1).uri());
        assertEquals("avc1.42C00C,mp4a.40.2", v.get(1).codecs());
        assertEquals(400_000, v.get(1).bandwidth());
        String master = PlaylistWriter.master(v, false);
        assertTrue(master.contains("BANDWIDTH=400000,RESOLUTION=160x96,CODECS=\"avc1.42C00C,mp4a.40.2\"\n"
                + "../cam-small/cam-small.m3u8\n"), master);
    }

    @Test
    void noAnswerOrNoPictureYetListsTheSourceAlone() {
        assertEquals(List.of(SOURCE), ProfileVariants.variants(SOURCE, null, null, n -> null));
        PlaylistWriter.Variant audioOnly = new PlaylistWriter.Variant("a.m3u8", 64_000, 0, 0, "mp4a.40.2");
        assertEquals(List.of(audioOnly), ProfileVariants.variants(audioOnly,
                new JsonArray().add(rendition("-small", video(160, 96, 250))), null, n -> null));
    }
}
