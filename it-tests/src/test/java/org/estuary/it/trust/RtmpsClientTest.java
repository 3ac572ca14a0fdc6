package org.estuary.it.trust;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.NginxRtmp;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The RTMP client over TLS (issue 15 item 3, issue 16's RTMPS push) against a server nobody here
 * wrote: nginx-rtmp behind stunnel, which terminates TLS with a certificate the test makes (what
 * Facebook Live's rtmps:// ingest looks like to a client). A transponder pushes to
 * {@code rtmps://}, nginx receives it (ffprobe reads it back in clear), and a pull agent pulls it
 * back over {@code rtmps://}. The server trusts the test's certificate through the standard JVM
 * trust store option; with its default trust a self-signed target is refused.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RtmpsClientTest {
    private static Path dir;
    private static NginxRtmp nginx;
    private static Process stunnel;
    private static int tlsPort;
    private static EstuaryProcess server;
    private static Process publisher;
    private static Path stunnelConf;

    private static Process startStunnel(String log) throws Exception {
        Process p = Ffmpeg.start(List.of(Peers.require("stunnel4", "stunnel4"), stunnelConf.toString()),
                EstuaryProcess.logDir().resolve(log));
        Await.until(Duration.ofSeconds(10), "stunnel listening", () -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", tlsPort)) {
                return true;
            }
        });
        return p;
    }

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("estuary-rtmps-client");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        String openssl = Peers.require("openssl", "openssl");
        Peers.Result made = Peers.run(60, openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString());
        assertEquals(0, made.exitCode(), made.output());
        Path trust = dir.resolve("trust.p12");
        Peers.Result ks = Peers.run(60, Peers.require("keytool", "openjdk-17-jdk-headless"), "-importcert", "-noprompt",
                "-alias", "target", "-file", cert.toString(), "-keystore", trust.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit");
        assertEquals(0, ks.exitCode(), ks.output());

        nginx = NginxRtmp.start();
        tlsPort = Ports.free();
        Path conf = dir.resolve("stunnel.conf");
        Files.writeString(conf, "foreground = yes\npid =\n[rtmps]\naccept = 127.0.0.1:" + tlsPort + "\nconnect = 127.0.0.1:"
                + nginx.rtmpPort() + "\ncert = " + cert + "\nkey = " + key + "\n");
        stunnelConf = conf;
        stunnel = startStunnel("rtmps-client-stunnel.log");
        server = EstuaryProcess.startWithJvmArgs("rtmps-client", List.of("-Djavax.net.ssl.trustStore=" + trust,
                "-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12"),
                "push.reconnectFirstMs=500", "push.reconnectMaxMs=2000");
        publisher = Ffmpeg.publish(server.rtmpUrl("cam1"), "320x240", 25, 0,
                EstuaryProcess.logDir().resolve("rtmps-client-ffmpeg.log"));
        Await.until(Duration.ofSeconds(30), "cam1 published",
                () -> server.post("/stream/find", new JsonObject().put("name", "cam1")).status() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(publisher);
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
        if (stunnel != null) {
            stunnel.destroy();
            stunnel.waitFor(5, TimeUnit.SECONDS);
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    @Order(1)
    void pushToAnRtmpsTargetReachesNginxBehindTls() throws Exception {
        String url = "rtmps://127.0.0.1:" + tlsPort + "/live";
        EstuaryProcess.Http r = server.post("/push/startup", new JsonObject().put("streamName", "cam1").put("rtmpUrl", url));
        assertEquals(200, r.status(), r.body());
        Await.until(Duration.ofSeconds(30), "nginx receives rtmp_cam1 through stunnel", () -> nginx.isPublishing("rtmp_cam1"));
        Ffmpeg.Probe p = Ffmpeg.probe(nginx.rtmpUrl("rtmp_cam1"), 5);
        assertEquals("h264", p.video().get("codec_name"), p.toString());
        assertEquals("320", p.video().get("width"), p.toString());
        // nginx-rtmp keeps no GOP: video starts at the next key frame (up to 2 s in), audio at once
        assertTrue(p.videoFrames() >= 50, "5 s of media at 25 fps, less one GOP: " + p);
        assertEquals("aac", p.audio().get("codec_name"), p.toString());
        String log = Files.readString(EstuaryProcess.logDir().resolve("rtmps-client-stunnel.log"));
        assertTrue(log.contains("accepted connection"), "the push went through the TLS terminator:\n" + log);
    }

    @Test
    @Order(2)
    void pullFromAnRtmpsSource() throws Exception {
        String uri = "rtmps://127.0.0.1:" + tlsPort + "/live/rtmp_cam1";
        EstuaryProcess.Http r = server.post("/pull/rtmp/pull", new JsonObject().put("uri", uri).put("localStreamName", "back"));
        assertEquals(200, r.status(), r.body());
        Await.until(Duration.ofSeconds(30), "pulled stream 'back' live",
                () -> server.post("/stream/find", new JsonObject().put("name", "back")).status() == 200);
        // 'back' is live as soon as nginx sends its first (audio) message, and nginx-rtmp keeps no
        // GOP: the pulled stream's first video frame can be up to one GOP (2 s) after that. 5 s of
        // probing at 25 fps less that GOP is still 75 frames; 50 leaves margin without passing a stall.
        Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("back"), 5);
        assertEquals("h264", p.video().get("codec_name"), p.toString());
        assertTrue(p.videoFrames() >= 50, "5 s at 25 fps, less one GOP: " + p);
        JsonArray agents = server.post("/pull/rtmp/find_all", new JsonObject()).array();
        assertEquals(uri, agents.getJsonObject(0).getString("uri"), agents.encode());
        assertEquals(200, server.post("/pull/rtmp/terminate", new JsonObject().put("uri", uri)).status());
    }

    /**
     * Issue 15 item 7, "a push target that dies and comes back": the TLS front of the target goes
     * away (connections cut, new ones refused), the transponder reports RECONNECTING and logs why,
     * and when the target listens again it publishes to it again without a new request.
     */
    @Test
    @Order(3)
    void aPushTargetThatDiesAndComesBackIsPublishedToAgain() throws Exception {
        Await.until(Duration.ofSeconds(30), "nginx receives rtmp_cam1", () -> nginx.isPublishing("rtmp_cam1"));
        stunnel.destroyForcibly();
        stunnel.waitFor(5, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(30), "transponder RECONNECTING", () -> {
            JsonArray all = server.post("/push/find_all", new JsonObject()).array();
            return "RECONNECTING".equals(all.getJsonObject(0).getString("status"));
        });
        Await.until(Duration.ofSeconds(30), "nginx has lost rtmp_cam1", () -> !nginx.isPublishing("rtmp_cam1"));
        assertTrue(server.logText().contains("reconnecting in"), "a log line names the cause and the retry");
        stunnel = startStunnel("rtmps-client-stunnel-2.log");
        Await.until(Duration.ofSeconds(30), "the transponder publishes again", () -> nginx.isPublishing("rtmp_cam1")
                && "PUBLISHING".equals(server.post("/push/find_all", new JsonObject()).array().getJsonObject(0)
                        .getString("status")));
        Ffmpeg.Probe p = Ffmpeg.probe(nginx.rtmpUrl("rtmp_cam1"), 5);
        assertTrue(p.videoFrames() >= 50, "media flows again: " + p);
        assertTrue(publisher.isAlive(), "the source publisher was not disturbed");
    }
}
