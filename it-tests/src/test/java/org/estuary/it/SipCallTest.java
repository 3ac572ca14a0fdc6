package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.estuary.it.support.Await;
import org.estuary.it.support.AudioLevels;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.estuary.it.support.Sipp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /call/*: Estuary dials real sipp user agents. A call answered with PCMU carrying a 1 kHz tone
 * becomes an AAC stream played over RTMP with energy at 1 kHz; BYE from either side ends it;
 * busy, unanswered, cancelled, unresolvable and malformed calls get the reference statuses.
 */
class SipCallTest {
    private static final int NO_ANSWER_MS = 4000;
    private static final int MAX_CALLS = 3;
    private static EstuaryProcess server;
    private static int sipPort;
    private static Path pcap;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("sipp", "sip-tester");
        pcap = Sipp.pcmuTonePcap(Files.createTempDirectory("sip-it").resolve("tone1k.pcap"), 1000, 30);
        sipPort = Ports.free();
        server = EstuaryProcess.start("sip", "sip.port=" + sipPort, "sip.noAnswerTimeoutMs=" + NO_ANSWER_MS,
                "sip.maxCalls=" + MAX_CALLS, "sip.rtpTimeoutMs=0");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    static EstuaryProcess.Http post(String path, JsonObject body) throws Exception {
        return server.post(path, body.encode());
    }

    static JsonObject call(String callId, Sipp far) {
        return new JsonObject().put("callId", callId).put("callee", "test").put("sipDomain", "127.0.0.1")
                .put("sipPort", String.valueOf(far.port())).put("sipLogin", "estuary").put("hasAudio", "true");
    }

    static JsonObject find(String callId) throws Exception {
        EstuaryProcess.Http r = post("/call/find", new JsonObject().put("callId", callId));
        return r.status() == 200 ? r.array().getJsonObject(0) : new JsonObject();
    }

    static JsonObject awaitStatus(String callId, String status) throws InterruptedException {
        return Await.value(Duration.ofSeconds(30), "call " + callId + " " + status, () -> {
            JsonObject c = find(callId);
            return status.equals(c.getString("status")) ? c : null;
        });
    }

    static long fds() throws Exception {
        try (var s = Files.list(Path.of("/proc", String.valueOf(server.pid()), "fd"))) {
            return s.count();
        }
    }

    static long threads() throws Exception {
        try (var s = Files.list(Path.of("/proc", String.valueOf(server.pid()), "task"))) {
            return s.count();
        }
    }

    static boolean udpBound(int port) throws Exception {
        return Peers.run(5, "ss", "-lunH", "src 127.0.0.1:" + port).output().contains(":" + port);
    }

    @Test
    void answeredCallIsAnAacStreamWithTheToneAndOurByeEndsIt() throws Exception {
        try (Sipp far = Sipp.uas("answer", "uas-answer.xml", Map.of("PCAP", pcap.toString(), "HANGUP_MS", "60000"))) {
            long fd0 = fds();
            long th0 = threads();
            assertEquals(200, post("/call/startup", call("tone-call", far).put("toStream", "tone-stream")).status());
            JsonObject c = awaitStatus("tone-call", "ESTABLISHED");
            assertEquals(200, c.getInteger("sipStatus"), c.encode());
            assertEquals("PCMU", c.getString("audioCodec"), c.encode());
            assertEquals("tone-stream", c.getString("streamName"));
            assertFalse(c.getString("mediaSessionId").isEmpty(), c.encode());
            int rtpPort = c.getInteger("localRtpPort");
            assertTrue(udpBound(rtpPort), "RTP port bound while the call is up");

            Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("tone-stream"), 3);
            assertEquals("aac", p.audio().get("codec_name"), p.toString());
            assertEquals("16000", p.audio().get("sample_rate"), p.toString());
            double tone = AudioLevels.bandVolume(server.rtmpUrl("tone-stream"), 3, 1000);
            double off = AudioLevels.bandVolume(server.rtmpUrl("tone-stream"), 3, 2500);
            System.out.println("call stream: 1 kHz band " + tone + " dB, 2.5 kHz band " + off + " dB");
            assertTrue(tone > -30, "the 1 kHz tone is audible in the call's stream: " + tone + " dB");
            assertTrue(tone > off + 20, "energy at 1 kHz, not elsewhere: " + tone + " vs " + off + " dB");
            JsonObject rtp = find("tone-call");
            assertTrue(rtp.getLong("rtpPacketsIn") > 100, rtp.encode());
            assertTrue(rtp.getLong("rtpPacketsOut") > 100, "Estuary sends RTP (silence) too: " + rtp.encode());

            assertEquals(200, post("/call/terminate", new JsonObject().put("callId", "tone-call")).status());
            JsonObject done = awaitStatus("tone-call", "FINISH");
            assertEquals("Stopped by rest /call/terminate", done.getString("info"));
            Await.until(Duration.ofSeconds(5), "sipp got our BYE", () -> far.messages().contains("BYE sip:"));
            Await.until(Duration.ofSeconds(5), "stream gone", () -> server.post("/stream/find",
                    new JsonObject().put("name", "tone-stream").encode()).status() == 404);
            Await.until(Duration.ofSeconds(5), "RTP port given back", () -> !udpBound(rtpPort) && !udpBound(rtpPort + 1));
            // the media pool's threads end when idle (3 s); Vert.x may keep a worker or two it started
            Await.until(Duration.ofSeconds(15), "threads and files given back (were " + th0 + " threads, " + fd0
                    + " fds)", () -> threads() <= th0 + 3 && fds() <= fd0 + 4);
        }
    }

    @Test
    void byeFromTheFarEndFinishesTheCall() throws Exception {
        try (Sipp far = Sipp.uas("hangup", "uas-answer.xml", Map.of("PCAP", pcap.toString(), "HANGUP_MS", "2000"))) {
            assertEquals(200, post("/call/startup", call("far-bye", far)).status());
            awaitStatus("far-bye", "ESTABLISHED");
            JsonObject done = awaitStatus("far-bye", "FINISH");
            assertEquals("Normal call clearing", done.getString("info"), done.encode());
            Await.until(Duration.ofSeconds(5), "BYE answered 200", () -> far.messages().contains("SIP/2.0 200 OK")
                    && far.messages().contains("BYE sip:"));
            // default toStream is the callId
            Await.until(Duration.ofSeconds(5), "stream gone", () -> server.post("/stream/find",
                    new JsonObject().put("name", "far-bye").encode()).status() == 404);
        }
    }

    @Test
    void busyCalleeGivesBusy() throws Exception {
        try (Sipp far = Sipp.uas("busy", "uas-busy.xml", Map.of())) {
            assertEquals(200, post("/call/startup", call("busy-call", far)).status());
            JsonObject c = awaitStatus("busy-call", "BUSY");
            assertEquals(486, c.getInteger("sipStatus"), c.encode());
        }
    }

    @Test
    void unansweredCallFailsAfterTheTimeoutAndIsCancelled() throws Exception {
        try (Sipp far = Sipp.uas("noanswer", "uas-noanswer.xml", Map.of())) {
            assertEquals(200, post("/call/startup", call("ringing", far)).status());
            JsonObject ring = awaitStatus("ringing", "RING");
            assertEquals(180, ring.getInteger("sipStatus"));
            JsonObject c = awaitStatus("ringing", "FAILED");
            assertTrue(c.getString("info").startsWith("No answer"), c.encode());
            long ringingFor = c.getLong("createDate");
            assertTrue(ringingFor > 0);
            Await.until(Duration.ofSeconds(5), "CANCEL reached the far end", () -> far.messages().contains("CANCEL sip:"));
        }
    }

    @Test
    void terminateBeforeTheAnswerSendsCancel() throws Exception {
        try (Sipp far = Sipp.uas("cancel", "uas-noanswer.xml", Map.of())) {
            assertEquals(200, post("/call/startup", call("cancel-me", far)).status());
            awaitStatus("cancel-me", "RING");
            assertEquals(200, post("/call/terminate", new JsonObject().put("callId", "cancel-me")).status());
            JsonObject c = awaitStatus("cancel-me", "FINISH");
            assertEquals("Stopped by rest /call/terminate", c.getString("info"));
            Await.until(Duration.ofSeconds(5), "CANCEL reached the far end", () -> far.messages().contains("CANCEL sip:"));
            Await.until(Duration.ofSeconds(5), "487 taken", () -> far.messages().contains("487 Request Terminated"));
        }
    }

    @Test
    void unresolvableDomainFailsWithAReason() throws Exception {
        assertEquals(200, post("/call/startup", new JsonObject().put("callId", "nowhere").put("callee", "1000")
                .put("sipDomain", "no-such-host.invalid")).status());
        JsonObject c = awaitStatus("nowhere", "FAILED");
        assertTrue(c.getString("info").contains("Cannot resolve no-such-host.invalid"), c.encode());
    }

    @Test
    void badRequestsAreRefusedAndMaxCallsHolds() throws Exception {
        assertEquals(400, post("/call/startup", new JsonObject().put("callId", "bad").put("callee", "a b<c>")
                .put("sipDomain", "127.0.0.1")).status(), "malformed callee");
        assertEquals(400, post("/call/startup", new JsonObject().put("callId", "bad").put("callee", "1000")).status(),
                "no domain");
        assertEquals(400, post("/call/startup", new JsonObject().put("callId", "bad").put("callee", "1000")
                .put("sipDomain", "127.0.0.1").put("sipPort", "70000")).status(), "bad port");
        assertEquals(404, post("/call/terminate", new JsonObject().put("callId", "no-such-call")).status());
        assertEquals(404, post("/call/find", new JsonObject().put("callId", "no-such-call")).status());
        try (Sipp far = Sipp.uas("max", "uas-noanswer.xml", Map.of())) {
            for (int i = 0; i < MAX_CALLS; i++) {
                assertEquals(200, post("/call/startup", call("max-" + i, far)).status());
            }
            EstuaryProcess.Http dup = post("/call/startup", call("max-0", far));
            assertEquals(409, dup.status(), "duplicate callId: " + dup);
            EstuaryProcess.Http over = post("/call/startup", call("max-extra", far));
            assertEquals(503, over.status(), over.toString());
            assertTrue(over.body().contains("maxCalls"), over.body());
            for (int i = 0; i < MAX_CALLS; i++) {
                post("/call/terminate", new JsonObject().put("callId", "max-" + i));
            }
        }
    }

    @Test
    void garbageOnTheSipPortIsHarmless() throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            byte[][] junk = {new byte[] {0, 1, 2, 3}, "INVITE\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                "SIP/2.0 200 OK\r\nVia: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), new byte[1400]};
            for (byte[] j : junk) {
                s.send(new DatagramPacket(j, j.length, InetAddress.getLoopbackAddress(), sipPort));
            }
        }
        try (Sipp far = Sipp.uas("after-junk", "uas-busy.xml", Map.of())) {
            assertEquals(200, post("/call/startup", call("after-junk", far)).status());
            awaitStatus("after-junk", "BUSY");
        }
        assertTrue(server.isAlive());
    }
}
