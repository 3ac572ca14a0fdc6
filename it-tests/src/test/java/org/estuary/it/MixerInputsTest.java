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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.GstRtspServer;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mixer inputs of every audio codec the server decodes, each from a real peer: AAC and MP3 over
 * RTMP (ffmpeg; the MP3 one audio-only), G.711 u-law and Opus over RTSP (GStreamer's RTSP server).
 * A user checks that every input's tone is heard in the mix, that the audio-only input shows its
 * avatar, that the name label is drawn on its tile, that an idle mixer stops and frees itself
 * ({@code mixer.idleTimeoutMs}), and that a WCS XML layout folder ({@code mixerLayoutDir}, with
 * {@code videoPositionId}) puts each input's picture in the rectangle its file gives.
 */
class MixerInputsTest {
    private static final int IDLE_MS = 5000;
    private static final int MAGENTA = 0xFF00FF;
    private static EstuaryProcess server;
    private static Path media;
    private static Path layouts;
    private static final List<Process> publishers = new ArrayList<>();
    private static final List<GstRtspServer> cameras = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        media = Files.createTempDirectory("mixer-inputs");
        BufferedImage avatar = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                avatar.setRGB(x, y, 0xFF000000 | MAGENTA);
            }
        }
        ImageIO.write(avatar, "png", media.resolve("avatar.png").toFile());
        Files.writeString(media.resolve("broken.png"), "not a picture");
        layouts = media.resolve("layouts");
        writeLayouts(layouts);
        server = EstuaryProcess.start("mixer-inputs", "mixer.videoWidth=640", "mixer.videoHeight=480",
                "mixer.videoFps=15", "mixer.videoBitrateKbps=600", "mixer.idleTimeoutMs=" + IDLE_MS,
                "media.directory=" + media, "mixer.layoutsDirectory=" + layouts);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : publishers) {
            Ffmpeg.stop(p);
        }
        for (GstRtspServer c : cameras) {
            c.close();
        }
        if (server != null) {
            assertEquals(0, server.stop());
        }
        if (media != null) {
            try (var files = Files.walk(media)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Folder "wcs": for two inputs a 480x360 picture at the top left and a 160x120 one at the bottom
     * right; for three, two half-width cells in the top row (ids left, right) and one centred in the
     * bottom row (id bottom). Folder "broken": a size that is not one, on line 3.
     */
    private static void writeLayouts(Path root) throws Exception {
        Path wcs = Files.createDirectories(root.resolve("wcs"));
        Files.writeString(wcs.resolve("2_big-and-small.mix"), """
                <?xml version="1.0" encoding="utf-8"?>
                <body>
                  <video width="480" height="360" align="TOP_LEFT"/>
                  <video width="160" height="120" align="BOTTOM_RIGHT"/>
                </body>
                """);
        Files.writeString(wcs.resolve("3_rows.mix"), """
                <?xml version="1.0" encoding="utf-8"?>
                <body>
                  <row height="50%" align="TOP">
                    <video width="1col" align="INLINE_HORIZONTAL" id="left"/>
                    <video width="1col" align="INLINE_HORIZONTAL" id="right"/>
                  </row>
                  <row height="50%" align="BOTTOM">
                    <video width="50%" align="CENTER" id="bottom"/>
                  </row>
                </body>
                """);
        Path broken = Files.createDirectories(root.resolve("broken"));
        Files.writeString(broken.resolve("2_bad.mix"), "<body>\n  <video/>\n  <video width=\"huge\"/>\n</body>\n");
    }

    private static EstuaryProcess.Http post(String method, JsonObject body) throws Exception {
        return server.post(method, body);
    }

    private static void ok(String method, JsonObject body) throws Exception {
        EstuaryProcess.Http r = post(method, body);
        assertEquals(200, r.status(), method + " " + body + " -> " + r.body());
    }

    /** An audio-only RTMP publisher of an MP3 sine tone (FLV sound format 2). */
    private static Process publishMp3(String name, int hz) throws Exception {
        List<String> cmd = List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "sine=frequency=" + hz + ":sample_rate=44100",
                "-c:a", "libmp3lame", "-b:a", "64k", "-ar", "44100", "-ac", "1", "-f", "flv", server.rtmpUrl(name));
        return Ffmpeg.start(cmd, EstuaryProcess.logDir().resolve("mixer-inputs-pub-" + name + ".log"));
    }

    /** Waits until {@code name} is published with audio (audio-only streams have no width). */
    private static void awaitAudio(String name) throws Exception {
        Await.until(Duration.ofSeconds(20), name + " published with audio", () -> {
            EstuaryProcess.Http r = post("/stream/find", new JsonObject().put("name", name));
            return r.status() == 200 && r.array().getJsonObject(0).getBoolean("hasAudio");
        });
    }

    /** Pulls an RTSP camera of GStreamer's server into stream {@code name}. */
    private static void camera(String name, String audio, int hz) throws Exception {
        GstRtspServer c = GstRtspServer.start("mixer-" + name, "/" + name, "h264", audio, hz, "none", 0);
        cameras.add(c);
        ok("/rtsp/startup", new JsonObject().put("uri", c.url()).put("localStreamName", name));
        awaitAudio(name);
    }

    private static BufferedImage snapshot(String stream) throws Exception {
        EstuaryProcess.Http r = post("/stream/snapshot", new JsonObject().put("streamName", stream));
        assertEquals(200, r.status(), r.body());
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(r.json().getString("data"))));
    }

    private static boolean near(int px, int rgb) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((px >> shift) & 0xFF) - ((rgb >> shift) & 0xFF)) > 40) {
                return false;
            }
        }
        return true;
    }

    /**
     * Pixels brighter (luma) than any tile colour here: label text is white (luma 235), red is 76,
     * magenta 105. Luma, not RGB, because 4:2:0 chroma tints thin white strokes with the band's colour.
     */
    private static int brightPixels(BufferedImage img, int x0, int y0, int w, int h) {
        int n = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int p = img.getRGB(x, y);
                double luma = 0.299 * ((p >> 16) & 0xFF) + 0.587 * ((p >> 8) & 0xFF) + 0.114 * (p & 0xFF);
                if (luma > 170) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Mean volume (dB) in a 50 Hz band around each frequency, all from the same {@code seconds} of audio. */
    private static double[] bandLevels(String url, int seconds, int... hz) throws Exception {
        StringBuilder graph = new StringBuilder("[0:a]asplit=" + hz.length);
        for (int i = 0; i < hz.length; i++) {
            graph.append("[s").append(i).append(']');
        }
        List<String> cmd = new ArrayList<>(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-rw_timeout", "15000000",
                "-t", String.valueOf(seconds), "-i", url));   // an input limit: it ends every output
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < hz.length; i++) {
            String band = "bandpass=f=" + hz[i] + ":width_type=h:w=50";
            graph.append(";[s").append(i).append(']').append(band).append(',').append(band)
                    .append(",volumedetect[o").append(i).append(']');
            outputs.addAll(List.of("-map", "[o" + i + "]", "-f", "null", "-"));
        }
        cmd.addAll(List.of("-filter_complex", graph.toString()));
        cmd.addAll(outputs);
        Peers.Result r = Peers.run(seconds + 30L, cmd.toArray(String[]::new));
        // volumedetect of branch i is filter 3 + 3i of the graph (asplit, then bandpass, bandpass, volumedetect)
        double[] levels = new double[hz.length];
        for (int i = 0; i < hz.length; i++) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Parsed_volumedetect_" + (3 + 3 * i)
                    + " @ [^\\]]+\\] mean_volume: (-?[0-9.]+|-inf) dB").matcher(r.output());
            if (!m.find()) {
                throw new AssertionError("no level for " + hz[i] + " Hz: " + r.output());
            }
            levels[i] = m.group(1).equals("-inf") ? -200 : Double.parseDouble(m.group(1));
        }
        return levels;
    }

    private static JsonArray mixers() throws Exception {
        EstuaryProcess.Http r = post("/mixer/find_all", new JsonObject());
        return r.status() == 404 ? new JsonArray() : r.array();
    }

    private static JsonObject mixer(String uri) throws Exception {
        return mixers().stream().map(o -> (JsonObject) o).filter(m -> uri.equals(m.getString("uri"))).findFirst()
                .orElse(null);
    }

    @Test
    void everyAudioCodecIsHeardAndTilesShowLabelAndAvatar() throws Exception {
        publishers.add(MixerTest.publishTo(server, "aacpub", "color=c=red:size=320x240:rate=15", 300));
        publishers.add(publishMp3("mp3pub", 500));
        camera("pcmucam", "pcmu", 700);
        camera("opuscam", "opus", 1100);
        awaitAudio("aacpub");
        awaitAudio("mp3pub");

        JsonObject add = new JsonObject().put("uri", "mixer://mi1");
        ok("/mixer/startup", new JsonObject().put("uri", "mixer://mi1").put("localStreamName", "mixi")
                .put("mixerVideoWidth", 640).put("mixerVideoHeight", 480));
        try {
            ok("/mixer/add", add.copy().put("remoteStreamName", "aacpub").put("streamLabel", "Alice"));
            ok("/mixer/add", add.copy().put("remoteStreamName", "mp3pub").put("avatar", "avatar.png"));
            ok("/mixer/add", add.copy().put("remoteStreamName", "pcmucam"));
            ok("/mixer/add", add.copy().put("remoteStreamName", "opuscam"));
            // refused, and nothing running is disturbed
            assertEquals(400, post("/mixer/add", add.copy().put("remoteStreamName", "aacpub")
                    .put("streamLabel", "x".repeat(200))).status());
            assertEquals(409, post("/mixer/add", add.copy().put("remoteStreamName", "aacpub")
                    .put("avatar", "avatar.png")).status());
            publishers.add(MixerTest.publishTo(server, "spare", "color=c=green:size=320x240:rate=15", 1300));
            awaitAudio("spare");
            for (Map.Entry<String, Integer> bad : Map.of("../avatar.png", 400, "http://example.com/a.png", 400,
                    "missing.png", 404, "broken.png", 400).entrySet()) {
                EstuaryProcess.Http r = post("/mixer/add", add.copy().put("remoteStreamName", "spare")
                        .put("avatar", bad.getKey()));
                assertEquals(bad.getValue(), r.status(), bad.getKey() + " -> " + r.body());
                assertTrue(r.isJson(), r.body());
            }

            // every input decodes: find_all names each one's audio codec
            Await.until(Duration.ofSeconds(20), "every input's audio decoded", () -> {
                JsonObject m = mixer("mixer://mi1");
                List<String> codecs = new ArrayList<>();
                for (Object o : m.getJsonArray("inputs")) {
                    codecs.add(((JsonObject) o).getString("audioCodec"));
                }
                if (!codecs.equals(List.of("AAC", "MP3", "PCMU", "OPUS"))) {
                    throw new AssertionError("audio codecs " + codecs);
                }
                return true;
            });
            // the mixer's graph, node by node, each one passing media (the AAC encoder's first unit
            // leaves after its priming delay: wait for it)
            Await.until(Duration.ofSeconds(20), "every node of the graph passing media", () -> {
                JsonArray nodes = mixer("mixer://mi1").getJsonObject("stats").getJsonArray("pipeline");
                List<String> names = new ArrayList<>();
                for (Object o : nodes) {
                    JsonObject n = (JsonObject) o;
                    names.add(n.getString("name"));
                    if (n.getLong("framesOut") == 0) {
                        throw new AssertionError("node passes no media yet: " + nodes);
                    }
                }
                assertEquals(List.of("decode", "composite", "encodeVideo", "mix", "encodeAudio"), names);
                return true;
            });
            JsonObject alice = mixer("mixer://mi1").getJsonArray("inputs").getJsonObject(0);
            assertEquals("Alice", alice.getString("streamLabel"));

            RecordingSupport.awaitStream(server, "mixi");
            // 2x2 grid: aacpub (red, "Alice") | mp3pub (avatar) / pcmucam | opuscam
            Await.until(Duration.ofSeconds(20), "avatar and label drawn", () -> {
                BufferedImage img = snapshot("mixi");
                int avatarPx = img.getRGB(480, 120) & 0xFFFFFF;
                if (!near(avatarPx, MAGENTA)) {
                    throw new AssertionError("audio-only tile centre is " + Integer.toHexString(avatarPx));
                }
                int redPx = img.getRGB(160, 120) & 0xFFFFFF;
                if (!near(redPx, 0xFF0000)) {
                    throw new AssertionError("aacpub tile centre is " + Integer.toHexString(redPx));
                }
                // the label band along the bottom of the top-left tile (y < 240) holds white text
                int text = brightPixels(img, 0, 240 - 30, 120, 28);
                int top = brightPixels(img, 0, 10, 120, 28);
                if (text < 30 || top > 0) {
                    throw new AssertionError("white pixels: label band " + text + ", tile top " + top);
                }
                return true;
            });

            // every tone in the mix, each far above a band with no tone
            // (one read for all bands: a gap in the output under load then lowers every band alike)
            int[] bands = {300, 500, 700, 1100, 1700};
            double[] levels = bandLevels(server.rtmpUrl("mixi"), 4, bands);
            double quiet = levels[4];
            for (int i = 0; i < 4; i++) {
                assertTrue(levels[i] > quiet + 20, bands[i] + " Hz at " + levels[i] + " dB, no-tone band at " + quiet
                        + " dB; all " + java.util.Arrays.toString(levels));
            }
            // busy inputs keep the mixer alive well past the idle timeout
            assertNotNull(mixer("mixer://mi1"), "a mixer with live inputs is not idle");
        } finally {
            post("/mixer/terminate", new JsonObject().put("uri", "mixer://mi1"));
        }
    }

    /** A G.722 RTSP camera (static payload type 9, 16 kHz audio on an 8 kHz RTP clock) is decoded and heard. */
    @Test
    void g722CameraIsHeardInTheMix() throws Exception {
        camera("g722cam", "g722", 1500);
        JsonObject add = new JsonObject().put("uri", "mixer://mig");
        ok("/mixer/startup", new JsonObject().put("uri", "mixer://mig").put("localStreamName", "mixg"));
        try {
            ok("/mixer/add", add.copy().put("remoteStreamName", "g722cam"));
            Await.until(Duration.ofSeconds(20), "the G.722 input decoded", () -> {
                JsonObject in = mixer("mixer://mig").getJsonArray("inputs").getJsonObject(0);
                if (!"G722".equals(in.getString("audioCodec"))) {
                    throw new AssertionError("input " + in.encode());
                }
                return true;
            });
            RecordingSupport.awaitStream(server, "mixg");
            // 1500 Hz is above what an 8 kHz decode could carry at the right pitch (a 16 kHz stream decoded
            // as 8 kHz would put the tone at 750 Hz): the tone band far above both a quiet band and 750 Hz
            double[] levels = bandLevels(server.rtmpUrl("mixg"), 4, 1500, 750, 2500);
            assertTrue(levels[0] > levels[1] + 20 && levels[0] > levels[2] + 20,
                    "1500 Hz at " + levels[0] + " dB, 750 Hz at " + levels[1] + " dB, 2500 Hz at " + levels[2] + " dB");
        } finally {
            post("/mixer/terminate", new JsonObject().put("uri", "mixer://mig"));
        }
    }

    /** One picture of {@code stream} as a player decodes it (ffmpeg over RTMP), a second into playback. */
    private static BufferedImage played(String stream) throws Exception {
        Path png = Files.createTempFile(media, "frame", ".png");
        try {
            // frame 15 at 15 fps: past the key frame a player starts on, so a layout change is in it
            Peers.Result r = Peers.run(30, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error",
                    "-rw_timeout", "15000000", "-i", server.rtmpUrl(stream), "-vf", "select=gte(n\\,15)",
                    "-frames:v", "1", "-y", png.toString());
            assertEquals(0, r.exitCode(), r.output());
            return ImageIO.read(png.toFile());
        } finally {
            Files.deleteIfExists(png);
        }
    }

    /** Fails naming every sampled point whose colour is not the expected one. */
    private static void expectColours(BufferedImage img, int[][] points) {
        StringBuilder wrong = new StringBuilder();
        for (int[] p : points) {
            int px = img.getRGB(p[0], p[1]) & 0xFFFFFF;
            if (!near(px, p[2])) {
                wrong.append(String.format(" (%d,%d) is %06x, want %06x;", p[0], p[1], px, p[2]));
            }
        }
        if (!wrong.isEmpty()) {
            throw new AssertionError("layout:" + wrong);
        }
    }

    @Test
    void xmlLayoutFolderPlacesEachInputInItsRectangle() throws Exception {
        List<Process> colours = new ArrayList<>();   // stopped at the end: the other cases need no extra encoders
        for (String[] p : new String[][] {{"xred", "0xFF0000"}, {"xgreen", "0x00FF00"}, {"xblue", "0x0000FF"}}) {
            colours.add(MixerTest.publishTo(server, p[0], "color=c=" + p[1] + ":size=320x240:rate=15", 400));
        }
        try {
            xmlLayoutCase();
        } finally {
            for (Process p : colours) {
                Ffmpeg.stop(p);
            }
        }
    }

    private void xmlLayoutCase() throws Exception {
        int red = 0xFF0000;
        int green = 0x00FF00;
        int blue = 0x0000FF;
        int black = 0x000000;
        JsonObject start = new JsonObject().put("uri", "mixer://mx").put("localStreamName", "mixx");
        // folder names resolve inside mixer.layoutsDirectory only; a broken file is named with its line
        for (Map.Entry<String, Integer> bad : Map.of("../../etc", 400, "/etc", 400, layouts.getParent().toString(),
                400, "missing", 404, "broken", 400).entrySet()) {
            EstuaryProcess.Http r = post("/mixer/startup", start.copy().put("mixerLayoutDir", bad.getKey()));
            assertEquals(bad.getValue(), r.status(), bad.getKey() + " -> " + r.body());
            assertTrue(r.isJson(), r.body());
            assertNull(mixer("mixer://mx"), "refused startup made no mixer");
        }
        EstuaryProcess.Http broken = post("/mixer/startup", start.copy().put("mixerLayoutDir", "broken"));
        assertTrue(broken.body().contains("2_bad.mix:3") && broken.body().contains("huge"), broken.body());
        for (String name : new String[] {"xred", "xgreen", "xblue"}) {
            awaitAudio(name);   // before the mixer starts: it would stop after mixer.idleTimeoutMs with no input
        }
        // the WCS way, an absolute path, works when it is inside mixer.layoutsDirectory
        ok("/mixer/startup", start.copy().put("mixerLayoutDir", layouts.resolve("wcs").toString()));
        JsonObject add = new JsonObject().put("uri", "mixer://mx");
        try {
            assertEquals(layouts.resolve("wcs").toString(), mixer("mixer://mx").getString("mixerLayoutDir"));
            ok("/mixer/add", add.copy().put("remoteStreamName", "xred"));
            ok("/mixer/add", add.copy().put("remoteStreamName", "xgreen"));
            RecordingSupport.awaitStream(server, "mixx");
            // 2_big-and-small.mix: red fills 480x360 at the top left, green 160x120 at the bottom right
            Await.until(Duration.ofSeconds(30), "two inputs where 2_big-and-small.mix puts them", () -> {
                expectColours(played("mixx"), new int[][] {{16, 16, red}, {464, 344, red}, {240, 180, red},
                        {496, 376, green}, {624, 464, green}, {560, 420, green},
                        {560, 180, black}, {240, 420, black}, {496, 344, black}});
                return true;
            });
            // a position id the folder does not have is refused, and the mixer goes on
            EstuaryProcess.Http nowhere = post("/mixer/add", add.copy().put("remoteStreamName", "xblue")
                    .put("videoPositionId", "nowhere"));
            assertEquals(400, nowhere.status(), nowhere.body());
            assertTrue(nowhere.isJson() && nowhere.body().contains("nowhere"), nowhere.body());
            // blue asks for the "left" cell; the others fill the free cells in document order
            ok("/mixer/add", add.copy().put("remoteStreamName", "xblue").put("videoPositionId", "left"));
            Await.until(Duration.ofSeconds(30), "three inputs where 3_rows.mix and videoPositionId put them", () -> {
                expectColours(played("mixx"), new int[][] {{16, 16, blue}, {304, 224, blue}, {160, 120, blue},
                        {336, 16, red}, {624, 224, red}, {480, 120, red},
                        {176, 256, green}, {464, 464, green}, {320, 360, green},
                        {16, 360, black}, {624, 360, black}});
                return true;
            });
            JsonObject blueIn = mixer("mixer://mx").getJsonArray("inputs").getJsonObject(2);
            assertEquals("left", blueIn.getString("videoPositionId"), blueIn.encode());
            // back to the mixerLayoutClass layout
            ok("/mixer/set_parameter", new JsonObject().put("uri", "mixer://mx").put("mixerLayoutDir", ""));
            assertEquals("", mixer("mixer://mx").getString("mixerLayoutDir"));
        } finally {
            post("/mixer/terminate", new JsonObject().put("uri", "mixer://mx"));
        }
    }

    private static JsonObject health() throws Exception {
        EstuaryProcess.Http h = server.get("/health");
        assertEquals(200, h.status(), h.body());
        return h.json();
    }

    /** The server's thread dump (thread names are quoted at line starts). */
    private static String jstack() throws Exception {
        Peers.Result r = Peers.run(30, Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                String.valueOf(server.pid()));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("vert.x-eventloop-thread"), r.output());
        return r.output();
    }

    @Test
    void idleMixersStopAndFreeThemselves() throws Exception {
        Process leaver = MixerTest.publishTo(server, "leaver", "color=c=blue:size=320x240:rate=15", 800);
        try {
            awaitAudio("leaver");
            Thread.sleep(1000);
            JsonObject before = health();
            // one mixer never gets an input; the other loses its only source
            ok("/mixer/startup", new JsonObject().put("uri", "mixer://empty").put("localStreamName", "emptyout"));
            ok("/mixer/startup", new JsonObject().put("uri", "mixer://left").put("localStreamName", "leftout"));
            ok("/mixer/add", new JsonObject().put("uri", "mixer://left").put("remoteStreamName", "leaver"));
            RecordingSupport.awaitStream(server, "leftout");
            Await.until(Duration.ofSeconds(IDLE_MS / 1000 + 20), "input-less mixer stopped",
                    () -> mixer("mixer://empty") == null);
            assertNotNull(mixer("mixer://left"), "the mixer whose input is live keeps running");
            assertEquals(200, post("/stream/find", new JsonObject().put("name", "leftout")).status());
            Ffmpeg.stop(leaver);
            leaver = null;
            Await.until(Duration.ofSeconds(IDLE_MS / 1000 + 20), "mixer whose source left stopped",
                    () -> mixer("mixer://left") == null);
            for (String out : new String[] {"emptyout", "leftout"}) {
                Await.until(Duration.ofSeconds(10), out + " unpublished",
                        () -> post("/stream/find", new JsonObject().put("name", out)).status() == 404);
            }
            // freed: no mixer worker or decode thread left (a thread count would also see the vert.x
            // worker pool growing with each executeBlocking), native memory back to where it was
            Await.until(Duration.ofSeconds(15), "no mixer thread left", () -> {
                String threads = jstack();
                if (threads.contains("\"mixer-")) {
                    throw new AssertionError("mixer threads remain:\n" + threads);
                }
                return true;
            });
            JsonObject after = health();
            assertTrue(after.getLong("nativeBytes") <= before.getLong("nativeBytes") + 1_000_000,
                    "JavaCPP native bytes " + before + " -> " + after);
            assertEquals(404, post("/mixer/terminate", new JsonObject().put("uri", "mixer://empty")).status());
        } finally {
            if (leaver != null) {
                Ffmpeg.stop(leaver);
            }
            post("/mixer/terminate", new JsonObject().put("uri", "mixer://empty"));
            post("/mixer/terminate", new JsonObject().put("uri", "mixer://left"));
        }
    }
}
