package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.estuary.it.support.AudioLevels;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.NginxRtmp;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * /push/*: Estuary re-publishes a 1 kHz-tone test stream to a real nginx-rtmp; what nginx serves
 * is checked with ffprobe/ffmpeg (codecs, resolution, audio levels per frequency band).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RtmpPushTest {
    private static EstuaryProcess server;
    private static NginxRtmp nginx;
    private static Process publisher;
    private static Path mediaDir;
    private static String transponderId;

    @BeforeAll
    static void start() throws Exception {
        mediaDir = Files.createTempDirectory("it-push-media");
        Peers.Result made = Peers.run(30, Peers.ffmpeg(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=44100:duration=3", "-ac", "1", "-c:a", "pcm_s16le",
                mediaDir.resolve("tone440.wav").toString());
        assertEquals(0, made.exitCode(), made.output());
        Files.writeString(mediaDir.resolve("not-a-wav.wav"), "ID3 this is no RIFF file");
        nginx = NginxRtmp.start();
        server = EstuaryProcess.start("rtmp-push", "media.directory=" + mediaDir);
        publisher = startPublisher();
        awaitStream("cam1");
    }

    private static Process startPublisher() throws Exception {
        return Ffmpeg.publish(server.rtmpUrl("cam1"), "640x360", 25, 0,
                EstuaryProcess.logDir().resolve("rtmp-push-ffmpeg.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(publisher);
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
        if (nginx != null) {
            nginx.close();
        }
        NginxRtmp.deleteTree(mediaDir);
    }

    private static void awaitStream(String name) throws Exception {
        await("stream " + name + " with video and audio", () -> {
            EstuaryProcess.Http r = server.post("/stream/find", new JsonObject().put("name", name).encode());
            return r.status() == 200 && new JsonArray(r.body()).getJsonObject(0).getInteger("width") > 0
                    && new JsonArray(r.body()).getJsonObject(0).getBoolean("hasAudio");
        });
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(String what, Check c) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (c.ok()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting for " + what + "\n" + EstuaryProcess.tail(server.log()));
    }

    private static JsonObject post(String path, JsonObject body, int expected) throws Exception {
        EstuaryProcess.Http r = server.post(path, body.encode());
        assertEquals(expected, r.status(), path + " " + body + " -> " + r.body());
        if (r.body() == null || r.body().isBlank()) {
            return new JsonObject();
        }
        return r.body().trim().startsWith("[") ? new JsonObject().put("list", new JsonArray(r.body())) : new JsonObject(r.body());
    }

    private static JsonObject transponder() throws Exception {
        JsonObject r = post("/push/find_all", new JsonObject(), 200);
        return r.getJsonArray("list").stream().map(JsonObject.class::cast)
                .filter(o -> o.getString("mediaSessionId").equals(transponderId)).findFirst().orElseThrow();
    }

    private static String nginxOut() {
        return nginx.url("live", "rtmp_cam1");
    }

    @Test
    @Order(1)
    void startupPublishesH264AndAacAtTheSourceResolutionToNginx() throws Exception {
        JsonObject t = post("/push/startup", new JsonObject().put("streamName", "cam1")
                .put("rtmpUrl", nginx.url("live", null)), 200);
        transponderId = t.getString("mediaSessionId");
        assertNotNull(transponderId);
        assertEquals("rtmp_cam1", t.getString("streamName"));
        assertEquals(nginx.url("live", null), t.getString("rtmpUrl"));
        assertFalse(t.getBoolean("muted"));
        assertFalse(t.getBoolean("soundEnabled"));
        assertNotNull(t.getJsonObject("options"));
        await("nginx publisher rtmp_cam1", () -> nginx.isPublishing("rtmp_cam1"));
        await("transponder PUBLISHING", () -> "PUBLISHING".equals(transponder().getString("status")));
        assertEquals(640, transponder().getInteger("width"));

        Ffmpeg.Probe p = Ffmpeg.probe(nginxOut(), 10);
        assertEquals("h264", p.video().get("codec_name"), p.toString());
        assertEquals("640", p.video().get("width"), p.toString());
        assertEquals("360", p.video().get("height"), p.toString());
        assertTrue(p.videoFrames() >= 200, "10 s at 25 fps: " + p);
        assertEquals("aac", p.audio().get("codec_name"), p.toString());
        assertTrue(p.audioFrames() >= 400, "10 s of 48 kHz AAC: " + p);
        assertTrue(AudioLevels.meanVolume(nginxOut(), 3) > -35, "the source tone is audible");
    }

    @Test
    @Order(2)
    void startupErrorsAnswerTheDocumentedStatusWithAReason() throws Exception {
        assertReason(post("/push/startup", new JsonObject().put("streamName", "cam1"), 400), "rtmpUrl");
        assertReason(post("/push/startup", new JsonObject().put("streamName", "cam1").put("rtmpUrl", "http://127.0.0.1/live"), 400), "scheme");
        assertReason(post("/push/startup", new JsonObject().put("streamName", "cam1")
                .put("rtmpUrl", "rtmp://no-such-host.invalid/live"), 400), "does not resolve");
        assertReason(post("/push/startup", new JsonObject().put("streamName", "nope")
                .put("rtmpUrl", nginx.url("live", null)), 404), "nope");
        assertReason(post("/push/startup", new JsonObject().put("streamName", "cam1")
                .put("rtmpUrl", nginx.url("live", null)), 409), "already exists");
        assertReason(post("/push/mute", new JsonObject().put("mediaSessionId", "nope"), 404), "not found");
        assertReason(post("/push/sound_on", new JsonObject().put("mediaSessionId", transponderId)
                .put("soundFile", "../../etc/passwd"), 400), "inside the media directory");
        assertReason(post("/push/sound_on", new JsonObject().put("mediaSessionId", transponderId)
                .put("soundFile", "missing.wav"), 404), "not found");
        assertReason(post("/push/sound_on", new JsonObject().put("mediaSessionId", transponderId)
                .put("soundFile", "not-a-wav.wav"), 400), "RIFF");
        assertReason(post("/push/startup", new JsonObject().put("streamName", "cam1").put("rtmpUrl", nginx.url("live", "x"))
                .put("options", new JsonObject().put("action", "sound_on").put("soundFile", "missing.wav")), 404), "not found");
        assertReason(post("/push/startup", new JsonObject().put("streamName", "cam1").put("rtmpUrl", nginx.url("live", "x"))
                .put("options", new JsonObject().put("action", "explode")), 400), "action");
        assertReason(post("/push/find", new JsonObject().put("streamName", "other"), 404), "not found");
        JsonObject found = post("/push/find", new JsonObject().put("streamName", "rtmp_cam1"), 200);
        assertEquals(transponderId, found.getJsonArray("list").getJsonObject(0).getString("mediaSessionId"));
    }

    private static void assertReason(JsonObject error, String expected) {
        assertTrue(error.getString("message", "").toLowerCase().contains(expected.toLowerCase()), error.encode());
    }

    @Test
    @Order(3)
    void muteSilencesTheAudioWhileVideoContinues() throws Exception {
        JsonObject t = post("/push/mute", new JsonObject().put("mediaSessionId", transponderId), 200);
        assertTrue(t.getBoolean("muted"));
        Thread.sleep(1000);
        double muted = AudioLevels.meanVolume(nginxOut(), 4);
        assertTrue(muted < -60, "muted audio mean volume " + muted);
        Ffmpeg.Probe p = Ffmpeg.probe(nginxOut(), 4);
        assertTrue(p.videoFrames() >= 50, "video continues while muted: " + p);
        assertTrue(p.audioFrames() >= 150, "audio frames keep coming (silence, no gap): " + p);

        post("/push/unmute", new JsonObject().put("mediaSessionId", transponderId), 200);
        Thread.sleep(1000);
        double back = AudioLevels.meanVolume(nginxOut(), 3);
        assertTrue(back > -35, "unmuted tone is back: " + back);
    }

    @Test
    @Order(4)
    void soundOnMixesA440HzWavAndSoundOffRestoresTheOriginal() throws Exception {
        double before440 = AudioLevels.bandVolume(nginxOut(), 3, 440);
        JsonObject t = post("/push/sound_on", new JsonObject().put("mediaSessionId", transponderId)
                .put("soundFile", "tone440.wav").put("loop", true), 200);
        assertTrue(t.getBoolean("soundEnabled"));
        Thread.sleep(1000);
        double with440 = AudioLevels.bandVolume(nginxOut(), 4, 440);
        double with1000 = AudioLevels.bandVolume(nginxOut(), 3, 1000);
        assertTrue(with440 > before440 + 15, "440 Hz band: before " + before440 + " dB, with sound " + with440 + " dB");
        assertTrue(with1000 > -40, "the source tone is still mixed in: " + with1000);

        post("/push/sound_off", new JsonObject().put("mediaSessionId", transponderId), 200);
        assertFalse(transponder().getBoolean("soundEnabled"));
        Thread.sleep(1000);
        double after440 = AudioLevels.bandVolume(nginxOut(), 3, 440);
        double after1000 = AudioLevels.bandVolume(nginxOut(), 3, 1000);
        assertTrue(after440 < with440 - 15, "440 Hz gone again: " + after440 + " vs " + with440);
        assertTrue(after1000 > -40, "original tone: " + after1000);
    }

    @Test
    @Order(5)
    void transponderSurvivesThePublisherReconnecting() throws Exception {
        Ffmpeg.stop(publisher);
        await("source unpublished", () -> server.post("/stream/find", new JsonObject().put("name", "cam1").encode()).status() == 404);
        publisher = startPublisher();
        awaitStream("cam1");
        await("transponder re-attached", () -> "PUBLISHING".equals(transponder().getString("status")));
        Ffmpeg.Probe p = Ffmpeg.probe(nginxOut(), 4);
        assertTrue(p.videoFrames() >= 50, "frames flow again: " + p);
    }

    @Test
    @Order(6)
    void targetRefusalIsReportedAsFailed() throws Exception {
        JsonObject t = post("/push/startup", new JsonObject().put("streamName", "cam1")
                .put("rtmpUrl", nginx.url("denied", null)), 200);
        String id = t.getString("mediaSessionId");
        await("FAILED", () -> {
            JsonObject o = post("/push/find_all", new JsonObject(), 200).getJsonArray("list").stream()
                    .map(JsonObject.class::cast).filter(x -> x.getString("mediaSessionId").equals(id)).findFirst().orElseThrow();
            return "FAILED".equals(o.getString("status")) && !o.getString("info", "").isEmpty();
        });
        post("/push/terminate", new JsonObject().put("mediaSessionId", id), 200);
    }

    @Test
    @Order(7)
    void terminateMakesThePublisherLeaveNginx() throws Exception {
        post("/push/terminate", new JsonObject().put("mediaSessionId", transponderId), 200);
        await("nginx publisher gone", () -> !nginx.isPublishing("rtmp_cam1"));
        post("/push/terminate", new JsonObject().put("mediaSessionId", transponderId), 404);
        Predicate<Integer> none = s -> s == 404;
        assertTrue(none.test(server.post("/push/find_all", "{}").status()));
    }
}
