package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MPEG-TS over UDP from ffmpeg into a port Estuary allocates; played back over RTMP. */
class MpegTsIngestTest {
    private static EstuaryProcess server;

    @BeforeAll
    static void start() throws Exception {
        int from = 20000 + (Ports.free() % 20000);
        server = EstuaryProcess.start("mpegts", "media.portFrom=" + from, "media.portTo=" + (from + 20));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static JsonObject startup(JsonObject body) throws Exception {
        EstuaryProcess.Http r = server.post("/mpegts/startup", body.encode());
        assertEquals(200, r.status(), r.body());
        return new JsonObject(r.body());
    }

    private static Process sendTs(String uri, int seconds, String log) throws Exception {
        return Ffmpeg.start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "50", "-bf", "0",
                "-c:a", "aac", "-f", "mpegts", uri + "?pkt_size=1316"), EstuaryProcess.logDir().resolve(log));
    }

    /** Waits until the encoder (slow to start on a busy machine) has delivered a few seconds. */
    private static void awaitMedia(String name) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            EstuaryProcess.Http r = server.post("/stream/find", new JsonObject().put("name", name).encode());
            if (r.status() == 200 && new JsonArray(r.body()).getJsonObject(0).getJsonObject("stats").getLong("videoFrames") > 50) {
                return;
            }
            Thread.sleep(200);
        }
        fail("no media arrived for " + name);
    }

    @Test
    void udpStreamAppearsAndPlaysOverRtmp() throws Exception {
        JsonObject ts = startup(new JsonObject().put("localStreamName", "ts1").put("transport", "udp"));
        String uri = ts.getString("uri");
        assertTrue(uri.matches("udp://127\\.0\\.0\\.1:\\d+"), uri);
        assertEquals("CONNECTED", ts.getString("status"));
        Process enc = sendTs(uri, 30, "mpegts-enc1.log");
        try {
            awaitMedia("ts1");
            Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("ts1"), 4);
            assertEquals("h264", p.video().get("codec_name"), p.toString());
            assertEquals("640", p.video().get("width"));
            assertEquals("360", p.video().get("height"));
            assertTrue(p.videoFrames() >= 50, p.toString());
            assertEquals("aac", p.audio().get("codec_name"), p.toString());
            assertTrue(p.audioFrames() > 50, p.toString());
            JsonObject found = new JsonArray(server.post("/mpegts/find", new JsonObject().put("localStreamName", "ts1").encode()).body())
                    .getJsonObject(0);
            assertEquals("PROCESSED_LOCAL", found.getString("status"));
            assertTrue(found.getJsonObject("stats").getLong("datagrams") > 100);
            EstuaryProcess.Http dup = server.post("/mpegts/startup", new JsonObject().put("localStreamName", "ts1").encode());
            assertEquals(409, dup.status(), dup.body());
            assertEquals(200, server.post("/mpegts/terminate", new JsonObject().put("localStreamName", "ts1").encode()).status());
            assertEquals(404, server.post("/stream/find", new JsonObject().put("name", "ts1").encode()).status());
            assertEquals(404, server.post("/mpegts/terminate", new JsonObject().put("localStreamName", "ts1").encode()).status());
        } finally {
            Ffmpeg.stop(enc);
        }
    }

    @Test
    void packetsFromOutsideTheAllowedListAreIgnored() throws Exception {
        JsonObject ts = startup(new JsonObject().put("localStreamName", "ts2").put("transport", "udp")
                .put("allowedList", new JsonArray().add("10.9.8.7").add("192.168.0.0/16")));
        Process enc = sendTs(ts.getString("uri"), 6, "mpegts-enc2.log");
        try {
            // wait on what the server counts, not a fixed time: ffmpeg may take seconds to start on a loaded machine
            JsonObject found = Await.value(Duration.ofSeconds(30), "more than 10 datagrams rejected", () -> {
                JsonObject f = new JsonArray(server.post("/mpegts/find", new JsonObject().put("localStreamName", "ts2").encode()).body())
                        .getJsonObject(0);
                return f.getJsonObject("stats").getLong("rejectedDatagrams") > 10 ? f : null;
            });
            assertEquals("CONNECTED", found.getString("status"), "no media accepted");
            assertEquals(0, found.getJsonObject("stats").getLong("datagrams"));
        } finally {
            Ffmpeg.stop(enc);
            server.post("/mpegts/terminate", new JsonObject().put("localStreamName", "ts2").encode());
        }
    }

    @Test
    void sessionEndsAfterTheTimeoutWithoutData() throws Exception {
        JsonObject ts = startup(new JsonObject().put("localStreamName", "ts3").put("transport", "udp").put("timeout", 2000));
        Process enc = sendTs(ts.getString("uri"), 2, "mpegts-enc3.log");
        enc.waitFor();
        long deadline = System.currentTimeMillis() + 10_000;
        int status = 200;
        while (System.currentTimeMillis() < deadline && status == 200) {
            Thread.sleep(300);
            status = server.post("/mpegts/find", new JsonObject().put("localStreamName", "ts3").encode()).status();
        }
        assertEquals(404, status, "session stopped after 2 s without data");
        assertEquals(404, server.post("/stream/find", new JsonObject().put("name", "ts3").encode()).status());
    }

    @Test
    void badRequestsAreAnsweredWithReasons() throws Exception {
        EstuaryProcess.Http bad = server.post("/mpegts/startup", new JsonObject().put("localStreamName", "s").put("transport", "tcp").encode());
        assertEquals(400, bad.status());
        EstuaryProcess.Http acl = server.post("/mpegts/startup", new JsonObject().put("localStreamName", "s")
                .put("allowedList", new JsonArray().add("evil.example.com")).encode());
        assertEquals(400, acl.status());
        assertTrue(new JsonObject(acl.body()).getString("message").contains("evil.example.com"));
        EstuaryProcess.Http missing = server.post("/mpegts/startup", "{}");
        assertEquals(400, missing.status());
        assertEquals(404, server.post("/mpegts/find", new JsonObject().put("localStreamName", "nope").encode()).status());
    }
}
