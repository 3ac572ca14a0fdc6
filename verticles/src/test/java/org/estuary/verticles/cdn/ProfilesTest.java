package org.estuary.verticles.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.estuary.cluster.CdnException;
import org.junit.jupiter.api.Test;

/** Profile validation and its mapping onto the transcoder's encoder fields. */
class ProfilesTest {

    @Test
    void aProfileIsStoredWithWcsTypeFieldsAndMapsOntoTheTranscoder() {
        JsonObject stored = Profiles.validate(new JsonObject()
            .put("video", new JsonObject().put("width", 640).put("height", 360).put("fps", 25).put("gop", 50)
                .put("bitrate", 800).put("codec", "H264"))
            .put("audio", new JsonObject().put("codec", "aac").put("rate", 48000).put("bitrate", 64000)));
        assertEquals("video", stored.getJsonObject("video").getString("type"));
        assertEquals("h264", stored.getJsonObject("video").getString("codec"));
        assertEquals("mpeg4-generic", stored.getJsonObject("audio").getString("codec"));
        JsonObject encoder = Profiles.encoder(stored);
        assertEquals(640, encoder.getInteger("width"));
        assertEquals(360, encoder.getInteger("height"));
        assertEquals(25, encoder.getInteger("fps"));
        assertEquals(50, encoder.getInteger("keyFrameInterval"));
        assertEquals(800, encoder.getInteger("bitrate"));
        assertEquals("mpeg4-generic", encoder.getString("audioCodec"));
        assertEquals(48000, encoder.getInteger("audioRate"));
        assertEquals(64000, encoder.getInteger("audioBitrate"));
    }

    @Test
    void fieldsTheTranscoderWouldIgnoreAndBadValuesAreRefusedByName() {
        assertBad("quality", new JsonObject().put("video", new JsonObject().put("quality", 25)));
        assertBad("channels", new JsonObject().put("audio", new JsonObject().put("codec", "opus").put("channels", 2)));
        assertBad("vp8", new JsonObject().put("video", new JsonObject().put("codec", "vp8")));
        assertBad("speex", new JsonObject().put("audio", new JsonObject().put("codec", "speex")));
        assertBad("width", new JsonObject().put("video", new JsonObject().put("width", 5000)));
        assertBad("width", new JsonObject().put("video", new JsonObject().put("width", 8)));
        assertBad("fps", new JsonObject().put("video", new JsonObject().put("fps", "fast")));
        assertBad("video and/or audio", new JsonObject());
        assertBad("video and/or audio", "not an object");
        assertBad("extra", new JsonObject().put("video", new JsonObject()).put("extra", 1));
    }

    @Test
    void suffixesAddTheDashWhenTheNameHasNone() {
        assertEquals("-360p", Profiles.suffix("-360p"));
        assertEquals("-360p", Profiles.suffix("360p"));
    }

    @Test
    void everyProfileIsOfferedAsARenditionOfAStreamButNoneOfARendition() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            org.estuary.cluster.SharedTables tables = new org.estuary.cluster.SharedTables(vertx, java.util.Optional.empty());
            tables.prepare().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            tables.table(org.estuary.cluster.SharedTables.PROFILES).put("-small", Profiles.validate(new JsonObject()
                .put("video", new JsonObject().put("width", 160).put("height", 96)))).toCompletionStage()
                .toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            Profiles profiles = new Profiles(tables);
            profiles.start().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            var offered = profiles.renditionsOf("cam");
            assertEquals(1, offered.size());
            assertEquals("cam-small", offered.get(0).getString("stream"));
            assertEquals("-small", offered.get(0).getString("profileName"));
            assertEquals(160, offered.get(0).getJsonObject("profile").getJsonObject("video").getInteger("width"));
            assertTrue(profiles.renditionsOf("cam-small").isEmpty(), "no rendition of a rendition");
            assertTrue(profiles.renditionsOf("").isEmpty());
            assertTrue(profiles.renditionsOf(null).isEmpty());
            profiles.stop();
        } finally {
            vertx.close();
        }
    }

    private static void assertBad(String named, Object profile) {
        CdnException e = assertThrows(CdnException.class, () -> Profiles.validate(profile));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }
}
