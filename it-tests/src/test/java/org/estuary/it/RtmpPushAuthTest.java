package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.NginxRtmp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RTMP push to an nginx-rtmp application protected by {@code on_publish} (issue 16 item 7): the
 * test's own HTTP callback admits a publisher only with the right key. Estuary's push client goes
 * through connect, releaseStream, FCPublish, createStream and publish with the key from the
 * rtmpUrl's query; a wrong key is refused by nginx and reported by /push/find_all.
 */
class RtmpPushAuthTest {
    private static final String KEY = "s3cret-key";
    private static final List<Map<String, String>> CALLS = new CopyOnWriteArrayList<>();
    private static HttpServer callback;
    private static NginxRtmp nginx;
    private static EstuaryProcess server;
    private static Process publisher;

    @BeforeAll
    static void start() throws Exception {
        callback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        callback.createContext("/on_publish", ex -> {
            Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            CALLS.add(form);
            int status = KEY.equals(form.get("key")) ? 200 : 403;
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        callback.start();
        nginx = NginxRtmp.start(1, 4096, "http://127.0.0.1:" + callback.getAddress().getPort() + "/on_publish");
        server = EstuaryProcess.start("rtmp-push-auth");
        publisher = Ffmpeg.publish(server.rtmpUrl("cam"), "640x360", 25, 0,
                EstuaryProcess.logDir().resolve("rtmp-push-auth-ffmpeg.log"));
        RecordingSupport.awaitStream(server, "cam");
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(publisher);
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit");
        }
        if (nginx != null) {
            nginx.close();
            NginxRtmp.deleteTree(nginx.dir());
        }
        if (callback != null) {
            callback.stop(0);
        }
    }

    static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : body.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static JsonObject transponder(String id) throws Exception {
        EstuaryProcess.Http r = server.post("/push/find_all", "{}");
        if (r.status() != 200) {
            return new JsonObject();
        }
        return new JsonArray(r.body()).stream().map(JsonObject.class::cast)
                .filter(o -> id.equals(o.getString("mediaSessionId"))).findFirst().orElse(new JsonObject());
    }

    @Test
    void theRightKeyPublishesAndNginxServesIt() throws Exception {
        String url = nginx.url("secured", null) + "?key=" + KEY;
        EstuaryProcess.Http r = server.post("/push/startup", new JsonObject().put("streamName", "cam").put("rtmpUrl", url).encode());
        assertEquals(200, r.status(), r.body());
        String id = r.json().getString("mediaSessionId");
        try {
            Await.until(Duration.ofSeconds(20), "nginx publisher rtmp_cam", () -> nginx.isPublishing("rtmp_cam"));
            Await.until(Duration.ofSeconds(20), "PUBLISHING", () -> "PUBLISHING".equals(transponder(id).getString("status")));
            Map<String, String> call = CALLS.stream().filter(c -> "rtmp_cam".equals(c.get("name"))).findFirst().orElseThrow();
            assertEquals("publish", call.get("call"), call.toString());
            assertEquals("secured", call.get("app"), call.toString());
            assertEquals("live", call.get("type"), "publish type sent: " + call);
            Ffmpeg.Probe p = Ffmpeg.probe(nginx.url("secured", "rtmp_cam"), 3);
            assertEquals("h264", p.video().get("codec_name"), p.toString());
            assertTrue(p.videoFrames() >= 25, p.toString());
        } finally {
            server.post("/push/terminate", new JsonObject().put("mediaSessionId", id).encode());
        }
    }

    @Test
    void aWrongKeyIsRefusedByTheCallbackAndReported() throws Exception {
        String url = nginx.url("secured", null) + "?key=wrong";
        Await.until(Duration.ofSeconds(20), "no publisher on nginx yet", () -> !nginx.isPublishing("rtmp_cam"));
        EstuaryProcess.Http r = server.post("/push/startup", new JsonObject().put("streamName", "cam")
                .put("rtmpUrl", url).encode());
        assertEquals(200, r.status(), r.body());
        String id = r.json().getString("mediaSessionId");
        try {
            Await.until(Duration.ofSeconds(20), "the callback asked about the wrong key",
                    () -> CALLS.stream().anyMatch(c -> "wrong".equals(c.get("key"))));
            Thread.sleep(1500); // would-be publishing shows within this; checks are on nginx's own /stat
            assertFalse(nginx.isPublishing("rtmp_cam"), "nginx refused the publisher");
            JsonObject t = transponder(id);
            assertNotEquals("PUBLISHING", t.getString("status"), t.encode());
        } finally {
            server.post("/push/terminate", new JsonObject().put("mediaSessionId", id).encode());
        }
    }
}
