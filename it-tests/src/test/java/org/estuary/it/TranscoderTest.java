package org.estuary.it;

import static org.estuary.it.RecordingSupport.awaitStream;
import static org.estuary.it.RecordingSupport.publish;
import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /transcoder/* and /transcoder2/*: a 1280x720 30 fps RTMP publisher transcoded to 640x360 15 fps,
 * checked from the outside with ffprobe over RTMP (size, rate, keyframe interval), /stream/snapshot
 * (watermark pixels), jstack (no transcoder thread left) and the REST error answers.
 */
class TranscoderTest {
    private static EstuaryProcess server;
    private static Path media;
    private static Process source;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        Peers.require("ffprobe", "ffmpeg");
        media = Files.createTempDirectory("estuary-transcoder-media");
        // a 64x64 opaque magenta PNG with an alpha channel, as a user would make one
        Peers.Result png = Peers.run(30, Peers.ffmpeg(), "-hide_banner", "-v", "error", "-f", "lavfi",
                "-i", "color=c=magenta:s=64x64", "-frames:v", "1", "-pix_fmt", "rgba",
                media.resolve("mark.png").toString());
        assertEquals(0, png.exitCode(), png.output());
        server = EstuaryProcess.start("transcoder", "media.directory=" + media);
        // solid green so the watermark check cannot meet magenta in the picture itself
        source = publish(server.rtmpUrl("src"), "color=c=0x208020:size=1280x720:rate=30", 60, 0, "transcoder-src");
        awaitStream(server, "src");
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(source);
        if (server != null) {
            assertEquals(0, server.stop());
        }
        if (media != null) {
            try (var files = Files.list(media)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(media);
        }
    }

    private static JsonObject startup(String group, JsonObject body, int expected) throws Exception {
        EstuaryProcess.Http r = server.post(group + "/startup", body.encode());
        assertEquals(expected, r.status(), group + "/startup " + body + " -> " + r);
        return r.isJson() && r.body().startsWith("{") ? r.json() : null;
    }

    private static JsonObject body(String uri, String remote, String local, JsonObject encoder) {
        return new JsonObject().put("uri", uri).put("remoteStreamName", remote).put("localStreamName", local)
                .put("encoder", encoder);
    }

    /** ffprobe's video packets of {@code seconds} of the RTMP stream: [pts seconds, key 0/1]. */
    private static List<double[]> videoPackets(String name, int seconds) throws Exception {
        Peers.Result r = Peers.run(seconds + 30L, Peers.ffprobe(), "-hide_banner", "-v", "error",
                "-rw_timeout", "15000000", "-read_intervals", "%+" + seconds, "-select_streams", "v:0",
                "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", server.rtmpUrl(name));
        List<double[]> out = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            String[] f = line.trim().split(",");
            if (f.length >= 2 && !f[0].isEmpty() && !f[0].equals("N/A")) {
                out.add(new double[] {Double.parseDouble(f[0]), f[1].startsWith("K") ? 1 : 0});
            }
        }
        assertTrue(out.size() > 10, "packets of " + name + ": " + r.output());
        return out;
    }

    private static BufferedImage snapshot(String name) throws Exception {
        EstuaryProcess.Http resp = server.post("/stream/snapshot", new JsonObject().put("streamName", name).encode());
        assertEquals(200, resp.status(), resp.body());
        byte[] png = Base64.getDecoder().decode(resp.json().getString("data"));
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    private static boolean magenta(BufferedImage img, int x, int y) {
        int p = img.getRGB(x, y);
        int r = (p >> 16) & 0xFF;
        int g = (p >> 8) & 0xFF;
        int b = p & 0xFF;
        return r > 200 && g < 70 && b > 200;
    }

    private static String threadDump() throws Exception {
        return Peers.run(30, Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                String.valueOf(server.pid())).output();
    }

    @Test
    void transcodes720pTo360pAt15FpsWithKeyframesWatermarkAndCleanTerminate() throws Exception {
        JsonObject enc = new JsonObject().put("width", 640).put("height", 360).put("fps", 15)
                .put("keyFrameInterval", 30).put("bitrate", 500).put("type", "OPENH264").put("watermark", "mark.png");
        JsonObject t = startup("/transcoder", body("transcoder://t1", "src", "out360", enc), 200);
        assertEquals("PROCESSED_LOCAL", t.getString("status"));
        String sessionId = t.getString("localMediaSessionId");
        assertNotNull(sessionId);
        awaitStream(server, "out360");

        Ffmpeg.Probe probe = Ffmpeg.probe(server.rtmpUrl("out360"), 3);
        assertEquals("h264", probe.video().get("codec_name"), probe.toString());
        assertEquals("640", probe.video().get("width"), probe.toString());
        assertEquals("360", probe.video().get("height"), probe.toString());
        assertEquals("aac", probe.audio().get("codec_name"), "audio passed through: " + probe);

        List<double[]> packets = videoPackets("out360", 6);
        double span = packets.get(packets.size() - 1)[0] - packets.get(0)[0];
        double fps = (packets.size() - 1) / span;
        assertEquals(15.0, fps, 1.5, packets.size() + " packets over " + span + " s");
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            if (packets.get(i)[1] == 1) {
                keys.add(i);
            }
        }
        assertTrue(keys.size() >= 2, "at least two keyframes in 6 s: " + keys);
        for (int i = 1; i < keys.size(); i++) {
            assertEquals(30, keys.get(i) - keys.get(i - 1), "a keyframe every 30 pictures: " + keys);
        }

        // watermark at the top-left corner, the rest of the picture the source's green
        BufferedImage img = snapshot("out360");
        assertEquals(640, img.getWidth());
        assertTrue(magenta(img, 32, 32), "watermark at (32,32): " + Integer.toHexString(img.getRGB(32, 32)));
        assertFalse(magenta(img, 320, 180), "no watermark in the middle");
        assertFalse(magenta(img, 100, 32), "the watermark is 64 pixels wide");

        // moved live: pinned 20 px from the bottom-right corner
        EstuaryProcess.Http moved = server.post("/transcoder/set_watermark", new JsonObject().put("uri", "transcoder://t1")
                .put("watermark", "mark.png").put("x", 100000).put("y", 100000).put("marginRight", 20)
                .put("marginBottom", 20).encode());
        assertEquals(200, moved.status(), moved.toString());
        Await.until(Duration.ofSeconds(10), "watermark moved", () -> {
            BufferedImage i = snapshot("out360");
            return magenta(i, 640 - 20 - 32, 360 - 20 - 32) && !magenta(i, 32, 32);
        });

        JsonObject found = server.post("/transcoder/find", new JsonObject().put("uri", "transcoder://t1").encode())
                .array().getJsonObject(0);
        assertEquals("out360", found.getString("localStreamName"));
        assertEquals("src", found.getString("remoteStreamName"));
        assertEquals(640, found.getJsonObject("encoder").getInteger("width"));
        JsonObject stats = found.getJsonObject("stats");
        assertTrue(stats.getLong("framesIn") > 100, stats.encode());
        assertTrue(stats.getLong("framesOut") > 50, stats.encode());
        assertTrue(stats.getLong("dropped") > 40, "30 -> 15 fps drops every other picture: " + stats.encode());
        assertEquals(1, server.post("/transcoder/find_all", "{}").array().size());
        assertTrue(threadDump().contains("\"transcoder-t1\""), "the worker thread is named after the transcoder");

        assertEquals(200, server.post("/transcoder/terminate", new JsonObject().put("uri", "transcoder://t1").encode()).status());
        Await.until(Duration.ofSeconds(10), "output stream gone",
                () -> server.post("/stream/find", new JsonObject().put("name", "out360").encode()).status() == 404);
        assertEquals(404, server.post("/transcoder/find", new JsonObject().put("uri", "transcoder://t1").encode()).status());
        assertEquals(404, server.post("/transcoder/find_all", "{}").status());
        Await.until(Duration.ofSeconds(10), "no transcoder thread left", () -> !threadDump().contains("\"transcoder-t1\""));
        assertEquals(404, server.post("/transcoder/terminate", new JsonObject().put("uri", "transcoder://t1").encode()).status());
    }

    /** Issue 14 item 6: two renditions of one source decode it once between them, and both come out whole. */
    @Test
    void twoRenditionsOfOneSourceShareItsDecode() throws Exception {
        JsonObject big = new JsonObject().put("width", 640).put("height", 360).put("fps", 30).put("keyFrameInterval", 30);
        JsonObject small = new JsonObject().put("width", 320).put("height", 180).put("fps", 15).put("keyFrameInterval", 15);
        startup("/transcoder", body("transcoder://r360", "src", "r360", big), 200);
        startup("/transcoder", body("transcoder://r180", "src", "r180", small), 200);
        try {
            awaitStream(server, "r360");
            awaitStream(server, "r180");
            for (String[] r : new String[][] {{"r360", "640", "360"}, {"r180", "320", "180"}}) {
                Ffmpeg.Probe probe = Ffmpeg.probe(server.rtmpUrl(r[0]), 3);
                assertEquals("h264", probe.video().get("codec_name"), probe.toString());
                assertEquals(r[1], probe.video().get("width"), probe.toString());
                assertEquals(r[2], probe.video().get("height"), probe.toString());
                assertTrue(probe.videoFrames() >= 20, "pictures decoded from " + r[0] + ": " + probe);
                // the shared pictures are the source's: green, not grey or garbage
                BufferedImage img = snapshot(r[0]);
                int p = img.getRGB(img.getWidth() / 2, img.getHeight() / 2);
                assertTrue(((p >> 8) & 0xFF) > 100 && ((p >> 16) & 0xFF) < 60, r[0] + " centre " + Integer.toHexString(p));
            }
            long shared = 0;
            long in = 0;
            for (String uri : List.of("transcoder://r360", "transcoder://r180")) {
                JsonObject stats = server.post("/transcoder/find", new JsonObject().put("uri", uri).encode())
                        .array().getJsonObject(0).getJsonObject("stats");
                shared += stats.getLong("sharedDecodes");
                in += stats.getLong("framesIn");
            }
            // every source picture is decoded by whichever transcoder reaches it first; the other takes it
            assertTrue(shared > in / 4, "pictures taken from the other rendition's decode: " + shared + " of " + in + " frames in");
        } finally {
            server.post("/transcoder/terminate", new JsonObject().put("uri", "transcoder://r360").encode());
            server.post("/transcoder/terminate", new JsonObject().put("uri", "transcoder://r180").encode());
        }
    }

    @Test
    void transcoder2KeepsAspectAndEncodesPcma() throws Exception {
        JsonObject enc = new JsonObject().put("videoCodec", "H264").put("audioCodec", "PCMA").put("width", 320)
                .put("fps", 10).put("keyFrameInterval", 20);
        startup("/transcoder2", body("transcoder2://t2", "src", "out180", enc), 200);
        try {
            Await.until(Duration.ofSeconds(15), "out180 published",
                    () -> server.post("/stream/find", new JsonObject().put("name", "out180").encode()).status() == 200);
            Ffmpeg.Probe probe = Ffmpeg.probe(server.rtmpUrl("out180"), 3);
            assertEquals("320", probe.video().get("width"), "height follows 16:9: " + probe);
            assertEquals("180", probe.video().get("height"), probe.toString());
            assertEquals("pcm_alaw", probe.audio().get("codec_name"), probe.toString());
            assertEquals("8000", probe.audio().get("sample_rate"), probe.toString());
            assertTrue(probe.audioFrames() > 50, "audio frames decoded: " + probe);
            // the v1 API does not see v2 transcoders
            assertEquals(404, server.post("/transcoder/find", new JsonObject().put("uri", "transcoder2://t2").encode()).status());
            JsonArray v2 = server.post("/transcoder2/find_all", "{}").array();
            assertEquals("transcoder2://t2", v2.getJsonObject(0).getString("uri"));
        } finally {
            assertEquals(200, server.post("/transcoder2/terminate",
                    new JsonObject().put("uri", "transcoder2://t2").encode()).status());
        }
    }

    @Test
    void followsASourceRestartWithANewResolutionWithoutRestartingTheOutput() throws Exception {
        Process first = publish(server.rtmpUrl("re"), "color=c=blue:size=640x360:rate=25", 25, 0, "transcoder-re1");
        Process second = null;
        try {
            awaitStream(server, "re");
            JsonObject enc = new JsonObject().put("width", 320).put("height", 180).put("fps", 10).put("keyFrameInterval", 10);
            String session = startup("/transcoder", body("transcoder://re", "re", "reout", enc), 200)
                    .getString("localMediaSessionId");
            awaitStream(server, "reout");
            Ffmpeg.stop(first);
            Await.until(Duration.ofSeconds(15), "transcoder waits for its source", () -> server.post("/transcoder/find",
                    new JsonObject().put("uri", "transcoder://re").encode()).body().contains("waiting"));
            second = publish(server.rtmpUrl("re"), "color=c=red:size=800x600:rate=25", 25, 0, "transcoder-re2");
            awaitStream(server, "re");
            Await.until(Duration.ofSeconds(15), "red output after the restart", () -> {
                int p = snapshot("reout").getRGB(160, 90);
                return ((p >> 16) & 0xFF) > 200 && (p & 0xFF) < 60;
            });
            Ffmpeg.Probe probe = Ffmpeg.probe(server.rtmpUrl("reout"), 3);
            assertEquals("320", probe.video().get("width"), probe.toString());
            assertEquals("180", probe.video().get("height"), probe.toString());
            assertTrue(probe.videoFrames() >= 20, probe.toString());
            JsonObject t = server.post("/transcoder/find", new JsonObject().put("uri", "transcoder://re").encode())
                    .array().getJsonObject(0);
            assertEquals(session, t.getString("localMediaSessionId"), "the output stream was never restarted");
            assertEquals(1, t.getJsonObject("stats").getInteger("sourceRestarts"), t.encode());
        } finally {
            Ffmpeg.stop(first);
            Ffmpeg.stop(second);
            server.post("/transcoder/terminate", new JsonObject().put("uri", "transcoder://re").encode());
        }
    }

    @Test
    void errorAnswers() throws Exception {
        JsonObject ok = new JsonObject().put("width", 320).put("height", 180).put("fps", 15);
        startup("/transcoder", body("transcoder://missing", "nosuchstream", "o1", ok), 404);
        startup("/transcoder", body("transcoder://bad", "src", "o1", ok.copy().put("fps", 0)), 400);
        startup("/transcoder", body("transcoder://bad", "src", "o1", ok.copy().put("width", -2)), 400);
        startup("/transcoder", body("transcoder://bad", "src", "o1", ok.copy().put("width", 100000)), 400);
        startup("/transcoder", body("transcoder://bad", "src", "o1", ok.copy().put("type", "NOPE264")), 400);
        startup("/transcoder", body("transcoder://bad", "src", "o1", ok.copy().put("watermark", "../../etc/passwd")), 400);
        startup("/transcoder", body("transcoder://bad", "src", "o1", ok.copy().put("watermark", "absent.png")), 400);
        startup("/transcoder", body("mixer://bad", "src", "o1", ok), 400);
        startup("/transcoder2", body("transcoder2://bad", "src", "o1", ok.copy().put("audioCodec", "speex")), 400);
        startup("/transcoder2", body("transcoder2://bad", "src", "o1", ok.copy().put("videoCodec", "VP8")), 400);
        startup("/transcoder", body("transcoder://taken", "src", "src", ok), 409);
        startup("/transcoder", body("transcoder://dup", "src", "o2", ok), 200);
        try {
            startup("/transcoder", body("transcoder://dup", "src", "o3", ok), 409);
            startup("/transcoder", body("transcoder://other", "src", "o2", ok), 409);
            assertEquals(400, server.post("/transcoder/set_watermark", new JsonObject().put("uri", "transcoder://dup")
                    .put("watermark", "mark.png").put("x", -5).encode()).status());
            assertEquals(400, server.post("/transcoder/set_watermark", new JsonObject().put("uri", "transcoder://dup")
                    .put("watermark", "nothere.png").encode()).status());
        } finally {
            assertEquals(200, server.post("/transcoder/terminate", new JsonObject().put("uri", "transcoder://dup").encode()).status());
        }
        assertEquals(404, server.post("/transcoder/set_watermark", new JsonObject().put("uri", "transcoder://dup")
                .put("watermark", "mark.png").encode()).status());
        assertEquals(404, server.post("/transcoder/terminate", new JsonObject().put("uri", "transcoder://nothing").encode()).status());
        assertEquals(400, server.post("/transcoder/terminate", "{}").status());
    }
}
