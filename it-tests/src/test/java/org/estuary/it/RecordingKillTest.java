package org.estuary.it;

import static org.estuary.it.RecordingSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.Test;

/** A recording whose server dies with SIGKILL still plays up to near the kill point. */
class RecordingKillTest {
    @Test
    void killedRecordingStillPlays() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        Path records = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "records-kill-");
        EstuaryProcess server = EstuaryProcess.start("recording-kill", "records.directory=" + records);
        Process pub = publish(server.rtmpUrl("killme"), "testsrc2=size=320x180:rate=25", 25, 0, "recording-kill-ffmpeg");
        try {
            String id = awaitStream(server, "killme");
            assertEquals(200, server.post("/stream/startRecording", new JsonObject().put("mediaSessionId", id).encode()).status());
            Thread.sleep(8_000);
            ProcessHandle.of(server.pid()).orElseThrow().destroyForcibly(); // SIGKILL
            assertTrue(ProcessHandle.of(server.pid()).map(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).join()).isPresent()
                    || !server.isAlive());
        } finally {
            Ffmpeg.stop(pub);
            server.stop();
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(records)) {
            files = s.toList();
        }
        assertEquals(1, files.size(), files.toString());
        assertTrue(files.get(0).getFileName().toString().startsWith("stream-"), files.toString());
        Peers.Result p = probe(files.get(0));
        assertEquals(0, p.exitCode(), p.output());
        assertTrue(p.output().contains("codec_name=h264"), p.output());
        // 8 s recorded (plus up to 1 s of cached GOP); at most ~2 s lost to the unwritten fragment
        int frames = videoFrames(p);
        assertTrue(frames >= 25 * 5 && frames <= 25 * 10, "decoded video frames " + frames + ": " + p.output());
    }
}
