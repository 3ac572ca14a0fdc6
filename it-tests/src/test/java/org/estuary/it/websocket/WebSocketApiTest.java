package org.estuary.it.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WCS WebSocket client API against the real server, with the JDK's WebSocket client speaking
 * the message shapes of WCS's Raw WebSocket API: connection/getUserData, ping/pong, sendData,
 * /data/send, /connection/*, /logger/*, /stream/event/send, bad input and vanished clients.
 */
class WebSocketApiTest {
    /**
     * Short keepalive so a vanished client is freed within seconds: 5 probes of 1 s. Not shorter: on
     * a loaded 2-core CI machine a live client's first JSON encode (class loading) can take seconds.
     */
    private static final long PING_MS = 1000;
    private static final int PROBES = 5;
    private static final int MAX_MESSAGE = 65_536;
    private static final Duration T = Duration.ofSeconds(20);
    private static EstuaryProcess server;
    private static int wsPort;
    /** The admission backend (hooks.onConnect): refuses appKey "denied", lets everything else in. */
    private static com.sun.net.httpserver.HttpServer backend;
    private static final java.util.List<JsonObject> connectCalls = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        new JsonObject().put("warm", new JsonArray().add(1)).encode(); // load the JSON classes before any session
        backend = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/connect", ex -> {
            try (ex) {
                JsonObject ask = new JsonObject(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                connectCalls.add(ask);
                ex.sendResponseHeaders("denied".equals(ask.getString("app")) ? 403 : 200, -1);
            }
        });
        backend.start();
        wsPort = Ports.free();
        server = EstuaryProcess.start("websocket-api", "websocket.port=" + wsPort,
                "hooks.onConnect=http://127.0.0.1:" + backend.getAddress().getPort() + "/connect",
                "websocket.keepAliveIntervalMs=" + PING_MS, "websocket.keepAliveProbes=" + PROBES,
                "websocket.maxMessageBytes=" + MAX_MESSAGE, "websocket.maxMessagesPerSecond=100");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    @Test
    void connectionAsksTheAdmissionPoint() throws Exception {
        try (WcsClient c = WcsClient.open(wsPort)) {
            c.send("connection", connection("denied"));
            JsonObject fail = c.await("fail", T);
            assertEquals("connection", fail.getString("apiMethod"));
            assertTrue(fail.getString("info").startsWith("Connection refused"), fail.encode());
            assertEquals(1008, c.closedFuture().get(20, TimeUnit.SECONDS));
        }
        JsonObject ask = connectCalls.stream().filter(o -> "denied".equals(o.getString("app"))).findFirst().orElseThrow();
        assertEquals("WebSocket", ask.getString("protocol"));
        assertEquals("127.0.0.1", ask.getString("clientAddress"));
        assertEquals("alice", ask.getJsonObject("params").getString("user"), "custom fields are the params: " + ask);
        assertEquals(404, server.post("/connection/find", new JsonObject().put("appKey", "denied")).status());
    }

    private static JsonObject connection(String appKey) {
        return new JsonObject().put("appKey", appKey).put("custom", new JsonObject().put("user", "alice"))
                .put("mediaProviders", new JsonArray().add("WebRTC").add("MSE").add("WSPlayer"))
                .put("clientVersion", "2.0").put("clientOSVersion", "test-os").put("clientBrowserVersion", "jdk");
    }

    private static JsonObject connect(WcsClient c, String appKey) throws InterruptedException {
        c.send("connection", connection(appKey));
        return c.await("getUserData", T);
    }

    @Test
    void connectionGetUserDataAndConnectionFind() throws Exception {
        try (WcsClient c = WcsClient.open(wsPort)) {
            JsonObject user = connect(c, "chatApp");
            String sessionId = user.getString("sessionId");
            assertTrue(sessionId.matches("/127\\.0\\.0\\.1:\\d+/127\\.0\\.0\\.1:" + wsPort), sessionId);
            assertEquals(sessionId, user.getString("authToken"));
            assertEquals("ESTABLISHED", user.getString("status"));
            assertEquals(new JsonArray().add("WebRTC"), user.getJsonArray("mediaProviders"), "only what the server speaks");
            assertEquals("2.0", user.getString("clientVersion"));

            var found = server.post("/connection/find", new JsonObject().put("sessionId", sessionId));
            assertEquals(200, found.status(), found.toString());
            JsonObject conn = found.array().getJsonObject(0);
            assertEquals("chatApp", conn.getString("appKey"));
            assertEquals("alice", conn.getJsonObject("custom").getString("user"));
            assertEquals("WebSocket", conn.getString("protocol"));
            assertEquals("2.0", conn.getString("clientVersion"));
            assertEquals(3, conn.getJsonArray("mediaProviders").size());
            var byApp = server.post("/connection/find", new JsonObject().put("appKey", "chatApp"));
            assertEquals(1, byApp.array().size(), byApp.toString());

            // the server pings on its own; a client ping gets a pong
            c.await("ping", Duration.ofMillis(PING_MS * 5));
            c.send("ping", null);
            c.await("pong", T);
        }
    }

    @Test
    void sendDataAndDataSendRoundTrip() throws Exception {
        try (WcsClient c = WcsClient.open(wsPort)) {
            String sessionId = connect(c, "dataApp").getString("sessionId");
            c.send("sendData", new JsonObject().put("operationId", "op-1").put("payload", new JsonObject().put("x", 1)));
            JsonObject status = c.await("DataStatusEvent", o -> "op-1".equals(o.getString("operationId")), T);
            assertEquals("ACCEPTED", status.getString("status"));
            c.send("sendData", new JsonObject().put("operationId", "op-2"));
            JsonObject failed = c.await("DataStatusEvent", o -> "op-2".equals(o.getString("operationId")), T);
            assertEquals("FAILED", failed.getString("status"));
            assertTrue(failed.getString("info").contains("payload"), failed.encode());

            JsonObject payload = new JsonObject().put("text", "hello from REST").put("n", 42);
            var r = server.post("/data/send", new JsonObject().put("sessionId", sessionId)
                    .put("operationId", "rest-op").put("payload", payload));
            assertEquals(200, r.status(), r.toString());
            assertEquals("", r.body(), "action methods answer with an empty body");
            JsonObject data = c.await("OnDataEvent", T);
            assertEquals(payload, data.getJsonObject("payload"));
            assertEquals("rest-op", data.getString("operationId"));
            assertEquals(sessionId, data.getString("sessionId"));

            var unknown = server.post("/data/send", new JsonObject().put("sessionId", "/1.2.3.4:5/6.7.8.9:10")
                    .put("payload", payload));
            assertEquals(404, unknown.status(), unknown.toString());
            assertTrue(unknown.isJson(), unknown.toString());
            var otherNode = server.post("/data/send", new JsonObject().put("sessionId", sessionId)
                    .put("nodeId", "nosuchnode@10.0.0.1").put("payload", payload));
            assertEquals(404, otherNode.status(), otherNode.toString());
            var noSession = server.post("/data/send", new JsonObject().put("payload", payload));
            assertEquals(400, noSession.status(), noSession.toString());
        }
    }

    @Test
    void connectionTerminateClosesTheSession() throws Exception {
        try (WcsClient c = WcsClient.open(wsPort)) {
            String sessionId = connect(c, "killApp").getString("sessionId");
            var r = server.post("/connection/terminate", new JsonObject().put("sessionId", sessionId));
            assertEquals(200, r.status(), r.toString());
            int code = c.closedFuture().get(10, TimeUnit.SECONDS);
            assertEquals(1000, code);
            Await.until(T, "session gone from /connection/find", () ->
                    server.post("/connection/find", new JsonObject().put("sessionId", sessionId)).status() == 404);
            var again = server.post("/connection/terminate", new JsonObject().put("sessionId", sessionId));
            assertEquals(404, again.status(), again.toString());
        }
    }

    @Test
    void badMessagesGetFailRepliesAndDisturbNobody() throws Exception {
        try (WcsClient bystander = WcsClient.open(wsPort); WcsClient c = WcsClient.open(wsPort)) {
            connect(bystander, "calm");
            c.send("sendData", new JsonObject().put("operationId", "early").put("payload", 1));
            assertTrue(c.await("fail", T).getString("info").contains("connection"), "before connection");
            connect(c, "noisy");
            List<String> garbage = List.of("not json at all", "[1,2,3]", "{\"message\":5,\"data\":[]}",
                    "{\"message\":\"connection\",\"data\":\"x\"}", "{\"message\":\"noSuchMessage\",\"data\":[{}]}",
                    "{\"message\":\"" + "m".repeat(200) + "\",\"data\":[]}", "");
            for (String g : garbage) {
                c.sendText(g);
                JsonObject fail = c.await("fail", T);
                assertFalse(fail.getString("info", "").isBlank(), "fail names the problem for: " + g);
            }
            c.sendText("{\"message\":\"sendData\",\"data\":[{\"payload\":\"" + "x".repeat(MAX_MESSAGE * 2) + "\"}]}");
            assertTrue(c.await("fail", T).getString("info").contains("larger than"), "oversized message");
            c.sendBinary(new byte[] {1, 2, 3});
            assertTrue(c.await("fail", T).getString("info").contains("Binary"), "binary message");
            c.send("publishStream", new JsonObject().put("sdp", "v=0"));
            assertEquals("publishStream", c.await("fail", T).getString("apiMethod"), "publish without name");
            c.send("unPublishStream", new JsonObject().put("mediaSessionId", "nope"));
            assertEquals("unPublishStream", c.await("fail", T).getString("apiMethod"));

            // the noisy session still works, and so does the bystander
            c.send("sendData", new JsonObject().put("operationId", "after").put("payload", "ok"));
            assertEquals("ACCEPTED", c.await("DataStatusEvent", T).getString("status"));
            bystander.send("ping", null);
            bystander.await("pong", T);
            assertTrue(bystander.drain("fail").isEmpty(), "the bystander got nobody else's errors");

            // a flood closes only the flooding session (policy violation)
            for (int i = 0; i < 300 && !c.isClosed(); i++) {
                c.send("ping", null);
            }
            assertEquals(1008, c.closedFuture().get(10, TimeUnit.SECONDS));
            bystander.send("sendData", new JsonObject().put("operationId", "still").put("payload", 1));
            assertEquals("ACCEPTED", bystander.await("DataStatusEvent", T).getString("status"));
            assertFalse(bystander.isClosed());
        }
    }

    @Test
    void vanishedClientIsFreedWithinTheKeepaliveTimeout() throws Exception {
        try (WcsClient c = WcsClient.open(wsPort)) {
            String sessionId = connect(c, "ghost").getString("sessionId");
            c.playDead();
            long t0 = System.nanoTime();
            int code = c.closedFuture().get(10, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(1001, code);
            // PROBES unanswered pings of PING_MS each, plus one tick; the upper bound has a wide
            // margin for a loaded CI machine and only checks that "within the timeout" holds.
            assertTrue(ms >= PING_MS * (PROBES - 1) && ms < PING_MS * (PROBES + 1) + 4000, "closed after " + ms + " ms");
            Await.until(T, "session freed", () ->
                    server.post("/connection/find", new JsonObject().put("sessionId", sessionId)).status() == 404);
            assertTrue(server.logText().contains("WebSocket session " + sessionId + " missed " + PROBES + " pings"));
        }
    }

    @Test
    void clientLogLandsInTheServerLogWhileEnabled() throws Exception {
        try (WcsClient c = WcsClient.open(wsPort)) {
            String sessionId = connect(c, "logApp").getString("sessionId");
            c.send("pushLogs", new JsonObject().put("logs", "10:00:00 INFO core - before-enable-line\n"));
            // the WebSocket and the REST call are two connections with no order between them: the pong proves
            // the line above was handled before logging is enabled (it once arrived after the REST call)
            c.send("ping", null);
            c.await("pong", T);
            var on = server.post("/logger/enable_client_log", new JsonObject().put("sessionId", sessionId)
                    .put("logLevel", "INFO"));
            assertEquals(200, on.status(), on.toString());
            c.send("pushLogs", new JsonObject().put("logs",
                    "10:00:01 INFO core - info-line-42\n10:00:02 DEBUG core - debug-line-43\n"));
            Await.until(T, "client line in server log", () -> server.logText().contains("info-line-42"));
            String line = server.logText().lines().filter(l -> l.contains("info-line-42")).findFirst().orElseThrow();
            assertTrue(line.contains(sessionId), line);
            var off = server.post("/logger/disable_client_log", new JsonObject().put("sessionId", sessionId));
            assertEquals(200, off.status(), off.toString());
            c.send("pushLogs", new JsonObject().put("logs", "10:00:03 ERROR core - after-disable-line\n"));
            // a later message proves the pushLogs above was processed (one session, one loop, in order)
            c.send("ping", null);
            c.await("pong", T);
            String log = server.logText();
            assertFalse(log.contains("debug-line-43"), "below the requested level");
            assertFalse(log.contains("before-enable-line"));
            assertFalse(log.contains("after-disable-line"));
            var bad = server.post("/logger/enable_client_log", new JsonObject().put("sessionId", sessionId)
                    .put("logLevel", "LOUD"));
            assertEquals(400, bad.status(), bad.toString());
            var unknown = server.post("/logger/enable_client_log", new JsonObject().put("sessionId", "/x:1/y:2"));
            assertEquals(404, unknown.status(), unknown.toString());
        }
    }

    @Test
    void streamEventSendNeedsAKnownStream() throws Exception {
        var none = server.post("/stream/event/send", new JsonObject().put("streamName", "nosuch")
                .put("payload", new JsonObject()));
        assertEquals(404, none.status(), none.toString());
        var neither = server.post("/stream/event/send", new JsonObject().put("payload", new JsonObject()));
        assertEquals(400, neither.status(), neither.toString());
    }

    @Test
    void webPageIsServedFromTheJar() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + wsPort + "/")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Estuary"), page.body());
        var cfg = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + wsPort + "/config.json")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(server.restPort(), new JsonObject(cfg.body()).getInteger("restPort"));
    }
}
