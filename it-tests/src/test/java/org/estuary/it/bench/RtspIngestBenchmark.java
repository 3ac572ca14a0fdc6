package org.estuary.it.bench;

import static org.junit.jupiter.api.Assertions.*;

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
import org.estuary.it.support.GstRtspServer;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * RTSP ingest cost (issue 4): N Estuary RTSP agents (RTP over TCP) against one GStreamer RTSP
 * server, then N {@code ffmpeg -rtsp_transport tcp -i URL -c copy -f null -} against the same
 * server, in the same run. Prints and appends to {@code docs/benchmarks.md} the CPU seconds each
 * side used in the window and their ratio (Estuary's idle cost measured first and reported apart).
 *
 * <p>{@code mvn -B -pl it-tests -am verify -Pbenchmark -Dtest=RtspIngestBenchmark
 * [-Dbench.rtspAgents=30] [-Dbench.seconds=20] [-Dbench.doc=path|none]}
 */
@Tag("benchmark")
class RtspIngestBenchmark {
    private static final long WARMUP_MS = 10_000;

    @Test
    void estuaryAgentsVersusFfmpegCopy() throws Exception {
        int n = Integer.getInteger("bench.rtspAgents", 30);
        int seconds = Integer.getInteger("bench.seconds", 20);
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        Result estuary;
        Result ffmpeg;
        double idle;
        try (GstRtspServer gst = GstRtspServer.start("bench", "/cam", "aac", "none");
             EstuaryProcess server = EstuaryProcess.startAsUsersRunIt("rtsp-bench")) {
            long gstPid = gstPid(gst);
            Thread.sleep(3_000);
            idle = measure(List.of(server.pid()), seconds).total();

            for (int i = 0; i < n; i++) {
                EstuaryProcess.Http r = server.post("/rtsp/startup", new JsonObject()
                        .put("uri", gst.url() + "?agent=" + i).put("localStreamName", "bench" + i).encode());
                assertEquals(200, r.status(), r.toString());
            }
            long deadline = System.currentTimeMillis() + 60_000;
            int playing = 0;
            while (System.currentTimeMillis() < deadline && (playing = playing(server)) < n) {
                Thread.sleep(500);
            }
            assertEquals(n, playing, "every agent plays");
            Thread.sleep(WARMUP_MS);
            long framesBefore = videoFrames(server);
            ProcStats.Cpu gstBefore = ProcStats.cpu(List.of(gstPid));
            ProcStats.Cpu cpu = measure(List.of(server.pid()), seconds);
            double gstCpu = ProcStats.cpu(List.of(gstPid)).minus(gstBefore).total();
            long frames = videoFrames(server) - framesBefore;
            estuary = new Result(cpu, gstCpu, playing(server), frames);
            for (int i = 0; i < n; i++) {
                server.post("/rtsp/terminate", new JsonObject().put("uri", gst.url() + "?agent=" + i).encode());
            }

            List<Process> procs = new ArrayList<>();
            Path logs = EstuaryProcess.logDir().resolve("bench");
            Files.createDirectories(logs);
            try {
                for (int i = 0; i < n; i++) {
                    procs.add(Ffmpeg.start(List.of(Peers.ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "warning",
                            "-rtsp_transport", "tcp", "-i", gst.url() + "?ffmpeg=" + i, "-c", "copy", "-f", "null", "-"),
                            logs.resolve("rtsp-ffmpeg-" + i + ".log")));
                }
                Thread.sleep(WARMUP_MS);
                List<Long> pids = procs.stream().filter(Process::isAlive).map(Process::pid).toList();
                ProcStats.Cpu g0 = ProcStats.cpu(List.of(gstPid));
                ProcStats.Cpu c = measure(pids, seconds);
                ffmpeg = new Result(c, ProcStats.cpu(List.of(gstPid)).minus(g0).total(),
                        (int) procs.stream().filter(Process::isAlive).count(), -1);
            } finally {
                for (Process p : procs) {
                    Ffmpeg.stop(p);
                }
            }
        }
        String table = String.format(Locale.ROOT, """
                | N = %d, %d s window | CPU s | CPU s per stream-minute | GStreamer server CPU s | alive |
                |---|---|---|---|---|
                | Estuary RTSP agents (TCP) | %.2f (user %.2f, sys %.2f) | %.3f | %.2f | %d/%d, %d video frames ingested |
                | ffmpeg -c copy -f null (TCP) | %.2f (user %.2f, sys %.2f) | %.3f | %.2f | %d/%d |
                | Estuary idle (before agents) | %.2f | | | |

                Ratio Estuary / ffmpeg: **%.2f** (%.2f counting only what Estuary spends above idle).
                """, n, seconds,
                estuary.cpu.total(), estuary.cpu.user(), estuary.cpu.system(), perStreamMinute(estuary, n, seconds),
                estuary.serverCpu, estuary.alive, n, estuary.frames,
                ffmpeg.cpu.total(), ffmpeg.cpu.user(), ffmpeg.cpu.system(), perStreamMinute(ffmpeg, n, seconds),
                ffmpeg.serverCpu, ffmpeg.alive, n,
                idle,
                estuary.cpu.total() / ffmpeg.cpu.total(), (estuary.cpu.total() - idle) / ffmpeg.cpu.total());
        System.out.println(table);
        writeDoc(table, load);
        assertTrue(ffmpeg.alive == n, "every ffmpeg kept running");
    }

    private record Result(ProcStats.Cpu cpu, double serverCpu, int alive, long frames) { }

    private static double perStreamMinute(Result r, int n, int seconds) {
        return r.cpu.total() / n / (seconds / 60.0);
    }

    private static ProcStats.Cpu measure(List<Long> pids, int seconds) throws Exception {
        ProcStats.Cpu before = ProcStats.cpu(pids);
        Thread.sleep(seconds * 1000L);
        return ProcStats.cpu(pids).minus(before);
    }

    private static int playing(EstuaryProcess server) throws Exception {
        EstuaryProcess.Http r = server.post("/rtsp/find", new JsonObject().put("status", "PLAYING").encode());
        return r.status() == 200 ? r.array().size() : 0;
    }

    /** Video frames published by every stream so far (from /stream/find_all). */
    private static long videoFrames(EstuaryProcess server) throws Exception {
        EstuaryProcess.Http r = server.post("/stream/find_all", "{}");
        if (r.status() != 200) {
            return 0;
        }
        long sum = 0;
        for (Object o : new JsonArray(r.body())) {
            JsonObject stats = ((JsonObject) o).getJsonObject("stats", new JsonObject());
            sum += stats.getLong("videoFrames", 0L);
        }
        return sum;
    }

    private static long gstPid(GstRtspServer gst) {
        return gst.pid();
    }

    private static void writeDoc(String table, String load) throws IOException {
        String where = System.getProperty("bench.doc", Path.of("..", "docs", "benchmarks.md").toString());
        if ("none".equals(where)) {
            return;
        }
        Path doc = Path.of(where);
        String section = "\n### RTSP ingest run " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                + "\n\n" + Runtime.getRuntime().availableProcessors() + " cores, load average before the run: " + load
                + ".\n\n" + table;
        if (!Files.exists(doc)) {
            Files.createDirectories(doc.toAbsolutePath().getParent());
            Files.writeString(doc, "# Benchmarks\n");
        }
        Files.writeString(doc, section, StandardOpenOption.APPEND);
        System.out.println("appended to " + doc.toAbsolutePath().normalize());
    }
}
