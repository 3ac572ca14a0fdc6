package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.S3rver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * VOD from S3 (issue 16 item 8): MP4 objects uploaded to s3rver (an S3-compatible server with a
 * filesystem backend, started here on 127.0.0.1), published by {@code /vod/startup} with
 * {@code vod-live://s3/<bucket>/<key>} and played over RTMP with ffprobe. Estuary reads them with
 * ranged GETs: a long object with its index at the end is played without being downloaded whole.
 */
class VodS3Test {
    private static final String BUCKET = "media";
    /** Small blocks, so a few seconds of a 20 s file are visibly fewer bytes than the object. */
    private static final int BLOCK = 64 * 1024;
    private static S3rver s3;
    private static EstuaryProcess server;
    private static long longSize;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3rver.start("vod", BUCKET);
        Path dir = Files.createTempDirectory("estuary-vod-s3");
        Path six = makeMp4(dir.resolve("six.mp4"), 6, true);
        Path longer = makeMp4(dir.resolve("long.mp4"), 20, false); // moov at the end: the index needs a seek
        Path junk = Files.writeString(dir.resolve("notes.mp4"), "this is not a video");
        longSize = Files.size(longer);
        try (S3Client c = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
                .endpointOverride(URI.create(s3.endpoint())).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3rver.ACCESS_KEY, S3rver.SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // s3rver would store an aws-chunked upload body as is, chunk signatures included
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build()).build()) {
            c.putObject(b -> b.bucket(BUCKET).key("clips/six.mp4"), RequestBody.fromFile(six));
            c.putObject(b -> b.bucket(BUCKET).key("clips/long.mp4"), RequestBody.fromFile(longer));
            c.putObject(b -> b.bucket(BUCKET).key("notes.mp4"), RequestBody.fromFile(junk));
        }
        server = EstuaryProcess.start("vod-s3", "vod.s3Endpoint=" + s3.endpoint(), "vod.s3AccessKeyId=" + S3rver.ACCESS_KEY,
                "vod.s3SecretAccessKey=" + S3rver.SECRET_KEY, "vod.s3ReadBlockBytes=" + BLOCK);
    }

    private static Path makeMp4(Path out, int seconds, boolean faststart) throws Exception {
        var cmd = new java.util.ArrayList<>(java.util.List.of(Peers.ffmpeg(), "-v", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", String.valueOf(seconds), "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-b:v", "800k", "-c:a", "aac"));
        if (faststart) {
            cmd.addAll(java.util.List.of("-movflags", "+faststart"));
        }
        cmd.add(out.toString());
        Peers.Result r = Peers.run(90, cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        return out;
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static EstuaryProcess.Http startup(String uri, String name) throws Exception {
        return server.post("/vod/startup", new JsonObject().put("uri", uri).put("localStreamName", name).encode());
    }

    @Test
    void anS3ObjectIsPlayedAsALiveStream() throws Exception {
        EstuaryProcess.Http r = startup("vod-live://s3/" + BUCKET + "/clips/six.mp4", "s3six");
        assertEquals(200, r.status(), r.body());
        Ffmpeg.Probe p = Ffmpeg.probe(server.rtmpUrl("s3six"), 4);
        assertEquals("h264", p.video().get("codec_name"), p.toString());
        assertEquals("640", p.video().get("width"), p.toString());
        assertEquals("360", p.video().get("height"), p.toString());
        assertEquals("aac", p.audio().get("codec_name"), p.toString());
        assertTrue(p.videoFrames() >= 60, "seconds of 25 fps video: " + p);
        server.post("/vod/terminate", new JsonObject().put("localStreamName", "s3six").encode());
    }

    @Test
    void aLongObjectIsReadInRangesNotDownloadedWhole() throws Exception {
        EstuaryProcess.Http r = startup("vod-live://s3/" + BUCKET + "/clips/long.mp4", "s3long");
        assertEquals(200, r.status(), r.body());
        // judged on media position, not wall time: bytes read so far stay close to the share of the
        // object that playback has reached (plus the index at the end and one read-ahead block)
        JsonObject s = org.estuary.it.support.Await.value(java.time.Duration.ofSeconds(30), "3 s into the object", () -> {
            JsonObject f = server.post("/vod/find", new JsonObject().put("localStreamName", "s3long").encode()).array().getJsonObject(0);
            return f.getLong("positionMs") >= 3000 ? f : null;
        });
        assertEquals("PROCESSED_LOCAL", s.getString("status"), s.toString());
        long read = s.getLong("bytesRead");
        long reached = longSize * s.getLong("positionMs") / s.getLong("durationMs");
        assertTrue(read > reached / 2 && read < longSize && read <= reached + 4L * BLOCK,
                "at " + s.getLong("positionMs") + " of " + s.getLong("durationMs") + " ms, " + read + " of " + longSize + " bytes read");
        // s3rver logs one line per request: "<path> <status> <time> <size>"; 206 = a ranged GET served
        long ranged = s3.output().lines().filter(l -> l.contains("/clips/long.mp4 206")).count();
        assertTrue(ranged >= 2, "several ranged GETs (index at the end, then samples): " + ranged + "\n" + s3.output());
        assertEquals(200, server.post("/vod/terminate", new JsonObject().put("localStreamName", "s3long").encode()).status());
    }

    @Test
    void badNamesMissingObjectsAndJunkAreRefused() throws Exception {
        assertEquals(404, startup("vod-live://s3/" + BUCKET + "/clips/none.mp4", "x1").status(), "missing key");
        assertEquals(404, startup("vod-live://s3/nobucket/six.mp4", "x2").status(), "missing bucket");
        EstuaryProcess.Http bad = startup("vod-live://s3/Bad_Bucket/six.mp4", "x3");
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.body().contains("bucket"), bad.body());
        assertEquals(400, startup("vod-live://s3/" + BUCKET + "/clips/../six.mp4", "x4").status(), "a .. segment");
        assertEquals(400, startup("vod-live://s3/" + BUCKET + "/", "x5").status(), "no key");
        assertEquals(400, startup("vod-live://s3/" + BUCKET + "//six.mp4", "x6").status(), "empty segment");
        EstuaryProcess.Http junk = startup("vod-live://s3/" + BUCKET + "/notes.mp4", "x7");
        assertEquals(400, junk.status(), junk.body());
        assertTrue(junk.body().contains("wrong format"), junk.body());
        assertEquals(404, server.post("/stream/find", new JsonObject().put("name", "x7").encode()).status(), "nothing left published");
    }
}
