package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.estuary.it.support.Await;
import org.estuary.it.support.AudioLevels;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /mixer/*: four solid-colour publishers, each with its own tone, mixed in a 640x480 grid at 15 fps.
 * The output is checked the way a viewer would: colours at the tile centres of a snapshot, the
 * tones in the output's audio (band levels), and how both follow setAudioVideo and remove.
 */
class MixerTest {
    private static final String[] COLOURS = {"red", "green", "blue", "yellow"};
    private static final int[] TONES = {300, 500, 700, 900};
    private static final int[][] RGB = {{255, 0, 0}, {0, 128, 0}, {0, 0, 255}, {255, 255, 0}};
    private static EstuaryProcess server;
    private static final List<Process> publishers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        server = EstuaryProcess.start("mixer", "mixer.videoWidth=640", "mixer.videoHeight=480", "mixer.videoFps=15",
                "mixer.videoBitrateKbps=600", "mixer.background=#000000");
        for (int i = 0; i < COLOURS.length; i++) {
            publishers.add(publish(COLOURS[i], "color=c=" + COLOURS[i] + ":size=320x240:rate=15", TONES[i]));
        }
        for (String c : COLOURS) {
            RecordingSupport.awaitStream(server, c);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : publishers) {
            Ffmpeg.stop(p);
        }
        if (server != null) {
            assertEquals(0, server.stop());
        }
    }

    static Process publish(String name, String video, int hz) throws Exception {
        return publishTo(server, name, video, hz);
    }

    /** A live H.264 + AAC publisher of an lavfi picture with a sine tone of {@code hz}. */
    static Process publishTo(EstuaryProcess server, String name, String video, int hz) throws Exception {
        List<String> cmd = List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", video, "-re", "-f", "lavfi", "-i", "sine=frequency=" + hz + ":sample_rate=48000",
                "-c:v", "libx264", "-profile:v", "baseline", "-preset", "ultrafast", "-tune", "zerolatency",
                "-pix_fmt", "yuv420p", "-g", "15", "-bf", "0", "-c:a", "aac", "-b:a", "64k", "-ar", "48000", "-ac", "2",
                "-f", "flv", server.rtmpUrl(name));
        return Ffmpeg.start(cmd, EstuaryProcess.logDir().resolve("mixer-pub-" + name.replace('#', '_') + ".log"));
    }

    private static EstuaryProcess.Http call(String method, JsonObject body) throws Exception {
        return server.post(method, body);
    }

    private static void ok(String method, JsonObject body) throws Exception {
        EstuaryProcess.Http r = call(method, body);
        assertEquals(200, r.status(), method + " " + body + " -> " + r.body());
    }

    private static BufferedImage snapshot(String stream) throws Exception {
        EstuaryProcess.Http r = call("/stream/snapshot", new JsonObject().put("streamName", stream));
        assertEquals(200, r.status(), r.body());
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(r.json().getString("data"))));
    }

    private static boolean near(BufferedImage img, int x, int y, int[] rgb) {
        int px = img.getRGB(x, y);
        return Math.abs(((px >> 16) & 0xFF) - rgb[0]) <= 40 && Math.abs(((px >> 8) & 0xFF) - rgb[1]) <= 40
                && Math.abs((px & 0xFF) - rgb[2]) <= 40;
    }

    /** Waits until the output's picture shows each colour at its point (the encoder needs a GOP to catch up). */
    private static void awaitPicture(String stream, int[][] points, int[][] colours) throws Exception {
        Await.until(Duration.ofSeconds(15), "mixer picture " + stream, () -> {
            BufferedImage img = snapshot(stream);
            assertEquals(640, img.getWidth());
            assertEquals(480, img.getHeight());
            StringBuilder wrong = new StringBuilder();
            for (int i = 0; i < points.length; i++) {
                if (!near(img, points[i][0], points[i][1], colours[i])) {
                    wrong.append(" (").append(points[i][0]).append(',').append(points[i][1]).append(")=")
                            .append(Integer.toHexString(img.getRGB(points[i][0], points[i][1]) & 0xFFFFFF));
                }
            }
            if (wrong.length() > 0) {
                throw new AssertionError("wrong colours:" + wrong);
            }
            return true;
        });
    }

    @Test
    void gridOfFourColoursAndTones() throws Exception {
        JsonObject startup = new JsonObject().put("uri", "mixer://m1").put("localStreamName", "mix1")
                .put("hasVideo", true).put("hasAudio", "true").put("mixerLayoutClass", "com.flashphoner.mixerlayout.TestLayout")
                .put("mixerVideoWidth", 640).put("mixerVideoHeight", 480).put("mixerVideoFps", 15);
        ok("/mixer/startup", startup);
        try {
            assertEquals(409, call("/mixer/startup", startup).status(), "same uri twice");
            assertEquals(400, call("/mixer/startup", new JsonObject().put("uri", "http://x")).status());
            assertEquals(404, call("/mixer/add", new JsonObject().put("uri", "mixer://m1").put("remoteStreamName", "nobody")).status());
            assertEquals(404, call("/mixer/add", new JsonObject().put("uri", "mixer://none").put("remoteStreamName", "red")).status());
            for (String c : COLOURS) {
                ok("/mixer/add", new JsonObject().put("uri", "mixer://m1").put("remoteStreamName", c));
            }
            assertEquals(409, call("/mixer/add", new JsonObject().put("uri", "mixer://m1").put("remoteStreamName", "red")).status());
            RecordingSupport.awaitStream(server, "mix1");

            // 2x2 grid: red, green / blue, yellow
            int[][] centres = {{160, 120}, {480, 120}, {160, 360}, {480, 360}};
            awaitPicture("mix1", centres, RGB);

            JsonArray all = call("/mixer/find_all", new JsonObject()).array();
            JsonObject m1 = all.getJsonObject(0);
            assertEquals("mixer://m1", m1.getString("uri"));
            assertEquals("mix1", m1.getString("localStreamName"));
            assertEquals(640, m1.getInteger("mixerVideoWidth"));
            assertEquals(4, m1.getJsonArray("mediaSessions").size());
            assertEquals(4, m1.getJsonArray("inputs").size());
            JsonObject first = m1.getJsonArray("inputs").getJsonObject(0);
            assertEquals("red", first.getString("streamName"));
            // WCS's shape: mediaSessions holds the inputs' ids, in the inputs' order
            assertEquals(first.getString("mediaSessionId"), m1.getJsonArray("mediaSessions").getString(0));

            // every tone is in the output; a band with no tone is far quieter
            String url = server.rtmpUrl("mix1");
            double quiet = AudioLevels.bandVolume(url, 3, 1500);
            for (int hz : TONES) {
                double level = AudioLevels.bandVolume(url, 3, hz);
                assertTrue(level > quiet + 20, hz + " Hz at " + level + " dB, no-tone band at " + quiet + " dB");
            }

            // green's level to 0: its tone is gone, the others stay
            ok("/mixer/setAudioVideo", new JsonObject().put("uri", "mixer://m1").put("streams", new JsonArray().add("green"))
                    .put("audioLevel", 0));
            // a new reader first gets the cached GOP (up to a second of older output): let it pass
            Thread.sleep(1500);
            double green = AudioLevels.bandVolume(url, 3, 500);
            double red = AudioLevels.bandVolume(url, 3, 300);
            assertTrue(green < red - 20, "muted 500 Hz at " + green + " dB vs 300 Hz at " + red + " dB");

            // blue's video muted (regex selector): its tile shows the background
            ok("/mixer/setAudioVideo", new JsonObject().put("uri", "mixer://m1").put("streams", "^bl.e$").put("videoMuted", true));
            awaitPicture("mix1", centres, new int[][] {RGB[0], RGB[1], {0, 0, 0}, RGB[3]});
            assertEquals(404, call("/mixer/setAudioVideo", new JsonObject().put("uri", "mixer://m1")
                    .put("streams", "nomatch").put("videoMuted", true)).status());
            ok("/mixer/setAudioVideo", new JsonObject().put("uri", "mixer://m1").put("streams", "blue").put("videoMuted", false));

            // yellow leaves: the grid re-flows, blue's tile is centred on the second row
            ok("/mixer/remove", new JsonObject().put("uri", "mixer://m1").put("remoteStreamName", "yellow"));
            assertEquals(404, call("/mixer/remove", new JsonObject().put("uri", "mixer://m1").put("remoteStreamName", "yellow")).status());
            awaitPicture("mix1", new int[][] {{160, 120}, {480, 120}, {320, 360}, {60, 360}, {580, 360}},
                    new int[][] {RGB[0], RGB[1], RGB[2], {0, 0, 0}, {0, 0, 0}});
        } finally {
            EstuaryProcess.Http t = call("/mixer/terminate", new JsonObject().put("uri", "mixer://m1"));
            assertEquals(200, t.status(), t.body());
        }
        Await.until(Duration.ofSeconds(10), "mixer output gone",
                () -> call("/stream/find", new JsonObject().put("name", "mix1")).status() == 404);
        assertEquals(404, call("/mixer/find_all", new JsonObject()).status());
        assertEquals(404, call("/mixer/terminate", new JsonObject().put("uri", "mixer://m1")).status());
    }

    /** Largest gap between consecutive packet times of one track ("video"/"audio"), and how many. */
    private static double[] gaps(String csv, String type) {
        double last = Double.NaN;
        double max = 0;
        int n = 0;
        for (String line : csv.split("\n")) {
            String[] f = line.trim().split(",");
            if (f.length < 2 || !f[0].equals(type) || f[1].equals("N/A")) {
                continue;
            }
            double t = Double.parseDouble(f[1]);
            if (!Double.isNaN(last)) {
                max = Math.max(max, t - last);
            }
            last = t;
            n++;
        }
        return new double[] {max, n};
    }

    @Test
    void outputStaysSteadyWhenAnInputStallsAndComesBack() throws Exception {
        Process purple = publish("purple", "color=c=purple:size=320x240:rate=15", 1100);
        try {
            RecordingSupport.awaitStream(server, "purple");
            ok("/mixer/startup", new JsonObject().put("uri", "mixer://m2").put("localStreamName", "mix2"));
            ok("/mixer/add", new JsonObject().put("uri", "mixer://m2").put("remoteStreamName", "red"));
            ok("/mixer/add", new JsonObject().put("uri", "mixer://m2").put("remoteStreamName", "purple"));
            RecordingSupport.awaitStream(server, "mix2");
            int[][] pts = {{160, 240}, {480, 240}};
            awaitPicture("mix2", pts, new int[][] {RGB[0], {128, 0, 128}});

            // read 6 s of the output while purple's publisher goes away after 2 s
            var probe = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return Peers.run(40, Peers.ffprobe(), "-v", "error", "-rw_timeout", "15000000", "-read_intervals", "%+6",
                            "-show_entries", "packet=codec_type,pts_time", "-of", "csv=p=0", server.rtmpUrl("mix2")).output();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(2000);
            Ffmpeg.stop(purple);
            String csv = probe.get();
            double[] v = gaps(csv, "video");
            double[] a = gaps(csv, "audio");
            assertTrue(v[1] >= 6 * 15 * 0.85, "video packets in 6 s: " + v[1]);
            assertTrue(v[0] < 0.15, "largest video gap " + v[0] + " s");
            assertTrue(a[1] >= 6 * 46 * 0.85, "audio packets in 6 s: " + a[1]);
            assertTrue(a[0] < 0.05, "largest audio gap " + a[0] + " s");

            // the stalled tile held its last picture, then shows the background; the input stays
            awaitPicture("mix2", pts, new int[][] {RGB[0], {0, 0, 0}});
            assertEquals(2, call("/mixer/find_all", new JsonObject()).array().getJsonObject(0)
                    .getJsonArray("mediaSessions").size());
            // purple comes back under the same name: its tile fills again
            purple = publish("purple", "color=c=purple:size=320x240:rate=15", 1100);
            awaitPicture("mix2", pts, new int[][] {RGB[0], {128, 0, 128}});
        } finally {
            Ffmpeg.stop(purple);
            call("/mixer/terminate", new JsonObject().put("uri", "mixer://m2"));
        }
    }

    /** Times (s) where a printed metadata value crosses {@code threshold} upwards. */
    private static List<Double> risingEdges(java.nio.file.Path file, String key, double threshold) throws Exception {
        List<Double> edges = new ArrayList<>();
        double time = Double.NaN;
        boolean high = true;   // an edge needs a low value first (the capture may start mid-flash)
        for (String line : java.nio.file.Files.readAllLines(file)) {
            if (line.startsWith("frame:")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("pts_time:([0-9.]+)").matcher(line);
                time = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
            } else if (line.startsWith(key + "=")) {
                String v = line.substring(key.length() + 1).trim();
                double value = v.equals("-inf") ? -1000 : Double.parseDouble(v);
                if (value > threshold && !high && !Double.isNaN(time)) {
                    edges.add(time);
                }
                high = value > threshold;
            }
        }
        return edges;
    }

    @Test
    void audioAndVideoStayInSync() throws Exception {
        // every 2 s: half a second of white picture and, at the same instants, of a 1 kHz beep
        String video = "color=c=black:size=320x240:rate=30,drawbox=x=0:y=0:w=320:h=240:color=white:t=fill"
                + ":enable='lt(mod(t\\,2)\\,0.5)'";
        List<String> cmd = List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", video, "-re", "-f", "lavfi", "-i",
                "aevalsrc=exprs='if(lt(mod(t\\,2)\\,0.5)\\,0.5*sin(2*PI*1000*t)\\,0)':s=48000",
                "-c:v", "libx264", "-profile:v", "baseline", "-preset", "ultrafast", "-tune", "zerolatency",
                "-pix_fmt", "yuv420p", "-g", "30", "-bf", "0", "-c:a", "aac", "-b:a", "64k", "-ar", "48000", "-ac", "2",
                "-f", "flv", server.rtmpUrl("flash"));
        Process flash = Ffmpeg.start(cmd, EstuaryProcess.logDir().resolve("mixer-pub-flash.log"));
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mixer-sync");
        try {
            RecordingSupport.awaitStream(server, "flash");
            ok("/mixer/startup", new JsonObject().put("uri", "mixer://m3").put("localStreamName", "mix3").put("mixerVideoFps", 30));
            ok("/mixer/add", new JsonObject().put("uri", "mixer://m3").put("remoteStreamName", "flash"));
            RecordingSupport.awaitStream(server, "mix3");
            Thread.sleep(2000);
            java.nio.file.Path v = dir.resolve("v.txt");
            java.nio.file.Path a = dir.resolve("a.txt");
            Peers.Result r = Peers.run(60, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-rw_timeout", "15000000",
                    "-i", server.rtmpUrl("mix3"), "-t", "9",
                    "-vf", "crop=16:16:312:232,signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=" + v,
                    "-af", "astats=metadata=1:reset=1,ametadata=print:key=lavfi.astats.Overall.RMS_level:file=" + a,
                    "-f", "null", "-");
            List<Double> flashes = risingEdges(v, "lavfi.signalstats.YAVG", 128);
            List<Double> beeps = risingEdges(a, "lavfi.astats.Overall.RMS_level", -30);
            System.out.println("A/V sync: flashes " + flashes + " beeps " + beeps);
            assertTrue(flashes.size() >= 3, "flashes " + flashes + " beeps " + beeps + " " + r.output());
            for (double f : flashes) {
                double nearest = beeps.stream().min(java.util.Comparator.comparingDouble(b -> Math.abs(b - f)))
                        .orElseThrow(() -> new AssertionError("no beeps; flashes " + flashes));
                assertTrue(Math.abs(nearest - f) <= 0.1, "flash at " + f + " s, beep at " + nearest
                        + " s: flashes " + flashes + " beeps " + beeps);
            }
        } finally {
            Ffmpeg.stop(flash);
            call("/mixer/terminate", new JsonObject().put("uri", "mixer://m3"));
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
