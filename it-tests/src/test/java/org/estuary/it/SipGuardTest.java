package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.estuary.it.support.RtpPeer;
import org.estuary.it.support.Sipp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server whose SIP side is guarded and strict (one start for the class): incoming calls only
 * from 127.0.0.1 ({@code sip.allowFrom}) and with the digest password ({@code sip.password});
 * an answered call whose far end sends no RTP for {@code sip.rtpTimeoutMs} is hung up with a reason.
 */
class SipGuardTest {
    private static final String PASSWORD = "s3cret-pw";
    private static final int RTP_TIMEOUT_MS = 2000;
    private static EstuaryProcess server;
    private static int sipPort;
    private static Process broadcast;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("sipp", "sip-tester");
        sipPort = Ports.free();
        server = EstuaryProcess.start("sip-guard", "sip.port=" + sipPort, "sip.allowFrom=127.0.0.1",
                "sip.password=" + PASSWORD, "sip.rtpTimeoutMs=" + RTP_TIMEOUT_MS);
        broadcast = Ffmpeg.start(java.util.List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-re", "-f", "lavfi",
                "-i", "sine=frequency=1000:sample_rate=44100", "-c:a", "aac", "-b:a", "64k", "-f", "flv",
                server.rtmpUrl("guarded")), EstuaryProcess.logDir().resolve("sip-guard-ffmpeg.log"));
        Await.until(Duration.ofSeconds(15), "guarded published", () -> server.post("/stream/find",
                new JsonObject().put("name", "guarded").encode()).status() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (broadcast != null) {
            Ffmpeg.stop(broadcast);
        }
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    static EstuaryProcess.Http post(String path, JsonObject body) throws Exception {
        return server.post(path, body.encode());
    }

    @Test
    void callersOutsideAllowFromGet403() throws Exception {
        // loopback answers on every 127.x address: 127.0.0.2 is a source sip.allowFrom does not list
        try (Sipp outsider = Sipp.uac("outsider", "uac-refused.xml", Map.of("PTS", "0",
                "RTPMAP", "      a=rtpmap:0 PCMU/8000", "CODE", "403"), "guarded", sipPort, "127.0.0.2")) {
            assertEquals(0, outsider.exitCode(Duration.ofSeconds(30)), "403 from 127.0.0.2: " + outsider.output());
        }
    }

    @Test
    void theRightPasswordIsAnsweredAWrongOneIsChallengedAgain() throws Exception {
        try (Sipp good = Sipp.uac("pw-good", "uac-auth.xml", Map.of("PASSWORD", PASSWORD, "TALK_MS", "1000"),
                "guarded", sipPort, "127.0.0.1")) {
            assertEquals(0, good.exitCode(Duration.ofSeconds(30)), good.output());
            String m = good.messages();
            assertTrue(m.contains("Authorization: Digest"), "credentials sent");
            assertTrue(m.contains("SIP/2.0 200 OK") && m.contains("m=audio"), "answered with SDP: " + m);
        }
        JsonObject answered = Await.value(Duration.ofSeconds(10), "the authenticated call ended by its BYE", () -> {
            for (Object o : post("/call/find_all", new JsonObject()).array()) {
                JsonObject x = (JsonObject) o;
                if (x.getBoolean("incoming") && "FINISH".equals(x.getString("status"))) {
                    return x;
                }
            }
            return null;
        });
        assertTrue(answered.getLong("establishedDate") > 0, answered.encode());
        assertEquals("guarded", answered.getString("streamName"), answered.encode());

        try (Sipp bad = Sipp.uac("pw-bad", "uac-auth.xml", Map.of("PASSWORD", "wrong", "TALK_MS", "1000"),
                "guarded", sipPort, "127.0.0.1")) {
            assertEquals(0, bad.exitCode(Duration.ofSeconds(30)), bad.output());
            String m = bad.messages();
            assertEquals(2, m.split("SIP/2.0 401 Unauthorized", -1).length - 1, "challenged twice, never answered: " + m);
            assertFalse(m.contains("SIP/2.0 200 OK"), m);
        }
        assertEquals(1, post("/call/find_all", new JsonObject()).array().stream()
                .filter(o -> ((JsonObject) o).getBoolean("incoming")).count(), "the refused caller made no call");
    }

    @Test
    void aFarEndThatSendsNoRtpIsHungUpWithAReason() throws Exception {
        try (RtpPeer silent = new RtpPeer();
             Sipp far = Sipp.uas("silent", "uas-peer.xml", Map.of("RTP_PORT", String.valueOf(silent.port()),
                     "INFO_AFTER_MS", "100"))) {
            assertEquals(200, post("/call/startup", new JsonObject().put("callId", "silent").put("callee", "test")
                    .put("sipDomain", "127.0.0.1").put("sipPort", String.valueOf(far.port()))).status());
            JsonObject c = Await.value(Duration.ofSeconds(30), "hung up for lack of RTP", () -> {
                EstuaryProcess.Http r = post("/call/find", new JsonObject().put("callId", "silent"));
                JsonObject x = r.status() == 200 ? r.array().getJsonObject(0) : null;
                return x != null && "FINISH".equals(x.getString("status")) ? x : null;
            });
            assertTrue(c.getLong("establishedDate") > 0, "it was answered first: " + c.encode());
            assertTrue(c.getString("info").startsWith("Failed by RTP activity"), c.encode());
            assertEquals(0, c.getLong("rtpPacketsIn"), c.encode());
            Await.until(Duration.ofSeconds(5), "BYE at the far end", () -> far.messages().contains("BYE sip:"));
            Await.until(Duration.ofSeconds(5), "stream gone", () -> server.post("/stream/find",
                    new JsonObject().put("name", "silent").encode()).status() == 404);
        }
    }

    static JsonObject awaitFinal(String callId) throws InterruptedException {
        return Await.value(Duration.ofSeconds(30), "call " + callId + " final", () -> {
            EstuaryProcess.Http r = post("/call/find", new JsonObject().put("callId", callId));
            JsonObject x = r.status() == 200 ? r.array().getJsonObject(0) : null;
            return x != null && java.util.List.of("FINISH", "FAILED", "BUSY").contains(x.getString("status")) ? x : null;
        });
    }

    @Test
    void anAnswerWithNoCommonCodecIsHungUpAndA503Fails() throws Exception {
        try (Sipp far = Sipp.uas("g729", "uas-g729.xml", Map.of())) {
            assertEquals(200, post("/call/startup", new JsonObject().put("callId", "g729").put("callee", "test")
                    .put("sipDomain", "127.0.0.1").put("sipPort", String.valueOf(far.port()))).status());
            JsonObject c = awaitFinal("g729");
            assertEquals("FAILED", c.getString("status"), c.encode());
            assertTrue(c.getString("info").startsWith("No common codec"), c.encode());
            Await.until(Duration.ofSeconds(5), "the answered call hung up with BYE", () -> far.messages().contains("BYE sip:"));
        }
        try (Sipp far = Sipp.uas("reject-503", "uas-reject.xml", Map.of("CODE", "503", "REASON", "Service Unavailable"))) {
            assertEquals(200, post("/call/startup", new JsonObject().put("callId", "r503").put("callee", "test")
                    .put("sipDomain", "127.0.0.1").put("sipPort", String.valueOf(far.port()))).status());
            JsonObject c = awaitFinal("r503");
            assertEquals("FAILED", c.getString("status"), c.encode());
            assertEquals(503, c.getInteger("sipStatus"), c.encode());
            assertTrue(c.getString("info").contains("503"), c.encode());
        }
    }
}
