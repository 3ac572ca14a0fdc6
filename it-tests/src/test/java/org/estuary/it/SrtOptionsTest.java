package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MPEG-TS over SRT with the options encoders and SRT servers use (issue 16 item 6): AES
 * passphrase and key length, latency, and caller mode (Estuary pulls from an SRT listener, here
 * ffmpeg's {@code srt://...?mode=listener}, sending a stream id). ffmpeg's libsrt is the other side.
 */
class SrtOptionsTest {
    private static final String PASS = "correct-horse-battery";
    private static EstuaryProcess server;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        int from = 20000 + (Ports.free() % 20000);
        server = EstuaryProcess.start("srt-options", "media.portFrom=" + from, "media.portTo=" + (from + 20));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit");
        }
    }

    private static Process encoder(String srtUrl, int seconds, String log) throws Exception {
        return Ffmpeg.start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "25", "-bf", "0",
                "-c:a", "aac", "-f", "mpegts", srtUrl), EstuaryProcess.logDir().resolve(log));
    }

    private static long videoFrames(String name) throws Exception {
        EstuaryProcess.Http r = server.post("/stream/find", new JsonObject().put("name", name).encode());
        return r.status() == 200 ? new JsonArray(r.body()).getJsonObject(0).getJsonObject("stats").getLong("videoFrames") : -1;
    }

    private static long awaitFrames(String name, long atLeast, long ms) throws Exception {
        long deadline = System.currentTimeMillis() + ms;
        long n = videoFrames(name);
        while (n < atLeast && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            n = videoFrames(name);
        }
        return n;
    }

    private static void assertPlays(String name) throws Exception {
        Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl(name), 3);
        assertEquals("h264", p.video().get("codec_name"), p.toString());
        assertEquals("640", p.video().get("width"), p.toString());
        assertTrue(p.videoFrames() >= 25, p.toString());
        assertEquals("aac", p.audio().get("codec_name"), p.toString());
    }

    @Test
    void encryptedListenerTakesTheRightPassphraseOnly() throws Exception {
        EstuaryProcess.Http r = server.post("/mpegts/startup", new JsonObject().put("localStreamName", "srt-aes")
                .put("transport", "srt").put("passphrase", PASS).put("pbkeylen", 32).put("latency", 200).encode());
        assertEquals(200, r.status(), r.body());
        JsonObject ts = r.json();
        assertEquals(new JsonObject().put("mode", "listener").put("latency", 200).put("encrypted", true)
                .put("pbkeylen", 32).putNull("streamid"), ts.getJsonObject("srt"), ts.encode());
        assertFalse(ts.encode().contains(PASS), "the passphrase is never echoed");
        String uri = ts.getString("uri");
        try {
            Process wrong = encoder(uri + "?mode=caller&passphrase=not+the+right+one&pbkeylen=32", 4, "srt-aes-wrong.log");
            wrong.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            Ffmpeg.stop(wrong);
            assertTrue(videoFrames("srt-aes") <= 0, "nothing got in with a wrong passphrase");
            Process right = encoder(uri + "?mode=caller&pbkeylen=32&passphrase=" + PASS, 15, "srt-aes-right.log");
            try {
                assertTrue(awaitFrames("srt-aes", 50, 20_000) >= 50, "frames with the right passphrase");
                assertPlays("srt-aes");
            } finally {
                Ffmpeg.stop(right);
            }
        } finally {
            server.post("/mpegts/terminate", new JsonObject().put("localStreamName", "srt-aes").encode());
        }
    }

    @Test
    void callerModePullsFromAnSrtListenerAndComesBackAfterItRestarts() throws Exception {
        int port = Ports.free();
        String listen = "srt://127.0.0.1:" + port + "?mode=listener&pbkeylen=16&passphrase=" + PASS;
        Process remote = encoder(listen, 30, "srt-caller-remote1.log");
        try {
            EstuaryProcess.Http r = server.post("/mpegts/startup", new JsonObject().put("localStreamName", "srt-pull")
                    .put("transport", "srt").put("mode", "caller").put("remoteUri", "srt://127.0.0.1:" + port)
                    .put("passphrase", PASS).put("pbkeylen", 16).put("streamid", "#!::r=live/cam,m=request").encode());
            assertEquals(200, r.status(), r.body());
            assertEquals("srt://127.0.0.1:" + port, r.json().getString("uri"));
            assertEquals("caller", r.json().getJsonObject("srt").getString("mode"));
            assertEquals("#!::r=live/cam,m=request", r.json().getJsonObject("srt").getString("streamid"));
            assertTrue(awaitFrames("srt-pull", 50, 25_000) >= 50, "frames pulled from the listener");
            assertPlays("srt-pull");
            // the remote listener goes away and comes back: the caller connects again
            Ffmpeg.stop(remote);
            long before = videoFrames("srt-pull");
            remote = encoder(listen, 30, "srt-caller-remote2.log");
            assertTrue(awaitFrames("srt-pull", before + 50, 25_000) >= before + 50, "frames after the listener restarted");
            JsonObject found = new JsonArray(server.post("/mpegts/find",
                    new JsonObject().put("localStreamName", "srt-pull").encode()).body()).getJsonObject(0);
            assertTrue(found.getJsonObject("stats").getInteger("connections") >= 2, found.encode());
        } finally {
            Ffmpeg.stop(remote);
            server.post("/mpegts/terminate", new JsonObject().put("localStreamName", "srt-pull").encode());
        }
    }

    @Test
    void badOptionsAreRefused() throws Exception {
        JsonObject base = new JsonObject().put("localStreamName", "srt-bad").put("transport", "srt");
        for (JsonObject bad : List.of(
                base.copy().put("passphrase", "short"),
                base.copy().put("passphrase", PASS).put("pbkeylen", 20),
                base.copy().put("pbkeylen", 16),
                base.copy().put("mode", "rendezvous"),
                base.copy().put("mode", "caller"),
                base.copy().put("mode", "caller").put("remoteUri", "http://127.0.0.1:9000"),
                base.copy().put("streamid", "only-for-callers"),
                base.copy().put("mode", "caller").put("remoteUri", "srt://127.0.0.1:9000").put("allowedList", new JsonArray().add("127.0.0.1")),
                new JsonObject().put("localStreamName", "udp-bad").put("transport", "udp").put("passphrase", PASS))) {
            EstuaryProcess.Http r = server.post("/mpegts/startup", bad.encode());
            assertEquals(400, r.status(), bad + " -> " + r.body());
            assertTrue(r.isJson(), r.body());
        }
        assertEquals(404, server.post("/stream/find", new JsonObject().put("name", "srt-bad").encode()).status());
    }
}
