package org.estuary.it.trust;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fields that used to report a fixed value now report what is measured (issue 15 item 8):
 * /health checks, Stream transport/gop/muted, MPEG-TS transport and hasVideo, pull with record,
 * and reference fields Estuary does not act on are refused instead of ignored.
 */
class HonestFieldsTest {
    private static EstuaryProcess server;
    private static Path records;
    private static Process avPublisher;
    private static Process videoOnly;

    @BeforeAll
    static void start() throws Exception {
        records = Files.createTempDirectory("estuary-honest-records");
        server = EstuaryProcess.start("honest-fields", "records.directory=" + records);
        // 25 fps with a key frame every 50 frames (Ffmpeg.publish: GOP = 2 s)
        avPublisher = Ffmpeg.publish(server.rtmpUrl("av"), "320x240", 25, 0,
                EstuaryProcess.logDir().resolve("honest-fields-av.log"));
        videoOnly = Ffmpeg.start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-an", "-c:v", "libx264",
                "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", "25", "-bf", "0",
                "-f", "flv", server.rtmpUrl("videoonly")), EstuaryProcess.logDir().resolve("honest-fields-vo.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(avPublisher);
        Ffmpeg.stop(videoOnly);
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    private static JsonObject stream(String name) throws Exception {
        EstuaryProcess.Http r = server.post("/stream/find", new JsonObject().put("name", name));
        return r.status() == 200 ? new JsonArray(r.body()).getJsonObject(0) : null;
    }

    @Test
    void streamObjectsReportMeasuredGopTransportAndMute() throws Exception {
        JsonObject av = Await.value(Duration.ofSeconds(30), "gop measured for av",
                () -> { JsonObject s = stream("av"); return s != null && s.getInteger("gop") > 0 ? s : null; });
        assertEquals(50, av.getInteger("gop"), av.encodePrettily());
        assertEquals("TCP", av.getString("transport"));
        assertFalse(av.getJsonObject("audioState").getBoolean("muted"), av.encodePrettily());
        assertFalse(av.getJsonObject("videoState").getBoolean("muted"), av.encodePrettily());

        JsonObject vo = Await.value(Duration.ofSeconds(30), "gop measured for videoonly",
                () -> { JsonObject s = stream("videoonly"); return s != null && s.getInteger("gop") > 0 ? s : null; });
        assertEquals(25, vo.getInteger("gop"), vo.encodePrettily());
        assertTrue(vo.getJsonObject("audioState").getBoolean("muted"), "no audio is arriving: " + vo.encodePrettily());
        assertFalse(vo.getJsonObject("videoState").getBoolean("muted"));

        // find_all's shared answer (rebuilt on listed-state changes, gzip for clients that accept it, as
        // curl --compressed and browsers do) shows the same measured fields as find
        HttpResponse<byte[]> zipped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.restPort() + "/rest-api/stream/find_all"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zipped.statusCode());
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        JsonArray all;
        try (var in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            all = new JsonArray(Buffer.buffer(in.readAllBytes()));
        }
        for (Object o : all) {
            JsonObject s = (JsonObject) o;
            if (s.getBoolean("published") && s.getString("name").equals("av")) {
                assertEquals(50, s.getInteger("gop"), s.encodePrettily());
                assertFalse(s.getJsonObject("audioState").getBoolean("muted"), s.encodePrettily());
            } else if (s.getBoolean("published") && s.getString("name").equals("videoonly")) {
                assertEquals(25, s.getInteger("gop"), s.encodePrettily());
                assertTrue(s.getJsonObject("audioState").getBoolean("muted"), s.encodePrettily());
            }
        }
        assertEquals(2, all.stream().filter(o -> ((JsonObject) o).getBoolean("published")
                && List.of("av", "videoonly").contains(((JsonObject) o).getString("name"))).count(), all.encode());
    }

    @Test
    void healthChecksRealStateAndAnswers503WhenADirectoryIsNotWritable() throws Exception {
        EstuaryProcess.Http up = server.get("/health");
        assertEquals(200, up.status(), up.body());
        JsonObject h = up.json();
        assertEquals("UP", h.getString("status"));
        JsonObject loops = h.getJsonObject("checks").getJsonObject("eventLoops");
        assertTrue(loops.getBoolean("ok") && loops.getInteger("loops") > 0 && loops.getInteger("stuck") == 0, h.encode());
        assertTrue(h.getJsonObject("checks").getJsonObject("disk").getBoolean("ok"), h.encode());

        // the recordings directory turns into a file: nothing can be recorded any more
        Path moved = records.resolveSibling(records.getFileName() + "-moved");
        Files.move(records, moved);
        Files.writeString(records, "not a directory");
        try {
            EstuaryProcess.Http down = server.get("/health");
            assertEquals(503, down.status(), down.body());
            assertEquals("DOWN", down.json().getString("status"));
            assertFalse(down.json().getJsonObject("checks").getJsonObject("disk").getBoolean("ok"), down.body());
        } finally {
            Files.delete(records);
            Files.move(moved, records);
        }
        assertEquals(200, server.get("/health").status(), "healthy again once the directory is back");
    }

    @Test
    void mpegTsReportsTransportInCapitalsAndNoVideoBeforeItArrives() throws Exception {
        EstuaryProcess.Http r = server.post("/mpegts/startup", new JsonObject().put("localStreamName", "ts-honest"));
        assertEquals(200, r.status(), r.body());
        try {
            assertEquals("UDP", r.json().getString("transport"));
            assertFalse(r.json().getBoolean("hasVideo"), "nothing arrived yet: " + r.body());
            JsonObject found = new JsonArray(server.post("/mpegts/find", new JsonObject().put("localStreamName", "ts-honest"))
                    .body()).getJsonObject(0);
            assertFalse(found.getBoolean("hasVideo"));
        } finally {
            server.post("/mpegts/terminate", new JsonObject().put("localStreamName", "ts-honest"));
        }
    }

    @Test
    void pullWithRecordTrueRecords() throws Exception {
        Await.value(Duration.ofSeconds(20), "av published", () -> stream("av"));
        EstuaryProcess.Http r = server.post("/pull/rtmp/pull", new JsonObject().put("uri", server.rtmpUrl("av"))
                .put("localStreamName", "pulled").put("record", true));
        assertEquals(200, r.status(), r.body());
        try {
            JsonObject pulled = Await.value(Duration.ofSeconds(20), "pulled stream recording",
                    () -> { JsonObject s = stream("pulled"); return s != null && s.getBoolean("record") ? s : null; });
            assertEquals(true, pulled.getBoolean("record"));
            Await.until(Duration.ofSeconds(20), "a growing recording file in " + records, () -> {
                try (var files = Files.list(records)) {
                    return files.anyMatch(f -> f.getFileName().toString().endsWith(".mp4") && f.toFile().length() > 10_000);
                }
            });
        } finally {
            server.post("/pull/rtmp/terminate", new JsonObject().put("uri", server.rtmpUrl("av")));
        }
    }

    /** The mixer's layout fields act (MixerInputsTest draws them); misused, they answer 400 naming themselves. */
    @Test
    void layoutFieldsAreCheckedNotIgnored() throws Exception {
        EstuaryProcess.Http dir = server.post("/mixer/startup", new JsonObject().put("uri", "mixer://m2")
                .put("mixerLayoutDir", "/layouts"));   // outside mixer.layoutsDirectory
        assertEquals(400, dir.status(), dir.body());
        assertTrue(dir.json().getString("message").contains("mixerLayoutDir"), dir.body());
        assertEquals(200, server.post("/mixer/startup", new JsonObject().put("uri", "mixer://m1")).status());
        try {
            EstuaryProcess.Http r = server.post("/mixer/add", new JsonObject().put("uri", "mixer://m1")
                    .put("remoteStreamName", "av").put("videoPositionId", "x"));   // m1 has no XML layout
            assertEquals(400, r.status(), r.body());
            assertTrue(r.json().getString("message").contains("videoPositionId"), r.body());
        } finally {
            server.post("/mixer/terminate", new JsonObject().put("uri", "mixer://m1"));
        }
    }
}
