package org.estuary.it.trust;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    private static final int PER_ADDRESS = 3;
    private static EstuaryProcess server;
    private static Process publisher;
    private static int wsPort;

    @BeforeAll
    static void start() throws Exception {
        wsPort = Ports.free();
        server = EstuaryProcess.start("limits", "websocket.port=" + wsPort,
                "limits.maxConnectionsPerAddress=" + PER_ADDRESS, "limits.newConnectionsPerSecondPerAddress=8",
                "limits.maxStreamsPerConnection=2", "limits.restRequestsPerSecondPerAddress=30",
                "limits.maxPullAgents=1");
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
        // the publisher holds one place; two command clients take the other two
        RtmpCommandClient a = RtmpCommandClient.open(server.rtmpPort());
        RtmpCommandClient b = RtmpCommandClient.open(server.rtmpPort());
        try {
            assertEquals("_result", a.connect("live").name());
            assertEquals("_result", b.connect("live").name());
            try (RtmpCommandClient c = RtmpCommandClient.open(server.rtmpPort())) {
                RtmpCommand refused = c.connect("live");
                assertEquals("_error", refused.name());
                assertEquals("NetConnection.Connect.Rejected: limit limits.maxConnectionsPerAddress (3) reached",
                        RtmpCommandClient.status(refused));
                assertTrue(c.closedByServer(5000), "the refused connection is closed");
            }
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
            a.close();
        }
        // one place freed: a player gets the live stream
        Await.until(Duration.ofSeconds(10), "the closed connection's place is freed", () -> {
            try (RtmpCommandClient c = RtmpCommandClient.open(server.rtmpPort())) {
                return c.connect("live").name().equals("_result");
            }
        });
        Thread.sleep(1100); // past the per-second connection rate window of the attempts above
        Ffmpeg.Probe played = Ffmpeg.probe(server.rtmpUrl("limited"), 2);
        assertEquals("h264", played.video().get("codec_name"), played.result().output());
        assertTrue(played.videoFrames() > 10, played.result().output());
        b.close();
        assertTrue(metric("limits.maxConnectionsPerAddress") >= 3, "counted in /metrics");
    }

    @Test
    @Order(2)
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
    @Order(3)
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
    @Order(4)
    void restRequestRate() throws Exception {
        Thread.sleep(1100);
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            flood.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.restPort() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int limited = 0;
        for (var f : flood) {
            HttpResponse<String> r = f.get();
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(429, r.statusCode(), r.body());
                JsonObject body = new JsonObject(r.body());
                assertEquals("limits.restRequestsPerSecondPerAddress", body.getString("limit"));
                assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
                limited++;
            }
        }
        // 120 requests within a few one-second windows of 30: most are refused, the first 30 of a window pass
        assertTrue(limited > 0 && ok >= 30, "ok=" + ok + " limited=" + limited);
        Thread.sleep(1100);
        assertTrue(metric("limits.restRequestsPerSecondPerAddress") >= limited);
    }

    @Test
    @Order(5)
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

}
