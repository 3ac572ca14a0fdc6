package org.estuary.it.trust;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
 * TLS on the REST, HLS and RTMP ports from a certificate the test makes with openssl: the JDK
 * client over HTTPS (HTTP/2 negotiated by ALPN), ffmpeg publishing over rtmps://, ffprobe playing
 * back, the JDK WebSocket client speaking the WCS API over wss://, openssl s_client seeing the
 * certificate, and a renewed certificate picked up without a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsTest {
    private static Path dir;
    private static Path cert;
    private static Path key;
    private static EstuaryProcess server;
    private static int restTls;
    private static int hlsTls;
    private static int rtmps;
    private static int wss;
    private static HttpClient https;
    private static Process publisher;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("estuary-tls");
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        makeCertificate("estuary-first", cert, key);
        restTls = Ports.free();
        hlsTls = Ports.free();
        rtmps = Ports.free();
        wss = Ports.free();
        server = EstuaryProcess.start("tls", "tls.certFile=" + cert, "tls.keyFile=" + key, "tls.reloadCheckMs=300",
                "tls.restPort=" + restTls, "tls.hlsPort=" + hlsTls, "tls.rtmpPort=" + rtmps, "tls.websocketPort=" + wss);
        https = HttpClient.newBuilder().sslContext(trusting(cert)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(publisher);
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    private static void makeCertificate(String cn, Path certOut, Path keyOut) throws Exception {
        Peers.Result r = Peers.run(60, Peers.require("openssl", "openssl"), "req", "-x509", "-newkey", "rsa:2048",
                "-nodes", "-days", "2", "-subj", "/CN=" + cn, "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", keyOut.toString(), "-out", certOut.toString());
        assertEquals(0, r.exitCode(), r.output());
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            ks.setCertificateEntry("estuary", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static String sClientSubject(int port) throws Exception {
        Peers.Result r = Peers.run(30, "sh", "-c", "openssl s_client -connect 127.0.0.1:" + port
                + " -servername localhost -alpn h2,http/1.1 </dev/null 2>&1");
        return r.output();
    }

    @Test
    @Order(1)
    void httpsRestSpeaksHttp2OverAlpn() throws Exception {
        HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + restTls + "/health"))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(HttpClient.Version.HTTP_2, r.version(), "HTTP/2 negotiated by ALPN");
        assertEquals("UP", new JsonObject(r.body()).getString("status"));
        HttpResponse<String> api = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + restTls
                        + "/rest-api/stream/find_all")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(api.statusCode() == 200 || api.statusCode() == 404, api.body()); // 404 = no stream yet
        assertTrue(sClientSubject(restTls).contains("ALPN protocol: h2"), "openssl sees h2 offered by ALPN");
    }

    @Test
    @Order(2)
    void ffmpegPublishesOverRtmpsAndHlsIsServedOverHttps() throws Exception {
        publisher = Ffmpeg.publish("rtmps://127.0.0.1:" + rtmps + "/live/secure", "320x240", 25, 0,
                EstuaryProcess.logDir().resolve("tls-ffmpeg.log"));
        Await.until(Duration.ofSeconds(30), "secure published",
                () -> server.post("/stream/find", new JsonObject().put("name", "secure")).status() == 200);
        Ffmpeg.Probe overTls = Ffmpeg.probe("rtmps://127.0.0.1:" + rtmps + "/live/secure", 2);
        assertEquals("h264", overTls.video().get("codec_name"), overTls.toString());
        assertTrue(overTls.videoFrames() > 10, overTls.toString());
        String playlist = Await.value(Duration.ofSeconds(30), "HLS playlist over HTTPS", () -> {
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + hlsTls
                    + "/secure/secure.m3u8")).timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("#EXTINF") ? r.body() : null;
        });
        assertTrue(playlist.startsWith("#EXTM3U"));
    }

    @Test
    @Order(3)
    void webSocketApiOverWss() throws Exception {
        // a client that trusts only the test's certificate: the handshake proves the server's
        // certificate; the WCS connection/getUserData exchange proves the API behind it
        java.util.concurrent.LinkedBlockingQueue<String> texts = new java.util.concurrent.LinkedBlockingQueue<>();
        StringBuilder partial = new StringBuilder();
        java.net.http.WebSocket ws = HttpClient.newBuilder().sslContext(trusting(cert)).build().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(20))
                .buildAsync(URI.create("wss://127.0.0.1:" + wss + "/"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data,
                                                                           boolean last) {
                        partial.append(data);
                        if (last) {
                            texts.add(partial.toString());
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(30, java.util.concurrent.TimeUnit.SECONDS);
        try {
            JsonObject connection = new JsonObject().put("appKey", "defaultApp").put("clientVersion", "2.0")
                    .put("mediaProviders", new io.vertx.core.json.JsonArray().add("WebRTC"));
            ws.sendText(new JsonObject().put("message", "connection")
                    .put("data", new io.vertx.core.json.JsonArray().add(connection)).encode(), true).get(20,
                    java.util.concurrent.TimeUnit.SECONDS);
            JsonObject userData = null;
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (userData == null && System.nanoTime() < end) {
                String t = texts.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                if (t != null && "getUserData".equals(new JsonObject(t).getString("message"))) {
                    userData = new JsonObject(t).getJsonArray("data").getJsonObject(0);
                }
            }
            assertNotNull(userData, "getUserData over wss; received " + texts);
            String session = userData.getString("sessionId");
            assertNotNull(session, userData.encode());
            // the session is the server's like any other: found through REST
            assertEquals(200, server.post("/connection/find", new JsonObject().put("appKey", "defaultApp")).status());
        } finally {
            ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done");
        }
        // a client that does not trust the certificate is refused by its TLS handshake
        var untrusting = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                .buildAsync(URI.create("wss://127.0.0.1:" + wss + "/"), new java.net.http.WebSocket.Listener() { });
        var failure = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> untrusting.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof javax.net.ssl.SSLException
                || failure.getCause().getCause() instanceof javax.net.ssl.SSLException, failure.toString());
    }

    @Test
    @Order(4) // last: the HTTPS client above trusts only the first certificate
    void renewedCertificateIsServedWithoutRestart() throws Exception {
        assertTrue(sClientSubject(rtmps).contains("estuary-first"), "s_client sees the first certificate");
        Path newCert = dir.resolve("new-cert.pem");
        Path newKey = dir.resolve("new-key.pem");
        makeCertificate("estuary-renewed", newCert, newKey);
        // key first, then certificate: the reload reads both once either changed
        Files.move(newKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(newCert, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Await.until(Duration.ofSeconds(20), "RTMPS serves the renewed certificate",
                () -> sClientSubject(rtmps).contains("estuary-renewed"));
        Await.until(Duration.ofSeconds(20), "HTTPS serves the renewed certificate",
                () -> sClientSubject(restTls).contains("estuary-renewed"));
        Await.until(Duration.ofSeconds(20), "WSS serves the renewed certificate",
                () -> sClientSubject(wss).contains("estuary-renewed"));
        assertTrue(server.isAlive());
    }
}
