package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.RawRtmp;
import org.estuary.it.support.StreamApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad peers never take the server down: garbage and stalled RTMP connections are closed on their
 * timeouts while real clients keep working; malformed REST requests get 4xx JSON naming the problem.
 */
class RobustnessTest {
    private static final long HANDSHAKE_TIMEOUT_MS = 2000;
    private static final long IDLE_TIMEOUT_MS = 4000;
    private static final int MAX_BODY = 65536;
    /** The server checks its timers once a second; allow that plus a loaded machine. */
    private static final long SLACK_MS = 3000;

    private static EstuaryProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = EstuaryProcess.start("robustness", "rtmp.handshakeTimeoutMs=" + HANDSHAKE_TIMEOUT_MS,
                "rtmp.idleTimeoutMs=" + IDLE_TIMEOUT_MS, "rest.maxBodyBytes=" + MAX_BODY);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertTrue(server.isAlive(), "the server survived the test");
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    @Test
    void badRtmpPeersAreClosedAndRealClientsStillWork() throws Exception {
        int port = server.rtmpPort();
        List<Socket> all = new ArrayList<>();
        try {
            // Not RTMP at all (first byte is not version 3): closed at once.
            List<Socket> garbage = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket s = RawRtmp.connect(port);
                byte[] junk = RawRtmp.random(4096);
                junk[0] = 'G';
                s.getOutputStream().write(junk);
                garbage.add(s);
            }
            // Stalled handshakes: silent, and C0 with only part of C1.
            List<Socket> stalled = new ArrayList<>();
            stalled.add(RawRtmp.connect(port));
            for (int i = 0; i < 3; i++) {
                Socket s = RawRtmp.connect(port);
                byte[] partial = RawRtmp.random(1 + 700);
                partial[0] = 3;
                s.getOutputStream().write(partial);
                stalled.add(s);
            }
            // Handshaken, then half a chunk (a 100 kB command of which 60 bytes come) or junk chunks.
            List<Socket> halfSent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket s = RawRtmp.connect(port);
                RawRtmp.handshake(s);
                s.getOutputStream().write(i < 2 ? RawRtmp.halfChunk(100_000, 60) : RawRtmp.random(3000));
                halfSent.add(s);
            }
            all.addAll(garbage);
            all.addAll(stalled);
            all.addAll(halfSent);

            for (Socket s : garbage) {
                assertTrue(RawRtmp.awaitClosed(s, 5000) >= 0, "a non-RTMP connection is closed");
            }

            // While the stalled connections hang: a real publisher and player work, health answers.
            Process publisher = Ffmpeg.publish(server.rtmpUrl("robust"), "640x360", 25, 0,
                    EstuaryProcess.logDir().resolve("robustness-ffmpeg.log"));
            try {
                StreamApi.awaitPublished(server, "robust");
                Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("robust"), 2);
                assertEquals("h264", p.video().get("codec_name"), p.toString());
                assertEquals("640", p.video().get("width"), p.toString());
                assertTrue(p.videoFrames() > 20, p.toString());
                EstuaryProcess.Http health = server.get("/health");
                assertEquals(200, health.status(), health.toString());
                assertEquals("UP", health.json().getString("status"));
                EstuaryProcess.Http metrics = server.get("/metrics");
                assertTrue(Pattern.compile("^estuary_streams 1$", Pattern.MULTILINE).matcher(metrics.body()).find(),
                        metrics.body());
            } finally {
                Ffmpeg.stop(publisher);
            }

            // (the exact timing is checked by handshakeTimeoutClosesSilentConnectionsOnTime)
            for (Socket s : stalled) {
                assertTrue(RawRtmp.awaitClosed(s, HANDSHAKE_TIMEOUT_MS + SLACK_MS) >= 0, "a stalled handshake is closed");
            }
            assertTrue(server.logText().contains("handshake timeout"), "server log names the handshake timeout");
            for (Socket s : halfSent) {
                assertTrue(RawRtmp.awaitClosed(s, IDLE_TIMEOUT_MS + SLACK_MS + 5_000) >= 0,
                        "a connection stuck in a half-sent message is closed");
            }
            EstuaryProcess.Http health = server.get("/health");
            assertEquals(0, health.json().getInteger("connections"), "every bad connection was released: " + health);
        } finally {
            for (Socket s : all) {
                s.close();
            }
        }
    }

    @Test
    void handshakeTimeoutClosesSilentConnectionsOnTime() throws Exception {
        try (Socket silent = RawRtmp.connect(server.rtmpPort())) {
            long closedIn = RawRtmp.awaitClosed(silent, HANDSHAKE_TIMEOUT_MS + SLACK_MS);
            assertTrue(closedIn >= 0, "closed within handshakeTimeoutMs plus the 1 s timer");
            assertTrue(closedIn >= HANDSHAKE_TIMEOUT_MS - 100, "not before the timeout: " + closedIn + " ms");
        }
    }

    private static void assertBadRequest(String path, String body, int status, String mustMention) throws Exception {
        EstuaryProcess.Http r = server.post(path, body);
        String what = path + " " + (body.length() > 40 ? body.substring(0, 40) + "..." : body) + " -> " + r;
        assertEquals(status, r.status(), what);
        assertTrue(r.isJson(), what);
        JsonObject json = r.json();
        assertEquals(status, json.getInteger("status"), what);
        assertTrue(json.getString("message").contains(mustMention), "message names '" + mustMention + "': " + what);
        assertFalse(r.body().contains("Exception"), "no internals in the answer: " + what);
    }

    @Test
    void malformedRestBodiesGet4xxJsonNamingTheProblem() throws Exception {
        assertBadRequest("/stream/find", "{bad", 400, "Malformed JSON");
        assertBadRequest("/stream/find", "[]", 400, "JSON object");
        assertBadRequest("/stream/find", "\"x\"", 400, "JSON object");
        assertBadRequest("/stream/terminate", "{\"name\": 5}", 400, "'name'");
        assertBadRequest("/stream/terminate", "{\"mediaSessionIds\": \"not-a-list\"}", 400, "'mediaSessionIds'");
        assertBadRequest("/connection/terminate", "{\"sessionId\": true}", 400, "'sessionId'");
        assertBadRequest("/connection/terminate", "{}", 400, "'sessionId'");
        assertBadRequest("/stream/terminate", "{}", 400, "name");
        assertBadRequest("/stream/find_all", "x".repeat(MAX_BODY * 3), 413, String.valueOf(MAX_BODY));
        assertBadRequest("/no/such_method", "{}", 404, "/no/such_method");
        EstuaryProcess.Http r = server.post("/connection/terminate", "{\"sessionId\": true}");
        assertEquals("sessionId", r.json().getString("field"), r.toString());
        assertTrue(server.isAlive());
    }

    // A method without a consumer answers 501 naming it: every WCS method has one now (/sfu/stats and
    // /cdn/connection/reset_* were the last), so that path is checked by RestVerticleTest alone.

    @Test
    void openApiMetricsAndHealthAreServed() throws Exception {
        EstuaryProcess.Http api = server.get("/rest-api/openapi.yaml");
        assertEquals(200, api.status());
        assertTrue(api.contentType().contains("yaml"), api.contentType());
        assertTrue(api.body().startsWith("openapi:") || api.body().contains("\nopenapi:"), "an OpenAPI document");
        assertTrue(api.body().contains("/stream/find_all"));

        EstuaryProcess.Http metrics = server.get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.contentType().startsWith("text/plain"), metrics.contentType());
        for (String name : List.of("estuary_streams", "estuary_players", "estuary_connections",
                "estuary_rtmp_connections_total", "estuary_rtmp_bytes_in_total")) {
            assertTrue(metrics.body().contains("# TYPE " + name + " "), name + " declared: " + metrics.body());
            assertTrue(Pattern.compile("^" + name + " [0-9.eE+-]+$", Pattern.MULTILINE).matcher(metrics.body()).find(),
                    name + " has a value: " + metrics.body());
        }

        EstuaryProcess.Http health = server.get("/health");
        assertEquals(200, health.status());
        assertTrue(health.isJson(), health.toString());
        assertEquals("UP", health.json().getString("status"));
        assertFalse(health.json().getString("nodeId").isBlank());
    }
}
