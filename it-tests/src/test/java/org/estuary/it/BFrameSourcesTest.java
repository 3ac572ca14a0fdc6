package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.GstRtspServer;
import org.estuary.it.support.Parallel;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sources whose frames arrive out of presentation order (issue 16 item 3): a GStreamer RTSP camera
 * sending H.264 High profile with two B-frames (x264enc) and one sending H.265 with B-frames
 * (x265enc), and an ffmpeg RTMP publisher with {@code -bf 2}. Every output is read by ffmpeg/ffprobe:
 * RTMP (decode times increase, B-frames keep their composition offsets, no decode errors), HLS,
 * MP4 recording, snapshots (H.265 through FFmpeg), the transcoder and the mixer.
 *
 * <p>Kept short for the suite's budget: both servers (classic and low-latency HLS) and both cameras
 * start side by side, every server pulls both cameras and starts their HLS agents from the start, and
 * the independent probes of a case run in parallel.
 */
class BFrameSourcesTest {
    private static EstuaryProcess server;
    private static EstuaryProcess ll;
    private static GstRtspServer h264;
    private static GstRtspServer h265;
    private static Path records;
    private static int hlsPort;
    private static int llHlsPort;

    @BeforeAll
    static void start() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        records = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bframes-records-");
        hlsPort = Ports.free();
        llHlsPort = Ports.free();
        Parallel.run(
                () -> h264 = GstRtspServer.start("bframes-h264", "/cam", "h264b", "aac", "none", 0),
                () -> h265 = GstRtspServer.start("bframes-h265", "/cam", "h265b", "aac", "none", 0),
                () -> server = EstuaryProcess.start("bframes", "hls.port=" + hlsPort, "hls.segmentDurationSec=1",
                        "records.directory=" + records),
                () -> ll = EstuaryProcess.start("bframes-ll", "hls.port=" + llHlsPort, "hls.lowLatency=true"));
        for (EstuaryProcess node : List.of(server, ll)) {
            for (String[] cam : new String[][] {{h264.url(), "b264"}, {h265.url(), "b265"}}) {
                EstuaryProcess.Http r = node.post("/rtsp/startup",
                        new JsonObject().put("uri", cam[0]).put("localStreamName", cam[1]).encode());
                assertEquals(200, r.status(), r.toString());
            }
        }
        for (EstuaryProcess node : List.of(server, ll)) {
            for (String name : List.of("b264", "b265")) {
                RecordingSupport.awaitStream(node, name);
                // HLS agents from now on: the HLS cases find segments made while the other cases ran
                assertEquals(200, node.post("/hls/startup", new JsonObject().put("name", name).encode()).status());
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            assertEquals(0, server.stop(), "clean exit on SIGTERM");
        }
        if (ll != null) {
            assertEquals(0, ll.stop(), "low-latency node: clean exit on SIGTERM");
        }
        for (GstRtspServer s : new GstRtspServer[] {h264, h265}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void rtspHighProfileWithBFramesPlaysOverRtmpWithRealDecodeTimes() throws Exception {
        String url = server.rtmpUrl("b264");
        Parallel.run(
                () -> assertDecodeOrderTimes(videoPackets(url, 4), "RTMP b264"),
                () -> assertEquals(List.of(), decoderComplaints(url, 5, "h264"), "ffmpeg decodes the RTMP stream cleanly"),
                () -> {
                    Ffmpeg.Probe p = Ffmpeg.probe(url, 3);
                    assertEquals("High", p.video().get("profile"), p.toString());
                });
    }

    /**
     * HLS (MPEG-TS) and an MP4 recording of both cameras (side by side); ffmpeg decodes all of it without
     * complaint. The recording runs while HLS is read, for at least 8 s.
     */
    @Test
    void hlsAndRecordingKeepTheReorderedFrames() throws Exception {
        Parallel.run(() -> hlsAndRecording("b264"), () -> hlsAndRecording("b265"));
    }

    private static void hlsAndRecording(String name) throws Exception {
        String codec = name.equals("b264") ? "h264" : "hevc";
        String id = RecordingSupport.awaitStream(server, name);
        EstuaryProcess.Http r = server.post("/stream/startRecording", new JsonObject().put("mediaSessionId", id)
                .put("config", new JsonObject().put("fileTemplate", "bf-{streamName}")).encode());
        assertEquals(200, r.status(), r.body());
        long recordingSince = System.currentTimeMillis();

        String hls = "http://127.0.0.1:" + hlsPort + "/" + name + "/" + name + ".m3u8";
        Parallel.run(() -> {
            List<long[]> packets = Await.value(Duration.ofSeconds(30), "HLS of " + name, () -> {
                List<long[]> got = videoPackets(hls, 3);
                return got.size() >= 25 ? got : null;
            });
            assertDecodeOrderTimes(packets, "HLS " + name);
        }, () -> assertEquals(List.of(), decoderComplaints(hls, 3, codec), "ffmpeg decodes the HLS stream cleanly"));

        // wall clock only decides how much gets recorded; the checks are on the file. 8 s: an x265 camera
        // starved of CPU (load average 60) sent under 5 pictures a second, and the file must hold 25
        Thread.sleep(Math.max(0, recordingSince + 8_000 - System.currentTimeMillis()));
        assertEquals(200, server.post("/stream/stopRecording", new JsonObject().put("mediaSessionId", id).encode()).status());
        Path file = Await.value(Duration.ofSeconds(20), "recording of " + name, () -> {
            try (Stream<Path> s = Files.list(records)) {
                return s.filter(f -> f.getFileName().toString().equals("bf-" + name + ".mp4")).findFirst().orElse(null);
            }
        });
        Await.until(Duration.ofSeconds(20), "recorder closed", () -> server.post("/recorder/find_all", "").status() == 404
                || !server.post("/recorder/find_all", "").body().contains(id));
        Peers.Result probe = Peers.run(60, Peers.ffprobe(), "-v", "error", "-count_frames", "-select_streams", "v",
                "-show_entries", "stream=codec_type,codec_name,has_b_frames,nb_read_frames", "-of", "compact=p=0", file.toString());
        assertTrue(probe.output().contains("codec_name=" + codec), probe.output());
        assertTrue(RecordingSupport.videoFrames(probe) >= 25, probe.output());
        List<long[]> recorded = videoPackets(file.toString(), 0);
        assertDecodeOrderTimes(recorded, "recording " + name);
        assertEquals(List.of(), decoderComplaints(file.toString(), 0, codec), "ffmpeg decodes the recording cleanly");
    }

    /** H.265 goes through FFmpeg (JCodec has no HEVC decoder); H.264 High still through JCodec. */
    @ParameterizedTest
    @ValueSource(strings = {"b264", "b265"})
    void snapshotsShowTheColourBars(String name) throws Exception {
        EstuaryProcess.Http resp = server.post("/stream/snapshot", new JsonObject().put("streamName", name).encode());
        assertEquals(200, resp.status(), resp.body());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode(new JsonObject(resp.body()).getString("data"))));
        assertNotNull(img, "a PNG");
        assertEquals(640, img.getWidth());
        assertEquals(360, img.getHeight());
        // GStreamer's SMPTE bars: white first, then yellow, cyan, green, magenta, red, blue
        assertColour(img, 45, 100, 0xFF, 0xFF, 0xFF);
        assertColour(img, 135, 100, 0xFF, 0xFF, 0x00);
        assertColour(img, 320, 100, 0x00, 0xFF, 0x00);
        assertColour(img, 590, 100, 0x00, 0x00, 0xFF);
    }

    /**
     * The transcoder (of the H.264 B-frame camera) and the mixer (of both cameras) decode B-frame
     * sources and their outputs play cleanly.
     */
    @Test
    void transcoderAndMixerTakeBFrameSources() throws Exception {
        JsonObject t = new JsonObject().put("uri", "transcoder://bf").put("remoteStreamName", "b264")
                .put("localStreamName", "bf-small").put("encoder", new JsonObject().put("width", 320).put("height", 180));
        assertEquals(200, server.post("/transcoder/startup", t.encode()).status());
        assertEquals(200, server.post("/mixer/startup", new JsonObject().put("uri", "mixer://bf")
                .put("localStreamName", "bf-mix").put("mixerVideoWidth", 640).put("mixerVideoHeight", 360).encode()).status());
        try {
            for (String in : List.of("b264", "b265")) {
                assertEquals(200, server.post("/mixer/add", new JsonObject().put("uri", "mixer://bf")
                        .put("remoteStreamName", in).encode()).status());
            }
            List<Parallel.Task> checks = new ArrayList<>();
            for (String out : List.of("bf-small", "bf-mix")) {
                checks.add(() -> {
                    RecordingSupport.awaitStream(server, out);
                    Ffmpeg.Probe p = Await.value(Duration.ofSeconds(60), out + " frames", () -> {
                        Ffmpeg.Probe q = Ffmpeg.probe(server.rtmpUrl(out), 3);
                        return q.videoFrames() >= 10 ? q : null;
                    });
                    assertEquals("h264", p.video().get("codec_name"), p.toString());
                    assertEquals(out.equals("bf-small") ? "320" : "640", p.video().get("width"), p.toString());
                    JsonArray all = server.post("/transcoder/find_all", "{}").array();
                    assertEquals(0, all.getJsonObject(0).getJsonObject("stats").getLong("errors"), "decode errors: " + all);
                });
            }
            checks.add(() -> {
                RecordingSupport.awaitStream(server, "bf-mix");
                assertEquals(List.of(), decoderComplaints(server.rtmpUrl("bf-mix"), 3, "h264"));
            });
            Parallel.run(checks);
        } finally {
            server.post("/transcoder/terminate", new JsonObject().put("uri", "transcoder://bf").encode());
            server.post("/mixer/terminate", new JsonObject().put("uri", "mixer://bf").encode());
        }
    }

    /** Low-latency HLS (fMP4/CMAF parts) of both cameras, from the second node configured for it (side by side). */
    @Test
    void lowLatencyHlsFmp4KeepsTheReorderedFrames() throws Exception {
        List<Parallel.Task> checks = new ArrayList<>();
        for (String[] cam : new String[][] {{"b264", "h264"}, {"b265", "hevc"}}) {
            String url = "http://127.0.0.1:" + llHlsPort + "/" + cam[0] + "/" + cam[0] + ".m3u8";
            checks.add(() -> {
                List<long[]> packets = Await.value(Duration.ofSeconds(30), "LL-HLS of " + cam[0], () -> {
                    List<long[]> got = videoPackets(url, 3);
                    return got.size() >= 25 ? got : null;
                });
                assertDecodeOrderTimes(packets, "LL-HLS " + cam[0]);
            });
            checks.add(() -> assertEquals(List.of(), decoderComplaints(url, 3, cam[1]), "ffmpeg decodes the fMP4 parts cleanly"));
        }
        Parallel.run(checks);
    }

    /** An ffmpeg RTMP publisher with {@code -bf 2}: players over RTMP and HLS get its decode times and decode cleanly. */
    @Test
    void ffmpegRtmpPublisherWithBFrames() throws Exception {
        Process pub = Ffmpeg.start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-re", "-f", "lavfi", "-i",
                "sine=frequency=1000:sample_rate=48000", "-t", "30", "-c:v", "libx264", "-profile:v", "high",
                "-preset", "veryfast", "-bf", "2", "-pix_fmt", "yuv420p", "-g", "50", "-c:a", "aac", "-ar", "48000",
                "-f", "flv", server.rtmpUrl("bf-ffmpeg")), EstuaryProcess.logDir().resolve("bframes-ffmpeg.log"));
        try {
            RecordingSupport.awaitStream(server, "bf-ffmpeg");
            String hls = "http://127.0.0.1:" + hlsPort + "/bf-ffmpeg/bf-ffmpeg.m3u8";
            Parallel.run(() -> assertDecodeOrderTimes(videoPackets(server.rtmpUrl("bf-ffmpeg"), 3), "RTMP bf-ffmpeg"),
                    () -> {
                        List<long[]> packets = Await.value(Duration.ofSeconds(30), "HLS of bf-ffmpeg", () -> {
                            List<long[]> got = videoPackets(hls, 3);
                            return got.size() >= 25 ? got : null;
                        });
                        assertDecodeOrderTimes(packets, "HLS bf-ffmpeg");
                        assertEquals(List.of(), decoderComplaints(hls, 3, "h264"));
                    });
        } finally {
            Ffmpeg.stop(pub);
        }
    }

    /** ffprobe's video packets [pts, dts] in the stream's time base; {@code seconds} 0 = the whole input. */
    static List<long[]> videoPackets(String url, int seconds) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Peers.ffprobe(), "-v", "error", "-rw_timeout", "15000000"));
        if (seconds > 0) {
            cmd.addAll(List.of("-read_intervals", "%+" + seconds));
        }
        cmd.addAll(List.of("-select_streams", "v", "-show_entries", "packet=pts,dts", "-of", "csv=p=0", url));
        Peers.Result r = Peers.run(seconds + 40L, cmd.toArray(String[]::new));
        List<long[]> out = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            String[] f = line.trim().split(",");
            if (f.length >= 2 && f[0].matches("-?\\d+") && f[1].matches("-?\\d+")) {
                out.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
            }
        }
        return out;
    }

    /**
     * Decode times strictly increase, no frame presents before it decodes, and B-frames show up as
     * frames presented later than decoded (with dts = pts throughout, a B-frame stream is broken).
     */
    static void assertDecodeOrderTimes(List<long[]> packets, String what) {
        assertTrue(packets.size() >= 20, what + ": " + packets.size() + " video packets");
        int reordered = 0;
        for (int i = 0; i < packets.size(); i++) {
            long pts = packets.get(i)[0];
            long dts = packets.get(i)[1];
            assertTrue(pts >= dts, what + ": packet " + i + " pts " + pts + " < dts " + dts);
            if (i > 0) {
                assertTrue(dts > packets.get(i - 1)[1], what + ": dts not increasing at packet " + i + ": "
                        + packets.get(i - 1)[1] + " then " + dts);
                if (pts < packets.get(i - 1)[0]) {
                    reordered++;
                }
            }
        }
        assertTrue(reordered >= packets.size() / 4, what + ": B-frames present earlier than the frame before them ("
                + reordered + " of " + packets.size() + ")");
    }

    /** What ffmpeg's {@code decoder} prints while decoding {@code seconds} (0 = all) of {@code url}. */
    static List<String> decoderComplaints(String url, int seconds, String decoder) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error",
                "-rw_timeout", "15000000", "-i", url));
        if (seconds > 0) {
            cmd.addAll(List.of("-t", String.valueOf(seconds)));
        }
        cmd.addAll(List.of("-map", "0:v", "-f", "null", "-"));
        Peers.Result r = Peers.run(seconds + 40L, cmd.toArray(String[]::new));
        return r.output().lines().filter(l -> l.contains("[" + decoder + " @")).toList();
    }

    private static void assertColour(BufferedImage img, int x, int y, int r, int g, int b) {
        int px = img.getRGB(x, y);
        int pr = px >> 16 & 0xFF;
        int pg = px >> 8 & 0xFF;
        int pb = px & 0xFF;
        assertTrue(Math.abs(pr - r) < 40 && Math.abs(pg - g) < 40 && Math.abs(pb - b) < 40,
                "pixel " + x + "," + y + " is #" + Integer.toHexString(px & 0xFFFFFF) + ", expected about #"
                        + String.format("%02x%02x%02x", r, g, b));
    }
}
