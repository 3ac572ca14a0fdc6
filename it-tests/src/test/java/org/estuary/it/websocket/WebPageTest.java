package org.estuary.it.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Ports;
import org.estuary.it.support.StreamApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web page served on the WebSocket port, driven in headless Chromium through chromedriver: it
 * lists a live RTMP stream, previews it (the video element plays at the stream's size), and its
 * snapshot, record and terminate buttons do what the REST API does.
 */
class WebPageTest {
    private static final Duration T = Duration.ofSeconds(45);
    private static EstuaryProcess server;
    private static Process publisher;
    private static WebDriver browser;
    private static int webPort;

    @BeforeAll
    static void start() throws Exception {
        webPort = Ports.free();
        // the page's Record button writes a file: keep it under target/, not in the working directory
        java.nio.file.Path records = java.nio.file.Path.of("target", "web-page-records").toAbsolutePath();
        server = EstuaryProcess.start("web-page", "websocket.port=" + webPort, "records.directory=" + records);
        publisher = Ffmpeg.publish(server.rtmpUrl("pagecam"), "640x360", 25, 0,
                EstuaryProcess.logDir().resolve("web-page-ffmpeg.log"));
        // generous: on a loaded 2-core CI machine ffmpeg alone can take 20 s to start publishing
        Await.until(Duration.ofSeconds(90), "pagecam published with video", () -> {
            JsonObject p = StreamApi.publisher(server, "pagecam");
            return p != null && p.getInteger("width", 0) > 0;
        });
        browser = WebDriver.start(EstuaryProcess.logDir(), "web-page");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (publisher != null) {
            Ffmpeg.stop(publisher);
        }
        if (server != null) {
            server.stop();
        }
    }

    /**
     * The page publishes the fake camera over the WCS WebSocket API (publishStream, SDP answer from
     * the WebRTC engine): PUBLISHING, the stream readable over RTMP as H.264 + AAC, a REST
     * /stream/event/send reaching the publishing browser, and unpublish on Stop.
     */
    @Test
    void publishesFromTheFakeCameraOverTheWebSocketApi() throws Exception {
        browser.open("http://127.0.0.1:" + webPort + "/");
        browser.until(T, "page ready", "return document.getElementById('publish-btn').onclick !== null;");
        browser.js("document.getElementById('publish-name').value = 'camweb';"
                + "document.getElementById('publish-btn').click();");
        browser.until(T, "publishing", "return document.getElementById('publish-status').textContent === 'publishing';");
        JsonObject p = Await.value(Duration.ofSeconds(45), "camweb with video", () -> {
            JsonObject o = StreamApi.publisher(server, "camweb");
            return o != null && o.getInteger("width", 0) > 0 ? o : null;
        });
        assertEquals("WebRTC", p.getString("mediaProvider"), p.encode());
        var probe = Ffmpeg.probe(server.rtmpUrl("camweb"), 4);
        assertEquals("h264", probe.video().get("codec_name"), probe.toString());
        assertEquals("aac", probe.audio().get("codec_name"), probe.toString());
        assertTrue(probe.videoFrames() > 10 && probe.audioFrames() > 10, probe.toString());

        var sent = server.post("/stream/event/send", new JsonObject().put("streamName", "camweb")
                .put("payload", new JsonObject().put("note", "hello-subscribers")));
        assertEquals(200, sent.status(), sent.toString());
        browser.until(T, "stream event shown", "return document.getElementById('events').textContent.includes('hello-subscribers');");

        browser.js("document.getElementById('publish-stop').click();");
        Await.until(Duration.ofSeconds(30), "camweb unpublished", () -> StreamApi.publisher(server, "camweb") == null);
    }

    /**
     * With rest.auth on, the page's REST calls are refused until credentials are typed into its
     * "REST credentials" field; then they pass (user:password sent as HTTP Basic).
     */
    @Test
    void sendsRestCredentialsWhenRestAuthIsOn() throws Exception {
        int port = Ports.free();
        try (EstuaryProcess guarded = EstuaryProcess.start("web-page-auth", "websocket.port=" + port, "rest.auth=basic",
                "rest.users=admin:s3cret", "rest.corsAllowOrigin=http://127.0.0.1:" + port)) {
            browser.open("http://127.0.0.1:" + port + "/");
            browser.until(T, "the 401 explained", "return document.getElementById('api-status').textContent.includes('credentials');");
            browser.js("const c = document.getElementById('rest-credentials'); c.value = 'admin:wrong';"
                    + "c.dispatchEvent(new Event('change'));");
            Thread.sleep(2500); // two refreshes with the wrong password
            assertTrue(((String) browser.js("return document.getElementById('api-status').textContent;")).contains("credentials"),
                    "a wrong password is still refused");
            browser.js("const c = document.getElementById('rest-credentials'); c.value = 'admin:s3cret';"
                    + "c.dispatchEvent(new Event('change'));");
            // /stream/find_all answers (404: no streams) instead of 401: the error line clears
            browser.until(T, "REST calls accepted", "return document.getElementById('api-status').textContent === '';");
        } finally {
            browser.js("sessionStorage.clear();");
        }
    }

    @Test
    void listsPreviewsAndActsOnALiveStream() throws Exception {
        browser.open("http://127.0.0.1:" + webPort + "/");
        String row = "document.querySelector('#streams tr[data-name=\"pagecam\"]')";
        browser.until(T, "the stream listed", "return " + row + " !== null && "
                + row + ".querySelector('.video').textContent.includes('640x360');");

        browser.js("document.querySelector('#streams tr[data-name=\"pagecam\"] .preview').click();");
        // plays: frames of the stream's size decoded and time advancing
        browser.until(T, "the preview playing", "const v = document.getElementById('preview-video');"
                + "return v.videoWidth === 640 && v.videoHeight === 360 && v.currentTime > 1 && !v.paused;");
        String how = (String) browser.js("return document.getElementById('preview-status').textContent;");
        System.out.println("web page preview: " + how);
        assertTrue(how.contains("playing"), how);

        browser.js(row + ".querySelector('.snapshot').click();");
        browser.until(T, "the snapshot shown", "const i = document.getElementById('snapshot');"
                + "return i.complete && i.naturalWidth === 640 && i.naturalHeight === 360;");

        browser.js(row + ".querySelector('.record').click();");
        browser.until(T, "recording shown", "return " + row + ".querySelector('.rec').textContent === 'yes';");
        JsonObject p = StreamApi.publisher(server, "pagecam");
        assertEquals(Boolean.TRUE, p.getBoolean("record"), p.encode());
        browser.js(row + ".querySelector('.record').click();");
        browser.until(T, "recording stopped", "return " + row + ".querySelector('.rec').textContent === 'no';");

        browser.js(row + ".querySelector('.terminate').click();");
        browser.until(T, "the stream gone from the list", "return " + row + " === null;");
        assertTrue(StreamApi.publisher(server, "pagecam") == null, "terminated on the server too");
    }
}
