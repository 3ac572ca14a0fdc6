package org.estuary.it.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * LL-HLS with blocking playlist reloads at 500 viewers (issue 14 target 5): every viewer asks for
 * the next part with {@code _HLS_msn}/{@code _HLS_part} (the server holds the answer until the
 * part exists), then fetches the new parts, as hls.js in low-latency mode does. Prints the
 * server's CPU per GB served, the blocking reload's answer time, and the answer delay: how long
 * after the first viewer's answer for a given part each other viewer got its own (p50/p99), which
 * is what a viewer loses to the server's fan-out of one playlist update to 500 waiting requests.
 * No peer: nginx has no blocking playlist reload.
 *
 * <p>{@code mvn -B -pl it-tests -am verify -Pbenchmark -Dtest=LowLatencyHlsBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.viewers=500] [-Dbench.seconds=20] [-Dbench.doc=path|none]}
 */
@Tag("benchmark")
class LowLatencyHlsBenchmark {
    private static final String NAME = "llb";
    private static final int WARMUP_SECONDS = 10;

    @Test
    void blockingReloadsAtFiveHundredViewers() throws Exception {
        Peers.ffmpeg();
        int viewers = Integer.getInteger("bench.viewers", 500);
        int seconds = Integer.getInteger("bench.seconds", 20);
        Files.createDirectories(BenchSupport.LOGS);
        String load = BenchSupport.loadAverage();
        int hlsPort = Ports.free();
        Process publisher = null;
        try (EstuaryProcess server = EstuaryProcess.startAsUsersRunIt("bench-llhls", "hls.port=" + hlsPort,
                "hls.lowLatency=true")) {
            publisher = BenchSupport.publish(server.rtmpUrl(NAME), BenchSupport.LOGS.resolve("llhls-ffmpeg.log"));
            BenchSupport.awaitStream(server, NAME);
            String playlist = "http://127.0.0.1:" + hlsPort + "/" + NAME + "/" + NAME + ".m3u8";
            Load loadRun = new Load(URI.create(playlist), viewers);
            loadRun.start();
            Thread.sleep(WARMUP_SECONDS * 1000L);
            loadRun.reset();
            ProcStats.Cpu before = ProcStats.cpu(List.of(server.pid()));
            Thread.sleep(seconds * 1000L);
            ProcStats.Cpu cpu = ProcStats.cpu(List.of(server.pid())).minus(before);
            Window w = loadRun.snapshot();
            loadRun.stop();
            double gb = w.bytes / 1e9;
            String table = "| viewers | parts fetched | reloads | GB | server CPU s (user + sys) | CPU s/GB | reload answer p50 / p99 ms | answer delay after the first viewer p50 / p99 / max ms | errors |\n"
                    + "|---|---|---|---|---|---|---|---|---|\n"
                    + String.format(Locale.ROOT, "| %d | %d | %d | %.3f | %s | %.1f | %.0f / %.0f | %.1f / %.1f / %.1f | %d |%n",
                    viewers, w.parts, w.reloads, gb, BenchSupport.cpu(cpu), gb == 0 ? 0 : cpu.total() / gb,
                    pct(w.reloadMs, 0.5), pct(w.reloadMs, 0.99), pct(w.delayMs, 0.5), pct(w.delayMs, 0.99),
                    pct(w.delayMs, 1.0), w.errors);
            System.out.println(table + "errors by kind: " + loadRun.errorKinds);
            BenchSupport.appendDoc("LL-HLS blocking reloads, " + viewers + " viewers (issue 14)",
                    "Load average before the run: " + load + "; Estuary as users run it (JVM flags of scripts/run.sh: "
                    + String.join(" ", EstuaryProcess.runShJvmOptions()) + ", default settings but hls.lowLatency=true); "
                    + "one publisher 640x360 25 fps 700 kbit/s + AAC 96 kbit/s, 2 s GOP; the viewers are threads of the "
                    + "benchmark's JVM on the same 2 cores (JDK HTTP client, keep-alive); " + WARMUP_SECONDS
                    + " s warm-up, " + seconds + " s window.\n\n" + table);
            assertTrue(w.parts > 0, "no part was fetched");
        } finally {
            if (publisher != null) {
                Ffmpeg.stop(publisher);
            }
        }
    }

    private static double pct(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
    }

    private record Window(long parts, long reloads, long bytes, long errors, List<Double> reloadMs, List<Double> delayMs) { }

    /** The viewers: one thread each, blocking reload → fetch new parts → next reload. */
    private static final class Load {
        private final URI playlist;
        private final int viewers;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final List<Thread> threads = new ArrayList<>();
        /** First answer time (nanoTime) per "msn/part" seen by any viewer. */
        private final Map<String, Long> firstAnswer = new ConcurrentHashMap<>();
        private final AtomicLong parts = new AtomicLong();
        private final AtomicLong reloads = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        /** Error kinds ("playlist 404", "part 404", exception class) with counts, printed at the end. */
        final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
        private final List<Double> reloadMs = Collections.synchronizedList(new ArrayList<>());
        private final List<Double> delayMs = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean running = true;

        Load(URI playlist, int viewers) {
            this.playlist = playlist;
            this.viewers = viewers;
        }

        void start() {
            for (int i = 0; i < viewers; i++) {
                Thread t = new Thread(this::view, "ll-viewer-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        void reset() {
            parts.set(0);
            reloads.set(0);
            bytes.set(0);
            errors.set(0);
            reloadMs.clear();
            delayMs.clear();
        }

        Window snapshot() {
            List<Double> r;
            List<Double> d;
            synchronized (reloadMs) {
                r = new ArrayList<>(reloadMs);
            }
            synchronized (delayMs) {
                d = new ArrayList<>(delayMs);
            }
            Collections.sort(r);
            Collections.sort(d);
            return new Window(parts.get(), reloads.get(), bytes.get(), errors.get(), r, d);
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(10_000);
            }
        }

        private void error(String kind) {
            errors.incrementAndGet();
            errorKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        }

        private void view() {
            String last = null; // URI of the newest part fetched
            String query = "";
            while (running) {
                try {
                    long t0 = System.nanoTime();
                    HttpResponse<String> pl = http.send(HttpRequest.newBuilder(URI.create(playlist + query))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    long t1 = System.nanoTime();
                    if (pl.statusCode() != 200) {
                        error("playlist " + pl.statusCode());
                        Thread.sleep(200);
                        query = "";
                        continue;
                    }
                    bytes.addAndGet(pl.body().length());
                    Parsed p = Parsed.of(pl.body());
                    if (!query.isEmpty()) {
                        reloads.incrementAndGet();
                        reloadMs.add((t1 - t0) / 1e6);
                        String key = p.nextMsn + "/" + p.nextPart;
                        long first = firstAnswer.computeIfAbsent(key, k -> t1);
                        delayMs.add((t1 - first) / 1e6);
                    }
                    // fetch the parts after the last one fetched (the newest only on the first playlist)
                    int from = last == null ? Math.max(0, p.parts.size() - 1) : p.parts.indexOf(last) + 1;
                    for (int i = from; i < p.parts.size() && running; i++) {
                        HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(playlist.resolve(p.parts.get(i)))
                                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
                        if (part.statusCode() == 200) {
                            bytes.addAndGet(part.body().length);
                            parts.incrementAndGet();
                        } else {
                            error("part " + part.statusCode());
                        }
                        last = p.parts.get(i);
                    }
                    query = "?_HLS_msn=" + p.nextMsn + "&_HLS_part=" + p.nextPart;
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    error(e.getClass().getSimpleName());
                    query = "";
                }
            }
        }
    }

    /** What a viewer needs of an LL-HLS media playlist: its part URIs and the next part to ask for. */
    private record Parsed(List<String> parts, long nextMsn, int nextPart) {
        static Parsed of(String text) {
            long mediaSequence = 0;
            int segments = 0;
            int partsSinceSegment = 0;
            List<String> parts = new ArrayList<>();
            boolean afterInf = false;
            for (String line : text.split("\n")) {
                line = line.trim();
                if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                    mediaSequence = Long.parseLong(line.substring("#EXT-X-MEDIA-SEQUENCE:".length()));
                } else if (line.startsWith("#EXT-X-PART:")) {
                    int u = line.indexOf("URI=\"");
                    parts.add(line.substring(u + 5, line.indexOf('"', u + 5)));
                    partsSinceSegment++;
                } else if (line.startsWith("#EXTINF")) {
                    afterInf = true;
                } else if (afterInf && !line.isEmpty() && !line.startsWith("#")) {
                    segments++;
                    partsSinceSegment = 0;
                    afterInf = false;
                }
            }
            // The preload hint names the next part exactly (Estuary's part URIs are <msn>.<part>.m4s).
            java.util.regex.Matcher hint = java.util.regex.Pattern
                    .compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"(\\d+)\\.(\\d+)\\.m4s\"").matcher(text);
            if (hint.find()) {
                return new Parsed(parts, Long.parseLong(hint.group(1)), Integer.parseInt(hint.group(2)));
            }
            return new Parsed(parts, mediaSequence + segments, partsSinceSegment);
        }
    }
}
