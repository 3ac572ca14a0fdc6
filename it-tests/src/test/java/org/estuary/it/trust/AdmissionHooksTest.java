package org.estuary.it.trust;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admission hooks with real clients: ffmpeg publishes and ffprobe plays over RTMP, an HTTP
 * client plays HLS and downloads recordings, REST starts MPEG-TS ingest; a small backend in the
 * test (JDK HTTP server) allows or refuses each and gets the lifecycle notifications.
 * Policy: publish needs {@code token=good}; a stream named {@code alias} is renamed to
 * {@code real}; anything with {@code deny} in its name or parameters is refused.
 */
class AdmissionHooksTest {
    private static CallbackServer backend;
    private static EstuaryProcess server;
    private static int hlsPort;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        backend = new CallbackServer();
        backend.policy(call -> {
            JsonObject b = call.body();
            String name = b.getString("streamName", "");
            JsonObject params = b.getJsonObject("params", new JsonObject());
            if (name.contains("deny") || params.containsKey("deny") || b.getString("app", "").contains("deny")) {
                return CallbackServer.Answer.deny();
            }
            if (call.path().equals("/publish") && b.getString("protocol", "").equals("RTMP")
                    && !"good".equals(params.getString("token"))) {
                return CallbackServer.Answer.deny();
            }
            if (name.equals("abrcam") && "mallory".equals(params.getString("viewer"))) {
                return CallbackServer.Answer.deny(); // only abrcam itself: its renditions must be judged as abrcam
            }
            if (name.equals("alias")) {
                return new CallbackServer.Answer(200, "{\"streamName\":\"real\",\"fields\":{\"owner\":\"alice\"}}");
            }
            return CallbackServer.Answer.allow();
        });
        hlsPort = Ports.free();
        server = EstuaryProcess.start("admission-hooks", "hls.port=" + hlsPort,
                "hooks.onConnect=" + backend.url("/connect"), "hooks.onPublish=" + backend.url("/publish"),
                "hooks.onPlay=" + backend.url("/play"), "hooks.onEvent=" + backend.url("/event"),
                "hooks.timeoutMs=5000");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
        if (backend != null) {
            backend.close();
        }
    }

    private static boolean published(String name) throws Exception {
        return server.post("/stream/find", new JsonObject().put("name", name)).status() == 200;
    }

    private static JsonObject awaitStream(String name) throws Exception {
        return Await.value(Duration.ofSeconds(20), "stream " + name, () -> {
            EstuaryProcess.Http r = server.post("/stream/find", new JsonObject().put("name", name));
            return r.status() == 200 ? new JsonArray(r.body()).getJsonObject(0) : null;
        });
    }

    @Test
    void allowedPublisherIsAskedAboutWithItsDetailsAndPlays() throws Exception {
        Process pub = Ffmpeg.publish(server.rtmpUrl("cam1?token=good"), "320x240", 25, 0,
                EstuaryProcess.logDir().resolve("admission-hooks-pub-cam1.log"));
        try {
            awaitStream("cam1");
            JsonObject connect = backend.calls("/connect").get(0).body();
            assertEquals("connect", connect.getString("action"));
            assertEquals("RTMP", connect.getString("protocol"));
            assertEquals("live", connect.getString("app"));
            assertEquals("127.0.0.1", connect.getString("clientAddress"));
            JsonObject publish = backend.calls("/publish").stream().map(CallbackServer.Call::body)
                    .filter(b -> "cam1".equals(b.getString("streamName"))).findFirst().orElseThrow();
            assertEquals("publish", publish.getString("action"));
            assertEquals("good", publish.getJsonObject("params").getString("token"));
            assertEquals("127.0.0.1", publish.getString("clientAddress"));

            // play allowed: frames arrive
            Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("cam1"), 2);
            assertEquals("h264", p.video().get("codec_name"), p.toString());
            assertTrue(p.videoFrames() > 10, p.toString());
            assertTrue(backend.calls("/play").stream().anyMatch(c -> "cam1".equals(c.body().getString("streamName"))
                    && "RTMP".equals(c.body().getString("protocol"))));

            // play refused by the backend: ffprobe gets no stream, the publisher is undisturbed
            Ffmpeg.Probe denied = Ffmpeg.probe(server.rtmpUrl("cam1?deny=1"), 2);
            assertEquals(0, denied.videoFrames(), denied.toString());
            assertTrue(server.logText().contains("refused"), "the refusal is logged");
            assertTrue(pub.isAlive(), "the publisher is not disturbed");

            // HLS: refused with 403 JSON, allowed otherwise
            HttpResponse<String> hlsDenied = get("http://127.0.0.1:" + hlsPort + "/cam1/cam1.m3u8?deny=1");
            assertEquals(403, hlsDenied.statusCode(), hlsDenied.body());
            assertTrue(new JsonObject(hlsDenied.body()).getString("error").contains("refused"), hlsDenied.body());
            String playlist = Await.value(Duration.ofSeconds(30), "HLS playlist", () -> {
                HttpResponse<String> r = get("http://127.0.0.1:" + hlsPort + "/cam1/cam1.m3u8");
                assertNotEquals(403, r.statusCode(), r.body());
                return r.statusCode() == 200 && r.body().contains("#EXTINF") ? r.body() : null;
            });
            assertTrue(playlist.startsWith("#EXTM3U"));
            assertTrue(backend.calls("/play").stream().anyMatch(c -> "HLS".equals(c.body().getString("protocol"))));
        } finally {
            Ffmpeg.stop(pub);
        }
        // lifecycle notifications reach the backend
        Await.until(Duration.ofSeconds(15), "published + unpublished events for cam1", () ->
                backend.calls("/event").stream().anyMatch(c -> "published".equals(c.body().getString("event"))
                        && "cam1".equals(c.body().getString("name")))
                && backend.calls("/event").stream().anyMatch(c -> "unpublished".equals(c.body().getString("event"))
                        && "cam1".equals(c.body().getString("name"))));
    }

    @Test
    void refusedPublisherNeverPublishes() throws Exception {
        Process pub = Ffmpeg.publish(server.rtmpUrl("cam2?token=bad"), "320x240", 25, 0,
                EstuaryProcess.logDir().resolve("admission-hooks-pub-cam2.log"));
        try {
            assertTrue(pub.waitFor(20, TimeUnit.SECONDS), "ffmpeg gives up when its publish is refused");
            assertNotEquals(0, pub.exitValue());
            assertFalse(published("cam2"));
            assertTrue(backend.calls("/publish").stream().anyMatch(c -> "cam2".equals(c.body().getString("streamName"))
                    && "bad".equals(c.body().getJsonObject("params").getString("token"))));
        } finally {
            Ffmpeg.stop(pub);
        }
    }

    @Test
    void refusedConnectClosesTheConnection() throws Exception {
        Process pub = Ffmpeg.publish("rtmp://127.0.0.1:" + server.rtmpPort() + "/deny-app/cam3?token=good", "320x240",
                25, 0, EstuaryProcess.logDir().resolve("admission-hooks-pub-cam3.log"));
        try {
            assertTrue(pub.waitFor(20, TimeUnit.SECONDS), "ffmpeg gives up when its connect is refused");
            assertFalse(published("cam3"));
            assertTrue(backend.calls("/connect").stream().anyMatch(c -> "deny-app".equals(c.body().getString("app"))));
            assertTrue(backend.calls("/publish").stream().noneMatch(c -> "cam3".equals(c.body().getString("streamName"))),
                    "a refused connection never gets to publish");
        } finally {
            Ffmpeg.stop(pub);
        }
    }

    @Test
    void backendMayRenameTheStreamAndAttachFields() throws Exception {
        Process pub = Ffmpeg.publish(server.rtmpUrl("alias?token=good"), "320x240", 25, 0,
                EstuaryProcess.logDir().resolve("admission-hooks-pub-alias.log"));
        try {
            awaitStream("real");
            assertFalse(published("alias"));
        } finally {
            Ffmpeg.stop(pub);
        }
    }

    @Test
    void mpegTsStartupAndRecordingDownloadsAskTheBackend() throws Exception {
        EstuaryProcess.Http r = server.post("/mpegts/startup", new JsonObject().put("localStreamName", "ts-deny"));
        assertEquals(403, r.status(), r.body());
        assertTrue(r.json().getString("error", r.body()).contains("refused") || r.body().contains("refused"), r.body());
        assertTrue(backend.calls("/publish").stream().anyMatch(c -> "ts-deny".equals(c.body().getString("streamName"))
                && c.body().getString("protocol").startsWith("MPEGTS")));
        EstuaryProcess.Http ok = server.post("/mpegts/startup", new JsonObject().put("localStreamName", "ts-ok"));
        assertEquals(200, ok.status(), ok.body());
        server.post("/mpegts/terminate", new JsonObject().put("localStreamName", "ts-ok"));

        EstuaryProcess.Http download = server.get("/records/some-file.mp4?deny=1");
        assertEquals(403, download.status(), download.body());
        assertTrue(download.isJson(), download.toString());
        assertTrue(backend.calls("/play").stream().anyMatch(c -> "HTTP".equals(c.body().getString("protocol"))
                && "some-file.mp4".equals(c.body().getString("streamName"))));
        // allowed: the static handler answers (404 for a file that does not exist), not a refusal
        assertEquals(404, server.get("/records/some-file.mp4").status());
    }

    /**
     * Issue 16: adaptive HLS of {@code abrcam} is judged as {@code abrcam}. The backend refuses abrcam to
     * mallory (and would let anyone watch a stream named {@code abrcam-240p}): mallory gets neither the master
     * playlist nor the rendition's playlist, nor the rendition over RTMP; alice gets both playlists, and
     * the backend was only ever asked about {@code abrcam}.
     */
    @Test
    void abrMasterAndRenditionsAreAdmittedAsTheirSource() throws Exception {
        Process pub = Ffmpeg.publish(server.rtmpUrl("abrcam?token=good"), "426x240", 25, 0,
                EstuaryProcess.logDir().resolve("admission-hooks-pub-abrcam.log"));
        String base = "http://127.0.0.1:" + hlsPort;
        try {
            awaitStream("abrcam");
            String master = Await.value(Duration.ofSeconds(40), "ABR master playlist", () -> {
                HttpResponse<String> r = get(base + "/abrcam-HLS-ABR-STREAM/abrcam-HLS-ABR-STREAM.m3u8?viewer=alice");
                assertNotEquals(403, r.statusCode(), r.body());
                return r.statusCode() == 200 ? r.body() : null;
            });
            assertTrue(master.contains("abrcam-240p.m3u8?viewer=alice"), "a 240p source gets the 240p rung: " + master);
            String variant = Await.value(Duration.ofSeconds(30), "rendition playlist", () -> {
                HttpResponse<String> r = get(base + "/abrcam-240p/abrcam-240p.m3u8?viewer=alice");
                assertNotEquals(403, r.statusCode(), r.body());
                return r.statusCode() == 200 ? r.body() : null;
            });
            assertTrue(variant.contains("#EXTINF"), variant);

            HttpResponse<String> m = get(base + "/abrcam-HLS-ABR-STREAM/abrcam-HLS-ABR-STREAM.m3u8?viewer=mallory");
            assertEquals(403, m.statusCode(), "mallory's master playlist: " + m.body());
            HttpResponse<String> v = get(base + "/abrcam-240p/abrcam-240p.m3u8?viewer=mallory");
            assertEquals(403, v.statusCode(), "mallory's rendition playlist: " + v.body());
            Ffmpeg.Probe rtmp = Ffmpeg.probe(server.rtmpUrl("abrcam-240p?viewer=mallory"), 2);
            assertEquals(0, rtmp.videoFrames(), "mallory's RTMP play of the rendition: " + rtmp);
            assertTrue(Ffmpeg.probe(server.rtmpUrl("abrcam-240p?viewer=alice"), 2).videoFrames() > 0,
                    "alice's RTMP play of the rendition");

            List<String> asked = backend.calls("/play").stream().map(c -> c.body().getString("streamName", ""))
                    .filter(n -> n.startsWith("abrcam")).distinct().toList();
            assertEquals(List.of("abrcam"), asked, "the backend is asked about the source only");
        } finally {
            server.post("/hls/terminate", new JsonObject().put("name", "abrcam-HLS-ABR-STREAM"));
            Ffmpeg.stop(pub);
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
