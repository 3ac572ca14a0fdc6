package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 4 benchmark "TS ingest at 20 Mbit/s: CPU and packets dropped". A pre-encoded 1080p TS
 * padded to a 20 Mbit/s mux rate is sent for {@link #SECONDS} s into a UDP session (a paced Java
 * sender, so the number of datagrams sent is exact) and into an SRT session (ffmpeg as caller),
 * with one RTMP player copying the stream. Prints Estuary's CPU seconds per second of input
 * (from /proc/pid/stat), datagrams lost, continuity errors, and the player's frame rate.
 * Run with {@code mvn -B -o -pl it-tests -am verify -Pbenchmark -Dtest=MpegTsIngestBenchmark}.
 */
@Tag("benchmark")
class MpegTsIngestBenchmark {
    private static final int SECONDS = 30;
    private static final int WARMUP = 8;
    private static final int BITRATE = 20_000_000;
    private static final int DATAGRAM = 1316;
    private static final double FPS = 25;
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux
    private static EstuaryProcess server;
    private static Path ts;

    @BeforeAll
    static void start() throws Exception {
        ts = makeTs();
        int from = 20000 + (Ports.free() % 20000);
        server = EstuaryProcess.startAsUsersRunIt("mpegts-bench", "media.portFrom=" + from, "media.portTo=" + (from + 10));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    /** 10 s of 1920x1080 H.264 (about 18 Mbit/s) + AAC, muxed at a constant 20 Mbit/s; made once. */
    private static Path makeTs() throws Exception {
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        Path file = dir.resolve("ts-1080p-20mbit.ts");
        if (Files.exists(file) && Files.size(file) > 20_000_000) {
            return file;
        }
        Peers.Result r = Peers.run(600, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
                "-t", "10", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-bf", "0", "-b:v", "18M", "-minrate", "18M",
                "-maxrate", "18M", "-bufsize", "9M", "-x264-params", "nal-hrd=cbr", "-c:a", "aac", "-b:a", "128k",
                "-f", "mpegts", "-muxrate", String.valueOf(BITRATE), file.toString());
        assertTrue(Files.exists(file) && Files.size(file) > 20_000_000, "benchmark TS made: " + r);
        return file;
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime (fields 14, 15)
    }

    /** Sends the file in a loop, 1316-byte datagrams paced at the mux rate, counting them in {@code sentCount}. */
    private static void sendUdp(int port, int seconds, AtomicLong sentCount) throws IOException, InterruptedException {
        byte[] data = Files.readAllBytes(ts);
        int packets = data.length / DATAGRAM;
        double perSecond = BITRATE / 8.0 / DATAGRAM;
        long sent = 0;
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(new InetSocketAddress("127.0.0.1", port));
            long t0 = System.nanoTime();
            long end = t0 + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                long due = (long) ((System.nanoTime() - t0) / 1e9 * perSecond);
                while (sent < due) {
                    int i = (int) (sent % packets);
                    ch.write(ByteBuffer.wrap(data, i * DATAGRAM, DATAGRAM));
                    sent++;
                }
                sentCount.set(sent);
                Thread.sleep(1);
            }
        }
    }

    /** CPU ticks per thread name group of the server (e.g. "vert.x-eventloop-thread"), busiest first. */
    private static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[-#]?\\d+$", "");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return out;
    }

    private static String busiest(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new HashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d.entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(6).map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("-");
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    /** An RTMP player copying (not decoding) the stream; its -progress file tells how many frames it got. */
    private static Process player(String name, Path progress) throws IOException {
        return Ffmpeg.start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error",
                "-progress", progress.toString(), "-rw_timeout", "15000000", "-i", server.rtmpUrl(name),
                "-c", "copy", "-f", "null", "-"), EstuaryProcess.logDir().resolve("bench-player-" + name + ".log"));
    }

    private static long playerFrames(Path progress) throws IOException {
        Matcher m = Pattern.compile("frame=(\\d+)").matcher(Files.exists(progress) ? Files.readString(progress) : "");
        long last = 0;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    private static JsonObject session(String name) throws Exception {
        return new JsonArray(server.post("/mpegts/find", new JsonObject().put("localStreamName", name).encode()).body())
                .getJsonObject(0);
    }

    private static long videoFrames(String name) throws Exception {
        EstuaryProcess.Http r = server.post("/stream/find", new JsonObject().put("name", name).encode());
        return r.status() == 200 ? new JsonArray(r.body()).getJsonObject(0).getJsonObject("stats").getLong("videoFrames") : -1;
    }

    @Test
    void udpIngestAt20Mbit() throws Exception {
        JsonObject s = new JsonObject(server.post("/mpegts/startup",
                new JsonObject().put("localStreamName", "bench-udp").put("transport", "udp").encode()).body());
        int port = Integer.parseInt(s.getString("uri").replaceAll(".*:", ""));
        Path progress = Path.of("target", "bench", "player-udp.progress");
        Files.deleteIfExists(progress);
        AtomicLong sent = new AtomicLong();
        Thread sender = new Thread(() -> {
            try {
                sendUdp(port, WARMUP + SECONDS, sent);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        sender.start();
        Thread.sleep(3000);
        Process play = player("bench-udp", progress);
        Thread.sleep((WARMUP - 3) * 1000L); // first keyframe, JIT
        long cpu0 = cpuTicks(server.pid());
        Map<String, Long> threads0 = threadTicks(server.pid());
        long frames0 = videoFrames("bench-udp");
        long received0 = session("bench-udp").getJsonObject("stats").getLong("datagrams");
        long played0 = playerFrames(progress);
        long t0 = System.nanoTime();
        sender.join();
        double wall = (System.nanoTime() - t0) / 1e9;
        long cpu = cpuTicks(server.pid()) - cpu0;
        String threads = busiest(threads0, threadTicks(server.pid()));
        long published = videoFrames("bench-udp") - frames0;
        long played = playerFrames(progress) - played0;
        Thread.sleep(1000); // datagrams still queued in the socket
        JsonObject stats = session("bench-udp").getJsonObject("stats");
        Ffmpeg.stop(play);
        // loss over the whole run: both counters are exact there (window snapshots are taken ms apart)
        report("UDP", wall, cpu, sent.get(), stats.getLong("datagrams"), stats, published, played);
        System.out.printf("in the measured window: %d datagrams received (%.1f Mbit/s)%n", stats.getLong("datagrams") - received0,
                (stats.getLong("datagrams") - received0) * DATAGRAM * 8 / wall / 1e6);
        System.out.println("busiest server threads (ticks): " + threads + "; load average " + loadAverage());
        server.post("/mpegts/terminate", new JsonObject().put("localStreamName", "bench-udp").encode());
        assertTrue(published > wall * FPS * 0.5, "video frames published: " + published);
    }

    @Test
    void srtIngestAt20Mbit() throws Exception {
        JsonObject s = new JsonObject(server.post("/mpegts/startup",
                new JsonObject().put("localStreamName", "bench-srt").put("transport", "srt").encode()).body());
        Path progress = Path.of("target", "bench", "player-srt.progress");
        Files.deleteIfExists(progress);
        Process enc = Ffmpeg.start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-stream_loop", "-1", "-i", ts.toString(), "-c", "copy", "-f", "mpegts", "-muxrate", String.valueOf(BITRATE),
                s.getString("uri") + "?mode=caller&transtype=live&latency=120000"), EstuaryProcess.logDir().resolve("bench-srt-enc.log"));
        try {
            Thread.sleep(3000);
            Process play = player("bench-srt", progress);
            Thread.sleep((WARMUP - 3) * 1000L);
            long cpu0 = cpuTicks(server.pid());
            Map<String, Long> threads0 = threadTicks(server.pid());
            long frames0 = videoFrames("bench-srt");
            JsonObject stats0 = session("bench-srt").getJsonObject("stats");
            long played0 = playerFrames(progress);
            long t0 = System.nanoTime();
            Thread.sleep(SECONDS * 1000L);
            double wall = (System.nanoTime() - t0) / 1e9;
            long cpu = cpuTicks(server.pid()) - cpu0;
            String threads = busiest(threads0, threadTicks(server.pid()));
            long published = videoFrames("bench-srt") - frames0;
            JsonObject stats = session("bench-srt").getJsonObject("stats");
            long played = playerFrames(progress) - played0;
            Ffmpeg.stop(play);
            long bytes0 = stats0.getLong("bytes");
            System.out.printf("SRT input rate: %.1f Mbit/s%n", (stats.getLong("bytes") - bytes0) * 8 / wall / 1e6);
            report("SRT", wall, cpu, -1, stats.getLong("datagrams") - stats0.getLong("datagrams"), stats, published, played);
            System.out.println("busiest server threads (ticks): " + threads + "; load average " + loadAverage());
            assertTrue(published > wall * FPS * 0.8, "video frames published: " + published);
        } finally {
            Ffmpeg.stop(enc);
            server.post("/mpegts/terminate", new JsonObject().put("localStreamName", "bench-srt").encode());
        }
    }

    private static void report(String transport, double wall, long cpuTicks, long sent, long received, JsonObject stats,
                               long published, long played) {
        System.out.printf("%n=== MPEG-TS ingest benchmark, %s, 20 Mbit/s, %.1f s ===%n", transport, wall);
        System.out.printf("Estuary CPU: %.3f CPU-s per s of input (%d ticks)%n", cpuTicks / (double) CLOCK_TICKS / wall, cpuTicks);
        if (sent >= 0) {
            System.out.printf("whole run: datagrams sent %d, received %d, lost %d (%.3f%%)%n", sent, received, sent - received,
                    100.0 * (sent - received) / sent);
        } else {
            System.out.printf("SRT messages received %d, dropped in Estuary's queue %d%n", received, stats.getLong("droppedBlocks"));
        }
        System.out.printf("session totals: continuity errors %d, sync losses %d (each file loop adds one per PID)%n",
                stats.getLong("continuityErrors"), stats.getLong("syncLosses"));
        System.out.printf("video frames published %d (%.1f fps), RTMP player (copy) got %d frames (%.1f fps, source %.0f fps)%n",
                published, published / wall, played, played / wall, FPS);
    }
}
