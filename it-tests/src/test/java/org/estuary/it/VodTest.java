package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MP4 files made by ffmpeg, published by /vod/startup, played back over RTMP with ffprobe. */
class VodTest {
    private static EstuaryProcess server;
    private static Path media;

    @BeforeAll
    static void start() throws Exception {
        media = Files.createTempDirectory("estuary-vod-media");
        makeMp4("six.mp4", 6);
        makeMp4("three.mp4", 3);
        Files.writeString(media.resolve("notes.mp4"), "this is not a video");
        Files.writeString(media.getParent().resolve("outside-" + media.getFileName() + ".mp4"), "secret");
        server = EstuaryProcess.start("vod", "media.directory=" + media);
    }

    private static void makeMp4(String name, int seconds) throws Exception {
        Peers.Result r = Peers.run(60, Peers.ffmpeg(), "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-c:a", "aac", "-movflags", "+faststart",
                media.resolve(name).toString());
        assertEquals(0, r.exitCode(), r.output());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static EstuaryProcess.Http startup(String uri, String name, boolean loop) throws Exception {
        return server.post("/vod/startup", new JsonObject().put("uri", uri).put("localStreamName", name).put("loop", loop).encode());
    }

    @Test
    void fileIsPublishedInRealTimeAndEnds() throws Exception {
        assertEquals(200, startup("vod-live://six.mp4", "six", false).status());
        long t0 = System.nanoTime();
        Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("six"), 30);
        double wall = (System.nanoTime() - t0) / 1e9;
        assertEquals("h264", p.video().get("codec_name"), p.toString());
        assertEquals("640", p.video().get("width"));
        assertEquals("aac", p.audio().get("codec_name"));
        assertTrue(p.videoFrames() >= 120 && p.videoFrames() <= 151, "about 6 s of 25 fps: " + p.videoFrames());
        // Pacing, judged one-sidedly: a server reading the file as fast as it can delivers these 6 s
        // of media in well under a second, and a loaded machine can only make delivery slower, so
        // the wall clock bounds it from below only. The old upper bound (9 s) failed under load 20-40
        // although every frame came; completeness is judged on the media above (120..151 frames of
        // 25 fps, i.e. the whole file) and timestamp continuity by loopingKeepsTimestampsRising.
        assertTrue(wall > 4.5, "played at real-time speed, not as fast as possible: " + wall + " s");
        assertEquals(404, server.post("/vod/find", new JsonObject().put("localStreamName", "six").encode()).status(),
                "a finished VOD is gone");
    }

    @Test
    void loopingKeepsTimestampsRising() throws Exception {
        EstuaryProcess.Http r = startup("vod-live://three.mp4", "loop3", true);
        assertEquals(200, r.status(), r.body());
        Peers.Result packets = Peers.run(40, Peers.ffprobe(), "-v", "error", "-read_intervals", "%+8",
                "-select_streams", "v", "-show_entries", "packet=dts_time", "-of", "csv=p=0", server.rtmpUrl("loop3"));
        List<Double> pts = new ArrayList<>(); // decode times: B-frames make presentation times go back and forth
        for (String line : packets.output().split("\n")) {
            if (line.matches("[0-9.]+")) {
                pts.add(Double.parseDouble(line));
            }
        }
        assertTrue(pts.size() > 150, "read 8 s across at least two loops: " + pts.size());
        for (int i = 1; i < pts.size(); i++) {
            double step = pts.get(i) - pts.get(i - 1);
            assertTrue(step > 0 && step < 0.2, "seamless loop at packet " + i + ": step " + step);
        }
        assertTrue(pts.get(pts.size() - 1) - pts.get(0) > 6.5, "span beyond one 3 s loop");
        JsonObject vod = new JsonArray(server.post("/vod/find", new JsonObject().put("localStreamName", "loop3").encode()).body())
                .getJsonObject(0);
        assertEquals("PROCESSED_LOCAL", vod.getString("status"));
        assertTrue(vod.getBoolean("hasVideo") && vod.getBoolean("hasAudio"));
        assertEquals(409, startup("vod-live://three.mp4", "loop3", true).status(), "name in use");
        assertEquals(200, server.post("/vod/terminate", new JsonObject().put("localStreamName", "loop3").encode()).status());
        assertEquals(404, server.post("/stream/find", new JsonObject().put("name", "loop3").encode()).status());
    }

    @Test
    void badFilesAreRefusedWithReasons() throws Exception {
        EstuaryProcess.Http missing = startup("vod-live://missing.mp4", "m1", false);
        assertEquals(404, missing.status());
        assertTrue(missing.body().contains("File not found"), missing.body());
        EstuaryProcess.Http wrong = startup("vod-live://notes.mp4", "m2", false);
        assertEquals(400, wrong.status());
        assertTrue(wrong.body().contains("File has wrong format"), wrong.body());
        for (String escape : new String[] {"../outside-" + media.getFileName() + ".mp4", "/etc/passwd", "a/../../x.mp4"}) {
            EstuaryProcess.Http r = startup("vod-live://" + escape, "m3", false);
            assertEquals(400, r.status(), escape + " -> " + r.body());
        }
        assertEquals(400, startup("file:///etc/passwd", "m4", false).status());
        assertEquals(404, server.post("/vod/terminate", new JsonObject().put("localStreamName", "nope").encode()).status());
    }
}
