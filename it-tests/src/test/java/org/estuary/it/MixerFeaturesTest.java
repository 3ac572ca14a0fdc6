package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import javax.imageio.ImageIO;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mixer features beyond the basic grid: user#room auto-mixing with the screen-share layout, the
 * output watermark, live size change, and the load test leaving no threads or native memory behind.
 */
class MixerFeaturesTest {
    private static EstuaryProcess server;
    private static Path media;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        media = Files.createTempDirectory("mixer-media");
        BufferedImage white = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                white.setRGB(x, y, 0xFFFFFFFF);
            }
        }
        ImageIO.write(white, "png", media.resolve("mark.png").toFile());
        server = EstuaryProcess.start("mixer-features", "mixer.videoWidth=640", "mixer.videoHeight=480",
                "mixer.videoFps=15", "mixer.videoBitrateKbps=600", "media.directory=" + media);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop());
        }
        if (media != null) {
            try (var files = Files.walk(media)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Process publish(String name, String colour, int hz) throws Exception {
        return MixerTest.publishTo(server, name, "color=c=" + colour + ":size=320x240:rate=15", hz);
    }

    private static BufferedImage snapshot(String stream) throws Exception {
        EstuaryProcess.Http r = server.post("/stream/snapshot", new JsonObject().put("streamName", stream));
        assertEquals(200, r.status(), r.body());
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(r.json().getString("data"))));
    }

    private static void awaitColour(String stream, int x, int y, int rgb, String what) throws Exception {
        Await.until(Duration.ofSeconds(15), what, () -> {
            int px = snapshot(stream).getRGB(x, y) & 0xFFFFFF;
            for (int shift = 0; shift <= 16; shift += 8) {
                if (Math.abs(((px >> shift) & 0xFF) - ((rgb >> shift) & 0xFF)) > 40) {
                    throw new AssertionError("(" + x + "," + y + ") is " + Integer.toHexString(px));
                }
            }
            return true;
        });
    }

    private static JsonObject onlyMixer() throws Exception {
        EstuaryProcess.Http r = server.post("/mixer/find_all", new JsonObject());
        assertEquals(200, r.status(), r.body());
        return r.array().getJsonObject(0);
    }

    @Test
    void roomAutoMixingWithScreenShareWatermarkAndResize() throws Exception {
        Process alice = publish("alice#room1", "red", 300);
        Process bob = null;
        try {
            Await.until(Duration.ofSeconds(15), "room1 auto-created", () -> {
                JsonObject m = onlyMixer();
                return "mixer://room1".equals(m.getString("uri")) && m.getJsonArray("mediaSessions").size() == 1;
            });
            RecordingSupport.awaitStream(server, "room1");
            awaitColour("room1", 320, 240, 0xFF0000, "alice alone fills the picture");

            bob = publish("bob_desktop#room1", "blue", 700);
            // screen share: bob's big tile below, alice in the strip on top
            awaitColour("room1", 320, 300, 0x0000FF, "desktop tile");
            awaitColour("room1", 320, 60, 0xFF0000, "strip tile");

            EstuaryProcess.Http w = server.post("/mixer/set_body_watermark", new JsonObject().put("uri", "mixer://room1")
                    .put("watermark", "mark.png").put("x", 0).put("y", 0).put("marginTop", 10).put("marginLeft", 10)
                    .put("marginBottom", 0).put("marginRight", 0));
            assertEquals(200, w.status(), w.body());
            awaitColour("room1", 40, 40, 0xFFFFFF, "watermark at 10,10");
            assertEquals(404, server.post("/mixer/set_body_watermark", new JsonObject().put("uri", "mixer://room1")
                    .put("watermark", "missing.png")).status());
            assertEquals(400, server.post("/mixer/set_body_watermark", new JsonObject().put("uri", "mixer://room1")
                    .put("watermark", "../etc/passwd")).status());

            // a watermark on alice's tile only (the strip tile, top-left corner of her picture)
            String aliceSession = onlyMixer().getJsonArray("inputs").stream().map(o -> (JsonObject) o)
                    .filter(o -> o.getString("streamName").equals("alice#room1")).findFirst().orElseThrow()
                    .getString("mediaSessionId");
            awaitColour("room1", 262, 20, 0xFF0000, "alice's tile before its watermark");
            EstuaryProcess.Http sw = server.post("/mixer/set_stream_watermark", new JsonObject().put("uri", "mixer://room1")
                    .put("watermark", "mark.png").put("mediaSessionId", aliceSession).put("x", 0).put("y", 0));
            assertEquals(200, sw.status(), sw.body());
            awaitColour("room1", 262, 20, 0xFFFFFF, "watermark on alice's tile");
            awaitColour("room1", 320, 300, 0x0000FF, "bob's tile unmarked");
            assertEquals(404, server.post("/mixer/set_stream_watermark", new JsonObject().put("uri", "mixer://room1")
                    .put("watermark", "mark.png").put("mediaSessionId", "nobody")).status());
            assertEquals(400, server.post("/mixer/set_stream_watermark", new JsonObject().put("uri", "mixer://room1")
                    .put("watermark", "mark.png")).status());

            EstuaryProcess.Http p = server.post("/mixer/set_parameter", new JsonObject().put("uri", "mixer://room1")
                    .put("mixerVideoWidth", 320).put("mixerVideoHeight", 240));
            assertEquals(200, p.status(), p.body());
            Await.until(Duration.ofSeconds(15), "output resized", () -> snapshot("room1").getWidth() == 320);
            assertEquals(320, onlyMixer().getInteger("mixerVideoWidth"));
            assertEquals(400, server.post("/mixer/set_parameter", new JsonObject().put("uri", "mixer://room1")
                    .put("mixerLayoutClass", "com.example.Spiral")).status());
            assertEquals(400, server.post("/mixer/set_parameter", new JsonObject().put("uri", "mixer://room1")).status());

            Ffmpeg.stop(bob);
            bob = null;
            Await.until(Duration.ofSeconds(15), "bob left the room",
                    () -> onlyMixer().getJsonArray("mediaSessions").size() == 1);
        } finally {
            if (bob != null) {
                Ffmpeg.stop(bob);
            }
            Ffmpeg.stop(alice);
        }
        Await.until(Duration.ofSeconds(15), "empty room closed",
                () -> !server.post("/mixer/find_all", new JsonObject()).body().contains("mixer://room1"));
        Await.until(Duration.ofSeconds(10), "room output gone",
                () -> server.post("/stream/find", new JsonObject().put("name", "room1")).status() == 404);
    }

    private static JsonObject health() throws Exception {
        EstuaryProcess.Http h = server.get("/health");
        assertEquals(200, h.status(), h.body());
        return h.json();
    }

    @Test
    void loadTestRecyclesMixersAndStopsClean() throws Exception {
        assertEquals(new JsonObject().put("feedingStreams", new JsonArray().add("stream1").add("stream2").add("stream3"))
                .put("mixerCount", 3).put("streamsInMixer", 1).put("intervalInSeconds", 60),
                server.post("/mixer/test/get_start_example", "").json());
        assertEquals(404, server.post("/mixer/test/stop", "{}").status());
        Process f1 = publish("feed1", "green", 500);
        Process f2 = publish("feed2", "yellow", 900);
        try {
            RecordingSupport.awaitStream(server, "feed1");
            RecordingSupport.awaitStream(server, "feed2");
            Thread.sleep(1000);
            JsonObject before = health();
            JsonObject start = new JsonObject().put("feedingStreams", new JsonArray().add("feed1").add("feed2"))
                    .put("mixerCount", 2).put("streamsInMixer", 1).put("intervalInSeconds", 2);
            assertEquals(400, server.post("/mixer/test/start", start.copy().put("streamsInMixer", 2)).status());
            EstuaryProcess.Http r = server.post("/mixer/test/start", start);
            assertEquals(200, r.status(), r.body());
            assertEquals(409, server.post("/mixer/test/start", start).status());
            RecordingSupport.awaitStream(server, "test-1-1");
            Await.until(Duration.ofSeconds(15), "second generation", () -> {
                EstuaryProcess.Http all = server.post("/mixer/find_all", new JsonObject());
                return all.status() == 200 && all.body().contains("mixer://test-2-1");
            });
            assertTrue(health().getInteger("threads") > before.getInteger("threads"), "mixer threads while running");
            assertEquals(200, server.post("/mixer/test/stop", "{}").status());
            Await.until(Duration.ofSeconds(15), "test mixers gone",
                    () -> server.post("/mixer/find_all", new JsonObject()).status() == 404);
            Await.until(Duration.ofSeconds(15), "threads back to the baseline " + before,
                    () -> health().getInteger("threads") <= before.getInteger("threads") + 1);
            JsonObject after = health();
            assertTrue(after.getLong("nativeBytes") <= before.getLong("nativeBytes") + 1_000_000,
                    "JavaCPP native bytes " + before + " -> " + after);
            assertTrue(after.getLong("physicalBytes") <= before.getLong("physicalBytes") + 200_000_000,
                    "resident memory " + before + " -> " + after);
        } finally {
            server.post("/mixer/test/stop", "{}");   // also after a failure: no mixers left cycling
            Ffmpeg.stop(f1);
            Ffmpeg.stop(f2);
        }
    }

    @Test
    void badRequestsAreAnsweredNotFatal() throws Exception {
        String[][] cases = {
            {"{\"uri\":\"mixer://\"}", "400"},
            {"{\"uri\":\"mixer://a b\"}", "400"},
            {"{\"uri\":\"mixer://b1\",\"mixerVideoWidth\":\"wide\"}", "400"},
            {"{\"uri\":\"mixer://b1\",\"mixerVideoWidth\":641}", "400"},
            {"{\"uri\":\"mixer://b1\",\"mixerVideoFps\":0}", "400"},
            {"{\"uri\":\"mixer://b1\",\"mixerLayoutClass\":\"com.example.Spiral\"}", "400"},
            {"{\"uri\":\"mixer://b1\",\"hasVideo\":false,\"hasAudio\":false}", "400"},
            {"{\"uri\":\"mixer://b1\",\"background\":\"../../etc/passwd\"}", "400"},
            {"{\"uri\":\"mixer://b1\",\"background\":\"missing.png\"}", "404"},
            {"{\"uri\":\"mixer://b1\",\"watermark\":\"missing.png\"}", "404"},
            {"{\"uri\":\"mixer://b1\",\"localStreamName\":\"x#y\"}", "400"},
        };
        for (String[] c : cases) {
            EstuaryProcess.Http r = server.post("/mixer/startup", c[0]);
            assertEquals(Integer.parseInt(c[1]), r.status(), c[0] + " -> " + r.body());
            assertTrue(r.isJson(), r.body());
        }
        // a background image and colour both work; the mixer runs with them
        EstuaryProcess.Http ok = server.post("/mixer/startup", "{\"uri\":\"mixer://b2\",\"background\":\"mark.png\","
                + "\"mixerVideoWidth\":320,\"mixerVideoHeight\":240}");
        assertEquals(200, ok.status(), ok.body());
        try {
            // without inputs the output still has video (the background) and audio (silence)
            RecordingSupport.awaitStream(server, "b2");
        } finally {
            assertEquals(200, server.post("/mixer/terminate", "{\"uri\":\"mixer://b2\"}").status());
        }
        assertEquals(400, server.post("/mixer/setAudioVideo", "{\"uri\":\"mixer://nope\",\"audioLevel\":\"loud\"}").status());
        assertEquals(404, server.post("/mixer/setAudioVideo", "{\"uri\":\"mixer://nope\",\"audioLevel\":5}").status());
        assertEquals(404, server.post("/mixer/set_parameter", "{\"uri\":\"mixer://nope\",\"mixerVideoFps\":10}").status());
        assertEquals(400, server.post("/mixer/test/start", "{\"feedingStreams\":[\"a\"],\"mixerCount\":0,"
                + "\"streamsInMixer\":1,\"intervalInSeconds\":5}").status());
        assertEquals(404, server.post("/mixer/test/start", "{\"feedingStreams\":[\"nobody\"],\"mixerCount\":1,"
                + "\"streamsInMixer\":1,\"intervalInSeconds\":5}").status());
        assertTrue(server.isAlive());
    }
}
