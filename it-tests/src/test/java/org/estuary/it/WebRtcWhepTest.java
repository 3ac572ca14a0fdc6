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
