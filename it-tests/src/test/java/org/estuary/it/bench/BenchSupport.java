package org.estuary.it.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;

/**
 * What the "Estuary versus a peer in the same run" benchmarks share: CPU windows over a set of
 * processes, the standard live publisher, waiting for a stream, and the docs/benchmarks.md section.
 */
final class BenchSupport {
    static final Path LOGS = EstuaryProcess.logDir().resolve("bench");

    private BenchSupport() { }

    /** The processes whose CPU is counted; evaluated at each sample (children may come and go). */
    interface Pids {
        List<Long> get() throws IOException;
    }

    /**
     * CPU seconds the processes used over {@code seconds} of wall time. A process that exits
     * during the window makes the read fail, which is what we want: the work was not done.
     */
    static ProcStats.Cpu window(Pids pids, int seconds) throws Exception {
        List<Long> at = pids.get();
        ProcStats.Cpu start = ProcStats.cpu(at);
        Thread.sleep(seconds * 1000L);
        return ProcStats.cpu(at).minus(start);
    }

    /** CPU ticks per thread name of one process, from /proc/PID/task/TID/stat (threads that exit are lost). */
    static java.util.Map<String, Long> threadTicks(long pid) throws IOException {
        java.util.Map<String, Long> ticks = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException gone) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return ticks;
    }

    /** The {@code n} threads that used most CPU between two {@link #threadTicks} samples, as "name ticks, ...". */
    static String topThreads(java.util.Map<String, Long> before, java.util.Map<String, Long> after, int n) {
        return after.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .map(e -> "`" + e.getKey() + "` " + e.getValue())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The pids of {@code processes} (e.g. one ffmpeg per relay). */
    static List<Long> pidsOf(List<Process> processes) {
        List<Long> pids = new ArrayList<>();
        for (Process p : processes) {
            if (!p.isAlive()) {
                throw new AssertionError("a peer process exited before the window; see " + LOGS);
            }
            pids.add(p.pid());
        }
        return pids;
    }

    /**
     * ~800 kbps live source: 640x360 25 fps H.264 700k (2 s GOP, no B-frames) + AAC 96k 48 kHz
     * stereo (1 kHz tone), real time, until stopped.
     */
    static Process publish(String url, Path log) throws IOException {
        return Ffmpeg.start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                "-b:v", "700k", "-maxrate", "700k", "-bufsize", "1400k", "-g", "50", "-keyint_min", "50",
                "-sc_threshold", "0", "-bf", "0",
                "-c:a", "aac", "-b:a", "96k", "-ar", "48000", "-ac", "2", "-f", "flv", url), log);
    }

    /** Waits until {@code name} is published with video and audio; returns its mediaSessionId. */
    static String awaitStream(EstuaryProcess server, String name) throws Exception {
        return awaitStream(server, name, 20_000);
    }

    /** As {@link #awaitStream(EstuaryProcess, String)}, waiting up to {@code timeoutMs}. */
    static String awaitStream(EstuaryProcess server, String name, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            EstuaryProcess.Http r = server.post("/stream/find", new JsonObject().put("name", name).encode());
            last = r.toString();
            if (r.status() == 200) {
                JsonObject s = new JsonArray(r.body()).getJsonObject(0);
                if (s.getInteger("width", 0) > 0 && Boolean.TRUE.equals(s.getBoolean("hasAudio"))) {
                    return s.getString("mediaSessionId");
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("stream " + name + " never appeared: " + last + "\n" + EstuaryProcess.tail(server.log()));
    }

    /** POSTs and insists on 200; returns the body as JSON (an array is wrapped as {@code {list: [...]}}). */
    static JsonObject call(EstuaryProcess server, String path, JsonObject body) throws Exception {
        EstuaryProcess.Http r = server.post(path, body.encode());
        if (r.status() != 200) {
            throw new AssertionError(path + " " + body + " -> " + r);
        }
        String b = r.body() == null ? "" : r.body().trim();
        if (b.isEmpty()) {
            return new JsonObject();
        }
        return b.startsWith("[") ? new JsonObject().put("list", new JsonArray(b)) : new JsonObject(b);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2]; // 1, 5 and 15 minute averages
        } catch (IOException e) {
            return "?";
        }
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String cpu(ProcStats.Cpu c) {
        return String.format(Locale.ROOT, "%.2f (%.2f + %.2f)", c.total(), c.user(), c.system());
    }

    /**
     * Appends {@code ### title run <time>} with the machine line, {@code body} (method, table,
     * caveats) to docs/benchmarks.md, or to {@code -Dbench.doc=path}; {@code -Dbench.doc=none} skips it.
     */
    static void appendDoc(String title, String body) throws IOException {
        String where = System.getProperty("bench.doc", Path.of("..", "docs", "benchmarks.md").toString());
        if ("none".equals(where)) {
            return;
        }
        Path doc = Path.of(where);
        String section = "\n### " + title + " run " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                + "\n\n" + machine() + ".\n\n" + body + "\n";
        if (!Files.exists(doc)) {
            Files.createDirectories(doc.toAbsolutePath().getParent());
            Files.writeString(doc, "# Benchmarks\n");
        }
        Files.writeString(doc, section, StandardOpenOption.APPEND);
        System.out.println("appended to " + doc.toAbsolutePath().normalize());
    }

    static String machine() {
        int cores = Runtime.getRuntime().availableProcessors();
        String model = "?";
        try {
            model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException ignored) {
            // not Linux: leave unknown
        }
        return "Estuary " + estuaryVersion() + ", " + cores + " cores (" + model + "), Java " + System.getProperty("java.version")
                + ", " + firstLine(Peers.ffmpeg(), "-version").replaceAll(" Copyright.*", "");
    }

    /** The commit the server jar was built from; "+ local changes" only for server sources, not docs or benchmarks. */
    private static String estuaryVersion() {
        try {
            String head = Peers.run(10, "git", "-C", "..", "rev-parse", "--short", "HEAD").output().trim();
            boolean dirty = !Peers.run(10, "git", "-C", "..", "status", "--porcelain", "--untracked-files=no",
                    "--", "core", "media", "cluster", "verticles", "pom.xml")
                    .output().isBlank();
            return "commit " + head + (dirty ? " + local changes" : "");
        } catch (IOException | InterruptedException e) {
            return "commit ?";
        }
    }

    static String firstLine(String program, String arg) {
        try {
            return Peers.run(10, program, arg).output().lines().findFirst().orElse("?").trim();
        } catch (IOException | InterruptedException e) {
            return program + " ?";
        }
    }
}
