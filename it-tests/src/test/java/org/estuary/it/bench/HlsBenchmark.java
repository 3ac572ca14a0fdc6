package org.estuary.it.bench;

import static org.estuary.it.bench.BenchSupport.cpu;
import static org.estuary.it.bench.BenchSupport.f;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.NginxRtmp;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * HLS serving (issue 5): 200 simulated viewers ({@link HlsLoadClient}) against Estuary's HLS
 * server and against plain nginx serving the very same files, in the same run. Estuary runs with
 * {@code hls.storage=disk}: its segmenter writes the .ts segments to {@code hls.directory/<agent dir>};
 * nginx's root is that directory. Estuary keeps playlists in memory only, so the benchmark mirrors
 * the live playlist into the same directory every 500 ms (written atomically, and only once every
 * segment it lists is on disk); nginx serves that copy.
 *
 * <p>{@code mvn -B -o -pl it-tests -am verify -Pbenchmark -Dtest=HlsBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.seconds=60] [-Dbench.warmupSeconds=60] [-Dbench.viewers=200]
 * [-Dbench.floors=false] [-Dbench.doc=path|none]}
 */
@Tag("benchmark")
class HlsBenchmark {
    private static final String NAME = "hlsb";
    // 60 s windows after a 60 s warm-up: with 10 s, C2 compiled for 1.8 CPU s inside the 20 s
    // window (per-thread ticks, 2026-12-02), more than the event loops' serving itself
    private static final int SECONDS = Integer.getInteger("bench.seconds", 60);
    private static final int WARMUP_ROUND_SECONDS = Integer.getInteger("bench.warmupSeconds", 60);
    private static final int VIEWERS = Integer.getInteger("bench.viewers", 200);
    private static final int WARMUP_SECONDS = 6;
    /** Also measure bare Vert.x and bare Netty on the same files ({@link StaticFloorServer}); adds two rounds. */
    private static final boolean FLOORS = Boolean.parseBoolean(System.getProperty("bench.floors", "true"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One server's run: CPU over the window and what the viewers got in it. */
    private record Served(ProcStats.Cpu cpu, long bytes, long segments, long playlists, long errors, String threads) {
        double gigabytes() {
            return bytes / 1e9;
        }
    }

    @Test
    void twoHundredViewersEstuaryVersusNginxOnTheSameFiles() throws Exception {
        Peers.ffmpeg();
        Peers.require("nginx", "nginx");
        Files.createDirectories(BenchSupport.LOGS);
        String load = BenchSupport.loadAverage();
        Path hlsDir = Files.createTempDirectory("bench-hls");
        int hlsPort = Ports.free();
        Process publisher = null;
        Thread mirror = null;
        try (EstuaryProcess server = EstuaryProcess.startAsUsersRunIt("bench-hls", "hls.port=" + hlsPort, "hls.storage=disk",
                "hls.directory=" + hlsDir, "hls.segmentDurationSec=2")) {
            publisher = BenchSupport.publish(server.rtmpUrl(NAME), BenchSupport.LOGS.resolve("hls-source.log"));
            BenchSupport.awaitStream(server, NAME);
            String estuaryPlaylist = "http://127.0.0.1:" + hlsPort + "/" + NAME + "/" + NAME + ".m3u8";
            String first = awaitSegments(estuaryPlaylist, 3);
            long targetMs = targetMs(first);
            Path agentDir;
            try (Stream<Path> s = Files.list(hlsDir)) {
                agentDir = s.filter(Files::isDirectory).findFirst()
                        .orElseThrow(() -> new AssertionError("no agent directory under " + hlsDir));
            }
            String lastSegment = HlsLoadClient.segmentUris(first).get(HlsLoadClient.segmentUris(first).size() - 1);
            assertTrue(Files.isRegularFile(agentDir.resolve(lastSegment)) || Files.isRegularFile(agentDir.resolve(
                    HlsLoadClient.segmentUris(first).get(0))), "segments on disk in " + agentDir + " named as in the playlist: " + first);
            mirror = startMirror(estuaryPlaylist, agentDir);

            // Warm-up round, not measured: the JVM compiles the serving path (C2) on first use.
            try (HlsLoadClient warm = new HlsLoadClient(estuaryPlaylist, VIEWERS, targetMs)) {
                Thread.sleep(WARMUP_ROUND_SECONDS * 1000L);
            }
            // The measured round follows the warm-up at once and the baseline (no viewers) comes after
            // it: with the baseline in between, the JIT recompiled the publisher's paths during the
            // quiet minute and deoptimised the serving code when the viewers came back (C2 was a tenth
            // of the measured window's ticks).
            Served estuary = serve(estuaryPlaylist, targetMs, () -> List.of(server.pid()));
            Thread.sleep(2000);
            ProcStats.Cpu idle = BenchSupport.window(() -> List.of(server.pid()), SECONDS);

            Served nginx;
            String version;
            try (NginxStatic ng = NginxStatic.start(hlsDir)) {
                version = ng.version();
                String nginxPlaylist = ng.url("/" + agentDir.getFileName() + "/" + NAME + ".m3u8");
                awaitSegments(nginxPlaylist, 3);
                nginx = serve(nginxPlaylist, targetMs, ng::pids);
            }

            // The floors of a Java stack on the same files (see StaticFloorServer): each warmed up as Estuary was.
            Served vertxFloor = null;
            Served nettyFloor = null;
            if (FLOORS) {
                String rel = "/" + agentDir.getFileName() + "/" + NAME + ".m3u8";
                vertxFloor = floor("vertx", hlsDir, rel, targetMs);
                nettyFloor = floor("netty", hlsDir, rel, targetMs);
            }

            double estuaryDelta = estuary.cpu().total() - idle.total();
            double estuaryPerGb = estuaryDelta / estuary.gigabytes();
            double nginxPerGb = nginx.cpu().total() / nginx.gigabytes();
            String table = "| server (" + VIEWERS + " viewers, " + SECONDS + " s window) | GB served | segments | playlists | errors "
                    + "| CPU s (user + sys) | CPU s/GB |\n|---|---|---|---|---|---|---|\n"
                    + "| Estuary, no viewers (segmenting only; baseline) | 0 | 0 | 0 | 0 | " + cpu(idle) + " | |\n"
                    + row("Estuary, " + VIEWERS + " viewers", estuary, estuary.cpu().total() / estuary.gigabytes())
                    + row("**Estuary serving (difference)**", new Served(estuary.cpu().minus(idle), estuary.bytes(),
                            estuary.segments(), estuary.playlists(), estuary.errors(), ""), estuaryPerGb)
                    + row("**nginx (" + version + ", 1 worker, sendfile)**", nginx, nginxPerGb)
                    + (vertxFloor == null ? "" : row("Vert.x alone (floor: one event loop, `sendFile`, the same headers)",
                            vertxFloor, perGb(vertxFloor)) + row("Netty alone (floor: HTTP codec + file region, one epoll loop)",
                            nettyFloor, perGb(nettyFloor)))
                    + "\n**Ratio CPU s/GB Estuary serving / nginx: " + f(estuaryPerGb / nginxPerGb) + "** "
                    + "(Estuary including its segmenter / nginx: " + f(estuary.cpu().total() / estuary.gigabytes() / nginxPerGb)
                    + ")." + (vertxFloor == null ? "" : " Floors / nginx: Vert.x alone " + f(perGb(vertxFloor) / nginxPerGb)
                            + ", Netty alone " + f(perGb(nettyFloor) / nginxPerGb) + "; Estuary serving / Vert.x alone "
                            + f(estuaryPerGb / perGb(vertxFloor)) + ".")
                    + " Target duration " + targetMs / 1000 + " s; expected ≈ " + VIEWERS * SECONDS * 1000L / targetMs
                    + " segment fetches per window.\n\nBusiest Estuary threads with " + VIEWERS
                    + " viewers (CPU ticks of 10 ms in the window): " + estuary.threads() + ".\n";
            System.out.println("\nHLS\n" + table);
            String method = "Load average (1/5/15 min) before the test: " + load + ". Method: one ffmpeg publisher "
                    + "(640x360 25 fps H.264 700k, 2 s GOP + AAC 96k) into Estuary; HLS (MPEG-TS segments, 2 s target, "
                    + "6-segment playlist) with `hls.storage=disk`. A Java load client in the benchmark JVM "
                    + "(`HlsLoadClient`, java.net.http, one thread per viewer, HTTP/1.1 keep-alive) simulates " + VIEWERS
                    + " viewers: each polls the media playlist every target duration (polls spread over one target "
                    + "duration) and fetches every new segment once, starting at the newest. Same client, first "
                    + "against Estuary's HLS port, then against nginx whose root is Estuary's `hls.directory` (segments "
                    + "are Estuary's own files; the playlist is mirrored there every 500 ms). After a " + WARMUP_SECONDS
                    + " s warm-up, server CPU (utime+stime from /proc; nginx master + worker) and bytes received over a "
                    + SECONDS + " s window. Estuary's serving cost = that window minus a window of the same length "
                    + "with no viewers (publisher ingest + segmenting) measured right after it; the viewers' window "
                    + "follows a " + WARMUP_ROUND_SECONDS + " s warm-up round of " + VIEWERS
                    + " viewers against Estuary (JIT)."
                    + (FLOORS ? " Floor rows: `StaticFloorServer` in its own JVM with the same flags (`conf/jvm.options`), "
                            + "serving the same directory with Estuary's headers and nothing else (no admission, sessions "
                            + "or segmenting; a file opened per request, as nginx does), after the same warm-up round." : "")
                    + "\n\n";
            String caveats = "\nCaveats: one run on a 2-core VM shared with other builds; the load client "
                    + "(200 threads) runs on the same 2 cores as the server under test, for both servers; "
                    + "loopback only, so the cost is the HTTP/file path, not NIC work; with " + VIEWERS
                    + " viewers the window moves only ~" + f(estuary.gigabytes()) + " GB, so per-GB figures carry "
                    + "the noise of a few CPU seconds; Estuary's difference carries the noise of two windows.\n";
            BenchSupport.appendDoc("HLS serving (issue 5): " + VIEWERS + " viewers, Estuary vs nginx on the same files",
                    method + table + caveats);
            assertTrue(estuary.segments() > 0 && estuary.bytes() > 0, "viewers got nothing from Estuary: " + estuary);
            assertTrue(nginx.segments() > 0 && nginx.bytes() > 0, "viewers got nothing from nginx: " + nginx);
        } finally {
            if (mirror != null) {
                mirror.interrupt();
                mirror.join(5000);
            }
            Ffmpeg.stop(publisher);
            NginxRtmp.deleteTree(hlsDir);
        }
    }

    private static double perGb(Served s) {
        return s.cpu().total() / s.gigabytes();
    }

    /** A {@link StaticFloorServer} on the same files: a warm-up round like Estuary's, then the measured window. */
    private static Served floor(String mode, Path root, String playlistPath, long targetMs) throws Exception {
        try (StaticFloor server = StaticFloor.start(mode, root)) {
            String url = server.url(playlistPath);
            awaitSegments(url, 3);
            try (HlsLoadClient warm = new HlsLoadClient(url, VIEWERS, targetMs)) {
                Thread.sleep(WARMUP_ROUND_SECONDS * 1000L);
            }
            return serve(url, targetMs, () -> List.of(server.pid()));
        }
    }

    private static String row(String label, Served s, double perGb) {
        return "| " + label + " | " + BenchSupport.f3(s.gigabytes()) + " | " + s.segments() + " | " + s.playlists()
                + " | " + s.errors() + " | " + cpu(s.cpu()) + " | " + f(perGb) + " |\n";
    }

    private static Served serve(String playlistUrl, long targetMs, BenchSupport.Pids pids) throws Exception {
        try (HlsLoadClient client = new HlsLoadClient(playlistUrl, VIEWERS, targetMs)) {
            Thread.sleep(WARMUP_SECONDS * 1000L);
            List<Long> p = pids.get();
            long b0 = client.bytes();
            long s0 = client.segments();
            long pl0 = client.playlists();
            long e0 = client.errors();
            var t0 = BenchSupport.threadTicks(p.get(0));
            ProcStats.Cpu c0 = ProcStats.cpu(p);
            Thread.sleep(SECONDS * 1000L);
            ProcStats.Cpu cpu = ProcStats.cpu(p).minus(c0);
            String threads = BenchSupport.topThreads(t0, BenchSupport.threadTicks(p.get(0)), 5);
            return new Served(cpu, client.bytes() - b0, client.segments() - s0, client.playlists() - pl0,
                    client.errors() - e0, threads);
        }
    }

    /**
     * Copies Estuary's live playlist into the agent directory every 500 ms, via a temp file and an
     * atomic rename, and only when every segment it lists is already on disk (so nginx never lists
     * a file it cannot serve yet).
     */
    private static Thread startMirror(String playlistUrl, Path agentDir) {
        Thread t = new Thread(() -> {
            Path target = agentDir.resolve(NAME + ".m3u8");
            Path tmp = agentDir.resolve(NAME + ".m3u8.tmp");
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    String text = get(playlistUrl);
                    if (text != null && HlsLoadClient.segmentUris(text).stream()
                            .allMatch(u -> Files.isRegularFile(agentDir.resolve(u)))) {
                        Files.writeString(tmp, text);
                        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    }
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the stream or directory went away at the end of the run: keep trying until interrupted
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }, "hls-playlist-mirror");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : null;
    }

    private static String awaitSegments(String playlistUrl, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 40_000;
        String last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                last = get(playlistUrl);
                if (last != null && HlsLoadClient.segmentUris(last).size() >= n) {
                    return last;
                }
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no playlist with " + n + " segments at " + playlistUrl + ": " + last);
    }

    private static long targetMs(String m3u8) {
        for (String line : m3u8.split("\n")) {
            if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                return Long.parseLong(line.substring("#EXT-X-TARGETDURATION:".length()).trim()) * 1000;
            }
        }
        return 2000;
    }
}
