package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.GstRtspServer;
import org.estuary.it.support.Parallel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * /rtsp/*: real GStreamer RTSP servers (H.264 + AAC, H.264 + PCMA, Digest-protected), Estuary's
 * RTSP agents over TCP and UDP, and RTMP players (ffprobe) of the ingested streams.
 *
 * <p>Kept short for the suite's budget: the server and the cameras start side by side; the two
 * checks that need seconds of wall clock (sessions held by keepalives over three session timeouts,
 * a stream unpublished after the give-up bound) start in {@link #start()} and are judged by the last
 * cases, after the others ran meanwhile; independent probes run in parallel.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RtspIngestTest {
    /** The give-up bound of this class's server: long enough for a camera restart, short for the test. */
    private static final long GIVE_UP_MS = 12_000;
    /** The keepalive cameras' session timeout; three of them must pass without a lapse. */
    private static final int SESSION_TIMEOUT_SEC = 4;

    private static EstuaryProcess server;
    private static GstRtspServer aac;
    private static GstRtspServer pcma;
    private static GstRtspServer digest;
    private static int hlsPort;
    private static final Map<String, GstRtspServer> keepalive = new java.util.LinkedHashMap<>();
    private static long keepaliveSinceMs;
    private static GstRtspServer gone;
    private static String goneFirstSession;

    @BeforeAll
    static void start() throws Exception {
        hlsPort = org.estuary.it.support.Ports.free();
        GstRtspServer[] cams = new GstRtspServer[6];
        EstuaryProcess[] srv = new EstuaryProcess[1];
        Parallel.run(
                () -> srv[0] = EstuaryProcess.start("rtsp", "hls.port=" + hlsPort, "hls.segmentDurationSec=1",
                        "rtsp.reconnectGiveUpMs=" + GIVE_UP_MS,
                        "rtsp.reconnectFirstMs=500", "rtsp.reconnectMaxMs=2000", // short backoff: the gaps below last seconds, not tens
                        "rtsp.onDemandIdleMs=2000"), // the on-demand case waits for it
                () -> cams[0] = GstRtspServer.start("aac", "/cam", "aac", "none"),
                () -> cams[1] = GstRtspServer.start("pcma", "/cam", "pcma", "none"),
                () -> cams[2] = GstRtspServer.start("digest", "/secure", "none", "digest"),
                () -> cams[3] = GstRtspServer.start("timeout-tcp", "/cam", "none", "none", SESSION_TIMEOUT_SEC),
                () -> cams[4] = GstRtspServer.start("timeout-udp", "/cam", "none", "none", SESSION_TIMEOUT_SEC),
                () -> cams[5] = GstRtspServer.start("gone", "/cam", "none", "none"));
        server = srv[0];
        aac = cams[0];
        pcma = cams[1];
        digest = cams[2];
        keepalive.put("tcp", cams[3]);
        keepalive.put("udp", cams[4]);
        gone = cams[5];
        // the slow scenarios begin now: keepalive sessions, and a camera that goes away for good
        for (Map.Entry<String, GstRtspServer> k : keepalive.entrySet()) {
            assertEquals(200, post("/rtsp/startup", new JsonObject().put("uri", k.getValue().url())
                    .put("localStreamName", "ka-" + k.getKey()).put("transport", k.getKey())).status());
        }
        assertEquals(200, post("/rtsp/startup", new JsonObject().put("uri", gone.url()).put("localStreamName", "gone")).status());
        for (GstRtspServer k : keepalive.values()) {
            awaitStatus(k.url(), "PLAYING");
        }
        keepaliveSinceMs = System.currentTimeMillis();
        goneFirstSession = awaitStatus(gone.url(), "PLAYING").getString("localMediaSessionId");
        gone.kill();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
        List<GstRtspServer> all = new java.util.ArrayList<>(java.util.Arrays.asList(aac, pcma, digest, gone));
        all.addAll(keepalive.values());
        for (GstRtspServer s : all) {
            if (s != null) {
                s.close();
            }
        }
    }

    static EstuaryProcess.Http post(String path, JsonObject body) throws Exception {
        return server.post(path, body.encode());
    }

    static JsonObject find(String uri) throws Exception {
        EstuaryProcess.Http r = post("/rtsp/find", new JsonObject().put("uri", uri));
        return r.status() == 200 ? r.array().getJsonObject(0) : new JsonObject();
    }

    static JsonObject awaitStatus(String uri, String status) throws InterruptedException {
        return Await.value(Duration.ofSeconds(30), "agent " + uri + " " + status, () -> {
            JsonObject a = find(uri);
            return status.equals(a.getString("status")) ? a : null;
        });
    }

    /**
     * H.264 with AAC and with PCMA, each over TCP and UDP: a camera's two agents run side by side (all four at
     * once starved the cameras on a loaded machine: fewer than 12 pictures a second reached the players).
     */
    @Test
    void ingestsH264WithAudioAndServesItOverRtmp() throws Exception {
        Parallel.run(() -> ingestsH264("aac", "tcp"), () -> ingestsH264("aac", "udp"));
        Parallel.run(() -> ingestsH264("pcma", "tcp"), () -> ingestsH264("pcma", "udp"));
    }

    private static void ingestsH264(String audio, String transport) throws Exception {
        GstRtspServer src = audio.equals("aac") ? aac : pcma;
        String uri = src.url() + "?t=" + transport; // one agent per uri: make them distinct
        String name = "cam-" + audio + "-" + transport;
        EstuaryProcess.Http r = post("/rtsp/startup", new JsonObject().put("uri", uri).put("localStreamName", name)
                .put("transport", transport));
        assertEquals(200, r.status(), r.toString());
        assertEquals(409, post("/rtsp/startup", new JsonObject().put("uri", uri)).status(), "one agent per uri");
        JsonObject a = awaitStatus(uri, "PLAYING");
        assertEquals(name, a.getString("localStreamName"));
        assertEquals(transport, a.getString("transport"));
        assertTrue(a.getBoolean("hasVideo"));
        assertTrue(a.getBoolean("hasAudio"));
        assertEquals("H264", a.getString("videoCodec"));
        assertEquals(audio.equals("aac") ? "mpeg4-generic" : "PCMA", a.getString("audioCodec"));
        assertFalse(a.getString("localMediaSessionId", "").isEmpty());

        // 4 s of media time read: a camera starved of CPU (four run at once here) may send fewer pictures
        // for a while, so the first read holding about 25 fps is judged rather than the very first read
        Ffmpeg.Probe p = Await.value(Duration.ofSeconds(30), name + ": 4 s at about 25 fps", () -> {
            Ffmpeg.Probe q = Ffmpeg.probe(server.rtmpUrl(name), 4);
            return q.videoFrames() >= 50 ? q : null;
        });
        Map<String, String> v = p.video();
        assertEquals("h264", v.get("codec_name"), p.toString());
        assertEquals("640", v.get("width"), p.toString());
        assertEquals("360", v.get("height"), p.toString());
        assertTrue(p.videoFrames() >= 50, "about 25 fps for 4 s: " + p);
        Map<String, String> au = p.audio();
        if (audio.equals("aac")) {
            assertEquals("aac", au.get("codec_name"), p.toString());
            assertEquals("48000", au.get("sample_rate"), p.toString());
            assertEquals("2", au.get("channels"), p.toString());
            assertTrue(p.audioFrames() >= 100, "about 47 AAC frames/s: " + p);
        } else {
            assertEquals("pcm_alaw", au.get("codec_name"), p.toString());
            assertEquals("8000", au.get("sample_rate"), p.toString());
            assertEquals("1", au.get("channels"), p.toString());
            // GStreamer sends 1024-sample buffers: about 8 packets (= FLV audio tags) per second
            assertTrue(p.audioFrames() >= 20, p.toString());
        }

        assertEquals(200, post("/rtsp/terminate", new JsonObject().put("uri", uri)).status());
        assertEquals(404, post("/rtsp/find", new JsonObject().put("uri", uri)).status());
        Await.until(Duration.ofSeconds(5), "stream gone", () -> server.post("/stream/find",
                new JsonObject().put("name", name).encode()).status() == 404);
    }

    /** ffmpeg 5 reads no HEVC from (Enhanced) RTMP, so the H.265 stream is checked through HLS (MPEG-TS). */
    @Test
    void ingestsH265() throws Exception {
        try (GstRtspServer hevc = GstRtspServer.start("h265", "/cam", "h265", "aac", "none", 0)) {
            String uri = hevc.url();
            assertEquals(200, post("/rtsp/startup", new JsonObject().put("uri", uri).put("localStreamName", "hevc")).status());
            JsonObject a = awaitStatus(uri, "PLAYING");
            assertEquals("H265", a.getString("videoCodec"));
            // a fresh agent's first playlist may list one 1 s segment: probe again until a read holds a
            // full second of pictures (25 fps) instead of judging the first read that has any
            Ffmpeg.Probe p = Await.value(Duration.ofSeconds(30), "a second of HEVC over HLS", () -> {
                Ffmpeg.Probe q = Ffmpeg.probe("http://127.0.0.1:" + hlsPort + "/hevc/hevc.m3u8", 3);
                return q.videoFrames() >= 25 ? q : null;
            });
            assertEquals("hevc", p.video().get("codec_name"), p.toString());
            assertEquals("640", p.video().get("width"), p.toString());
            assertEquals("360", p.video().get("height"), p.toString());
            assertEquals("aac", p.audio().get("codec_name"), p.toString());
            assertTrue(p.videoFrames() >= 25, p.toString());
            JsonObject playing = find(uri);
            assertEquals(640, playing.getInteger("width"), "the HEVC record parses: " + playing);
            post("/rtsp/terminate", new JsonObject().put("uri", uri));
        }
    }

    /** A tiny RTSP server that answers every request with 302 to the real camera. */
    @Test
    void followsRedirects() throws Exception {
        try (java.net.ServerSocket redirector = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> redirectAll(redirector, aac.url()), "rtsp-redirector");
            t.setDaemon(true);
            t.start();
            String uri = "rtsp://127.0.0.1:" + redirector.getLocalPort() + "/moved";
            assertEquals(200, post("/rtsp/startup", new JsonObject().put("uri", uri).put("localStreamName", "moved")).status());
            awaitStatus(uri, "PLAYING");
            Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("moved"), 2);
            assertTrue(p.videoFrames() > 20, p.toString());
            post("/rtsp/terminate", new JsonObject().put("uri", uri));
        }
    }

    private static void redirectAll(java.net.ServerSocket ss, String target) {
        while (!ss.isClosed()) {
            try (java.net.Socket c = ss.accept()) {
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
                var out = c.getOutputStream();
                String cseq = "0";
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.regionMatches(true, 0, "CSeq:", 0, 5)) {
                        cseq = line.substring(5).trim();
                    }
                    if (line.isEmpty()) {
                        out.write(("RTSP/1.0 302 Moved Temporarily\r\nCSeq: " + cseq + "\r\nLocation: " + target
                                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                }
            } catch (java.io.IOException e) {
                // the next client, or the socket was closed
            }
        }
    }

    @Test
    void terminateGivesBackSocketsAndPorts() throws Exception {
        long before = openFiles();
        for (int i = 0; i < 4; i++) {
            String uri = aac.url() + "?fd=" + i;
            assertEquals(200, post("/rtsp/startup", new JsonObject().put("uri", uri).put("localStreamName", "fd" + i)
                    .put("transport", i % 2 == 0 ? "udp" : "tcp")).status());
        }
        for (int i = 0; i < 4; i++) {
            awaitStatus(aac.url() + "?fd=" + i, "PLAYING");
        }
        long playing = openFiles();
        assertTrue(playing >= before + 4 + 2 * 4, "a TCP socket per agent, 4 UDP sockets per UDP agent: " + before + " -> " + playing);
        for (int i = 0; i < 4; i++) {
            assertEquals(200, post("/rtsp/terminate", new JsonObject().put("uri", aac.url() + "?fd=" + i)).status());
        }
        Await.until(Duration.ofSeconds(10), "descriptors back to " + before, () -> openFiles() <= before + 2);
    }

    private static long openFiles() throws Exception {
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc", String.valueOf(server.pid()), "fd"))) {
            return s.count();
        }
    }

    @Test
    void aWrongPathFailsWithStreamNotFound() throws Exception {
        String uri = aac.url() + "-missing";
        assertEquals(200, post("/rtsp/startup", new JsonObject().put("uri", uri)).status());
        JsonObject a = awaitStatus(uri, "FAILED");
        assertEquals("Rtsp stream not found", a.getString("info"));
        assertEquals(200, post("/rtsp/terminate", new JsonObject().put("uri", uri)).status());
    }

    @Test
    void digestCredentialsFromTheUriAreUsed() throws Exception {
        String uri = digest.url("user", "secret");
        assertEquals(200, post("/rtsp/startup", new JsonObject().put("uri", uri).put("localStreamName", "secure")).status());
        JsonObject a = awaitStatus(uri, "PLAYING");
        assertFalse(a.getString("uri").contains("secret"), "the password is not echoed: " + a);
        assertFalse(a.getBoolean("hasAudio"));
        Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("secure"), 2);
        assertEquals("h264", p.video().get("codec_name"), p.toString());
        assertTrue(p.videoFrames() > 20, p.toString());
        post("/rtsp/terminate", new JsonObject().put("uri", uri));

        String anonymous = digest.url();
        post("/rtsp/startup", new JsonObject().put("uri", anonymous).put("localStreamName", "anon"));
        assertTrue(awaitStatus(anonymous, "FAILED").getString("info").startsWith("Unauthorized"));
        String wrong = digest.url("user", "wrong");
        post("/rtsp/startup", new JsonObject().put("uri", wrong).put("localStreamName", "wrong"));
        assertTrue(awaitStatus(wrong, "FAILED").getString("info").contains("rejected"));
        post("/rtsp/terminate", new JsonObject().put("uri", anonymous));
        post("/rtsp/terminate", new JsonObject().put("uri", wrong));
    }

    /**
     * Item 4 of issue 16: the camera drops and comes back; an RTMP player that stayed connected the
     * whole time keeps receiving frames of the same stream (same mediaSessionId) with increasing
     * timestamps, and the pause shows up as one forward jump in media time, not a restart at zero.
     */
    @Test
    void playersContinueWhenTheCameraComesBack() throws Exception {
        try (GstRtspServer flaky = GstRtspServer.start("flaky", "/cam", "aac", "none")) {
            String uri = flaky.url();
            assertEquals(200, post("/rtsp/startup", new JsonObject().put("uri", uri).put("localStreamName", "flaky")).status());
            String first = awaitStatus(uri, "PLAYING").getString("localMediaSessionId");
            java.nio.file.Path log = EstuaryProcess.logDir().resolve("rtsp-reconnect-player.csv");
            Process player = new ProcessBuilder(org.estuary.it.support.Peers.ffprobe(), "-hide_banner", "-v", "error",
                    "-rw_timeout", "20000000", "-show_entries", "packet=codec_type,dts_time", "-of", "csv=p=0",
                    server.rtmpUrl("flaky")).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            // an HLS player too: its playlist request starts the HLS agent, which must carry on after the gap
            java.nio.file.Path hlsLog = EstuaryProcess.logDir().resolve("rtsp-reconnect-hls-player.csv");
            Process hlsPlayer = new ProcessBuilder(org.estuary.it.support.Peers.ffprobe(), "-hide_banner", "-v", "error",
                    "-rw_timeout", "20000000", "-show_entries", "packet=codec_type,dts_time", "-of", "csv=p=0",
                    "http://127.0.0.1:" + hlsPort + "/flaky/flaky.m3u8").redirectErrorStream(true)
                    .redirectOutput(hlsLog.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            try {
                Await.until(Duration.ofSeconds(20), "the players receive video",
                        () -> videoDts(log).size() > 25 && videoDts(hlsLog).size() > 25);
                flaky.kill();
                awaitStatus(uri, "RECONNECTING");
                int beforeGap = videoDts(log).size();
                Thread.sleep(1_500);
                int hlsBeforeGap = videoDts(hlsLog).size(); // the HLS player is a segment or more behind: count after it drained
                assertEquals(200, server.post("/stream/find", new JsonObject().put("name", "flaky").encode()).status(),
                        "the stream stays published while the camera is away");
                flaky.restart();
                JsonObject again = awaitStatus(uri, "PLAYING");
                assertEquals(first, again.getString("localMediaSessionId"), "the same stream continues");
                assertTrue(again.getLong("reconnects") >= 1);
                Await.until(Duration.ofSeconds(20), "frames after the gap", () -> videoDts(log).size() > beforeGap + 50);
                assertTrue(player.isAlive(), "the player stayed connected through the gap");
                Await.until(Duration.ofSeconds(20), "HLS frames after the gap",
                        () -> videoDts(hlsLog).size() > hlsBeforeGap + 50);
                assertTrue(hlsPlayer.isAlive(), "the HLS player kept playing through the gap");
            } finally {
                org.estuary.it.support.Ffmpeg.stop(player);
                org.estuary.it.support.Ffmpeg.stop(hlsPlayer);
            }
            List<Double> hlsDts = videoDts(hlsLog);
            double hlsJump = 0;
            for (int i = 1; i < hlsDts.size(); i++) {
                assertTrue(hlsDts.get(i) >= hlsDts.get(i - 1), "HLS video dts never goes back: " + hlsDts.get(i - 1)
                        + " -> " + hlsDts.get(i) + " at packet " + i);
                hlsJump = Math.max(hlsJump, hlsDts.get(i) - hlsDts.get(i - 1));
            }
            assertTrue(hlsJump > 1.0 && hlsJump < 20.0, "HLS: the pause is one forward jump: " + hlsJump + " s");
            List<Double> dts = videoDts(log);
            double biggestJump = 0;
            for (int i = 1; i < dts.size(); i++) {
                assertTrue(dts.get(i) >= dts.get(i - 1), "video dts never goes back: " + dts.get(i - 1) + " -> " + dts.get(i)
                        + " at packet " + i);
                biggestJump = Math.max(biggestJump, dts.get(i) - dts.get(i - 1));
            }
            // the gap (kill + restart + reconnect backoff) lasts a few seconds of media time, well under the give-up bound
            assertTrue(biggestJump > 1.0 && biggestJump < 20.0, "the pause is one forward jump: " + biggestJump + " s");
            List<Double> audio = dtsOf(log, "audio");
            for (int i = 1; i < audio.size(); i++) {
                assertTrue(audio.get(i) >= audio.get(i - 1), "audio dts never goes back at packet " + i);
            }
            post("/rtsp/terminate", new JsonObject().put("uri", uri));
        }
    }

    /**
     * After rtsp.reconnectGiveUpMs (12 s in this class) without the camera the stream is unpublished; the agent keeps
     * trying. The camera went away in {@link #start()}; this runs last, once the bound has passed meanwhile.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void theStreamIsUnpublishedAfterTheGiveUpBound() throws Exception {
        String uri = gone.url();
        awaitStatus(uri, "RECONNECTING");
        Await.until(Duration.ofSeconds(30), "stream unpublished after the give-up bound", () -> server.post("/stream/find",
                new JsonObject().put("name", "gone").encode()).status() == 404);
        assertEquals("RECONNECTING", find(uri).getString("status"), "the agent keeps trying");
        gone.restart();
        JsonObject again = awaitStatus(uri, "PLAYING");
        assertNotEquals(goneFirstSession, again.getString("localMediaSessionId"), "a new stream was published");
        Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("gone"), 2);
        assertTrue(p.videoFrames() > 20, "frames flow again: " + p);
        post("/rtsp/terminate", new JsonObject().put("uri", uri));
    }

    private static List<Double> videoDts(java.nio.file.Path log) throws java.io.IOException {
        return dtsOf(log, "video");
    }

    private static List<Double> dtsOf(java.nio.file.Path log, String type) throws java.io.IOException {
        List<Double> out = new java.util.ArrayList<>();
        if (!java.nio.file.Files.exists(log)) {
            return out;
        }
        for (String line : java.nio.file.Files.readAllLines(log)) {
            String[] f = line.split(",");
            if (f.length >= 2 && f[0].equals(type) && !f[1].equals("N/A")) {
                try {
                    out.add(Double.parseDouble(f[1]));
                } catch (NumberFormatException e) {
                    // a line cut in the middle of a write
                }
            }
        }
        return out;
    }

    /**
     * Sessions with a 4 s timeout, over TCP and UDP, started in {@link #start()}: once three timeouts of wall
     * clock have passed (the camera's timeout is wall clock; the other cases ran meanwhile) both are still
     * PLAYING with no reconnect, a keepalive went every 2 s, and frames flow.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void keepalivesHoldASessionWithAShortTimeout() throws Exception {
        long left = keepaliveSinceMs + 3_000L * SESSION_TIMEOUT_SEC - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
        List<Parallel.Task> checks = new java.util.ArrayList<>();
        for (Map.Entry<String, GstRtspServer> k : keepalive.entrySet()) {
            checks.add(() -> {
                String transport = k.getKey();
                GstRtspServer shortLived = k.getValue();
                String uri = shortLived.url();
                JsonObject a = find(uri);
                assertEquals("PLAYING", a.getString("status"), transport + ": " + a);
                assertEquals(0, a.getLong("reconnects"), transport + ": the session never lapsed: " + a);
                long keepalives = shortLived.output().lines().filter(l -> l.equals("GET_PARAMETER")).count();
                assertTrue(keepalives >= 4, transport + ": a keepalive every 2 s: " + keepalives);
                Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("ka-" + transport), 2);
                assertTrue(p.videoFrames() > 20, p.toString());
                post("/rtsp/terminate", new JsonObject().put("uri", uri));
            });
        }
        Parallel.run(checks);
    }

    @Test
    void rtmpPlayOfAnEncodedRtspUriStartsAnAgentOnDemand() throws Exception {
        String uri = aac.url() + "?ondemand=1";
        String encoded = URLEncoder.encode(uri, StandardCharsets.UTF_8);
        Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl(encoded), 3);
        assertEquals("h264", p.video().get("codec_name"), p.toString());
        assertEquals("aac", p.audio().get("codec_name"), p.toString());
        assertTrue(p.videoFrames() > 30, p.toString());
        JsonObject a = find(uri);
        assertTrue(a.getBoolean("onDemand", false), "started on demand: " + a);
        Await.until(Duration.ofSeconds(20), "on-demand agent stopped after the player left",
                () -> post("/rtsp/find", new JsonObject().put("uri", uri)).status() == 404);
    }

    @Test
    void badRequestsAreRefused() throws Exception {
        assertEquals(400, post("/rtsp/startup", new JsonObject().put("uri", "http://cam/x")).status());
        assertEquals(400, post("/rtsp/startup", new JsonObject().put("uri", "rtsp://")).status());
        assertEquals(400, post("/rtsp/startup", new JsonObject().put("uri", aac.url()).put("transport", "sctp")).status());
        assertEquals(404, post("/rtsp/terminate", new JsonObject().put("uri", "rtsp://127.0.0.1:1/none")).status());
        EstuaryProcess.Http all = post("/rtsp/find_all", new JsonObject());
        assertTrue(all.status() == 404 || all.status() == 200, all.toString());
        if (all.status() == 200) {
            // the refused requests above left no agent behind: whatever is listed is a real rtsp:// agent
            for (Object o : new JsonArray(all.body())) {
                String listed = ((JsonObject) o).getString("uri", "");
                assertTrue(listed.startsWith("rtsp://") && !listed.contains("127.0.0.1:1/none") && !listed.equals("rtsp://"),
                        all.toString());
            }
        }
    }
}
