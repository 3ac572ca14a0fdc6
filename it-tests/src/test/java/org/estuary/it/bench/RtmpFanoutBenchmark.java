package org.estuary.it.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.NginxRtmp;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * RTMP fan-out: one ~600 kbps publisher, N players from {@link RtmpLoadClient} (its own JVM), run
 * against Estuary as users run it (conf/jvm.options, default settings) and nginx-rtmp ({@code worker_processes 1} by default, see {@link #NGINX_WORKERS}) in the
 * same run. Prints CPU seconds per GB delivered, players served without drops and memory per
 * player with the ratios Estuary / nginx-rtmp, and appends them to {@code docs/benchmarks.md}.
 *
 * <p>{@code mvn -B -pl it-tests -am verify -Pbenchmark [-Dbench.players=100,500,1000]
 * [-Dbench.seconds=20] [-Dbench.rounds=1] [-Dbench.sets=rtmp.writeCoalesceMs=0] [-Dbench.doc=path|none]}
 */
@Tag("benchmark")
class RtmpFanoutBenchmark {
    private static final String STREAM = "bench";
    private static final int FPS = 25;
    private static final int CHUNK_SIZE = 4096; // Estuary's default; nginx gets the same
    private static final int WARMUP_PLAYERS = 500;
    // 30 s by default (10 before): 10 s left the JIT compiling inside the window, which weighs most
    // at 100 players where the window's CPU is small (C2 0.6-1.8 s per 20 s window in profiles)
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmupSeconds", 30);
    /**
     * nginx-rtmp workers. 1 by default: with more, a live stream stays in its publisher's worker
     * and rtmp_auto_push is meant to relay it to the others, but with the Debian build here
     * (nginx 1.22.1, libnginx-mod-rtmp) the other worker never accepts the relay, so its players
     * hang without media (upstream arut/nginx-rtmp-module#1719, #849). -Dbench.nginxWorkers=2 to see it.
     */
    private static final int NGINX_WORKERS = Integer.getInteger("bench.nginxWorkers", 1);
    private static final Path LOGS = EstuaryProcess.logDir().resolve("bench");

    @Test
    void fanoutCostEstuaryVersusNginxRtmp() throws Exception {
        Peers.ffmpeg();
        Peers.require("nginx", "nginx libnginx-mod-rtmp");
        int[] sizes = Arrays.stream(System.getProperty("bench.players", "100,500,1000,2000").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.getInteger("bench.seconds", 20);
        int rounds = Integer.getInteger("bench.rounds", 1);
        Files.createDirectories(LOGS);
        String load = loadAverage();
        List<FanoutRun[]> pairs = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (int n : sizes) {
                // taking turns: the server that went first in one round goes second in the next
                FanoutRun e = round % 2 == 0 ? runEstuary(n, seconds) : null;
                FanoutRun g = runNginx(n, seconds);
                if (e == null) {
                    e = runEstuary(n, seconds);
                }
                pairs.add(new FanoutRun[] {e, g});
                System.out.println(row(e, seconds) + "\n" + row(g, seconds));
            }
        }
        String table = table(pairs, seconds);
        System.out.println("\nRTMP fan-out, " + seconds + " s window\n" + table);
        writeDoc(table, seconds, load);
        for (FanoutRun[] p : pairs) {
            for (FanoutRun r : p) {
                assertTrue(r.bytes() > 0 && r.summary().getInteger("playing") > 0,
                        "no player received anything from " + r.server() + " (N=" + r.players() + "): " + r.summary());
            }
        }
    }

    private FanoutRun runEstuary(int n, int seconds) throws Exception {
        try (EstuaryProcess server = EstuaryProcess.startAsUsersRunIt("bench-estuary-" + n, estuarySets())) {
            return measure("estuary", n, seconds, server.rtmpUrl(STREAM), () -> List.of(server.pid()));
        }
    }

    private FanoutRun runNginx(int n, int seconds) throws Exception {
        try (NginxRtmp server = NginxRtmp.start(NGINX_WORKERS, CHUNK_SIZE)) {
            return measure("nginx-rtmp", n, seconds, server.rtmpUrl(STREAM), server::pids);
        }
    }

    private interface Pids {
        List<Long> get() throws IOException;
    }

    private FanoutRun measure(String name, int n, int seconds, String url, Pids pids) throws Exception {
        Process publisher = publish(url, LOGS.resolve(name + "-" + n + "-ffmpeg.log"));
        try {
            Thread.sleep(3000);
            assertTrue(publisher.isAlive(), "publisher died, see " + LOGS);
            // before the warm-up: afterwards the server's pools and heap already hold what its
            // players needed, and nginx's RSS then hardly grows for the measured N
            long rssIdle = ProcStats.rssKb(pids.get());
            // Warm-up, not measured: a fresh JVM pays for class loading and JIT compilation on its
            // first connections; a long-running server does not. nginx goes through the same step.
            int warm = Math.min(n, WARMUP_PLAYERS);
            JsonObject w = runClient(name + "-" + n + "-warmup", url, warm, WARMUP_SECONDS, null);
            assertTrue(w.getInteger("playing") > 0, name + ": no warm-up player got the stream: " + w);
            Thread.sleep(2000); // let the server close the warm-up connections
            ProcStats.Cpu[] cpu = new ProcStats.Cpu[2];
            long[] rss = new long[1];
            JsonObject summary = runClient(name + "-" + n, url, n, seconds, (mark) -> {
                if (mark.equals("BENCH_WINDOW_START")) {
                    cpu[0] = ProcStats.cpu(pids.get());
                } else {
                    cpu[1] = ProcStats.cpu(pids.get());
                    rss[0] = ProcStats.rssKb(pids.get());
                }
            });
            return new FanoutRun(name, n, cpu[1].minus(cpu[0]), summary.getDouble("clientCpuSeconds", -1.0), rssIdle, rss[0],
                    summary);
        } finally {
            Ffmpeg.stop(publisher);
        }
    }

    interface WindowMark {
        void at(String mark) throws IOException;
    }

    /** Runs the load client to its end; {@code marks} (may be null) sees the window start/end lines. */
    static JsonObject runClient(String label, String url, int n, int seconds, WindowMark marks) throws Exception {
        Process client = startClient(url, n, seconds);
        Path clientLog = LOGS.resolve(label + "-client.log");
        JsonObject summary = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
             var log = Files.newBufferedWriter(clientLog)) {
            for (String line; (line = r.readLine()) != null; ) {
                log.write(line);
                log.newLine();
                if (marks != null && (line.equals("BENCH_WINDOW_START") || line.equals("BENCH_WINDOW_END"))) {
                    marks.at(line);
                } else if (line.startsWith("BENCH_SUMMARY ")) {
                    summary = new JsonObject(line.substring("BENCH_SUMMARY ".length()));
                }
            }
        } finally {
            if (!client.waitFor(30, TimeUnit.SECONDS)) {
                client.destroyForcibly();
            }
        }
        if (summary == null) {
            throw new AssertionError("load client gave no summary, see " + clientLog);
        }
        return summary;
    }

    /** ~600 kbps: 640x360 25 fps H.264 500k + AAC 64k, 2 s GOP, real time. */
    static Process publish(String url, Path log) throws IOException {
        return Ffmpeg.start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=" + FPS,
                "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                "-b:v", "500k", "-maxrate", "500k", "-bufsize", "1000k", "-g", String.valueOf(2 * FPS), "-bf", "0",
                "-c:a", "aac", "-b:a", "64k", "-ar", "48000", "-ac", "2", "-f", "flv", url), log);
    }

    private static Process startClient(String url, int n, int seconds) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx1g", "-cp", clientClassPath(),
                RtmpLoadClient.class.getName(), url, "--players", String.valueOf(n), "--seconds", String.valueOf(seconds),
                "--fps", String.valueOf(FPS), "--rate", "200", "--settle", "2");
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static String clientClasspath;

    /**
     * The test class path with every jar copied to a private directory once: ~/.m2 is shared, and
     * a concurrent {@code mvn install} replacing a SNAPSHOT jar under a running client makes it
     * fail with NoClassDefFoundError.
     */
    private static synchronized String clientClassPath() throws IOException {
        if (clientClasspath == null) {
            Path dir = Files.createTempDirectory("bench-client-cp");
            List<String> entries = new ArrayList<>();
            int i = 0;
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(e);
                if (Files.isRegularFile(p) && e.endsWith(".jar")) {
                    Path copy = dir.resolve((i++) + "-" + p.getFileName());
                    Files.copy(p, copy);
                    entries.add(copy.toString());
                } else {
                    entries.add(e);
                }
            }
            clientClasspath = String.join(File.pathSeparator, entries);
        }
        return clientClasspath;
    }

    /** Extra server settings for a run, e.g. {@code -Dbench.sets=rtmp.writeCoalesceMs=0} (comma list). */
    private static String[] estuarySets() {
        String sets = System.getProperty("bench.sets", "").trim();
        return sets.isEmpty() ? new String[0] : sets.split(",");
    }

    /**
     * Players per core: N players took {@code cpu} seconds of CPU in a window of {@code seconds},
     * so one core (one CPU second per second) would serve N * seconds / cpu such players. This
     * extrapolates linearly from the measured size (issue 14 target 3's stated method).
     */
    private static double playersPerCore(FanoutRun r, int seconds) {
        return r.cpu().total() <= 0 ? 0 : r.players() * (double) seconds / r.cpu().total();
    }

    private static String row(FanoutRun r, int seconds) {
        JsonObject s = r.summary();
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %.3f | %.2f (%.2f + %.2f) | %.1f | %.0f | %.0f | %.0f | %.1f | %d | %.1f |",
                r.server(), r.players(), r.full(), s.getInteger("playing"), r.gigabytes(), r.cpu().total(),
                r.cpu().user(), r.cpu().system(),
                r.cpuSecondsPerGb(), playersPerCore(r, seconds), r.rssLoadedKb() / 1024.0,
                (r.rssLoadedKb() - r.rssIdleKb()) / 1024.0, r.kbPerPlayer(), s.getLong("firstFrameMsP50"),
                r.clientCpuSeconds());
    }

    private static String table(List<FanoutRun[]> pairs, int seconds) {
        StringBuilder t = new StringBuilder();
        t.append("| server | N | full | playing | GB | CPU s (user + sys) | CPU s/GB | players/core | RSS MB | RSS over idle MB | KiB/player | 1st frame p50 ms | client CPU s |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (FanoutRun[] p : pairs) {
            t.append(row(p[0], seconds)).append('\n').append(row(p[1], seconds)).append('\n');
        }
        t.append("\n| N | CPU s/GB Estuary/nginx | full players Estuary/nginx | memory/player Estuary/nginx |\n");
        t.append("|---|---|---|---|\n");
        for (FanoutRun[] p : pairs) {
            // nginx's RSS may not grow measurably for small N: no ratio then
            String mem = p[1].kbPerPlayer() <= 0 ? "n/a (nginx +0 KiB)"
                    : String.format(Locale.ROOT, "%.1f", p[0].kbPerPlayer() / p[1].kbPerPlayer());
            t.append(String.format(Locale.ROOT, "| %d | %.2f | %d/%d | %s |%n", p[0].players(),
                    p[0].cpuSecondsPerGb() / p[1].cpuSecondsPerGb(), p[0].full(), p[1].full(), mem));
        }
        return t.toString();
    }

    private static void writeDoc(String table, int seconds, String load) throws IOException {
        String where = System.getProperty("bench.doc", Path.of("..", "docs", "benchmarks.md").toString());
        if ("none".equals(where)) {
            return;
        }
        Path doc = Path.of(where);
        String section = "\n### RTMP fan-out run " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                + "\n\n" + machine() + ", load average before the run: " + load + ", window " + seconds + " s after a " + WARMUP_SECONDS + " s warm-up round of up to " + WARMUP_PLAYERS + " players.\n"
                + "Estuary as users run it: JVM flags of scripts/run.sh (" + String.join(" ", EstuaryProcess.runShJvmOptions())
                + "), default configuration" + (estuarySets().length == 0 ? "" : " except " + String.join(", ", estuarySets()))
                + " (listeners on loopback ports).\n\n"
                + table;
        if (!Files.exists(doc)) {
            Files.createDirectories(doc.toAbsolutePath().getParent());
            Files.writeString(doc, "# Benchmarks\n");
        }
        Files.writeString(doc, section, StandardOpenOption.APPEND);
        System.out.println("appended to " + doc.toAbsolutePath().normalize());
    }

    private static String machine() {
        int cores = Runtime.getRuntime().availableProcessors();
        String model = "?";
        try {
            model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException ignored) {
            // not Linux: leave unknown
        }
        String nginx = firstLine(Peers.require("nginx", "nginx"), "-v");
        String ffmpeg = firstLine(Peers.ffmpeg(), "-version");
        return "Estuary " + estuaryVersion() + ", " + cores + " cores (" + model + "), Java " + System.getProperty("java.version") + ", " + nginx + ", "
                + ffmpeg.replaceAll(" Copyright.*", "");
    }

    /** The commit the server jar was built from (as far as the work tree tells), for the record. */
    private static String estuaryVersion() {
        try {
            String head = Peers.run(10, "git", "-C", "..", "rev-parse", "--short", "HEAD").output().trim();
            boolean dirty = !Peers.run(10, "git", "-C", "..", "status", "--porcelain", "--untracked-files=no")
                    .output().isBlank();
            return "commit " + head + (dirty ? " + local changes" : "");
        } catch (IOException | InterruptedException e) {
            return "commit ?";
        }
    }

    private static String firstLine(String program, String arg) {
        try {
            return Peers.run(10, program, arg).output().lines().findFirst().orElse("?").trim();
        } catch (IOException | InterruptedException e) {
            return program + " ?";
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
