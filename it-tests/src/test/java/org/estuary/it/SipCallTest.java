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
import java.util.List;
import java.util.Map;
import org.estuary.it.support.Await;
import org.estuary.it.support.AudioLevels;
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
 * /call/*: Estuary dials real sipp user agents. A call answered with PCMU carrying a 1 kHz tone
 * becomes an AAC stream played over RTMP with energy at 1 kHz; BYE from either side ends it;
 * busy, unanswered, cancelled, unresolvable and malformed calls get the reference statuses.
 */
class SipCallTest {
    /** Long enough to see RING on a loaded machine before the call gives up. */
    private static final int NO_ANSWER_MS = 5000;
    private static final int MAX_CALLS = 3;
    /** Incoming calls ring this long before the answer: the window a caller's CANCEL is tested in. */
    private static final int ANSWER_DELAY_MS = 1000;
    private static EstuaryProcess server;
    private static int sipPort;
    private static Path pcap;
    private static Path mediaDir;
    /**
     * The registrar + proxy of every kamailio case: Estuary stays registered there (sip.registrar) as
     * "studio", answering with stream studio-live; phones register for 60 s, alice (Estuary's
     * sipRegisterRequired call) is granted 3 s so her refresh shows; live-* goes to Estuary.
     */
    private static org.estuary.it.support.Kamailio registrar;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("sipp", "sip-tester");
        pcap = Sipp.pcmuTonePcap(Files.createTempDirectory("sip-it").resolve("tone1k.pcap"), 1000, 90);
        sipPort = Ports.free();
        mediaDir = Files.createTempDirectory("sip-media");
        writeToneWav(mediaDir.resolve("tone600.wav"), 600, 16000, 2);
        registrar = org.estuary.it.support.Kamailio.start("reg-pw", 60, sipPort, "alice", 3);
        server = EstuaryProcess.start("sip", "sip.registrar=127.0.0.1:" + registrar.port(), "sip.registerUser=studio",
                "sip.registerPassword=reg-pw", "sip.registerStream=studio-live", "sip.port=" + sipPort, "media.directory=" + mediaDir, "sip.noAnswerTimeoutMs=" + NO_ANSWER_MS,
                "sip.maxCalls=" + MAX_CALLS, "sip.rtpTimeoutMs=0", "sip.incomingAnswerDelayMs=" + ANSWER_DELAY_MS);
    }

    /** A failed test must not leave calls up for the next one (sip.maxCalls is small here). */
    @org.junit.jupiter.api.AfterEach
    void hangUpEverything() throws Exception {
        EstuaryProcess.Http all = post("/call/find_all", new JsonObject());
        if (all.status() == 200) {
            for (Object o : all.array()) {
                JsonObject c = (JsonObject) o;
                if (!List.of("FINISH", "FAILED", "BUSY").contains(c.getString("status"))) {
                    post("/call/terminate", new JsonObject().put("callId", c.getString("callId")));
                }
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (server != null) {
                assertEquals(0, server.stop(), "clean exit on SIGTERM");
            }
        } finally {
            if (registrar != null) {
                registrar.close();
            }
            org.estuary.it.support.NginxRtmp.deleteTree(pcap.getParent());
            org.estuary.it.support.NginxRtmp.deleteTree(mediaDir);
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

    /** One call for both outputs: the stream on Estuary and its push to nginx-rtmp (rtmpUrl + rtmpStream). */
    @Test
    void answeredCallIsAnAacStreamWithTheTonePushedToNginxAndOurByeEndsIt() throws Exception {
        try (org.estuary.it.support.NginxRtmp nginx = org.estuary.it.support.NginxRtmp.start();
             Sipp far = Sipp.uas("answer", "uas-answer.xml", Map.of("PCAP", pcap.toString(), "HANGUP_MS", "60000"))) {
            long fd0 = fds();
            long th0 = threads();
            String base = nginx.rtmpUrl("x");
            base = base.substring(0, base.lastIndexOf('/'));
            assertEquals(200, post("/call/startup", call("tone-call", far).put("toStream", "tone-stream")
                    .put("rtmpUrl", base).put("rtmpStream", "call-audio")).status());
            assertEquals(409, post("/call/startup", call("push-call-2", far).put("rtmpUrl", base)
                    .put("rtmpStream", "call-audio")).status(), "same rtmpUrl + rtmpStream");
            JsonObject c = awaitStatus("tone-call", "ESTABLISHED");
            assertEquals(200, c.getInteger("sipStatus"), c.encode());
            assertEquals("PCMU", c.getString("audioCodec"), c.encode());
            assertEquals("tone-stream", c.getString("streamName"));
            assertFalse(c.getString("mediaSessionId").isEmpty(), c.encode());
            int rtpPort = c.getInteger("localRtpPort");
            assertTrue(udpBound(rtpPort), "RTP port bound while the call is up");

            Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("tone-stream"), 1);
            assertEquals("aac", p.audio().get("codec_name"), p.toString());
            assertEquals("16000", p.audio().get("sample_rate"), p.toString());
            double[] bands = AudioLevels.bandVolumes(server.rtmpUrl("tone-stream"), 2, 1000, 2500);
            System.out.println("call stream: 1 kHz band " + bands[0] + " dB, 2.5 kHz band " + bands[1] + " dB");
            assertTrue(bands[0] > -30, "the 1 kHz tone is audible in the call's stream: " + bands[0] + " dB");
            assertTrue(bands[0] > bands[1] + 20, "energy at 1 kHz, not elsewhere: " + bands[0] + " vs " + bands[1] + " dB");
            JsonObject rtp = find("tone-call");
            assertTrue(rtp.getLong("rtpPacketsIn") > 50, rtp.encode());
            assertTrue(rtp.getLong("rtpPacketsOut") > 50, "Estuary sends RTP (silence) too: " + rtp.encode());

            // the same call pushed to nginx-rtmp as rtmpUrl/rtmpStream
            Ffmpeg.Probe atNginx = Await.value(Duration.ofSeconds(20), "the call's audio at nginx", () -> {
                Ffmpeg.Probe q = Ffmpeg.probe(nginx.rtmpUrl("call-audio"), 1);
                return q.audioFrames() > 0 ? q : null;
            });
            assertEquals("aac", atNginx.audio().get("codec_name"), atNginx.toString());
            double tone = AudioLevels.bandVolume(nginx.rtmpUrl("call-audio"), 2, 1000);
            assertTrue(tone > -30, "the call's 1 kHz tone at nginx: " + tone + " dB; call " + find("tone-call").encode());
            assertEquals("PUBLISHING", find("tone-call").getString("rtmpStreamStatus"));

            assertEquals(200, post("/call/terminate", new JsonObject().put("callId", "tone-call")).status());
            JsonObject done = awaitStatus("tone-call", "FINISH");
            assertEquals("Stopped by rest /call/terminate", done.getString("info"));
            assertEquals("STOPPED", done.getString("rtmpStreamStatus"), done.encode());
            Await.until(Duration.ofSeconds(5), "sipp got our BYE", () -> far.messages().contains("BYE sip:"));
            Await.until(Duration.ofSeconds(5), "stream gone", () -> server.post("/stream/find",
                    new JsonObject().put("name", "tone-stream").encode()).status() == 404);
            Await.until(Duration.ofSeconds(5), "RTP port given back", () -> !udpBound(rtpPort) && !udpBound(rtpPort + 1));
            // the media pool's threads end when idle (3 s); Vert.x may keep a worker or two it started
            Await.until(Duration.ofSeconds(15), "threads and files given back (were " + th0 + " threads, " + fd0
                    + " fds)", () -> threads() <= th0 + 3 && fds() <= fd0 + 4);
        }
    }

    /**
     * hasVideo: Estuary offers H.264 beside audio; sipp answers with video and replays FFmpeg's H.264
     * RTP (320x240): the call's stream carries it, read by ffprobe over RTMP at that size. A live
     * stream played into the call (176x144) is sent as H.264 RTP: sipp echoes it (-rtp_echo), so
     * the call's stream changes to that picture size, decoded again by ffprobe.
     */
    @Test
    void videoCallBridgesH264BothWays() throws Exception {
        // 8 s: the stream is probed while the far end still sends (a loaded machine takes seconds to get there)
        Path video = Sipp.h264Pcap(pcap.getParent().resolve("video.pcap"), "320x240", 15, 8);
        Process src = Ffmpeg.publish(server.rtmpUrl("video-src"), "176x144", 15, 0,
                EstuaryProcess.logDir().resolve("sip-video-src-ffmpeg.log"));
        try (Sipp far = Sipp.start("video", "uas-video.xml", Map.of("PCAP", video.toString(), "HANGUP_MS", "300000"),
                List.of("-rtp_echo"))) {
            assertEquals(200, post("/call/startup", call("video-call", far).put("hasVideo", "true")
                    .put("toStream", "video-stream")).status());
            JsonObject c = awaitStatus("video-call", "ESTABLISHED");
            assertTrue(c.getBoolean("hasVideo"), c.encode());
            assertEquals("H264", c.getString("videoCodec"), "the answer's H.264 was taken: " + c.encode());
            Await.until(Duration.ofSeconds(10), "key frame from the far end", () -> find("video-call")
                    .getLong("videoKeyframesIn", 0L) > 0);
            // (one ffprobe once hung past its 30 s limit on a machine at load 35: a second read is allowed)
            Ffmpeg.Probe p = Await.value(Duration.ofSeconds(40), "ffprobe reads the call's video", () -> {
                Ffmpeg.Probe q = Ffmpeg.probe(server.rtmpUrl("video-stream"), 1);
                return q.videoFrames() > 0 ? q : null;
            });
            assertEquals("h264", p.video().get("codec_name"), p.toString());
            assertEquals("320", p.video().get("width"), p.toString());
            assertEquals("240", p.video().get("height"), p.toString());
            assertTrue(p.videoFrames() > 0, "pictures decoded: " + p);
            assertEquals("aac", p.audio().get("codec_name"), "audio beside it: " + p);

            // the pcap has ended (no packet for 1 s): then the injected stream's video comes back through sipp's echo
            Await.until(Duration.ofSeconds(15), "the far end's video has ended", () -> {
                long before = find("video-call").getLong("videoPacketsIn");
                Thread.sleep(1000);
                return find("video-call").getLong("videoPacketsIn") == before;
            });
            Await.until(Duration.ofSeconds(15), "video-src published", () -> server.post("/stream/find",
                    new JsonObject().put("name", "video-src").encode()).status() == 200);
            long keysFromPcap = find("video-call").getLong("videoKeyframesIn");
            assertEquals(200, post("/call/inject_stream/startup", new JsonObject().put("callId", "video-call")
                    .put("streamName", "video-src")).status());
            JsonObject sent = Await.value(Duration.ofSeconds(15), "H.264 sent and echoed back", () -> {
                JsonObject x = find("video-call");
                return x.getLong("videoFramesOut", 0L) > 0 && x.getLong("videoKeyframesIn", 0L) > keysFromPcap ? x : null;
            });
            System.out.println("video call: " + sent.encode());
            Ffmpeg.Probe back = Await.value(Duration.ofSeconds(15), "the echoed 176x144 picture on the call's stream", () -> {
                Ffmpeg.Probe q = Ffmpeg.probe(server.rtmpUrl("video-stream"), 1);
                return "176".equals(q.video().get("width")) && q.videoFrames() > 0 ? q : null;
            });
            assertEquals("144", back.video().get("height"), back.toString());
            assertEquals(200, post("/call/terminate", new JsonObject().put("callId", "video-call")).status());
            JsonObject done = awaitStatus("video-call", "FINISH");
            int vport = done.getInteger("localVideoRtpPort");
            Await.until(Duration.ofSeconds(5), "video RTP port given back", () -> !udpBound(vport) && !udpBound(vport + 1));
        } finally {
            Ffmpeg.stop(src);
        }
    }

    /** 16-bit mono PCM WAV of a sine. */
    static void writeToneWav(Path file, int hz, int rate, int seconds) throws Exception {
        int n = rate * seconds;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44 + 2 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * n).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * n);
        for (int i = 0; i < n; i++) {
            b.putShort((short) (10000 * Math.sin(2 * Math.PI * hz * i / rate)));
        }
        Files.write(file, b.array());
    }

    /** What the test's RTP peer heard in the last 600 ms: level at {@code hz} minus level at {@code other}. */
    static double margin(RtpPeer peer, int hz, int other) {
        short[] a = peer.lastAudio(600);
        return RtpPeer.levelAt(a, hz) - RtpPeer.levelAt(a, other);
    }

    @Test
    void dtmfBothWaysAndSoundAndStreamInjectedIntoTheCall() throws Exception {
        try (RtpPeer peer = new RtpPeer();
             Sipp far = Sipp.uas("peer", "uas-peer.xml", Map.of("RTP_PORT", String.valueOf(peer.port()),
                     "INFO_AFTER_MS", "500"))) {
            assertEquals(200, post("/call/startup", call("media-call", far)).status());
            JsonObject c = awaitStatus("media-call", "ESTABLISHED");
            int estuaryRtp = c.getInteger("localRtpPort");
            // received DTMF: INFO from sipp (4), RFC 4733 from the RTP peer (7)
            peer.sendTone(estuaryRtp, 1000, 0.4);
            peer.sendDigit(estuaryRtp, '7', 100, 20 * 160);
            JsonObject got = Await.value(Duration.ofSeconds(10), "digits 4 and 7 received", () -> {
                JsonObject x = find("media-call");
                String d = x.getString("dtmfReceived", "");
                return d.contains("4") && d.contains("7") ? x : null;
            });
            assertEquals(2, got.getString("dtmfReceived").length(), got.encode());
            Await.until(Duration.ofSeconds(5), "Estuary sends RTP to the peer", () -> peer.packets() > 20);

            // the jitter buffer puts swapped packets back in order instead of dropping them
            peer.sendToneReordered(estuaryRtp, 1000, 1.0, 200);
            JsonObject jb = Await.value(Duration.ofSeconds(5), "reordered packets counted", () -> {
                JsonObject x = find("media-call");
                return x.getLong("rtpReordered", 0L) >= 5 ? x : null;
            });
            assertEquals(0, jb.getLong("rtpLate"), "none dropped as late: " + jb.encode());
            // the far end's receiver report about Estuary's stream shows in the call object
            peer.sendReceiverReport(estuaryRtp + 1, peer.lastSsrc(), 12, 3, 80);
            JsonObject rr = Await.value(Duration.ofSeconds(5), "RR read", () -> {
                JsonObject x = find("media-call");
                return x.getLong("rtcpReportsIn", 0L) >= 1 ? x : null;
            });
            assertEquals(3, rr.getLong("remoteLost"), rr.encode());
            assertEquals(12, rr.getInteger("remoteFractionLost"), rr.encode());
            assertEquals(10.0, rr.getDouble("remoteJitterMs"), 0.01, rr.encode());

            // sent DTMF: RFC 2833 to the RTP peer, INFO to sipp
            assertEquals(200, post("/call/send_dtmf", new JsonObject().put("callId", "media-call").put("dtmf", "159#")).status());
            Await.until(Duration.ofSeconds(10), "RFC 2833 digits at the far end", () -> peer.digits().equals("159#"));
            assertEquals(200, post("/call/send_dtmf", new JsonObject().put("callId", "media-call").put("dtmf", "2")
                    .put("type", "INFO")).status());
            Await.until(Duration.ofSeconds(10), "INFO at the far end", () -> far.messages().contains("Signal=2"));
            assertEquals(400, post("/call/send_dtmf", new JsonObject().put("callId", "media-call").put("dtmf", "x")).status());
            assertEquals(400, post("/call/send_dtmf", new JsonObject().put("callId", "media-call").put("dtmf", "1")
                    .put("type", "SMOKE")).status());

            // silence until something is injected
            Thread.sleep(300);
            assertTrue(RtpPeer.levelAt(peer.lastAudio(400), 600) < -50, "silence before injection");
            assertEquals(404, post("/call/inject_sound", new JsonObject().put("callId", "media-call")
                    .put("fileName", "missing.wav")).status());
            assertEquals(400, post("/call/inject_sound", new JsonObject().put("callId", "media-call")
                    .put("fileName", "../../etc/passwd")).status());
            assertEquals(404, post("/call/inject_sound", new JsonObject().put("callId", "nobody")
                    .put("fileName", "tone600.wav")).status());
            assertEquals(200, post("/call/inject_sound", new JsonObject().put("callId", "media-call")
                    .put("fileName", "tone600.wav").put("loop", true)).status());
            double sound = Await.value(Duration.ofSeconds(10), "600 Hz at the far end", () -> {
                double m = margin(peer, 600, 1000);
                return m > 20 ? m : null;
            });
            System.out.println("inject_sound: 600 Hz is " + sound + " dB above 1 kHz at the far end");
            Thread.sleep(700); // a window full of the sound
            double level = RtpPeer.levelAt(peer.lastAudio(600), 600);
            assertTrue(level > -30, "audible: " + level + " dB");

            // a live stream (1 kHz AAC over RTMP) into the call
            assertEquals(404, post("/call/inject_stream/startup", new JsonObject().put("callId", "media-call")
                    .put("streamName", "no-such-stream")).status());
            Process ff = Ffmpeg.start(java.util.List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-re", "-f", "lavfi",
                    "-i", "sine=frequency=1000:sample_rate=44100", "-c:a", "aac", "-b:a", "64k", "-f", "flv",
                    server.rtmpUrl("inject-src")), EstuaryProcess.logDir().resolve("sip-inject-ffmpeg.log"));
            try {
                Await.until(Duration.ofSeconds(15), "inject-src published", () -> server.post("/stream/find",
                        new JsonObject().put("name", "inject-src").encode()).status() == 200);
                assertEquals(200, post("/call/inject_stream/startup", new JsonObject().put("callId", "media-call")
                        .put("streamName", "inject-src")).status());
                double stream = Await.value(Duration.ofSeconds(10), "1 kHz at the far end", () -> {
                    double m = margin(peer, 1000, 600);
                    return m > 20 ? m : null;
                });
                System.out.println("inject_stream: 1 kHz is " + stream + " dB above 600 Hz at the far end");
                assertEquals("stream:inject-src", find("media-call").getString("injected"));
                assertEquals(200, post("/call/inject_stream/terminate", new JsonObject().put("callId", "media-call")).status());
                assertEquals(404, post("/call/inject_stream/terminate", new JsonObject().put("callId", "media-call")).status());
                Await.until(Duration.ofSeconds(5), "silence again", () -> RtpPeer.levelAt(peer.lastAudio(400), 1000) < -50);
            } finally {
                Ffmpeg.stop(ff);
            }
            assertEquals(200, post("/call/terminate", new JsonObject().put("callId", "media-call")).status());
            awaitStatus("media-call", "FINISH");
        }
    }

    @Test
    void registersWithDigestReRegistersAndUnregisters() throws Exception {
        try (Sipp far = Sipp.uas("registrar", "uas-registrar.xml", Map.of("USER", "alice", "PASSWORD", "s3cret",
                "EXPIRES", "3"))) {
            JsonObject req = call("reg-call", far).put("sipLogin", "alice").put("sipPassword", "s3cret")
                    .put("sipRegisterRequired", "true");
            assertEquals(200, post("/call/startup", req).status());
            JsonObject c = awaitStatus("reg-call", "ESTABLISHED");
            assertTrue(c.getBoolean("registered"), c.encode());
            // the registrar grants 3 s: Estuary refreshes before that runs out
            JsonObject again = Await.value(Duration.ofSeconds(15), "re-REGISTER", () -> {
                JsonObject x = find("reg-call");
                return x.getInteger("registrations", 0) >= 2 ? x : null;
            });
            assertEquals("ESTABLISHED", again.getString("status"));
            String msgs = far.messages();
            assertTrue(msgs.contains("Authorization: Digest"), "digest credentials sent");
            assertFalse(msgs.contains("403 Forbidden"), "credentials accepted");
            assertEquals(200, post("/call/terminate", new JsonObject().put("callId", "reg-call")).status());
            awaitStatus("reg-call", "FINISH");
            Await.until(Duration.ofSeconds(10), "un-REGISTER (Expires: 0)", () -> far.messages().contains("Expires: 0"));
        }
        try (Sipp far = Sipp.uas("registrar-bad", "uas-registrar.xml", Map.of("USER", "alice", "PASSWORD", "s3cret",
                "EXPIRES", "60"))) {
            assertEquals(200, post("/call/startup", call("reg-bad", far).put("sipLogin", "alice")
                    .put("sipPassword", "wrong").put("sipRegisterRequired", "true")).status());
            JsonObject c = awaitStatus("reg-bad", "FAILED");
            assertEquals(403, c.getInteger("sipStatus"), c.encode());
            assertTrue(c.getString("info").startsWith("Registration failed"), c.encode());
        }
    }

    @Test
    void registersAndCallsThroughKamailioAPhoneRegisteredThere() throws Exception {
        // kamailio demands digest auth for REGISTER (401) and INVITE (407); alice (Estuary) is granted 3 s
        org.estuary.it.support.Kamailio kam = registrar;
        {
            // bob speaks Opus only (RFC 7587): our offer lists it, his answer picks it
            org.estuary.it.support.Baresip bob = org.estuary.it.support.Baresip.registered("bob", kam.port(), "reg-pw", 60,
                    null, "opus/48000/2");
            try {
                Await.until(Duration.ofSeconds(20), "baresip registered at kamailio", () -> bob.log().contains("200 OK"));
                // bob's binding lasts 60 s: no refresh of his can lapse while he is called
                assertEquals(200, post("/call/startup", new JsonObject().put("callId", "kam-call").put("callee", "bob")
                        .put("sipDomain", "127.0.0.1").put("sipPort", String.valueOf(kam.port())).put("sipLogin", "alice")
                        .put("sipPassword", "reg-pw").put("sipRegisterRequired", "true")).status());
                JsonObject c = Await.value(Duration.ofSeconds(30), "kam-call answered or refused", () -> {
                    JsonObject x = find("kam-call");
                    return List.of("ESTABLISHED", "FAILED").contains(x.getString("status")) ? x : null;
                });
                assertEquals("ESTABLISHED", c.getString("status"), c.encode());
                assertTrue(c.getBoolean("registered"), c.encode());
                assertEquals("opus", c.getString("audioCodec"), c.encode());
                // a WAV into the Opus call: bob must hear its 600 Hz
                assertEquals(200, post("/call/inject_sound", new JsonObject().put("callId", "kam-call")
                        .put("fileName", "tone600.wav").put("loop", true)).status());
                // baresip's 440 Hz sine, through kamailio's routing, is the call's stream
                double[] kamBands = AudioLevels.bandVolumes(server.rtmpUrl("kam-call"), 2, 440, 1000);
                double at440 = kamBands[0];
                double at1k = kamBands[1];
                System.out.println("kamailio call stream: 440 Hz " + at440 + " dB, 1 kHz " + at1k + " dB");
                assertTrue(at440 > -35 && at440 > at1k + 15, "baresip's tone in the call's stream: " + at440 + " vs " + at1k);
                JsonObject again = Await.value(Duration.ofSeconds(15), "re-REGISTER within the 3 s grant", () -> {
                    JsonObject x = find("kam-call");
                    return x.getInteger("registrations", 0) >= 2 ? x : null;
                });
                assertEquals("ESTABLISHED", again.getString("status"), again.encode());
                JsonObject sent = find("kam-call");
                // (encodeDropped is not asserted: it counts packets a starved CPU could not code in time)
                System.out.println("Opus call: " + sent.getLong("rtpPacketsOut") + " packets out, " + sent.getLong("encodeDropped")
                        + " dropped by a late encoder");
                assertEquals(0, sent.getLong("undecodablePackets"), sent.encode());
                assertEquals(200, post("/call/terminate", new JsonObject().put("callId", "kam-call")).status());
                awaitStatus("kam-call", "FINISH");
                Await.until(Duration.ofSeconds(10), "BYE routed to the phone", () -> kam.log().contains("kamailio: BYE "));
                String log = kam.log();
                assertTrue(log.contains("kamailio: INVITE sip:bob@127.0.0.1"), log);
                assertTrue(log.contains("kamailio: REGISTER sip:127.0.0.1"), log);
            } finally {
                bob.close();
            }
            double[] heard = heard(bob, 600, 440);
            assertTrue(heard[0] > -35 && heard[0] > heard[1] + 15, "bob heard the WAV's 600 Hz over Opus: " + heard[0]
                    + " vs " + heard[1] + " dB at 440 Hz; " + bob.log());

            // the other way: a phone dials a stream through its proxy (which demands digest from it)
            Process ff = Ffmpeg.start(java.util.List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-re", "-f", "lavfi",
                    "-i", "sine=frequency=1000:sample_rate=44100", "-c:a", "aac", "-b:a", "64k", "-f", "flv",
                    server.rtmpUrl("live-kam")), EstuaryProcess.logDir().resolve("sip-kam-ffmpeg.log"));
            try {
                Await.until(Duration.ofSeconds(15), "live-kam published", () -> server.post("/stream/find",
                        new JsonObject().put("name", "live-kam").encode()).status() == 200);
                // carol offers G.722 only (RFC 3551: 8000 in the SDP, 16 kHz audio): our answer takes it
                org.estuary.it.support.Baresip carol = org.estuary.it.support.Baresip.registered("carol", kam.port(),
                        "reg-pw", 60, "sip:live-kam@127.0.0.1:" + kam.port(), "G722/16000/1");
                JsonObject in;
                try {
                    in = incomingCall("live-kam");
                    assertEquals("carol", in.getString("caller").split("@")[0], in.encode());
                    assertEquals("G722", in.getString("audioCodec"), in.encode());
                    double at440 = AudioLevels.bandVolume(server.rtmpUrl(in.getString("toStream")), 2, 440);
                    assertTrue(at440 > -35, "carol's 440 Hz in the incoming call's stream: " + at440 + " dB");
                } finally {
                    carol.close(); // BYE through kamailio
                }
                JsonObject done = awaitStatus(in.getString("callId"), "FINISH");
                assertEquals("Normal call clearing", done.getString("info"), done.encode());
                assertTrue(kam.log().contains("kamailio: INVITE sip:live-kam@"), kam.log());
                double[] carolHeard = heard(carol, 1000, 440);
                assertTrue(carolHeard[0] > -35 && carolHeard[0] > carolHeard[1] + 15, "carol heard the stream's 1 kHz over"
                        + " G.722: " + carolHeard[0] + " vs " + carolHeard[1] + " dB at 440 Hz");
            } finally {
                Ffmpeg.stop(ff);
            }
        }
    }

    @Test
    void callsToTheStandingRegistrationThroughTheRegistrarAreAnsweredWithItsStream() throws Exception {
        Process ff = Ffmpeg.start(java.util.List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-re", "-f", "lavfi",
                "-i", "sine=frequency=1000:sample_rate=44100", "-c:a", "aac", "-b:a", "64k", "-f", "flv",
                server.rtmpUrl("studio-live")), EstuaryProcess.logDir().resolve("sip-studio-ffmpeg.log"));
        try {
            Await.until(Duration.ofSeconds(15), "studio-live published", () -> server.post("/stream/find",
                    new JsonObject().put("name", "studio-live").encode()).status() == 200);
            // the standing registration's REST view (an Estuary extension of /call/find; find_all lists calls only)
            JsonObject reg = Await.value(Duration.ofSeconds(20), "Estuary registered at kamailio as studio (digest)", () -> {
                JsonObject x = find("standing-registration");
                return "REGISTERED".equals(x.getString("status")) ? x : null;
            });
            assertEquals(200, reg.getInteger("sipStatus"), reg.encode());
            assertEquals("studio", reg.getString("user"), reg.encode());
            assertEquals(60, reg.getInteger("expires"), "kamailio grants 60 s: " + reg.encode());
            assertTrue(reg.getLong("expiresDate") > System.currentTimeMillis(), reg.encode());
            assertTrue(reg.getInteger("registrations") >= 1, reg.encode());
            assertTrue(registrar.log().contains("kamailio: REGISTER sip:127.0.0.1"), "through kamailio");
            for (Object o : post("/call/find_all", new JsonObject()).array()) {
                assertNotEquals("standing-registration", ((JsonObject) o).getString("callId"), "not a call");
            }
            // dave knows only the registrar: kamailio finds studio's binding and routes the INVITE to Estuary
            org.estuary.it.support.Baresip dave = org.estuary.it.support.Baresip.registered("dave", registrar.port(),
                    "reg-pw", 60, "sip:studio@127.0.0.1:" + registrar.port());
            JsonObject in;
            try {
                in = incomingCall("studio-live");
                assertEquals("dave", in.getString("caller").split("@")[0], in.encode());
                // dave's recording is judged on its last second: keep the call up for 2 s of our RTP
                // first (on a quiet machine the call was hung up before a full second had been sent)
                String callId = in.getString("callId");
                Await.until(Duration.ofSeconds(20), "2 s of audio sent to dave", () -> {
                    EstuaryProcess.Http r = post("/call/find", new JsonObject().put("callId", callId));
                    return r.status() == 200 && r.array().getJsonObject(0).getLong("rtpPacketsOut", 0L) >= 100;
                });
            } finally {
                dave.close();
            }
            awaitStatus(in.getString("callId"), "FINISH");
            assertTrue(registrar.log().contains("kamailio: INVITE sip:studio@"), registrar.log());
            double[] heard = heard(dave, 1000, 440);
            assertTrue(heard[0] > -35 && heard[0] > heard[1] + 15, "dave heard studio-live's 1 kHz: " + heard[0] + " vs "
                    + heard[1]);
        } finally {
            Ffmpeg.stop(ff);
        }
    }

    /** The incoming call from baresip whose caller listens to {@code stream}, once ESTABLISHED. */
    static JsonObject incomingCall(String stream) throws InterruptedException {
        return Await.value(Duration.ofSeconds(20), "incoming call ESTABLISHED", () -> {
            EstuaryProcess.Http r = post("/call/find", new JsonObject().put("status", "ESTABLISHED"));
            if (r.status() != 200) {
                return null;
            }
            for (Object o : r.array()) {
                JsonObject x = (JsonObject) o;
                if (x.getBoolean("incoming") && stream.equals(x.getString("streamName"))) {
                    return x;
                }
            }
            return null;
        });
    }

    /**
     * The levels (dB) at {@code hz} and at {@code other} in the last second baresip recorded of what
     * it received (read after {@link org.estuary.it.support.Baresip#close()}).
     */
    static double[] heard(org.estuary.it.support.Baresip phone, int hz, int other) throws Exception {
        byte[] wav = phone.receivedWav();
        assertNotNull(wav, "baresip recorded what it heard: " + phone.log());
        javax.sound.sampled.AudioInputStream in = javax.sound.sampled.AudioSystem.getAudioInputStream(
                new java.io.ByteArrayInputStream(wav));
        javax.sound.sampled.AudioFormat f = in.getFormat();
        byte[] raw = in.readAllBytes();
        int ch = f.getChannels();
        int rate = (int) f.getSampleRate();
        int frames = raw.length / (2 * ch);
        short[] pcm8k = new short[(int) ((long) frames * 8000 / rate)];
        for (int i = 0; i < pcm8k.length; i++) { // crude decimation: enough for tones below 2 kHz
            int k = (int) ((long) i * rate / 8000) * 2 * ch;
            pcm8k[i] = (short) ((raw[k] & 0xFF) | (raw[k + 1] << 8));
        }
        short[] last = java.util.Arrays.copyOfRange(pcm8k, Math.max(0, pcm8k.length - 8000), pcm8k.length);
        double at = RtpPeer.levelAt(last, hz);
        double off = RtpPeer.levelAt(last, other);
        System.out.println("baresip heard: " + hz + " Hz " + at + " dB, " + other + " Hz " + off + " dB (" + rate + " Hz, "
                + ch + " ch)");
        return new double[] {at, off};
    }

    @Test
    void baresipCallsIntoALiveStreamHearsItAndIsPublished() throws Exception {
        Process ff = Ffmpeg.start(java.util.List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-re", "-f", "lavfi",
                "-i", "sine=frequency=1000:sample_rate=44100", "-c:a", "aac", "-b:a", "64k", "-f", "flv",
                server.rtmpUrl("broadcast")), EstuaryProcess.logDir().resolve("sip-broadcast-ffmpeg.log"));
        try {
            Await.until(Duration.ofSeconds(15), "broadcast published", () -> server.post("/stream/find",
                    new JsonObject().put("name", "broadcast").encode()).status() == 200);
            org.estuary.it.support.Baresip phone = org.estuary.it.support.Baresip.dial(
                    "sip:broadcast@127.0.0.1:" + sipPort);
            JsonObject c;
            try {
                c = incomingCall("broadcast");
                // the caller's audio (baresip sends a 440 Hz sine) is a stream of its own, named by the call
                String published = c.getString("toStream");
                assertEquals(c.getString("callId"), published, c.encode());
                Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl(published), 1);
                assertEquals("aac", p.audio().get("codec_name"), p.toString());
                double[] callerBands = AudioLevels.bandVolumes(server.rtmpUrl(published), 2, 440, 1000);
                double at440 = callerBands[0];
                double at1k = callerBands[1];
                System.out.println("caller's stream: 440 Hz " + at440 + " dB, 1 kHz " + at1k + " dB");
                assertTrue(at440 > -35 && at440 > at1k + 15, "baresip's 440 Hz in the call's stream: " + at440
                        + " vs " + at1k + " dB at 1 kHz");
            } finally {
                phone.close(); // hangs up with BYE
            }
            JsonObject done = awaitStatus(c.getString("callId"), "FINISH");
            assertEquals("Normal call clearing", done.getString("info"), done.encode());
            Await.until(Duration.ofSeconds(5), "the caller's stream ended with the call", () -> server.post("/stream/find",
                    new JsonObject().put("name", c.getString("toStream")).encode()).status() == 404);
            double[] heard = heard(phone, 1000, 440);
            assertTrue(heard[0] > -35 && heard[0] > heard[1] + 15, "the broadcast's 1 kHz tone reached the phone: "
                    + heard[0] + " vs " + heard[1]);

            // an unknown stream name is 404; an offer without a codec Estuary speaks is 488
            try (Sipp nobody = Sipp.uac("in-404", "uac-refused.xml", Map.of("PTS", "0",
                    "RTPMAP", "      a=rtpmap:0 PCMU/8000", "CODE", "404"), "no-such-stream", sipPort, "127.0.0.1")) {
                assertEquals(0, nobody.exitCode(Duration.ofSeconds(30)), "404 for an unknown stream: " + nobody.output());
            }
            try (Sipp g729 = Sipp.uac("in-488", "uac-refused.xml", Map.of("PTS", "18",
                    "RTPMAP", "      a=rtpmap:18 G729/8000", "CODE", "488"), "broadcast", sipPort, "127.0.0.1")) {
                assertEquals(0, g729.exitCode(Duration.ofSeconds(30)), "488 for G.729 only: " + g729.output());
            }
            // a caller who hangs up while it rings: 200 to the CANCEL, 487 to the INVITE, the call FINISH
            try (Sipp cancel = Sipp.uac("in-cancel", "uac-cancel.xml", Map.of(), "broadcast", sipPort, "127.0.0.1")) {
                assertEquals(0, cancel.exitCode(Duration.ofSeconds(30)), "CANCEL while ringing: " + cancel.output());
            }
            JsonObject cancelled = Await.value(Duration.ofSeconds(10), "the cancelled incoming call", () -> {
                for (Object o : post("/call/find_all", new JsonObject()).array()) {
                    JsonObject x = (JsonObject) o;
                    if (x.getBoolean("incoming") && "Cancelled by the caller".equals(x.getString("info"))) {
                        return x;
                    }
                }
                return null;
            });
            assertEquals("FINISH", cancelled.getString("status"), cancelled.encode());
            assertEquals(487, cancelled.getInteger("sipStatus"), cancelled.encode());
            assertEquals(0, cancelled.getLong("establishedDate"), "never answered: " + cancelled.encode());
        } finally {
            Ffmpeg.stop(ff);
        }
    }

    @Test
    void earlyMediaThenHoldAndUnholdFromTheFarEnd() throws Exception {
        try (Sipp far = Sipp.uas("early-hold", "uas-early-hold.xml", Map.of("PCAP", pcap.toString(),
                "EARLY_MS", "2500", "HOLD_MS", "2500"))) {
            assertEquals(200, post("/call/startup", call("early", far).put("toStream", "early-stream")).status());
            // 183 with SDP: the far end's audio is bridged before the answer
            JsonObject early = Await.value(Duration.ofSeconds(20), "early media flowing", () -> {
                JsonObject x = find("early");
                return "SESSION_PROGRESS".equals(x.getString("status")) && x.getLong("rtpPacketsIn", 0L) > 10 ? x : null;
            });
            assertEquals(183, early.getInteger("sipStatus"), early.encode());
            assertFalse(early.getString("mediaSessionId").isEmpty(), "stream published on early media: " + early.encode());
            awaitStatus("early", "ESTABLISHED");
            // re-INVITE a=sendonly: HOLD, answered recvonly, Estuary stops sending
            JsonObject held = awaitStatus("early", "HOLD");
            Await.until(Duration.ofSeconds(5), "200 recvonly to the hold", () -> far.messages().contains("a=recvonly"));
            long out1 = find("early").getLong("rtpPacketsOut");
            Thread.sleep(500);
            JsonObject stillHeld = find("early");
            if ("HOLD".equals(stillHeld.getString("status"))) {
                assertEquals(out1, stillHeld.getLong("rtpPacketsOut"), "nothing sent on hold: " + held.encode());
            }
            // re-INVITE a=sendrecv: back to ESTABLISHED, sending again
            JsonObject back = awaitStatus("early", "ESTABLISHED");
            Await.until(Duration.ofSeconds(5), "sending again", () -> find("early").getLong("rtpPacketsOut") > back.getLong("rtpPacketsOut") + 10);
            Await.until(Duration.ofSeconds(5), "200 sendrecv to the unhold", () -> far.messages().indexOf("a=sendrecv",
                    far.messages().indexOf("a=recvonly")) > 0);
            assertEquals(200, post("/call/terminate", new JsonObject().put("callId", "early")).status());
            awaitStatus("early", "FINISH");
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
