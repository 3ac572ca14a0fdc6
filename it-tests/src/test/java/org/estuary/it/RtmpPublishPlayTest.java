package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ffmpeg publishes 720p H.264 + AAC over RTMP; REST shows it; ffprobe plays it back. */
class RtmpPublishPlayTest {
    private static EstuaryProcess server;
    private static Process publisher;

    @BeforeAll
    static void start() throws Exception {
        server = EstuaryProcess.start("rtmp-publish-play");
        publisher = Ffmpeg.publish(server.rtmpUrl("cam1"), "1280x720", 30, 0,
                EstuaryProcess.logDir().resolve("rtmp-publish-play-ffmpeg.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(publisher);
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    private static JsonObject awaitStream(String name) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            EstuaryProcess.Http r = server.post("/stream/find", new JsonObject().put("name", name).encode());
            last = r.status() + " " + r.body();
            if (r.status() == 200) {
                JsonObject s = new JsonArray(r.body()).getJsonObject(0);
                if (s.getInteger("width") > 0 && s.getBoolean("hasAudio")) {
                    return s;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("stream " + name + " never appeared: " + last + "\n" + EstuaryProcess.tail(server.log()));
    }

    @Test
    void findAllShowsThePublishedStreamWithCodecsAndResolution() throws Exception {
        awaitStream("cam1");
        EstuaryProcess.Http r = server.post("/stream/find_all", "");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"));
        JsonObject s = new JsonArray(r.body()).stream().map(JsonObject.class::cast)
                .filter(o -> "cam1".equals(o.getString("name"))).findFirst().orElseThrow();
        assertEquals(true, s.getBoolean("published"));
        assertEquals("PUBLISHING", s.getString("status"));
        assertEquals("H264", s.getString("videoCodec"));
        assertEquals("mpeg4-generic/48000/2", s.getString("audioCodec"));
        assertEquals(1280, s.getInteger("width"));
        assertEquals(720, s.getInteger("height"));
        assertEquals("Flash", s.getString("mediaProvider"));
        assertEquals("live", s.getString("appKey"));
        assertTrue(s.getString("sessionId").matches("/127\\.0\\.0\\.1:\\d+/127\\.0\\.0\\.1:\\d+"), s.getString("sessionId"));
        assertFalse(s.getString("mediaSessionId").isBlank());
        assertTrue(s.getLong("createDate") > 0);
    }

    @Test
    void ffprobeReceivesDecodable720pVideoAndAudio() throws Exception {
        awaitStream("cam1");
        long t0 = System.currentTimeMillis();
        Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("cam1"), 5);
        assertEquals("h264", p.video().get("codec_name"), p.toString());
        assertEquals("1280", p.video().get("width"), p.toString());
        assertEquals("720", p.video().get("height"), p.toString());
        assertTrue(p.videoFrames() >= 100, "at least 100 video frames: " + p);
        assertEquals("aac", p.audio().get("codec_name"), p.toString());
        assertTrue(p.audioFrames() > 50, "audio frames: " + p);
        // 5 s of media read in real time: 30 s (6x) leaves room for a loaded 2-core CI machine and
        // still catches a player that stalls before its first frame until the read timeout
        assertTrue(System.currentTimeMillis() - t0 < 30_000, "probe took " + (System.currentTimeMillis() - t0) + " ms");
    }
}
