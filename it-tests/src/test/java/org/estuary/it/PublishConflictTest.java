package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.StreamApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A live name belongs to its publisher: a second publisher is refused until the first one stops. */
class PublishConflictTest {
    private static EstuaryProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = EstuaryProcess.start("publish-conflict");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    private static Path log(String name) {
        return EstuaryProcess.logDir().resolve("publish-conflict-" + name + ".log");
    }

    @Test
    void secondPublisherIsRefusedAndTheNameIsFreeAfterTheFirstStops() throws Exception {
        Process first = Ffmpeg.publish(server.rtmpUrl("taken"), "640x360", 25, 0, log("first"));
        Process second = null;
        Process third = null;
        try {
            String firstSession = StreamApi.awaitPublished(server, "taken").getString("sessionId");

            second = Ffmpeg.publish(server.rtmpUrl("taken"), "640x360", 25, 0, log("second"));
            assertTrue(second.waitFor(15, TimeUnit.SECONDS), "the refused publisher exits");
            assertNotEquals(0, second.exitValue(), "the refused publisher reports failure");
            assertTrue(Files.readString(log("second")).contains("already in use"),
                    "ffmpeg shows the server's reason: " + Files.readString(log("second")));
            assertTrue(server.logText().contains("publish refused"), "server log records the refusal");

            List<JsonObject> publishers = StreamApi.all(server).stream()
                    .filter(o -> "taken".equals(o.getString("name")) && o.getBoolean("published")).toList();
            assertEquals(1, publishers.size(), publishers.toString());
            assertEquals(firstSession, publishers.get(0).getString("sessionId"), "still the first publisher");
            assertTrue(first.isAlive(), "the first publisher was not disturbed");

            Ffmpeg.stop(first);
            Await.until(Duration.ofSeconds(10), "the name to be released",
                    () -> StreamApi.publisher(server, "taken") == null);

            third = Ffmpeg.publish(server.rtmpUrl("taken"), "640x360", 25, 0, log("third"));
            JsonObject now = StreamApi.awaitPublished(server, "taken");
            assertNotEquals(firstSession, now.getString("sessionId"), "the new publisher owns the name");
            assertTrue(third.isAlive(), "the new publisher keeps publishing");
            Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("taken"), 2);
            assertEquals("h264", p.video().get("codec_name"), p.toString());
            assertTrue(p.videoFrames() > 20, p.toString());
        } finally {
            Ffmpeg.stop(first);
            Ffmpeg.stop(second);
            Ffmpeg.stop(third);
        }
    }
}
