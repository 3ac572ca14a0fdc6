package org.estuary.it;

import static org.estuary.it.RecordingSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Recording a published stream to MP4: codecs and duration, rotation, templates, download, multi-recorder. */
class RecordingTest {
    private static Path records;
    private static EstuaryProcess server;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        records = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "records-");
        server = EstuaryProcess.start("recording", "records.directory=" + records);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    private static List<Path> files(String prefix) throws Exception {
        try (Stream<Path> s = Files.list(records)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    private static void awaitNoRecorder(String mediaSessionId) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            EstuaryProcess.Http r = server.post("/recorder/find_all", "");
            if (r.status() == 404 || !r.body().contains(mediaSessionId)) {
                return;
            }
            Thread.sleep(200);
        }
        fail("recorder of " + mediaSessionId + " still running");
    }

    @Test
    void fifteenSecondRecordingHasTheCodecsAndDurationAndDownloadsWithRanges() throws Exception {
        // 4 s GOP: the recorder joins within the first GOP, so the file covers the whole 15 s publish
        Process pub = publish(server.rtmpUrl("rec15"), "testsrc2=size=640x360:rate=25", 100, 15, "rec15-ffmpeg");
        try {
            String id = awaitStream(server, "rec15");
            EstuaryProcess.Http r = server.post("/stream/startRecording",
                    new JsonObject().put("mediaSessionId", id).put("config", new JsonObject().put("fileTemplate", "rec15-{streamName}")).encode());
            assertEquals(200, r.status(), r.body());
            EstuaryProcess.Http found = server.post("/recorder/find_all", "");
            assertEquals(200, found.status(), found.body());
            JsonObject rec = new JsonArray(found.body()).getJsonObject(0);
            assertEquals(id, rec.getString("mediaSessionId"));
            assertEquals("rec15-rec15.mp4", rec.getString("fileName"));
            JsonObject stream = new JsonArray(server.post("/stream/find", "{\"name\":\"rec15\"}").body()).getJsonObject(0);
            assertTrue(stream.getBoolean("record"), "record flag while recording: " + stream);
            assertTrue(pub.waitFor(40, java.util.concurrent.TimeUnit.SECONDS), "publisher ran 15 s");
            awaitNoRecorder(id);
        } finally {
            Ffmpeg.stop(pub);
        }
        Path file = records.resolve("rec15-rec15.mp4");
        assertTrue(Files.isRegularFile(file), "file exists: " + files(""));
        Peers.Result p = probe(file);
        assertEquals(0, p.exitCode(), p.output());
        assertTrue(p.output().contains("codec_name=h264|codec_type=video|width=640|height=360"), p.output());
        assertTrue(p.output().contains("codec_name=aac|codec_type=audio"), p.output());
        assertEquals(15.0, duration(p), 0.5, p.output());
        assertTrue(videoFrames(p) >= 360, "decodable frames: " + p.output());

        // listing and a ranged download
        EstuaryProcess.Http list = server.get("/records/");
        assertEquals(200, list.status());
        assertTrue(list.body().contains("\"rec15-rec15.mp4\""), list.body());
        HttpResponse<byte[]> part = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.restPort() + "/records/rec15-rec15.mp4"))
                .header("Range", "bytes=1000-1999").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        byte[] all = Files.readAllBytes(file);
        assertArrayEquals(Arrays.copyOfRange(all, 1000, 2000), part.body());
        assertEquals(404, server.get("/records/..%2F..%2Fpom.xml").status());
    }

    @Test
    void rotationSplitsFilesAndTemplatesStayInsideTheDirectory() throws Exception {
        // 12 s with a keyframe every second, rotation every 5 s: 5 + 5 + 2 s
        Process pub = publish(server.rtmpUrl("rot"), "testsrc2=size=320x180:rate=25", 25, 12, "rot-ffmpeg");
        String id;
        try {
            id = awaitStream(server, "rot");
            EstuaryProcess.Http bad = server.post("/recorder/startup", new JsonObject().put("mediaSessionId", id)
                    .put("config", new JsonObject().put("rotation", "5X")).encode());
            assertEquals(400, bad.status(), bad.body());
            assertTrue(bad.body().contains("5X"), bad.body());
            EstuaryProcess.Http r = server.post("/recorder/startup", new JsonObject().put("mediaSessionId", id)
                    .put("config", new JsonObject().put("fileTemplate", "../../rot-{streamName}").put("rotation", "5")).encode());
            assertEquals(200, r.status(), r.body());
            assertTrue(pub.waitFor(40, java.util.concurrent.TimeUnit.SECONDS));
            awaitNoRecorder(id);
        } finally {
            Ffmpeg.stop(pub);
        }
        List<Path> parts = files("____rot-rot");
        assertEquals(3, parts.size(), "files: " + files(""));
        try (Stream<Path> s = Files.list(records.getParent())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("rot-rot")), "nothing outside the records dir");
        }
        for (Path part : parts) {
            Peers.Result p = probe(part);
            assertEquals(0, p.exitCode(), p.output());
            assertTrue(duration(p) > 1.5 && duration(p) < 6.5, part + ": " + p.output());
        }
    }

    @Test
    void multipleRecorderPutsThreeStreamsInOneFile() throws Exception {
        Process[] pubs = new Process[3];
        try {
            String[] ids = new String[3];
            for (int i = 0; i < 3; i++) {
                pubs[i] = publish(server.rtmpUrl("m" + i), "testsrc2=size=320x180:rate=15", 15, 0, "multi-ffmpeg-" + i);
            }
            for (int i = 0; i < 3; i++) {
                ids[i] = awaitStream(server, "m" + i);
            }
            String uri = "multi-recorder://three";
            assertEquals(200, server.post("/multipleRecorder/startup", new JsonObject().put("uri", uri).encode()).status());
            assertEquals(409, server.post("/multipleRecorder/startup", new JsonObject().put("uri", uri).encode()).status());
            for (String id : ids) {
                EstuaryProcess.Http r = server.post("/multipleRecorder/add", new JsonObject().put("uri", uri).put("mediaSessionId", id).encode());
                assertEquals(200, r.status(), r.body());
            }
            EstuaryProcess.Http all = server.post("/multipleRecorder/find_all", "");
            assertEquals(200, all.status(), all.body());
            JsonObject mr = new JsonArray(all.body()).getJsonObject(0);
            assertEquals(3, mr.getJsonArray("mediaSessionsId").size());
            assertEquals("multi-recorder___three.mp4", mr.getString("fileName"));
            Thread.sleep(5_000);
            assertEquals(200, server.post("/multipleRecorder/remove", new JsonObject().put("uri", uri).put("mediaSessionId", ids[2]).encode()).status());
            Thread.sleep(1_000);
            assertEquals(200, server.post("/multipleRecorder/terminate", new JsonObject().put("uri", uri).encode()).status());
            assertEquals(404, server.post("/multipleRecorder/find_all", "").status());
        } finally {
            for (Process p : pubs) {
                Ffmpeg.stop(p);
            }
        }
        Peers.Result p = probe(records.resolve("multi-recorder___three.mp4"));
        assertEquals(0, p.exitCode(), p.output());
        assertEquals(3, count(p, "codec_name=h264|codec_type=video"), p.output());
        assertEquals(3, count(p, "codec_name=aac|codec_type=audio"), p.output());
        assertTrue(duration(p) > 4.0, p.output());
    }
}
