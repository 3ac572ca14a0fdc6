package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
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
import java.util.stream.Stream;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.StreamApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Terminate frees everything: after rounds of publishing, playing, HLS, recording, VOD and MPEG-TS
 * sessions that are all terminated, the server's open file descriptors and threads are back near
 * where they were after the first round (the first round pays for lazily created pools).
 */
class ResourceLeakTest {
    private static EstuaryProcess server;
    private static Path media;
    private static Path records;
    private static int hlsPort;

    @BeforeAll
    static void start() throws Exception {
        media = Files.createTempDirectory("estuary-leak-media");
        records = Files.createTempDirectory("estuary-leak-records");
        Peers.Result r = Peers.run(60, Peers.ffmpeg(), "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "3", "-c:v", "libx264", "-preset", "veryfast",
                "-g", "25", "-c:a", "aac", "-movflags", "+faststart", media.resolve("clip.mp4").toString());
        assertEquals(0, r.exitCode(), r.output());
        hlsPort = org.estuary.it.support.Ports.free();
        server = EstuaryProcess.start("leak", "media.directory=" + media, "records.directory=" + records,
                "hls.port=" + hlsPort, "hls.idleTimeoutMs=2000");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static long fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc", String.valueOf(server.pid()), "fd"))) {
            return s.count();
        }
    }

    private static long threads() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc", String.valueOf(server.pid()), "task"))) {
            return s.count();
        }
    }

    /** One round of every kind of session, each terminated at the end. */
    private static void round(int i) throws Exception {
        String name = "leak" + i;
        Process pub = Ffmpeg.publish(server.rtmpUrl(name), "320x240", 25, 0, EstuaryProcess.logDir().resolve("leak-pub.log"));
        List<Process> players = new ArrayList<>();
        try {
            JsonObject stream = StreamApi.awaitPublished(server, name);
            for (int k = 0; k < 3; k++) {
                players.add(Ffmpeg.play(server.rtmpUrl(name), EstuaryProcess.logDir().resolve("leak-play.log")));
            }
            StreamApi.awaitPlayers(server, name, 3);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> playlist = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + hlsPort + "/" + name + "/" + name + ".m3u8")).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, playlist.statusCode(), playlist.body());
            String msid = stream.getString("mediaSessionId");
            assertEquals(200, server.post("/recorder/startup", new JsonObject().put("mediaSessionId", msid).encode()).status());
            assertEquals(200, server.post("/vod/startup", new JsonObject().put("uri", "vod-live://clip.mp4")
                    .put("localStreamName", "vod" + i).put("loop", true).encode()).status());
            assertEquals(200, server.post("/mpegts/startup", new JsonObject().put("localStreamName", "ts" + i).encode()).status());
            Thread.sleep(2500);
            assertEquals(200, server.post("/recorder/terminate", new JsonObject().put("mediaSessionId", msid).encode()).status());
            assertEquals(200, server.post("/vod/terminate", new JsonObject().put("localStreamName", "vod" + i).encode()).status());
            assertEquals(200, server.post("/mpegts/terminate", new JsonObject().put("localStreamName", "ts" + i).encode()).status());
            assertEquals(200, server.post("/hls/terminate", new JsonObject().put("name", name).encode()).status());
            assertEquals(200, server.post("/stream/terminate", new JsonObject().put("name", name).encode()).status());
        } finally {
            for (Process p : players) {
                Ffmpeg.stop(p);
            }
            Ffmpeg.stop(pub);
        }
        Await.until(Duration.ofSeconds(15), "every stream and connection gone", () ->
                StreamApi.all(server).isEmpty() && StreamApi.connections(server).isEmpty());
    }

    @Test
    void terminatedSessionsGiveBackDescriptorsAndThreads() throws Exception {
        round(0);
        Thread.sleep(1000);
        long fd0 = fds();
        long th0 = threads();
        for (int i = 1; i <= 3; i++) {
            round(i);
        }
        Thread.sleep(1500);
        long fd1 = fds();
        long th1 = threads();
        System.out.println("resources after round 0: " + fd0 + " fds, " + th0 + " threads; after round 3: "
                + fd1 + " fds, " + th1 + " threads");
        JsonObject health = new JsonObject(server.get("/health").body());
        assertEquals(0, health.getInteger("streams"), health.encode());
        assertEquals(0, health.getInteger("connections"), health.encode());
        assertTrue(fd1 <= fd0 + 8, "file descriptors after 3 more rounds: " + fd0 + " -> " + fd1);
        assertTrue(th1 <= th0 + 4, "threads after 3 more rounds: " + th0 + " -> " + th1);
        JsonArray recs = new JsonArray(server.get("/records/").body());
        assertTrue(recs.size() >= 4, "each round left one finished recording: " + recs.size());
    }
}
