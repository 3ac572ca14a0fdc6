package org.estuary.it.trust;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.estuary.core.rtmp.ChunkEncoder;
import org.estuary.core.rtmp.MessageType;
import org.estuary.core.rtmp.RtmpCommand;
import org.estuary.core.rtmp.RtmpMessage;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.GstRtspServer;
import org.estuary.it.support.Peers;
import org.estuary.it.support.StreamApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults (issue 15 item 7) against one server: a publisher that vanishes in the middle of an RTMP
 * chunk, an RTSP camera that stalls without closing, and a disk that fills while recording. Each
 * ends or recovers cleanly, with a status the user can see (REST, the {@code hooks.onEvent}
 * backend) and a log line naming the cause, while a steady ffmpeg publisher on the same server is
 * not disturbed.
 *
 * <p>The full disk is real: the server runs in a mount namespace of its own ({@code unshare}) with a
 * 1 MiB tmpfs over its records directory, so nothing is mounted on the host and nothing is left
 * behind when the server ends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsTest {
    private static final String MOUNT = "mount -t tmpfs -o size=1m estuary-faults \"$0\" && exec \"$@\"";
    private static EstuaryProcess server;
    private static CallbackServer backend;
    private static Process steady;
    private static Path flv;

    @BeforeAll
    static void start() throws Exception {
        backend = new CallbackServer();
        Path records = EstuaryProcess.logDir().resolve("faults-records");
        Files.createDirectories(records);
        boolean root = Peers.run(10, "id", "-u").output().trim().equals("0");
        List<String> launcher = new ArrayList<>(root ? List.of("unshare", "--mount", "--propagation", "private")
                : List.of("unshare", "--user", "--map-root-user", "--mount")); // unprivileged: a user namespace
        launcher.addAll(List.of("--", "sh", "-c", MOUNT, records.toString()));
        server = EstuaryProcess.startLaunched("faults", launcher, List.of(), "records.directory=" + records,
                "rtsp.mediaTimeoutMs=2000", "rtsp.requestTimeoutMs=3000", "hooks.onEvent=" + backend.url("/event"));
        steady = Ffmpeg.publish(server.rtmpUrl("steady"), "320x240", 25, 0, EstuaryProcess.logDir().resolve("faults-steady.log"));
        StreamApi.awaitPublished(server, "steady");
        flv = EstuaryProcess.logDir().resolve("faults-source.flv");
        Peers.Result made = Peers.run(60, Peers.ffmpeg(), "-hide_banner", "-v", "error", "-y", "-f", "lavfi",
                "-i", "testsrc2=size=320x240:rate=25", "-t", "3", "-c:v", "libx264", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", "-g", "25", "-bf", "0", "-f", "flv", flv.toString());
        assertEquals(0, made.exitCode(), made.output());
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(steady);
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** The steady publisher still plays: a player decodes its H.264 frames. */
    private static void steadyIsUndisturbed() throws Exception {
        assertTrue(steady.isAlive(), "the steady publisher is still connected");
        Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("steady"), 2);
        assertEquals("h264", p.video().get("codec_name"), p.toString());
        assertTrue(p.videoFrames() > 20, p.toString());
    }

    /** The steady publisher's video keeps arriving (the server's own frame count grows): cheaper than a player. */
    private static void steadyStillFlows() throws Exception {
        assertTrue(steady.isAlive(), "the steady publisher is still connected");
        long first = StreamApi.publisher(server, "steady").getJsonObject("stats").getLong("videoFrames");
        Await.until(Duration.ofSeconds(10), "steady's video still arrives", () ->
                StreamApi.publisher(server, "steady").getJsonObject("stats").getLong("videoFrames") > first + 10);
    }

    private static boolean event(String event, String name) {
        return backend.calls("/event").stream().anyMatch(c -> event.equals(c.body().getString("event"))
                && name.equals(c.body().getString("name")));
    }

    @Test
    @Order(1)
    void publisherVanishingMidChunkEndsItsStreamOnly() throws Exception {
        List<FlvTag> tags = FlvTag.readAll(flv);
        RtmpCommandClient c = RtmpCommandClient.open(server.rtmpPort());
        Process player = null;
        try {
            assertEquals("_result", c.connect("live").name());
            RtmpCommand created = c.createStream();
            int sid = ((Number) created.args().get(0)).intValue();
            assertTrue(RtmpCommandClient.status(c.publish(sid, "vanish")).startsWith("NetStream.Publish.Start"));
            int sent = 0;
            for (; sent < tags.size() && tags.get(sent).timestamp() < 1500; sent++) { // 1.5 s of real H.264
                FlvTag t = tags.get(sent);
                c.sendMedia(sid, t.type(), t.timestamp(), t.body());
            }
            StreamApi.awaitPublished(server, "vanish");
            player = Ffmpeg.play(server.rtmpUrl("vanish"), EstuaryProcess.logDir().resolve("faults-vanish-player.log"));
            StreamApi.awaitPlayers(server, "vanish", 1);
            // the next video message, cut inside its first chunk: a 12-byte header announcing the whole
            // message, then 60 of the chunk's 128 payload bytes; then the publisher is gone
            FlvTag next = tags.subList(sent, tags.size()).stream().filter(t -> t.type() == MessageType.VIDEO
                    && t.body().length > 300).findFirst().orElseThrow();
            byte[] chunks = ChunkEncoder.encode(new RtmpMessage(6, MessageType.VIDEO, next.timestamp(), sid, next.body()), 128);
            c.writeRaw(chunks, 12 + 60);
        } finally {
            c.close();
        }
        try {
            Await.until(Duration.ofSeconds(15), "the vanished publisher's stream ends",
                    () -> server.post("/stream/find", new JsonObject().put("name", "vanish")).status() == 404);
            assertTrue(player.waitFor(20, TimeUnit.SECONDS), "its player is told the stream ended");
            Await.until(Duration.ofSeconds(10), "the backend is told", () -> event("unpublished", "vanish"));
            assertTrue(server.logText().contains("closed: connection closed in the middle of a type 9 message (60 of "),
                    "the log names the cut message");
            steadyIsUndisturbed();
            assertEquals(200, server.get("/health").status());
        } finally {
            Ffmpeg.stop(player);
        }
    }

    @Test
    @Order(2)
    void stallingRtspCameraIsReportedAndReconnected() throws Exception {
        try (GstRtspServer cam = GstRtspServer.start("faults-stall", "/cam", "none", "none")) {
            String uri = cam.url();
            assertEquals(200, server.post("/rtsp/startup", new JsonObject().put("uri", uri).put("localStreamName", "stallcam"))
                    .status());
            awaitRtsp(uri, "PLAYING");
            // SIGSTOP: the camera's sockets stay open but nothing more comes (a hung camera, not a closed one)
            assertEquals(0, Peers.run(10, "kill", "-STOP", String.valueOf(cam.pid())).exitCode());
            JsonObject stalled;
            try {
                stalled = awaitRtsp(uri, "RECONNECTING");
            } finally {
                assertEquals(0, Peers.run(10, "kill", "-CONT", String.valueOf(cam.pid())).exitCode());
            }
            assertTrue(stalled.getString("info", "").contains("no media from the RTSP server"), stalled.encode());
            assertTrue(server.logText().contains("no media from the RTSP server for 2 s; reconnecting"),
                    "the log names the stall");
            JsonObject again = awaitRtsp(uri, "PLAYING");
            assertTrue(again.getLong("reconnects") >= 1, again.encode());
            Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("stallcam"), 1);
            assertEquals("h264", p.video().get("codec_name"), p.toString());
            assertTrue(p.videoFrames() > 5, "frames flow again: " + p);
            assertEquals(200, server.post("/rtsp/terminate", new JsonObject().put("uri", uri)).status());
        }
        steadyStillFlows();
    }

    private static JsonObject awaitRtsp(String uri, String status) throws InterruptedException {
        return Await.value(Duration.ofSeconds(30), "agent " + uri + " " + status, () -> {
            EstuaryProcess.Http r = server.post("/rtsp/find", new JsonObject().put("uri", uri));
            JsonObject a = r.status() == 200 ? r.array().getJsonObject(0) : new JsonObject();
            return status.equals(a.getString("status")) ? a : null;
        });
    }

    @Test
    @Order(3) // last: the records directory stays full
    void diskFillingDuringRecordingFailsTheRecordingCleanly() throws Exception {
        // incompressible noise at 3 Mbit/s fills the 1 MiB records filesystem in about three seconds
        Process filler = Ffmpeg.start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "color=c=gray:s=320x240:r=25,noise=alls=100:allf=t",
                "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                "-b:v", "3M", "-maxrate", "3M", "-bufsize", "1M", "-g", "25", "-bf", "0",
                "-c:a", "aac", "-ar", "48000", "-f", "flv", server.rtmpUrl("filler")),
                EstuaryProcess.logDir().resolve("faults-filler.log"));
        try {
            JsonObject pub = StreamApi.awaitPublished(server, "filler");
            String id = pub.getString("mediaSessionId");
            EstuaryProcess.Http started = server.post("/stream/startRecording", new JsonObject().put("mediaSessionId", id)
                    .put("config", new JsonObject().put("rotation", "300K")));
            assertEquals(200, started.status(), started.body());
            JsonObject failed = Await.value(Duration.ofSeconds(60), "recordingFailed told to the backend", () ->
                    backend.calls("/event").stream().map(CallbackServer.Call::body)
                            .filter(b -> "recordingFailed".equals(b.getString("event"))).findFirst().orElse(null));
            assertEquals("filler", failed.getString("name"));
            assertEquals(id, failed.getString("mediaSessionId"));
            assertTrue(failed.getString("reason").contains("No space left on device"), failed.encode());
            assertTrue(server.logText().contains("recording of filler failed"), "the log names the failure");
            Await.until(Duration.ofSeconds(10), "the torn file is removed", () -> server.logText()
                    .contains("was removed after the write error"));
            // the stream itself goes on, no longer recorded
            assertEquals(404, server.post("/recorder/find_all", new JsonObject()).status());
            assertTrue(filler.isAlive(), "the publisher is not disturbed");
            assertEquals(200, server.post("/stream/find", new JsonObject().put("name", "filler")).status());
            // the parts finished before the disk filled stay playable
            List<String> files = backend.calls("/event").stream().map(CallbackServer.Call::body)
                    .filter(b -> "recordingFinished".equals(b.getString("event")) && "filler".equals(b.getString("name")))
                    .map(b -> b.getString("fileName")).toList();
            assertFalse(files.isEmpty(), "a rotated part was finished before the disk filled");
            for (String f : files) {
                Path local = EstuaryProcess.logDir().resolve("faults-" + f);
                HttpResponse<Path> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + server.restPort() + "/records/" + f)).timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofFile(local));
                assertEquals(200, r.statusCode(), f);
                Peers.Result probe = Peers.run(30, Peers.ffprobe(), "-v", "error", "-count_frames", "-select_streams", "v:0",
                        "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0", local.toString());
                assertEquals(0, probe.exitCode(), probe.output());
                String[] v = probe.output().trim().split(",");
                assertEquals("h264", v[0], f + ": " + probe.output());
                assertTrue(Integer.parseInt(v[1]) > 10, f + ": " + probe.output());
            }
        } finally {
            Ffmpeg.stop(filler);
        }
        steadyIsUndisturbed();
    }
}
