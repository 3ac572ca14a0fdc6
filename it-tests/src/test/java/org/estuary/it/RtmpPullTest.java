package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.NginxRtmp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /pull/rtmp/*: ffmpeg publishes to a real nginx-rtmp, Estuary pulls it and serves it locally;
 * the agent follows the remote publisher going away and coming back.
 */
class RtmpPullTest {
    private static EstuaryProcess server;
    private static NginxRtmp nginx;
    private static Process publisher;

    @BeforeAll
    static void start() throws Exception {
        nginx = NginxRtmp.start();
        server = EstuaryProcess.start("rtmp-pull");
        publisher = startPublisher();
        long deadline = System.currentTimeMillis() + 15_000;
        while (!nginx.isPublishing("src") && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(nginx.isPublishing("src"), "ffmpeg publishes to nginx");
    }

    private static Process startPublisher() throws Exception {
        return Ffmpeg.publish(nginx.url("live", "src"), "640x360", 25, 0,
                EstuaryProcess.logDir().resolve("rtmp-pull-ffmpeg.log"));
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
    }

    private static EstuaryProcess.Http post(String path, JsonObject body) throws Exception {
        return server.post(path, body.encode());
    }

    private static JsonObject agent(String uri) throws Exception {
        EstuaryProcess.Http r = post("/pull/rtmp/find_all", new JsonObject());
        if (r.status() != 200) {
            return new JsonObject();
        }
        return new JsonArray(r.body()).stream().map(JsonObject.class::cast)
                .filter(o -> uri.equals(o.getString("uri"))).findFirst().orElse(new JsonObject());
    }

    private static void awaitPlayable(String name) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            EstuaryProcess.Http r = post("/stream/find", new JsonObject().put("name", name));
            last = r.body();
            if (r.status() == 200 && new JsonArray(r.body()).getJsonObject(0).getInteger("width") > 0) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + " not published locally: " + last + "\n" + EstuaryProcess.tail(server.log()));
    }

    @Test
    void pullsPlaysReconnectsAndTerminates() throws Exception {
        String uri = nginx.url("live", "src");
        EstuaryProcess.Http r = post("/pull/rtmp/pull", new JsonObject().put("uri", uri).put("localStreamName", "pulled"));
        assertEquals(200, r.status(), r.body());
        JsonObject a = new JsonObject(r.body());
        assertEquals(uri, a.getString("uri"));
        assertEquals("pulled", a.getString("localStreamName"));
        assertTrue(a.getBoolean("hasAudio"));
        assertTrue(a.getBoolean("hasVideo"));

        EstuaryProcess.Http dup = post("/pull/rtmp/pull", new JsonObject().put("uri", uri));
        assertEquals(409, dup.status(), dup.body());
        assertTrue(new JsonObject(dup.body()).getString("message").contains(uri), dup.body());
        EstuaryProcess.Http bad = post("/pull/rtmp/pull", new JsonObject().put("uri", "rtsp://127.0.0.1/x"));
        assertEquals(400, bad.status(), bad.body());
        assertTrue(new JsonObject(bad.body()).getString("message").contains("scheme"), bad.body());

        awaitPlayable("pulled");
        JsonObject live = agent(uri);
        assertEquals("PROCESSED_REMOTE", live.getString("status"), live.encode());
        assertFalse(live.getString("localMediaSessionId", "").isEmpty(), live.encode());
        Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("pulled"), 5);
        assertEquals("h264", p.video().get("codec_name"), p.toString());
        assertEquals("640", p.video().get("width"), p.toString());
        assertEquals("aac", p.audio().get("codec_name"), p.toString());
        assertTrue(p.videoFrames() >= 75, p.toString());

        // the remote publisher goes away and comes back: the agent reconnects, frames flow again
        Ffmpeg.stop(publisher);
        long deadline = System.currentTimeMillis() + 15_000;
        while (post("/stream/find", new JsonObject().put("name", "pulled")).status() == 200
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(404, post("/stream/find", new JsonObject().put("name", "pulled")).status(),
                "local stream ends with the remote one");
        assertNotEquals("PROCESSED_REMOTE", agent(uri).getString("status"));
        publisher = startPublisher();
        awaitPlayable("pulled");
        assertEquals("PROCESSED_REMOTE", agent(uri).getString("status"));
        Ffmpeg.Probe again = Ffmpeg.probe(server.rtmpUrl("pulled"), 4);
        assertTrue(again.videoFrames() >= 50, again.toString());

        // terminate frees the connection: nginx's stat lists only the publisher again
        assertEquals(2, nginx.clients("src"), nginx.stat());
        assertEquals(200, post("/pull/rtmp/terminate", new JsonObject().put("uri", uri)).status());
        deadline = System.currentTimeMillis() + 10_000;
        while (nginx.clients("src") != 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(1, nginx.clients("src"), nginx.stat());
        assertEquals(404, post("/stream/find", new JsonObject().put("name", "pulled")).status());
        assertEquals(404, post("/pull/rtmp/terminate", new JsonObject().put("uri", uri)).status());
        assertEquals(404, post("/pull/rtmp/find_all", new JsonObject()).status());
    }

    @Test
    void pullWithoutLocalNameUsesTheUriAndAnUnknownRemoteIsNotFatal() throws Exception {
        String uri = nginx.url("live", "nobody-here");
        EstuaryProcess.Http r = post("/pull/rtmp/pull", new JsonObject().put("uri", uri).put("hasAudio", "false"));
        assertEquals(200, r.status(), r.body());
        assertEquals(uri, new JsonObject(r.body()).getString("localStreamName"));
        assertFalse(new JsonObject(r.body()).getBoolean("hasAudio"));
        assertEquals(200, post("/pull/rtmp/terminate", new JsonObject().put("uri", uri)).status());
    }

    @Test
    void aServerThatRefusesPlayGivesFailedWithTheReason() throws Exception {
        String uri = nginx.url("noplay", "src");
        assertEquals(200, post("/pull/rtmp/pull", new JsonObject().put("uri", uri).put("localStreamName", "np")).status());
        long deadline = System.currentTimeMillis() + 20_000;
        while (!"FAILED".equals(agent(uri).getString("status")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
        }
        JsonObject a = agent(uri);
        assertEquals("FAILED", a.getString("status"), a.encode());
        assertFalse(a.getString("info", "").isEmpty(), a.encode());
        assertEquals(200, post("/pull/rtmp/terminate", new JsonObject().put("uri", uri)).status());
    }
}
