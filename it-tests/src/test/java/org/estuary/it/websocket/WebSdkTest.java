package org.estuary.it.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.NodePackages;
import org.estuary.it.support.PageServer;
import org.estuary.it.support.Ports;
import org.estuary.it.support.StreamApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WCS compatibility judged with WCS's own client: Flashphoner's Web SDK ({@code @flashphoner/websdk},
 * the it-tests' copy in it-tests/websdk, installed with {@code npm ci} when missing) runs in headless
 * Chromium with the fake camera and microphone and talks to Estuary's WCS WebSocket API exactly as a
 * WCS web app would: createSession, createStream().publish(), createStream().play(), getStats.
 * One server, one RTMP publisher and one browser for the class.
 */
class WebSdkTest {
    private static final Duration T = Duration.ofSeconds(60);
    /** The only files the page server answers, mapped to their place under it-tests/websdk. */
    private static final String SDK_JS = "/node_modules/@flashphoner/websdk/flashphoner-webrtc-only.js";
    private static final Map<String, String> FILES = Map.of(
            "/sdk.html", "sdk.html",
            SDK_JS, "node_modules/@flashphoner/websdk/flashphoner-webrtc-only.js");
    private static EstuaryProcess server;
    private static Process rtmp;
    private static HttpServer pages;
    private static WebDriver browser;
    private static int wsPort;

    @BeforeAll
    static void start() throws Exception {
        Path dir = NodePackages.installed("websdk", FILES.get(SDK_JS), 180);
        pages = PageServer.start(dir, FILES);
        wsPort = Ports.free();
        server = EstuaryProcess.start("web-sdk", "websocket.port=" + wsPort);
        rtmp = Ffmpeg.publish(server.rtmpUrl("rtmpcam"), "640x360", 25, 0, EstuaryProcess.logDir().resolve("web-sdk-ffmpeg.log"));
        // before Chromium starts: both starting at once on a loaded 2-core machine timed out ffmpeg's RTMP handshake
        // and generous: on a loaded 2-core CI machine ffmpeg alone can take 20 s to start publishing
        Await.until(Duration.ofSeconds(90), "rtmpcam published with video", () -> {
            JsonObject p = StreamApi.publisher(server, "rtmpcam");
            return p != null && p.getInteger("width", 0) > 0;
        });
        browser = WebDriver.start(EstuaryProcess.logDir(), "web-sdk");
        browser.open("http://127.0.0.1:" + pages.getAddress().getPort() + "/sdk.html");
        browser.until(T, "the SDK loaded", "return document.title === 'READY';");
        browser.js("connect('ws://127.0.0.1:" + wsPort + "');");
        browser.until(T, "the SDK session established", "return sdk.session === 'ESTABLISHED';");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (rtmp != null) {
            Ffmpeg.stop(rtmp);
        }
        if (server != null) {
            server.stop();
        }
        if (pages != null) {
            pages.stop(0);
        }
    }

    /**
     * ffmpeg publishes RTMP (H.264 + AAC); the SDK plays it over the WebSocket API (playStream):
     * PLAYING, H.264 frames of the stream's size decoded and Opus audio samples received (AAC was
     * transcoded for this reader). Time to first frame is printed.
     */
    @Test
    void playsAnRtmpStreamWithTheSdk() throws Exception {
        long asked = System.nanoTime();
        browser.js("play('rtmpcam');");
        browser.until(T, "rtmpcam PLAYING", "return sdk.streams['play:rtmpcam'].status === 'PLAYING';");
        JsonObject s = decoded("rtmpcam", 1);
        System.out.println("web SDK playStream rtmpcam: first frame decoded within "
                + (System.nanoTime() - asked) / 1_000_000 + " ms of play() (polled every 250 ms), " + s.encode());
        s = decoded("rtmpcam", 50);
        assertEquals(640, s.getInteger("width"), s.encode());
        assertEquals(360, s.getInteger("height"), s.encode());
        assertEquals("video/H264", s.getString("videoCodec"), s.encode());
        // The first video frames come from the GOP cache in a burst while audio arrives in real time, so
        // frames decoded say little about audio time: wait for a second of 48 kHz samples on its own
        // (on a loaded machine the 50 burst frames were decoded before the first Opus packet arrived).
        s = decodedAtLeast("rtmpcam", "audioSamples", 48_000);
        assertEquals("audio/opus", s.getString("audioCodec"), s.encode());
        assertTrue(s.getLong("concealed", 0L) <= s.getLong("audioSamples") / 2, "mostly concealed audio: " + s.encode());
        var players = StreamApi.players(server, "rtmpcam");
        assertEquals(1, players.size(), players.toString());
        assertEquals("WebRTC", players.get(0).getString("mediaProvider"), players.toString());

        browser.js("stop('play:rtmpcam');");
        browser.until(T, "rtmpcam STOPPED", "return sdk.streams['play:rtmpcam'].status === 'STOPPED';");
        Await.until(Duration.ofSeconds(20), "the player gone after stop", () -> StreamApi.players(server, "rtmpcam").isEmpty());
    }

    /**
     * The SDK publishes the fake camera (publishStream) and a second SDK stream plays it back
     * (WebRTC to WebRTC through the server): frames decoded with the camera's picture, Opus audio
     * received; unpublish ends the stream.
     */
    @Test
    void publishesAndPlaysBackWithTheSdk() throws Exception {
        browser.js("publish('sdkcam');");
        browser.until(T, "sdkcam PUBLISHING", "return sdk.streams['pub:sdkcam'].status === 'PUBLISHING';");
        JsonObject p = Await.value(T, "sdkcam with video", () -> {
            JsonObject o = StreamApi.publisher(server, "sdkcam");
            return o != null && o.getInteger("width", 0) > 0 ? o : null;
        });
        assertEquals("WebRTC", p.getString("mediaProvider"), p.encode());

        browser.js("play('sdkcam');");
        browser.until(T, "sdkcam PLAYING", "return sdk.streams['play:sdkcam'].status === 'PLAYING';");
        JsonObject s = decoded("sdkcam", 40);
        System.out.println("web SDK publish+play sdkcam: " + s.encode());
        // the fake camera is 640x480, but Chromium's encoder scales down when the (shared, loaded)
        // CPU is short (480x360 seen): the camera's 4:3 picture, at most its size, at least a quarter
        int w = s.getInteger("width");
        int h = s.getInteger("height");
        assertTrue(w >= 160 && w <= 640 && w * 3 == h * 4, s.encode());
        assertEquals("audio/opus", s.getString("audioCodec"), s.encode());
        assertTrue(s.getLong("audioSamples") > 0, s.encode());

        browser.js("stop('play:sdkcam');");
        browser.js("stop('pub:sdkcam');");
        browser.until(T, "sdkcam UNPUBLISHED", "return sdk.streams['pub:sdkcam'].status === 'UNPUBLISHED';");
        Await.until(Duration.ofSeconds(30), "sdkcam gone", () -> StreamApi.publisher(server, "sdkcam") == null);
    }

    /** Polls the SDK's getStats until {@code frames} frames were decoded; returns the summary. */
    private static JsonObject decoded(String name, int frames) throws Exception {
        return decodedAtLeast(name, "framesDecoded", frames);
    }

    /** Polls the SDK's getStats until the summary's {@code field} reaches {@code atLeast}; returns it. */
    private static JsonObject decodedAtLeast(String name, String field, long atLeast) throws Exception {
        JsonObject[] last = new JsonObject[1];
        try {
            return Await.value(T, name + ": " + field + " >= " + atLeast, () -> {
                browser.js("stats('" + name + "');");
                Object o = browser.js("return JSON.stringify(sdk.stats['" + name + "'] || null);");
                if (o == null || "null".equals(o)) {
                    return null;
                }
                last[0] = new JsonObject((String) o);
                return last[0].getLong(field, 0L) >= atLeast ? last[0] : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last stats " + last[0] + "; page errors "
                    + browser.js("return JSON.stringify(sdk.errors);"), e);
        }
    }
}
