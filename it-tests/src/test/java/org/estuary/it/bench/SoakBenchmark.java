package org.estuary.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.GstRtspServer;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Soak (issue 15 item 6): one server under a mixed steady load for a long time, sampled every
 * {@code soak.sampleSeconds}: RSS, heap after a full GC, native memory outside the heap (NMT:
 * direct buffers, thread stacks, internal), threads and file descriptors. The load: an ffmpeg
 * publisher, {@code soak.players} RTMP players ({@link RtmpLoadClient} in its own JVM, restarted
 * every 10 minutes at most: the client's bound), {@code soak.hlsViewers} HLS viewers, a recording
 * rotating every minute, a transcoder, and an RTSP agent (GStreamer camera) terminated and started
 * again every minute. Target: RSS grows less than 5 % from the end of the first sixth of the run
 * (10 minutes of an hour) to its end; judged only for runs of 30 minutes or more.
 *
 * <p>{@code mvn -B -pl it-tests -am verify -Pbenchmark -Dtest=SoakBenchmark [-Dsoak.minutes=60]
 * [-Dsoak.players=500] [-Dsoak.hlsViewers=50] [-Dsoak.sampleSeconds=60] [-Dbench.doc=path|none]}.
 * A small check that it runs: {@code -Dsoak.minutes=1 -Dsoak.players=20 -Dsoak.hlsViewers=2
 * -Dsoak.sampleSeconds=15 -Dbench.doc=none}.
 */
@Tag("benchmark")
class SoakBenchmark {
    private static final Pattern NMT = Pattern.compile(
            "-\\s+(Thread|Other|Internal) \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    @Test
    void memoryThreadsAndDescriptorsStayFlatUnderMixedLoad() throws Exception {
        int minutes = Integer.getInteger("soak.minutes", 60);
        int players = Integer.getInteger("soak.players", 500);
        int viewers = Integer.getInteger("soak.hlsViewers", 50);
        int sampleSeconds = Integer.getInteger("soak.sampleSeconds", 60);
        Path logs = BenchSupport.LOGS.resolve("soak");
        Files.createDirectories(logs);
        Path records = Files.createTempDirectory("estuary-soak-records");
        int hlsPort = org.estuary.it.support.Ports.free();
        String load = BenchSupport.loadAverage();
        List<Sample> samples = new ArrayList<>();
        try {
            soak(samples, minutes, players, viewers, sampleSeconds, logs, records, hlsPort);
        } finally {
            if (samples.size() > 1) { // the figures are worth keeping even when a load client failed
                String report = report(samples, minutes, players, viewers, load, BenchSupport.loadAverage());
                System.out.println(report);
                BenchSupport.appendDoc("Soak", report);
            }
        }
        if (minutes >= 30) {
            Sample settled = samples.get(samples.size() / 6);
            Sample last = samples.get(samples.size() - 1);
            assertTrue(last.rssKb() < settled.rssKb() * 1.05, "RSS grew 5 % or more after the first sixth: " + settled
                    + " -> " + last);
        }
    }

    private static void soak(List<Sample> samples, int minutes, int players, int viewers, int sampleSeconds, Path logs,
                             Path records, int hlsPort) throws Exception {
        try (EstuaryProcess server = EstuaryProcess.startWithJvmArgs("soak", usersJvmFlagsWithNmt(),
                "records.directory=" + records, "hls.port=" + hlsPort, "rtmp.instances=2");
             GstRtspServer camera = GstRtspServer.start("soak-camera", "/cam", "aac", "none")) {
            Process publisher = RtmpFanoutBenchmark.publish(server.rtmpUrl("soak"), logs.resolve("publisher.log"));
            AtomicReference<Throwable> clientFailure = new AtomicReference<>();
            Thread rtmpPlayers = null;
            try (HlsLoadClient hls = new HlsLoadClient("http://127.0.0.1:" + hlsPort + "/soak/soak.m3u8", viewers, 2000)) {
                // ffmpeg's encoder starts slowly on a busy machine; the soak is judged from minute 10 anyway
                String id = BenchSupport.awaitStream(server, "soak", 120_000);
                call(server, "/stream/startRecording", new JsonObject().put("mediaSessionId", id)
                        .put("config", new JsonObject().put("rotation", "60")));
                call(server, "/transcoder/startup", new JsonObject().put("uri", "transcoder://soak").put("remoteStreamName", "soak")
                        .put("localStreamName", "soak-small").put("encoder", new JsonObject().put("width", 320).put("height", 180)));
                long endNanos = System.nanoTime() + minutes * 60_000_000_000L;
                rtmpPlayers = new Thread(() -> {
                    try {
                        while (System.nanoTime() < endNanos) {
                            long left = Math.max(1, (endNanos - System.nanoTime()) / 1_000_000_000L);
                            JsonObject s = RtmpFanoutBenchmark.runClient("soak-players", server.rtmpUrl("soak"), players,
                                    (int) Math.min(600, left), null);
                            System.out.println("SOAK players " + s);
                            // "playing" also asks for the full frame rate, which a loaded machine's
                            // publisher does not always reach; the soak needs players that get media
                            if (s.getInteger("playing", 0) == 0 && s.getLong("videoMessages", 0L) == 0) {
                                throw new AssertionError("no RTMP player got the stream: " + s);
                            }
                        }
                    } catch (Throwable t) {
                        clientFailure.set(t);
                    }
                }, "soak-rtmp-players");
                rtmpPlayers.start();
                long nextRtsp = 0;
                long nextSample = 0;
                int rtspRestarts = 0;
                long started = System.nanoTime();
                while (System.nanoTime() < endNanos) {
                    long now = System.nanoTime() - started;
                    if (now >= nextRtsp) { // every minute: the RTSP agent goes and comes back
                        if (nextRtsp > 0) {
                            call(server, "/rtsp/terminate", new JsonObject().put("uri", camera.url()));
                            rtspRestarts++;
                        }
                        call(server, "/rtsp/startup", new JsonObject().put("uri", camera.url()).put("localStreamName", "soak-cam"));
                        nextRtsp += 60_000_000_000L;
                    }
                    if (now >= nextSample) {
                        Sample s = Sample.of(server, now / 1_000_000_000L);
                        samples.add(s);
                        System.out.println("SOAK " + s + " hlsSegments=" + hls.segments() + " hlsErrors=" + hls.errors()
                                + " rtspRestarts=" + rtspRestarts + " load=" + BenchSupport.loadAverage());
                        Files.writeString(logs.resolve("samples.txt"), "SOAK " + s + " load=" + BenchSupport.loadAverage() + "\n",
                                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                        nextSample += sampleSeconds * 1_000_000_000L;
                    }
                    Thread.sleep(1000);
                }
                samples.add(Sample.of(server, (System.nanoTime() - started) / 1_000_000_000L));
                assertTrue(hls.segments() > 0, "HLS viewers got segments");
                assertTrue(publisher.isAlive(), "the publisher stayed connected");
            } finally {
                Ffmpeg.stop(publisher);
                if (rtmpPlayers != null) {
                    rtmpPlayers.join(120_000);
                }
            }
            if (clientFailure.get() != null) {
                throw new AssertionError("RTMP players failed", clientFailure.get());
            }
            assertEquals(200, server.get("/health").status());
        }
    }

    /** The JVM flags users run with ({@code conf/jvm.options}, as {@code scripts/run.sh}), plus NMT for the native figures. */
    private static List<String> jvmFlags() {
        try {
            return usersJvmFlagsWithNmt();
        } catch (java.io.IOException e) {
            return List.of("(conf/jvm.options unreadable: " + e.getMessage() + ")");
        }
    }

    private static List<String> usersJvmFlagsWithNmt() throws java.io.IOException {
        List<String> flags = new java.util.ArrayList<>(EstuaryProcess.runShJvmOptions());
        flags.add("-XX:NativeMemoryTracking=summary");
        return flags;
    }

    private static void call(EstuaryProcess server, String path, JsonObject body) throws Exception {
        EstuaryProcess.Http r = server.post(path, body);
        assertEquals(200, r.status(), path + " " + r.body());
    }

    private static String report(List<Sample> samples, int minutes, int players, int viewers, String load, String loadEnd) {
        StringBuilder sb = new StringBuilder("Soak: " + minutes + " min, " + players + " RTMP players, " + viewers
                + " HLS viewers, a recording rotating every minute, a transcoder, an RTSP agent restarted every minute;"
                + " JVM flags " + String.join(" ", jvmFlags()) + ", " + Runtime.getRuntime().availableProcessors() + " cores;"
                + " under load (load average " + load + " at start, " + loadEnd + " at the end).\n\n"
                + "| s | RSS MiB | heap after GC MiB | direct MiB (JDK + Netty) | native (NMT thread+other+internal) MiB"
                + " | threads | fds |\n|---|---|---|---|---|---|---|\n");
        for (Sample s : samples) {
            sb.append("| ").append(s.atSeconds()).append(" | ").append(mib(s.rssKb())).append(" | ").append(mib(s.heapKb()))
                    .append(" | ").append(mib(s.directKb())).append(" | ").append(mib(s.nativeKb())).append(" | ")
                    .append(s.threads()).append(" | ").append(s.fds()).append(" |\n");
        }
        if (samples.size() > 6) {
            Sample settled = samples.get(samples.size() / 6);
            Sample last = samples.get(samples.size() - 1);
            sb.append("\nGrowth from ").append(settled.atSeconds()).append(" s (the end of the first sixth) to ")
                    .append(last.atSeconds()).append(" s: RSS ").append(growth(settled.rssKb(), last.rssKb()))
                    .append(", heap after GC ").append(growth(settled.heapKb(), last.heapKb()))
                    .append(", direct ").append(growth(settled.directKb(), last.directKb()))
                    .append(", native ").append(growth(settled.nativeKb(), last.nativeKb()))
                    .append(", threads ").append(settled.threads()).append(" → ").append(last.threads())
                    .append(", fds ").append(settled.fds()).append(" → ").append(last.fds()).append(".\n");
        }
        return sb.toString();
    }

    private static String mib(long kb) {
        return String.format(java.util.Locale.ROOT, "%.1f", kb / 1024.0);
    }

    private static String growth(long fromKb, long toKb) {
        return mib(fromKb) + " → " + mib(toKb) + " MiB" + (fromKb > 0
                ? String.format(java.util.Locale.ROOT, " (%+.1f %%)", 100.0 * (toKb - fromKb) / fromKb) : "");
    }

    /** One sample of the server process. */
    private record Sample(long atSeconds, long rssKb, long heapKb, long directKb, long nativeKb, long threads, long fds) {
        static Sample of(EstuaryProcess server, long atSeconds) throws Exception {
            long pid = server.pid();
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Peers.run(60, jcmd, String.valueOf(pid), "GC.run");
            String nmt = Peers.run(60, jcmd, String.valueOf(pid), "VM.native_memory", "summary").output();
            long other = 0;
            Matcher m = NMT.matcher(nmt);
            while (m.find()) {
                other += Long.parseLong(m.group(2));
            }
            List<String> metrics = server.get("/metrics").body().lines().toList();
            long heap = gauge(metrics, "estuary_jvm_heap_used_bytes") / 1024;
            long direct = (gauge(metrics, "estuary_jvm_direct_buffer_bytes")
                    + Math.max(0, gauge(metrics, "estuary_netty_direct_bytes"))) / 1024;
            long rss = ProcStats.rssKb(List.of(pid));
            try (var t = Files.list(Path.of("/proc", String.valueOf(pid), "task"));
                 var f = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
                return new Sample(atSeconds, rss, heap, direct, other, t.count(), f.count());
            }
        }

        private static long gauge(List<String> metrics, String name) {
            return metrics.stream().filter(l -> l.startsWith(name + " "))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim()))
                    .findFirst().orElse(-1);
        }
    }
}
