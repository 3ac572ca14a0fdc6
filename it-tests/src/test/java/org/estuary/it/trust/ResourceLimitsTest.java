package org.estuary.it.trust;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.estuary.core.rtmp.RtmpCommand;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The limits section (issue 15 item 4) against one server with small limits: each limit refuses
 * in its protocol's words naming the key, counts in /metrics, and leaves what runs alone. Real
 * clients where one exists (ffmpeg publishing, ffprobe refused and later admitted, the JDK HTTP
 * client); a small command-only RTMP client and a raw WebSocket upgrade hold connections open.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResourceLimitsTest {
    private static final int PER_ADDRESS = 4;
    private static EstuaryProcess server;
    private static Process publisher;
    private static int wsPort;
    private static int hlsPort;

    @BeforeAll
    static void start() throws Exception {
        wsPort = Ports.free();
        hlsPort = Ports.free();
        server = EstuaryProcess.start("limits", "websocket.port=" + wsPort, "hls.port=" + hlsPort,
                "limits.maxConnectionsPerAddress=" + PER_ADDRESS, "limits.newConnectionsPerSecondPerAddress=8",
                "limits.maxStreamsPerConnection=2", "limits.restRequestsPerSecondPerAddress=30",
                "limits.maxPullAgents=1", "limits.maxMixers=1");
        publisher = Ffmpeg.publish(server.rtmpUrl("limited"), "320x240", 25, 0,
                EstuaryProcess.logDir().resolve("limits-publisher.log"));
        Await.until(Duration.ofSeconds(30), "the publisher is live", () ->
                server.post("/stream/find", new JsonObject().put("name", "limited")).status() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(publisher);
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    @Test
    @Order(1)
    void connectionsPerAddressAreRefusedByRtmpAndWebSocketAndFreedOnClose() throws Exception {
        // The publisher holds one place; so may the test's pooled REST connection (HTTP connections
        // count too): command clients take what is left, the first one refused names the limit.
        List<RtmpCommandClient> held = new ArrayList<>();
        try {
            RtmpCommand refused = null;
            for (int i = 0; i < PER_ADDRESS && refused == null; i++) {
                RtmpCommandClient c = RtmpCommandClient.open(server.rtmpPort());
                held.add(c);
                RtmpCommand answer = c.connect("live");
                if (answer.name().equals("_error")) {
                    refused = answer;
                    assertTrue(c.closedByServer(5000), "the refused connection is closed");
                }
            }
            assertNotNull(refused, "one of " + PER_ADDRESS + " more connections is refused");
            assertEquals("NetConnection.Connect.Rejected: limit limits.maxConnectionsPerAddress (" + PER_ADDRESS + ") reached",
                    RtmpCommandClient.status(refused));
            assertTrue(held.size() >= 2, "the publisher and at most the REST connection held places before");
            // a real player is refused the same way, and says why
            Peers.Result probe = Peers.run(40, Peers.ffprobe(), "-v", "error", "-rw_timeout", "15000000",
                    "-show_entries", "stream=codec_type", server.rtmpUrl("limited"));
            assertNotEquals(0, probe.exitCode(), probe.output());
            // the WebSocket port counts against the same limit: 503 JSON before the upgrade
            String ws = rawUpgrade(wsPort);
            assertTrue(ws.startsWith("HTTP/1.1 503"), ws);
            assertTrue(ws.contains("\"limit\":\"limits.maxConnectionsPerAddress\""), ws);
            assertTrue(publisher.isAlive(), "the running publisher is not disturbed");
        } finally {
            for (RtmpCommandClient c : held) {
                c.close();
            }
        }
        // places freed: a player gets the live stream
        Await.until(Duration.ofSeconds(10), "the closed connections' places are freed", () -> {
            try (RtmpCommandClient c = RtmpCommandClient.open(server.rtmpPort())) {
                return c.connect("live").name().equals("_result");
            }
        });
        Thread.sleep(1100); // past the per-second connection rate window of the attempts above
        Ffmpeg.Probe played = Ffmpeg.probe(server.rtmpUrl("limited"), 2);
        assertEquals("h264", played.video().get("codec_name"), played.result().output());
        assertTrue(played.videoFrames() > 10, played.result().output());
        assertTrue(metric("limits.maxConnectionsPerAddress") >= 3, "counted in /metrics");
    }

    @Test
    @Order(2)
    void httpConnectionsOnTheRestAndHlsPortsHoldPlacesToo() throws Exception {
        Thread.sleep(1100);
        // keep-alive HTTP connections to the REST port, each having had its answer, until one is refused
        List<Socket> held = new ArrayList<>();
        try {
            String refused = null;
            for (int i = 0; i < PER_ADDRESS && refused == null; i++) {
                Socket s = new Socket("127.0.0.1", server.restPort());
                held.add(s);
                String answer = httpGet(s, "/health");
                if (!answer.startsWith("HTTP/1.1 200")) {
                    refused = answer;
                }
            }
            assertNotNull(refused, "one of " + PER_ADDRESS + " more REST connections is refused");
            assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
            assertTrue(refused.contains("\"limit\":\"limits.maxConnectionsPerAddress\""), refused);
            // the places HTTP holds are the same places: RTMP and the HLS port are refused now too
            try (RtmpCommandClient c = RtmpCommandClient.open(server.rtmpPort())) {
                assertEquals("_error", c.connect("live").name());
            }
            Thread.sleep(1100); // stay under newConnectionsPerSecondPerAddress (8)
            try (Socket hls = new Socket("127.0.0.1", hlsPort)) {
                String answer = httpGet(hls, "/nosuch/nosuch.m3u8");
                assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
                assertTrue(answer.contains("\"limit\":\"limits.maxConnectionsPerAddress\""), answer);
            }
            assertTrue(publisher.isAlive(), "the running publisher is not disturbed");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        Thread.sleep(1100);
        // closing them frees the places: the HLS port serves again (404: no such stream)
        Await.until(Duration.ofSeconds(10), "the closed HTTP connections' places are freed", () -> {
            try (Socket hls = new Socket("127.0.0.1", hlsPort)) {
                return httpGet(hls, "/nosuch/nosuch.m3u8").startsWith("HTTP/1.1 404");
            }
        });
    }
    @Test
    @Order(3)
    void streamsPerConnection() throws Exception {
        Thread.sleep(1100);
        try (RtmpCommandClient c = RtmpCommandClient.open(server.rtmpPort())) {
            assertEquals("_result", c.connect("live").name());
            assertEquals("_result", c.createStream().name());
            assertEquals("_result", c.createStream().name());
            RtmpCommand third = c.createStream();
            assertEquals("_error", third.name());
            assertEquals("NetConnection.Call.Failed: limit limits.maxStreamsPerConnection (2) reached",
                    RtmpCommandClient.status(third));
        }
        assertEquals(1, metric("limits.maxStreamsPerConnection"));
    }

    @Test
    @Order(4)
    void agentsOfAKind() throws Exception {
        int dead = Ports.free(); // nothing listens: the agent keeps retrying, so it stays running
        JsonObject first = new JsonObject().put("uri", "rtmp://127.0.0.1:" + dead + "/live/a").put("localStreamName", "pa");
        assertEquals(200, server.post("/pull/rtmp/pull", first).status());
        EstuaryProcess.Http refused = server.post("/pull/rtmp/pull",
                new JsonObject().put("uri", "rtmp://127.0.0.1:" + dead + "/live/b").put("localStreamName", "pb"));
        assertEquals(503, refused.status(), refused.body());
        assertEquals("limits.maxPullAgents", refused.json().getString("limit"), refused.body());
        assertEquals("limit limits.maxPullAgents (1) reached", refused.json().getString("message"));
        assertEquals(200, server.post("/pull/rtmp/find_all", new JsonObject()).status(), "the first runs on");
        assertEquals(200, server.post("/pull/rtmp/terminate", new JsonObject().put("uri", first.getString("uri")))
                .status());
        assertEquals(200, server.post("/pull/rtmp/pull",
                new JsonObject().put("uri", "rtmp://127.0.0.1:" + dead + "/live/b").put("localStreamName", "pb")).status(),
                "a terminated agent frees its place");
        assertEquals(1, metric("limits.maxPullAgents"));
    }

    @Test
    @Order(5)
    void restRequestRate() throws Exception {
        Thread.sleep(1100);
        // 120 requests pipelined on one keep-alive connection (one place, one new connection): they
        // arrive together, so the rate is judged within one or two one-second windows of 30
        int ok = 0;
        int limited = 0;
        try (Socket s = new Socket("127.0.0.1", server.restPort())) {
            s.setSoTimeout(30_000);
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 120; i++) {
                requests.append("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            }
            s.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(s.getInputStream());
            for (int i = 0; i < 120; i++) {
                HttpAnswer r = HttpAnswer.read(in);
                if (r.status() == 200) {
                    ok++;
                } else {
                    assertEquals(429, r.status(), r.body());
                    JsonObject body = new JsonObject(r.body());
                    assertEquals("limits.restRequestsPerSecondPerAddress", body.getString("limit"));
                    assertEquals("1", r.headers().get("retry-after"));
                    limited++;
                }
            }
        }
        // the first 30 of a window pass, the rest of it is refused
        assertTrue(limited > 0 && ok >= 30, "ok=" + ok + " limited=" + limited);
        Thread.sleep(1100);
        assertTrue(metric("limits.restRequestsPerSecondPerAddress") >= limited);
    }

    @Test
    @Order(6)
    void newConnectionRateClosesAFloodAtOnce() throws Exception {
        Thread.sleep(1100);
        int closedAtOnce = 0;
        for (int i = 0; i < 20; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.rtmpPort()), 5000);
                s.setSoTimeout(5000);
                byte[] c0c1 = new byte[1537]; // C0+C1: an admitted connection answers S0+S1+S2, a refused one closes
                c0c1[0] = 3;
                s.getOutputStream().write(c0c1);
                s.getOutputStream().flush();
                try {
                    if (s.getInputStream().read() < 0) {
                        closedAtOnce++;
                    }
                } catch (java.net.SocketException reset) {
                    closedAtOnce++;
                }
            }
        }
        // 20 attempts span at most a few windows of 8 allowed each
        assertTrue(closedAtOnce >= 4, "closed at once: " + closedAtOnce);
        Thread.sleep(1100);
        assertTrue(metric("limits.newConnectionsPerSecondPerAddress") >= closedAtOnce);
        assertTrue(publisher.isAlive(), "the running publisher is not disturbed");
    }

    @Test
    @Order(7)
    void roomMixersCountInMaxMixers() throws Exception {
        Thread.sleep(1100); // past the connection flood's rate window
        Process nine = Ffmpeg.publish(server.rtmpUrl("guest#room9"), "160x120", 10, 0,
                EstuaryProcess.logDir().resolve("limits-room9.log"));
        Process eight = null;
        try {
            // publishing user#room creates the room's mixer: the one mixer allowed
            Await.until(Duration.ofSeconds(30), "room9's mixer", () -> {
                EstuaryProcess.Http all = server.post("/mixer/find_all", new JsonObject());
                return all.status() == 200 && all.array().getJsonObject(0).getString("uri").equals("mixer://room9");
            });
            EstuaryProcess.Http refused = server.post("/mixer/startup",
                    new JsonObject().put("uri", "mixer://m1").put("localStreamName", "m1out"));
            assertEquals(503, refused.status(), refused.body());
            assertEquals("limits.maxMixers", refused.json().getString("limit"), refused.body());
            // a second room is not created either; its stream stays published, unmixed
            eight = Ffmpeg.publish(server.rtmpUrl("guest#room8"), "160x120", 10, 0,
                    EstuaryProcess.logDir().resolve("limits-room8.log"));
            Await.until(Duration.ofSeconds(30), "guest#room8 published", () ->
                    server.post("/stream/find", new JsonObject().put("name", "guest#room8")).status() == 200);
            Await.until(Duration.ofSeconds(10), "room8 refused", () -> server.logText()
                    .contains("Auto-mixing guest#room8 into mixer://room8 failed: limit limits.maxMixers (1) reached"));
            assertEquals(1, server.post("/mixer/find_all", new JsonObject()).array().size());
            assertEquals(2, metric("limits.maxMixers"));
        } finally {
            Ffmpeg.stop(nine);
            if (eight != null) {
                Ffmpeg.stop(eight);
            }
        }
        // the empty room closes and frees its place
        Await.until(Duration.ofSeconds(15), "room9 closed", () ->
                server.post("/mixer/find_all", new JsonObject()).status() == 404);
    }

    private static long metric(String limit) throws Exception {
        String text = server.get("/metrics").body();
        String prefix = "estuary_limit_refusals_total{limit=\"" + limit + "\"} ";
        return text.lines().filter(l -> l.startsWith(prefix)).mapToLong(l -> Long.parseLong(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " in /metrics:\n" + text));
    }

    /** A browser-like WebSocket upgrade on a raw socket; returns the HTTP answer (status line, headers, body). */
    private static String rawUpgrade(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            StringBuilder sb = new StringBuilder();
            long until = System.currentTimeMillis() + 5000;
            while (System.currentTimeMillis() < until && !sb.toString().contains("}")) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            return sb.toString();
        }
    }

    /** One GET on a kept-alive socket: the answer's status line, headers and body as text. */
    private static String httpGet(Socket s, String path) throws Exception {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        HttpAnswer a = HttpAnswer.read(new java.io.BufferedInputStream(s.getInputStream()));
        return "HTTP/1.1 " + a.status() + " " + a.headers() + "\n" + a.body();
    }

    /** A minimal HTTP/1.1 answer reader (Content-Length bodies: what the server sends here). */
    private record HttpAnswer(int status, java.util.Map<String, String> headers, String body) {
        static HttpAnswer read(InputStream in) throws java.io.IOException {
            String status = line(in);
            java.util.Map<String, String> headers = new java.util.HashMap<>();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), h.substring(colon + 1).trim());
            }
            assertFalse("chunked".equalsIgnoreCase(headers.get("transfer-encoding")), "unexpected chunked answer");
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            return new HttpAnswer(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws java.io.IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException("connection closed after: " + sb);
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }
    }
}
