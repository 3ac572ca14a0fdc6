package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.estuary.it.support.Await;
import org.estuary.it.support.Chromium;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Headless Chromium publishes its fake camera and microphone over WHIP with a plain standards page;
 * ffprobe reads the stream over RTMP (H.264 + AAC transcoded from Opus) and decodes frames.
 */
class WebRtcWhipTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static EstuaryProcess server;
    private static int web;
    private static int hlsPort;

    @BeforeAll
    static void start() throws Exception {
        web = Ports.free();
        hlsPort = Ports.free();
        server = EstuaryProcess.start("webrtc-whip", "websocket.port=" + web, "webrtc.port=" + Ports.free(),
                "hls.port=" + hlsPort, "hls.segmentDurationSec=1",
                "webrtc.privateAddress=127.0.0.1", "webrtc.consentTimeoutMs=20000");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject stats() throws Exception {
        return new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/webrtc/stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void chromiumPublishesOverWhipAndRtmpReadsH264AndAac() throws Exception {
        String whip = "http://127.0.0.1:" + web + "/whip/cam1";
        try (Chromium browser = Chromium.open("whip-publish.html", "whip=" + whip + "&secs=10",
                EstuaryProcess.logDir().resolve("webrtc-whip-chromium.log"))) {
            // wall-clock bound, generous: Chromium's start, getUserMedia and the first DTLS handshake of
            // a cold JVM took 30-40 s together on the shared 2-core CI machine
            JsonObject publishing = browser.await(120_000, "PUBLISHING");
            System.out.println("WHIP connected in " + publishing.getInteger("connectMs") + " ms (POST to ICE+DTLS connected)");

            Ffmpeg.Probe probe = Ffmpeg.probe(server.rtmpUrl("cam1"), 4);
            assertEquals("h264", probe.video().get("codec_name"), probe.toString());
            assertEquals("640", probe.video().get("width"), probe.toString());
            assertEquals("480", probe.video().get("height"), probe.toString());
            assertEquals("aac", probe.audio().get("codec_name"), probe.toString());
            assertEquals("48000", probe.audio().get("sample_rate"), probe.toString());
            // fake camera: 20 fps; 4 s read -> ~80 frames; AAC 1024 samples at 48 kHz -> ~187 frames
            assertTrue(probe.videoFrames() >= 30, "decoded video frames: " + probe);
            assertTrue(probe.audioFrames() >= 60, "decoded audio frames: " + probe);

            JsonObject done = browser.await(60_000, "DONE");
            assertEquals(200, done.getInteger("deleteStatus"), done.encode());
            JsonObject video = done.getJsonObject("stats").getJsonObject("video");
            assertTrue(video.getInteger("pliCount", 0) >= 1, "the server asked for a key frame: " + done.encode());
            assertTrue(done.getJsonObject("stats").getJsonObject("transport").getString("srtpCipher", "").contains("AES"),
                    done.encode());
            // REMB (1000 kbit/s by default) + receiver reports take Chromium's estimate past its ~300 kbit/s
            // start within the 10 s publish (it stayed there without feedback); the players get ~600 kbit/s
            JsonObject pair = done.getJsonObject("stats").getJsonObject("pair");
            System.out.println("WHIP publisher after 10 s: estimate " + pair.encode() + ", video target "
                    + video.getValue("bitrateTarget") + " bit/s, " + video.getValue("bytesSent") + " bytes sent");
            assertTrue(pair.getDouble("availableOutgoingBitrate", 0.0) > 600_000, done.encode());
        }
        JsonObject engine = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/webrtc/stats"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(engine.getLong("rembSent") >= 5 && engine.getLong("receiverReportsSent") >= 5, engine.encode());
        // DELETE ended the session, and with it the stream
        long end = System.currentTimeMillis() + 5000;
        int status = 0;
        while (System.currentTimeMillis() < end) {
            status = server.post("/stream/find", new JsonObject().put("name", "cam1").encode()).status();
            if (status == 404) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals(404, status, "stream gone after DELETE");
    }

    /**
     * WebRTC to WebRTC: one Chromium publishes over WHIP, a second plays over WHEP (frames decoded);
     * then the publishing browser is killed without a word, and the consent timeout frees its
     * session: no sessions, no handshake threads, and the stream is gone.
     */
    @Test
    void chromiumToChromiumThenAVanishingBrowserIsFreed() throws Exception {
        String whip = "http://127.0.0.1:" + web + "/whip/room1";
        String whep = "http://127.0.0.1:" + web + "/whep/room1";
        try (Chromium publisher = Chromium.open("whip-publish.html", "whip=" + whip + "&secs=600",
                EstuaryProcess.logDir().resolve("webrtc-w2w-publisher.log"))) {
            publisher.await(120_000, "PUBLISHING");
            long transcodersBefore = stats().getLong("opusTranscodersStarted");
            try (Chromium player = Chromium.open("whep-play.html", "whep=" + whep + "&secs=4",
                    EstuaryProcess.logDir().resolve("webrtc-w2w-player.log"))) {
                JsonObject playing = player.await(120_000, "PLAYING");
                System.out.println("WebRTC->WebRTC time to first frame: " + playing.getInteger("firstFrameMs") + " ms");
                JsonObject done = player.await(60_000, "DONE");
                System.out.println("WebRTC->WebRTC player stats: " + done.encode());
                JsonObject video = done.getJsonObject("stats").getJsonObject("video");
                assertTrue(video.getInteger("framesDecoded", 0) >= 30, done.encode());
                assertEquals(640, video.getInteger("frameWidth"), done.encode());
                JsonObject audio = done.getJsonObject("stats").getJsonObject("audio");
                assertTrue(audio.getInteger("packetsReceived", 0) >= 100, done.encode());
                // the publisher's Opus reaches the player as is (no Opus->AAC->Opus round trip). Judged
                // between the first decoded frame and the end (start-up excluded)
                // (no audio yet at the first video frame: the window is then the whole play)
                JsonObject start = done.getJsonObject("atFirstFrame").getJsonObject("audio", new JsonObject());
                double samples = audio.getLong("totalSamplesReceived") - start.getLong("totalSamplesReceived", 0L);
                double concealed = (audio.getLong("concealedSamples") - start.getLong("concealedSamples", 0L)) / samples;
                System.out.printf("WebRTC->WebRTC audio: %.3f%% of %.0f samples concealed%n", 100 * concealed, samples);
                assertTrue(samples >= 48_000 * 2, "2 s of audio played: " + done.encode());
                // a gross-defect bound: broken pass-through times (repeated or mis-scaled timestamps) conceal
                // most of the audio, while a starved Chromium on the loaded 2-core machine conceals a share by
                // itself (0% seen at load 40, 6.2% at load 48, 28% at load ~20 with the soak and other suites
                // running); the counters below are the exact proof
                assertTrue(concealed < 0.5, done.encode());
                JsonObject engine = stats();
                assertTrue(engine.getLong("opusPassThroughPlayers") >= 1, engine.encode());
                assertEquals(transcodersBefore, engine.getLong("opusTranscodersStarted"), "no AAC->Opus transcoder: " + engine.encode());
            }
            publisher.kill();
        }
        // consent timeout 20 s (Chromium checks about every 2 s, but a starved browser on the loaded
        // shared machine once paused >10 s) + the 0.5 s tick; wall-clock bound with margin
        long end = System.currentTimeMillis() + 40_000;
        JsonObject stats = new JsonObject();
        while (System.currentTimeMillis() < end) {
            stats = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/webrtc/stats")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (stats.getLong("sessions") == 0) {
                break;
            }
            Thread.sleep(250);
        }
        assertEquals(0L, stats.getLong("sessions"), stats.encode());
        assertEquals(0L, stats.getLong("dtlsHandshakesRunning"), stats.encode());
        assertTrue(stats.getLong("sessionsTimedOut") >= 1, stats.encode());
        assertEquals(404, server.post("/stream/find", new JsonObject().put("name", "room1").encode()).status());
    }

    /**
     * VP8 between browsers: the publisher offers VP8 alone (RFC 7741 depacketised into VP8 frames),
     * a player preferring VP8 gets the frames re-packetised as they are and decodes them (Chromium hides
     * decoderImplementation from a page without camera access: the codec stat names VP8). Meanwhile
     * RTMP and HLS readers of the same name get H.264 at the publisher's size: the stream itself
     * carries the VP8 transcoded once on a worker.
     */
    @Test
    void vp8PublisherToVp8PlayerAndH264ForRtmpAndHls() throws Exception {
        String whip = "http://127.0.0.1:" + web + "/whip/vp8cam";
        String whep = "http://127.0.0.1:" + web + "/whep/vp8cam";
        try (Chromium publisher = Chromium.open("whip-publish.html", "whip=" + whip + "&secs=600&codec=VP8&only=1",
                EstuaryProcess.logDir().resolve("webrtc-vp8-publisher.log"))) {
            publisher.await(120_000, "PUBLISHING");
            // the stream reports H.264 once the first VP8 key frame was transcoded
            long end = System.currentTimeMillis() + 20_000;
            String found = "";
            while (System.currentTimeMillis() < end && !found.contains("H264")) {
                found = server.post("/stream/find", new JsonObject().put("name", "vp8cam").encode()).body();
                Thread.sleep(250);
            }
            assertTrue(found.contains("H264"), found);
            long startsBefore = stats().getLong("h264TranscodesStarted");
            try (Chromium player = Chromium.open("whep-play.html", "whep=" + whep + "&secs=3&codec=VP8",
                    EstuaryProcess.logDir().resolve("webrtc-vp8-player.log"))) {
                player.await(120_000, "PLAYING");
                // only a VP8 player reads the stream: no H.264 transcode runs (it starts on demand)
                assertEquals(startsBefore, stats().getLong("h264TranscodesStarted"), stats().encode());
                // while the browser plays: RTMP and HLS readers of the same name get H.264, the first of them
                // starting the transcode
                Ffmpeg.Probe rtmp = Ffmpeg.probe(server.rtmpUrl("vp8cam"), 3);
                assertEquals("h264", rtmp.video().get("codec_name"), rtmp.toString());
                assertEquals("640", rtmp.video().get("width"), rtmp.toString());
                assertEquals("480", rtmp.video().get("height"), rtmp.toString());
                assertEquals("aac", rtmp.audio().get("codec_name"), rtmp.toString());
                // fake camera: 20 fps; 3 s read -> ~60 frames. A gross-defect bound: on the shared 2-core machine at
                // load average 50 the transcoder's worker fell behind, skipped to the next key frame and 9 came
                assertTrue(rtmp.videoFrames() >= 5, "decoded video frames: " + rtmp);
                // the HLS agent starts at this first request: its first segments may be short, so read until
                // they carry half a second of video (20 fps)
                String hlsUrl = "http://127.0.0.1:" + hlsPort + "/vp8cam/vp8cam.m3u8";
                Ffmpeg.Probe hls = Await.value(Duration.ofSeconds(30), "HLS video of vp8cam", () -> {
                    Ffmpeg.Probe p = Ffmpeg.probe(hlsUrl, 2);
                    assertTrue(p.videoFrames() >= 10, "decoded HLS video frames: " + p);
                    return p;
                });
                System.out.println("VP8 publish read over HLS: " + hls);
                assertEquals("h264", hls.video().get("codec_name"), hls.toString());
                assertEquals("640", hls.video().get("width"), hls.toString());

                JsonObject done = player.await(120_000, "DONE");
                System.out.println("VP8 WebRTC->WebRTC player stats: " + done.encode());
                JsonObject stats = done.getJsonObject("stats");
                assertTrue(stats.getBoolean("codec_video/VP8", false), done.encode());
                JsonObject video = stats.getJsonObject("video");
                JsonObject start = done.getJsonObject("atFirstFrame").getJsonObject("video");
                // fake camera: 20 fps, 3 s after the first frame; a loaded machine may drop some
                assertTrue(video.getInteger("framesDecoded") - start.getInteger("framesDecoded") >= 20, done.encode());
                assertEquals(640, video.getInteger("frameWidth"), done.encode());
            }
            assertTrue(stats().getLong("videoPassThroughPlayers") >= 1, stats().encode()); // the VP8 went as it arrived
            assertTrue(stats().getLong("h264TranscodesStarted") > startsBefore, stats().encode());
        }
    }

    /**
     * VP9 between browsers (issue 12: "VP9/AV1 passed between WebRTC peers"): the publisher offers VP9
     * alone (setCodecPreferences), the player prefers VP9 and decodes the frames as they arrived, with
     * no H.264 transcode while it is the only reader. Then an RTMP reader starts the transcode (H.264 at
     * the VP9 key frame's size) and its leaving stops it after the linger.
     */
    @Test
    void vp9PublisherToVp9PlayerTranscodedOnlyForAnRtmpReader() throws Exception {
        String whip = "http://127.0.0.1:" + web + "/whip/vp9cam";
        String whep = "http://127.0.0.1:" + web + "/whep/vp9cam";
        try (Chromium publisher = Chromium.open("whip-publish.html", "whip=" + whip + "&secs=600&codec=VP9&only=1",
                EstuaryProcess.logDir().resolve("webrtc-vp9-publisher.log"))) {
            publisher.await(120_000, "PUBLISHING");
            long startsBefore = stats().getLong("h264TranscodesStarted");
            try (Chromium player = Chromium.open("whep-play.html", "whep=" + whep + "&secs=4&codec=VP9",
                    EstuaryProcess.logDir().resolve("webrtc-vp9-player.log"))) {
                JsonObject playing = player.await(120_000, "PLAYING");
                System.out.println("VP9 WebRTC->WebRTC time to first frame: " + playing.getInteger("firstFrameMs") + " ms");
                JsonObject done = player.await(120_000, "DONE");
                System.out.println("VP9 WebRTC->WebRTC player stats: " + done.encode());
                JsonObject stats = done.getJsonObject("stats");
                assertTrue(stats.getBoolean("codec_video/VP9", false), done.encode());
                JsonObject video = stats.getJsonObject("video");
                JsonObject start = done.getJsonObject("atFirstFrame").getJsonObject("video");
                // fake camera: 20 fps over the 4 s after the first frame = 80. A gross-defect bound, as for AV1
                // below: two Chromiums encoding and decoding VP9 on the shared, loaded 2-core machine
                assertTrue(video.getInteger("framesDecoded") - start.getInteger("framesDecoded") >= 20, done.encode());
                assertEquals(640, video.getInteger("frameWidth"), done.encode());
                // audio judged by samples received, not by concealment: a VP9 run at load average 50 concealed
                // 36% with both browsers starved. 4 s at 48 kHz = 192,000; a quarter of it proves the Opus flows
                JsonObject audio = stats.getJsonObject("audio");
                JsonObject audioStart = done.getJsonObject("atFirstFrame").getJsonObject("audio", new JsonObject());
                long samples = audio.getLong("totalSamplesReceived") - audioStart.getLong("totalSamplesReceived", 0L);
                assertTrue(samples >= 48_000, "1 s of the 4 s of audio: " + done.encode());
                assertEquals(startsBefore, stats().getLong("h264TranscodesStarted"), "no H.264 for a VP9 player: " + stats().encode());
            }
            // an RTMP reader starts the transcode: H.264 at the VP9 key frame's size
            long runningBefore = stats().getLong("h264Transcodes");
            Ffmpeg.Probe rtmp = Ffmpeg.probe(server.rtmpUrl("vp9cam"), 2);
            assertEquals("h264", rtmp.video().get("codec_name"), rtmp.toString());
            assertEquals("640", rtmp.video().get("width"), rtmp.toString());
            assertTrue(rtmp.videoFrames() >= 5, "decoded video frames (a gross-defect bound, as for VP8): " + rtmp);
            assertEquals(startsBefore + 1, stats().getLong("h264TranscodesStarted"), stats().encode());
            // and stops 5 s (PublishMedia.TRANSCODE_LINGER_MS) after the reader left; wall-clock bound with margin
            Await.value(Duration.ofSeconds(30), "transcode stopped", () -> {
                assertTrue(stats().getLong("h264Transcodes") <= runningBefore, stats().encode());
                return true;
            });
        }
    }

    /**
     * AV1 between browsers: Chromium 156 here encodes AV1 (RTCRtpSender.getCapabilities lists
     * "AV1 level-idx=5;profile=0;tier=0"); the publisher offers it alone, the engine depacketises the
     * AV1 RTP payloads into temporal units, and a player preferring AV1 gets them re-packetised as
     * they are and decodes them. No H.264 transcode runs for it.
     */
    @Test
    void av1PublisherToAv1Player() throws Exception {
        String whip = "http://127.0.0.1:" + web + "/whip/av1cam";
        String whep = "http://127.0.0.1:" + web + "/whep/av1cam";
        try (Chromium publisher = Chromium.open("whip-publish.html", "whip=" + whip + "&secs=600&codec=AV1&only=1",
                EstuaryProcess.logDir().resolve("webrtc-av1-publisher.log"))) {
            publisher.await(120_000, "PUBLISHING");
            long startsBefore = stats().getLong("h264TranscodesStarted");
            try (Chromium player = Chromium.open("whep-play.html", "whep=" + whep + "&secs=3&codec=AV1",
                    EstuaryProcess.logDir().resolve("webrtc-av1-player.log"))) {
                JsonObject playing = player.await(120_000, "PLAYING");
                System.out.println("AV1 WebRTC->WebRTC time to first frame: " + playing.getInteger("firstFrameMs") + " ms");
                JsonObject done = player.await(120_000, "DONE");
                System.out.println("AV1 WebRTC->WebRTC player stats: " + done.encode());
                JsonObject stats = done.getJsonObject("stats");
                assertTrue(stats.getBoolean("codec_video/AV1", false), done.encode());
                JsonObject video = stats.getJsonObject("video");
                JsonObject start = done.getJsonObject("atFirstFrame").getJsonObject("video");
                // fake camera: 20 fps over the 3 s after the first frame = 60. A gross-defect bound (broken
                // packetisation decodes a key frame at most): Chromium's software AV1 encoder lowers its frame
                // rate when starved; 64 decoded at load average ~20 in one run, 27 in the next at the same load
                assertTrue(video.getInteger("framesDecoded") - start.getInteger("framesDecoded") >= 10, done.encode());
                assertTrue(video.getInteger("frameWidth") > 0, done.encode());
                // audio by samples received (see the VP9 case): 1 s of the 3 s
                JsonObject audio = stats.getJsonObject("audio");
                JsonObject audioStart = done.getJsonObject("atFirstFrame").getJsonObject("audio", new JsonObject());
                assertTrue(audio.getLong("totalSamplesReceived") - audioStart.getLong("totalSamplesReceived", 0L) >= 48_000,
                        done.encode());
                assertEquals(startsBefore, stats().getLong("h264TranscodesStarted"), "no H.264 for an AV1 player: " + stats().encode());
            }
        }
    }

    @Test
    void malformedOffersGetJsonErrors() throws Exception {
        HttpResponse<String> r = post("/whip/bad1", "application/sdp", "this is not SDP");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(new JsonObject(r.body()).getString("message").contains("v=0"), r.body());

        r = post("/whip/bad1", "application/sdp", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(new JsonObject(r.body()).getString("message").contains("ice-ufrag"), r.body());

        r = post("/whip/bad1", "application/json", "{}");
        assertEquals(415, r.statusCode(), r.body());

        r = post("/whip/bad1", "application/sdp", "");
        assertEquals(400, r.statusCode(), r.body());

        HttpResponse<String> d = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/whip/bad1/nosuchsession"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, d.statusCode(), d.body());
        assertEquals("application/json", d.headers().firstValue("Content-Type").orElse(""));
        assertTrue(server.isAlive());
    }
}
