package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import org.estuary.it.support.Chromium;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ffmpeg publishes RTMP (H.264 baseline + AAC); headless Chromium plays the stream over WHEP with a
 * plain standards page: getStats shows video frames decoded and Opus audio samples received.
 */
class WebRtcWhepTest {
    private static EstuaryProcess server;
    private static Process publisher;
    private static int web;

    @BeforeAll
    static void start() throws Exception {
        web = Ports.free();
        server = EstuaryProcess.start("webrtc-whep", "websocket.port=" + web, "webrtc.port=" + Ports.free(),
                "webrtc.privateAddress=127.0.0.1");
        publisher = Ffmpeg.publish(server.rtmpUrl("live1"), "640x360", 25, 0,
                EstuaryProcess.logDir().resolve("webrtc-whep-ffmpeg.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(publisher);
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    @Test
    void chromiumPlaysAnRtmpPublishOverWhep() throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        while (server.post("/stream/find", new JsonObject().put("name", "live1").encode()).status() != 200) {
            assertTrue(System.currentTimeMillis() < end, "RTMP publish never appeared");
            Thread.sleep(200);
        }
        String whep = "http://127.0.0.1:" + web + "/whep/live1";
        try (Chromium browser = Chromium.open("whep-play.html", "whep=" + whep + "&secs=5",
                EstuaryProcess.logDir().resolve("webrtc-whep-chromium.log"))) {
            // wall-clock bound, generous: Chromium start and a cold JVM's first DTLS handshake on the shared machine
            JsonObject playing = browser.await(120_000, "PLAYING");
            System.out.println("WHEP time to first frame: " + playing.getInteger("firstFrameMs") + " ms (POST to first decoded frame)");
            JsonObject done = browser.await(60_000, "DONE");
            JsonObject video = done.getJsonObject("stats").getJsonObject("video");
            JsonObject audio = done.getJsonObject("stats").getJsonObject("audio");
            System.out.println("WHEP stats: " + done.encode());
            // 5 s at 25 fps = 125 frames; a loaded machine may drop some
            assertTrue(video.getInteger("framesDecoded", 0) >= 60, done.encode());
            assertEquals(640, video.getInteger("frameWidth"), done.encode());
            assertEquals(360, video.getInteger("frameHeight"), done.encode());
            // Opus every 20 ms: 5 s of play is 250 packets; the player pulls samples as it plays them out
            assertTrue(audio.getInteger("packetsReceived", 0) >= 150, "3 s of Opus packets: " + done.encode());
            assertTrue(audio.getLong("totalSamplesReceived", 0L) >= 48_000L, "1 s of 48 kHz samples: " + done.encode());
            assertTrue(video.getInteger("keyFramesDecoded", 0) >= 1, done.encode());
            assertEquals(200, done.getInteger("deleteStatus"), done.encode());
        }
        assertTrue(server.isAlive());
    }

    /**
     * An RTMP source with B-frames (x264 High, {@code -bf 2}): browsers' WebRTC decoders do not
     * reorder, so the player gets the stream's shared baseline copy (a transcoder the engine starts
     * and stops) and Chromium decodes it; the copy is gone once the player left.
     */
    @Test
    void aBFrameSourceIsPlayedFromItsBaselineCopy() throws Exception {
        Process bf = Ffmpeg.start(java.util.List.of(org.estuary.it.support.Peers.ffmpeg(), "-hide_banner", "-nostdin",
                "-loglevel", "warning", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
                "-c:v", "libx264", "-profile:v", "high", "-preset", "veryfast", "-bf", "2", "-g", "50",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-ar", "48000", "-ac", "2", "-f", "flv", server.rtmpUrl("bf1")),
                EstuaryProcess.logDir().resolve("webrtc-whep-bframes-ffmpeg.log"));
        try {
            long end = System.currentTimeMillis() + 20_000;
            while (server.post("/stream/find", new JsonObject().put("name", "bf1").encode()).status() != 200) {
                assertTrue(System.currentTimeMillis() < end, "RTMP publish with B-frames never appeared");
                Thread.sleep(200);
            }
            long before = stats().getLong("baselineCopiesStarted");
            String whep = "http://127.0.0.1:" + web + "/whep/bf1";
            try (Chromium browser = Chromium.open("whep-play.html", "whep=" + whep + "&secs=3",
                    EstuaryProcess.logDir().resolve("webrtc-whep-bframes-chromium.log"))) {
                JsonObject done = browser.await(120_000, "DONE");
                System.out.println("WHEP of a B-frame source: " + done.encode());
                JsonObject video = done.getJsonObject("stats").getJsonObject("video");
                JsonObject start = done.getJsonObject("atFirstFrame").getJsonObject("video");
                // 3 s at 25 fps = 75 frames after the first; a loaded machine may drop some
                assertTrue(video.getInteger("framesDecoded") - start.getInteger("framesDecoded") >= 30, done.encode());
                assertEquals(320, video.getInteger("frameWidth"), done.encode());
                assertEquals(240, video.getInteger("frameHeight"), done.encode());
                assertTrue(done.getJsonObject("stats").getJsonObject("audio").getInteger("packetsReceived", 0) >= 50, done.encode());
            }
            assertEquals(before + 1, stats().getLong("baselineCopiesStarted"), stats().encode());
            // the last player left: the engine terminates the copy (wall-clock bound, generous: one event-bus round trip)
            end = System.currentTimeMillis() + 10_000;
            int status = 200;
            while (status != 404 && System.currentTimeMillis() < end) {
                status = server.post("/stream/find", new JsonObject().put("name", "bf1-webrtc-baseline").encode()).status();
                Thread.sleep(200);
            }
            assertEquals(404, status, "the baseline copy ended with its last player");
            assertEquals(0L, stats().getLong("baselineCopies"));
        } finally {
            Ffmpeg.stop(bf);
        }
    }

    private static JsonObject stats() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        return new JsonObject(http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + web + "/webrtc/stats")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void playingAMissingStreamIs404() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + web + "/whep/nosuch"))
                .header("Content-Type", "application/sdp")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(SdpSamples.RECVONLY)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(new JsonObject(r.body()).getString("message").contains("nosuch"), r.body());
    }
}
