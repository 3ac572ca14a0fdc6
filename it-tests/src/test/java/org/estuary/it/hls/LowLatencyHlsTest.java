package org.estuary.it.hls;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Low-latency HLS (fMP4 parts, blocking playlist reload, preload hints) with segments on disk:
 * ffmpeg publishes over RTMP; ffprobe plays the LL playlist; plain HTTP measures blocking.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LowLatencyHlsTest {
    private static final double PART = 0.334;
    private static EstuaryProcess server;
    private static Process publisher;
    private static int hlsPort;
    private static Path hlsDir;

    @BeforeAll
    static void start() throws Exception {
        hlsPort = Ports.free();
        hlsDir = Files.createTempDirectory("estuary-llhls");
        server = EstuaryProcess.start("hls-ll", "hls.port=" + hlsPort, "hls.lowLatency=true", "hls.partDurationMs=334",
                "hls.segmentDurationSec=2", "hls.storage=disk", "hls.directory=" + hlsDir);
        publisher = Ffmpeg.publish(server.rtmpUrl("ll"), "640x360", 30, 0,
                EstuaryProcess.logDir().resolve("hls-ll-ffmpeg.log"));
        long deadline = System.currentTimeMillis() + 15_000;
        while (server.post("/stream/find", new JsonObject().put("name", "ll").encode()).status() != 200) {
            assertTrue(System.currentTimeMillis() < deadline, "publisher never arrived");
            Thread.sleep(200);
        }
        assertEquals(200, server.post("/hls/startup", "{\"name\":\"ll\"}").status());
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(publisher);
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + hlsPort + path;
    }

    /** {msn, part} of the EXT-X-PRELOAD-HINT. */
    private static long[] hint(String playlist) {
        Matcher m = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"(\\d+)\\.(\\d+)\\.m4s\"").matcher(playlist);
        assertTrue(m.find(), "preload hint in " + playlist);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    private static boolean listsPart(String playlist, String uri) {
        return playlist.lines().anyMatch(l -> l.startsWith("#EXT-X-PART:") && l.contains("URI=\"" + uri + "\""));
    }

    /**
     * Parts listed after {@code uri}: how far the server's ingest had gone past that part when it
     * wrote the playlist. Promptness judged in media time rather than wall time: a server that
     * answered late (on a poll timer, at the segment's end) lists the parts completed meanwhile,
     * whereas a loaded machine slows the publisher, the ingest and the answer alike. One part after
     * it is allowed: a publisher starved for a moment sends the frames it owes at once (ffmpeg -re
     * catches up), which completes two parts within a millisecond.
     */
    private static long partsAfter(String playlist, String uri) {
        List<String> parts = playlist.lines().filter(l -> l.startsWith("#EXT-X-PART:")).toList();
        int at = -1;
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).contains("URI=\"" + uri + "\"")) {
                at = i;
            }
        }
        assertTrue(at >= 0, uri + " is listed:\n" + playlist);
        return parts.size() - 1 - at;
    }

    @Test
    @Order(1)
    void playlistHasPartsServerControlMapAndHint() throws Exception {
        HlsHttp.Answer p = HlsHttp.get(url("/ll/ll.m3u8"));
        assertEquals(200, p.status(), p.text());
        String t = p.text();
        assertTrue(t.contains("#EXT-X-VERSION:9\n"), t);
        assertTrue(t.contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK="), t);
        assertTrue(t.contains("#EXT-X-PART-INF:PART-TARGET=0.334\n"), t);
        assertTrue(t.contains("#EXT-X-MAP:URI=\"init-0.mp4\""), t);
        assertTrue(t.contains("#EXT-X-PART:DURATION="), t);
        assertTrue(t.contains(",INDEPENDENT=YES"), t);
        hint(t);
        Matcher d = Pattern.compile("#EXT-X-PART:DURATION=([0-9.]+)").matcher(t);
        while (d.find()) {
            assertTrue(Double.parseDouble(d.group(1)) <= PART + 0.001, "part within PART-TARGET: " + d.group());
        }
        HlsHttp.Answer init = HlsHttp.get(url("/ll/init-0.mp4"));
        assertEquals(200, init.status());
        assertEquals("video/mp4", init.header("content-type"));
        assertEquals("ftyp", new String(init.body(), 4, 4));
    }

    @Test
    @Order(2)
    void blockingReloadWaitsForTheNextPartThenAnswersWithinAboutOnePart() throws Exception {
        // align on a part boundary: a blocking request for the hinted part returns when that part appears
        long[] h = hint(HlsHttp.get(url("/ll/ll.m3u8")).text());
        HlsHttp.Answer aligned = HlsHttp.get(url("/ll/ll.m3u8?_HLS_msn=" + h[0] + "&_HLS_part=" + h[1]));
        assertEquals(200, aligned.status());
        long total = 0;
        int rounds = 5;
        for (int i = 0; i < rounds; i++) {
            long[] next = hint(aligned.text());
            String uri = next[0] + "." + next[1] + ".m4s";
            assertFalse(listsPart(aligned.text(), uri), "the hinted part is not listed yet");
            aligned = HlsHttp.get(url("/ll/ll.m3u8?_HLS_msn=" + next[0] + "&_HLS_part=" + next[1]));
            assertEquals(200, aligned.status(), aligned.text());
            assertTrue(listsPart(aligned.text(), uri), "the answer lists the awaited part " + uri
                    + ":\n" + aligned.text());
            System.out.printf("LL-HLS blocking reload for part %s answered after %d ms%n", uri, aligned.millis());
            // it blocked until the part existed (not listed before, listed in the answer) and answered
            // as soon as it did: before the part after it was complete (see partsAfter)
            assertTrue(partsAfter(aligned.text(), uri) <= 1, "answered once " + uri + " was complete, not parts later:\n"
                    + aligned.text());
            total += aligned.millis();
        }
        System.out.printf("LL-HLS blocking reload: mean wait %d ms for a %.0f ms part target%n", total / rounds, PART * 1000);

        // the preload-hinted part itself blocks, then arrives as fMP4 (moof first)
        long[] next = hint(aligned.text());
        String hinted = next[0] + "." + next[1] + ".m4s";
        HlsHttp.Answer part = HlsHttp.get(url("/ll/" + hinted));
        assertEquals(200, part.status());
        assertEquals("moof", new String(part.body(), 4, 4));
        System.out.printf("LL-HLS preload-hinted part fetched after %d ms%n", part.millis());
        // served as soon as it was complete: the playlist read right after lists it as the newest part
        // or one before (media time again, not a wall-clock bound)
        assertTrue(partsAfter(HlsHttp.get(url("/ll/ll.m3u8")).text(), hinted) <= 1, "the hinted part was held back");
    }

    @Test
    @Order(3)
    void blockingReloadRejectsBadArguments() throws Exception {
        assertEquals(400, HlsHttp.get(url("/ll/ll.m3u8?_HLS_msn=abc")).status());
        assertEquals(400, HlsHttp.get(url("/ll/ll.m3u8?_HLS_msn=99999999")).status());
        assertEquals(400, HlsHttp.get(url("/ll/ll.m3u8?_HLS_part=1")).status());
    }

    @Test
    @Order(4)
    void partLatencyFromReceiveToAvailability() throws Exception {
        String t = HlsHttp.get(url("/ll/ll.m3u8")).text();
        long[] h = hint(t);
        HlsHttp.Answer a = HlsHttp.get(url("/ll/ll.m3u8?_HLS_msn=" + h[0] + "&_HLS_part=" + h[1]));
        long seenAt = System.currentTimeMillis();
        List<HlsHttp.Segment> segs = HlsHttp.segments(a.text());
        // program date time of the open segment = last complete segment's start + its duration
        HlsHttp.Segment lastComplete = segs.get(segs.size() - 1);
        long openStart = lastComplete.start().toEpochMilli() + (long) (lastComplete.duration() * 1000);
        double partsBefore = 0;
        Matcher m = Pattern.compile("#EXT-X-PART:DURATION=([0-9.]+),URI=\"" + h[0] + "\\.(\\d+)\\.m4s\"").matcher(a.text());
        while (m.find()) {
            partsBefore += Double.parseDouble(m.group(1));
        }
        long partEnd = openStart + (long) (partsBefore * 1000);
        long latency = seenAt - partEnd;
        System.out.printf("LL-HLS latency: part %d.%d listed %d ms after its last frame was received%n", h[0], h[1], latency);
        // The figure above is wall clock (the server's program date time against this client's clock)
        // and printed only; the check is in media time: the part is listed before the next one is complete.
        assertTrue(partsAfter(a.text(), h[0] + "." + h[1] + ".m4s") <= 1, "part listed soon after it is complete:\n" + a.text());
    }

    @Test
    @Order(5)
    void ffprobeReadsContinuousH264AndAacFromTheLowLatencyPlaylist() throws Exception {
        Map<String, List<Double>> t = HlsHttp.packetTimes(url("/ll/ll.m3u8"), 10);
        List<Double> v = t.get("video");
        List<Double> a = t.get("audio");
        assertNotNull(v);
        assertNotNull(a);
        double vGap = HlsHttp.maxGap(v);
        double aGap = HlsHttp.maxGap(a);
        double span = v.get(v.size() - 1) - v.get(0);
        System.out.printf("LL-HLS: %d video packets over %.2f s (max gap %.3f s), %d audio packets (max gap %.3f s)%n",
                v.size(), span, vGap, a.size(), aGap);
        assertTrue(span >= 8, "about 10 s of video: " + span);
        assertTrue(vGap < 0.05, "no video timestamp gap: " + vGap);
        assertTrue(aGap < 0.05, "no audio timestamp gap: " + aGap);
    }

    @Test
    @Order(6)
    void segmentsLiveOnDiskAndTerminateRemovesThem() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(hlsDir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertFalse(files.isEmpty(), "segments written under hls.directory");
        assertTrue(files.stream().allMatch(f -> f.getFileName().toString().matches("\\d+\\.m4s")), files.toString());
        assertTrue(files.size() <= 8, "old segments deleted as they leave the window: " + files);
        assertEquals(200, server.post("/hls/terminate", "{\"name\":\"ll\"}").status());
        long deadline = System.currentTimeMillis() + 5_000;
        long left = 1;
        while (left > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            try (Stream<Path> s = Files.walk(hlsDir)) {
                left = s.filter(Files::isRegularFile).count();
            }
        }
        assertEquals(0, left, "terminate removes the agent's files");
    }
}
