package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.StreamApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One ffmpeg publisher, twenty ffprobe players at once: every player decodes the right video, and
 * REST lists the twenty plays while they run.
 */
class RtmpFanoutTest {
    private static final int PLAYERS = 20;
    private static EstuaryProcess server;
    private static Process publisher;

    @BeforeAll
    static void start() throws Exception {
        server = EstuaryProcess.start("rtmp-fanout");
        publisher = Ffmpeg.publish(server.rtmpUrl("fan"), "640x360", 30, 0,
                EstuaryProcess.logDir().resolve("rtmp-fanout-ffmpeg.log"));
        StreamApi.awaitPublished(server, "fan");
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(publisher);
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    @Test
    void twentyConcurrentPlayersAllDecodeVideoAndRestListsThem() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PLAYERS);
        List<Future<Ffmpeg.Probe>> probes = new ArrayList<>();
        try {
            for (int i = 0; i < PLAYERS; i++) {
                probes.add(pool.submit(() -> Ffmpeg.probe(server.rtmpUrl("fan"), 4)));
            }
            // While they run: the most PLAYING player entries REST showed at one time.
            int mostPlaying = 0;
            List<JsonObject> seen = List.of();
            while (probes.stream().anyMatch(f -> !f.isDone())) {
                List<JsonObject> players = StreamApi.players(server, "fan");
                long playing = players.stream().filter(o -> "PLAYING".equals(o.getString("status"))).count();
                if (playing > mostPlaying) {
                    mostPlaying = (int) playing;
                    seen = players;
                }
                Thread.sleep(100);
            }
            assertEquals(PLAYERS, mostPlaying, "REST listed all players at once; last biggest list: " + seen);
            for (JsonObject p : seen) {
                assertEquals(false, p.getBoolean("published"));
                assertEquals("Flash", p.getString("mediaProvider"));
                assertEquals("live", p.getString("appKey"));
                assertEquals("H264", p.getString("videoCodec"));
                assertEquals(640, p.getInteger("width"));
                assertFalse(p.getString("mediaSessionId").isBlank());
            }
            assertEquals(PLAYERS, seen.stream().map(o -> o.getString("mediaSessionId")).distinct().count(),
                    "every player has its own mediaSessionId");

            for (Future<Ffmpeg.Probe> f : probes) {
                Ffmpeg.Probe p = f.get(60, TimeUnit.SECONDS);
                assertEquals("h264", p.video().get("codec_name"), p.toString());
                assertEquals("640", p.video().get("width"), p.toString());
                assertEquals("360", p.video().get("height"), p.toString());
                // 4 s at 30 fps is ~120 frames; allow for a loaded machine, but demand a real stream.
                assertTrue(p.videoFrames() >= 60, "video frames: " + p);
                assertEquals("aac", p.audio().get("codec_name"), p.toString());
                assertTrue(p.audioFrames() > 50, "audio frames: " + p);
            }
        } finally {
            pool.shutdownNow();
        }
        // The probes are gone, and so must their plays be.
        Await.until(Duration.ofSeconds(10), "players to leave the list",
                () -> StreamApi.players(server, "fan").isEmpty());
        assertNotNull(StreamApi.publisher(server, "fan"), "the publisher survives its players");
    }
}
