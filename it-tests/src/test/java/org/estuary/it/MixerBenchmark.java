package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Mixer 4 x 720p30 → 720p30 (grid, libopenh264 2 Mbit/s, AAC 48 kHz stereo): CPU seconds of the
 * whole Estuary process (RTMP ingest of the four sources, decode, scale, compose, audio mix,
 * encode) vs the bundled ffmpeg 7.1.1 CLI doing the same with xstack + amix and the same encoder,
 * both in real time over the same window, same run; plus the mixer's real-time factor (share of
 * wall time its worker was busy) and the frames it delivered. Appends to docs/benchmarks.md
 * ("Mixer"). Run with {@code mvn -B -pl it-tests -am verify -Pbenchmark -Dtest=MixerBenchmark}.
 */
@Tag("benchmark")
class MixerBenchmark {
    private static final int WARMUP_S = Integer.getInteger("bench.warmup", 8);
    private static final int WINDOW_S = Integer.getInteger("bench.seconds", 20);
    private static final long TICKS = 100;   // USER_HZ on Linux
    /** Issue 14 target 6: at most 0.8 x the CLI's CPU (issue 6 had asked for 1.2; rows before 2026-12-03 judge that). */
    private static final double TARGET = 0.8;
    private static final Pattern SPEED = Pattern.compile("speed=\\s*([0-9.]+)x");

    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS;
    }

    @Test
    void mixFour720pSourcesCpuVsFfmpegXstackAmix() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        Path dir = Files.createTempDirectory("estuary-mixer-bench");
        Path src = dir.resolve("src720p30.flv");
        try {
            Peers.Result made = Peers.run(180, Peers.ffmpeg(), "-hide_banner", "-v", "error",
                    "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                    "-t", "10", "-c:v", "libx264", "-profile:v", "baseline", "-preset", "veryfast", "-g", "60", "-bf", "0",
                    "-pix_fmt", "yuv420p", "-b:v", "2500k", "-c:a", "aac", "-b:a", "96k", "-ac", "2", src.toString());
            assertEquals(0, made.exitCode(), made.output());

            double estuaryCpu;
            JsonObject statsBefore;
            JsonObject statsAfter;
            try (EstuaryProcess server = EstuaryProcess.startAsUsersRunIt("mixer-bench", "mixer.videoWidth=1280",
                    "mixer.videoHeight=720", "mixer.videoFps=30", "mixer.videoBitrateKbps=2000")) {
                List<Process> pubs = new ArrayList<>();
                try {
                    for (int i = 1; i <= 4; i++) {
                        pubs.add(Ffmpeg.start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-re",
                                "-stream_loop", "-1", "-i", src.toString(), "-c", "copy", "-f", "flv", server.rtmpUrl("s" + i)),
                                EstuaryProcess.logDir().resolve("mixer-bench-pub" + i + ".log")));
                    }
                    for (int i = 1; i <= 4; i++) {
                        RecordingSupport.awaitStream(server, "s" + i);
                    }
                    assertEquals(200, server.post("/mixer/startup", new JsonObject().put("uri", "mixer://bench")
                            .put("localStreamName", "benchmix")).status());
                    for (int i = 1; i <= 4; i++) {
                        assertEquals(200, server.post("/mixer/add", new JsonObject().put("uri", "mixer://bench")
                                .put("remoteStreamName", "s" + i)).status());
                    }
                    Thread.sleep(WARMUP_S * 1000L);
                    statsBefore = stats(server);
                    double before = cpuSeconds(server.pid());
                    Thread.sleep(WINDOW_S * 1000L);
                    estuaryCpu = cpuSeconds(server.pid()) - before;
                    statsAfter = stats(server);
                } finally {
                    for (Process p : pubs) {
                        Ffmpeg.stop(p);
                    }
                }
            }

            String cli = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
            List<String> cmd = new ArrayList<>(List.of(cli, "-hide_banner", "-nostdin", "-v", "error", "-stats"));
            for (int i = 0; i < 4; i++) {
                cmd.addAll(List.of("-re", "-stream_loop", "-1", "-i", src.toString()));
            }
            // the same picture as the grid layout: 2x2 tiles of 632x356 (4 px padding) on 1280x720
            cmd.addAll(List.of("-filter_complex",
                    "[0:v]scale=624:352:flags=bicubic[a];[1:v]scale=624:352:flags=bicubic[b];"
                            + "[2:v]scale=624:352:flags=bicubic[c];[3:v]scale=624:352:flags=bicubic[d];"
                            + "[a][b][c][d]xstack=inputs=4:layout=0_0|w0_0|0_h0|w0_h0:fill=black,pad=1280:720:16:8,fps=30[v];"
                            + "[0:a][1:a][2:a][3:a]amix=inputs=4,aresample=48000[aout]",
                    "-map", "[v]", "-map", "[aout]", "-c:v", "libopenh264", "-b:v", "2000k", "-g", "30",
                    "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-f", "null", "-"));
            Path cliLog = EstuaryProcess.logDir().resolve("mixer-bench-cli.log");
            Process ff = Ffmpeg.start(TranscodeBenchmark.cliArgs(cmd), cliLog);
            double cliCpu;
            try {
                Thread.sleep(WARMUP_S * 1000L);
                double before = cpuSeconds(ff.pid());
                Thread.sleep(WINDOW_S * 1000L);
                cliCpu = cpuSeconds(ff.pid()) - before;
            } finally {
                Ffmpeg.stop(ff);
            }
            double cliSpeed = lastSpeed(Files.readString(cliLog));

            long frames = statsAfter.getLong("videoFramesOut") - statsBefore.getLong("videoFramesOut");
            long skipped = statsAfter.getLong("skippedVideoFrames") - statsBefore.getLong("skippedVideoFrames");
            double busy = (statsAfter.getLong("busyMs") - statsBefore.getLong("busyMs"))
                    / (double) (statsAfter.getLong("uptimeMs") - statsBefore.getLong("uptimeMs"));
            double ratio = estuaryCpu / cliCpu;
            String row = String.format(Locale.ROOT, "| %s | 4 × 720p30 → 720p30, libopenh264 2 Mbit/s + AAC, %d s | %.2f | %.2f | **%.2f** | %s | %.2f | %d / %d (%d skipped) | %.2f |%n",
                    LocalDate.now(), WINDOW_S, estuaryCpu, cliCpu, ratio, ratio <= TARGET ? "met" : "missed", busy,
                    frames, WINDOW_S * 30, skipped, cliSpeed);
            appendRow(row);
            System.out.println("Mixer benchmark: " + row);
            assertTrue(frames > 0, "the mixer produced pictures");
        } finally {
            Files.deleteIfExists(src);
            Files.deleteIfExists(dir);
        }
    }

    private static JsonObject stats(EstuaryProcess server) throws Exception {
        return server.post("/mixer/find_all", "{}").array().getJsonObject(0).getJsonObject("stats");
    }

    private static double lastSpeed(String log) {
        Matcher m = SPEED.matcher(log);
        double speed = Double.NaN;
        while (m.find()) {
            speed = Double.parseDouble(m.group(1));
        }
        return speed;
    }

    /** Appends under the "Mixer" section of docs/benchmarks.md, creating file/section if needed. */
    private static synchronized void appendRow(String row) throws IOException {
        Path doc = Path.of(System.getProperty("estuary.jar", "../verticles/target/estuary.jar"))
                .getParent().getParent().getParent().resolve("docs/benchmarks.md");
        String header = """

                ## Mixer

                Mixer 4 × 720p30 → 720p30 (issue 6): four RTMP publishers loop the same 10 s 720p30 H.264 +
                AAC file (`-c copy`, real time); the mixer decodes them, scales each into its grid tile,
                composes, mixes the audio and encodes libopenh264 2 Mbit/s + AAC 128 kbit/s at 30 fps.
                Against it, the bundled ffmpeg 7.1.1 CLI reads the same file four times in real time and runs
                `scale` ×4 + `xstack` + `pad` and `amix` with the same encoders to `-f null`. CPU = utime +
                stime of the whole process over the same window (Estuary includes RTMP ingest and the hub).
                Target: ratio ≤ 1.2. "busy" is the mixer worker's real-time factor (share of wall time not
                waiting for its clock; ≥ 1 would mean it cannot keep up); "frames" = pictures delivered in
                the window / expected; "CLI speed" = ffmpeg's last reported speed (1.00 = real time).
                Rows are appended by `MixerBenchmark` (`-Pbenchmark -Dtest=MixerBenchmark`).

                | date | case | Estuary CPU s | ffmpeg CLI CPU s | ratio | target | busy | frames | CLI speed |
                |---|---|---|---|---|---|---|---|---|
                """;
        String text = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n";
        int at = text.indexOf("\n## Mixer");
        if (at < 0) {
            text = text + (text.endsWith("\n") ? "" : "\n") + header + row;
        } else {
            int next = text.indexOf("\n## ", at + 5);
            int insert = next < 0 ? text.length() : next + 1;
            String before = text.substring(0, insert);
            text = before + (before.endsWith("\n") ? "" : "\n") + row + text.substring(insert);
        }
        Files.writeString(doc, text, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
