package org.estuary.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * REST under load (issue 14 target 7): {@code /stream/find_all} with 1,000 live streams, and a
 * {@code /stream/find} of one of them, each driven by a closed-loop HTTP client (C connections,
 * every connection sends its next request when the previous answer arrived), after a warm-up; find_all
 * once more from a client that accepts gzip (the answer compressed once per refresh, ReplyEncoding).
 * Prints requests per second, latency p50/p99/max, bytes per answer and the server's CPU.
 *
 * <p>The 1,000 streams come from a few ffmpeg processes, each encoding one tiny picture once
 * and pushing it to 250 stream names through the tee muxer, so the load generator costs little.
 *
 * <p>{@code mvn -B -pl it-tests -am verify -Pbenchmark -Dtest=RestFindBenchmark
 * [-Dbench.streams=1000] [-Dbench.connections=16] [-Dbench.seconds=20] [-Dbench.sets=k=v,...] [-Dbench.doc=path|none]
 * [-Dbench.client=raw|vertx]}
 */
@Tag("benchmark")
class RestFindBenchmark {
    private static final int PER_FFMPEG = 250;

    @Test
    void findAllWithManyStreams() throws Exception {
        Peers.ffmpeg();
        int streams = Integer.getInteger("bench.streams", 1000);
        int connections = Integer.getInteger("bench.connections", 16);
        int seconds = Integer.getInteger("bench.seconds", 20);
        Files.createDirectories(BenchSupport.LOGS);
        String load = BenchSupport.loadAverage();
        List<Process> publishers = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        // -Dbench.sets=limits.restRequestsPerSecondPerAddress=0: the default per-address limit
        // (200/s) answers 429 to this single client address long before the server is busy.
        String sets = System.getProperty("bench.sets", "").trim();
        try (EstuaryProcess server = EstuaryProcess.startAsUsersRunIt("bench-rest",
                sets.isEmpty() ? new String[0] : sets.split(","))) {
            for (int from = 0; from < streams; from += PER_FFMPEG) {
                publishers.add(publishMany(server, from, Math.min(streams, from + PER_FFMPEG)));
            }
            awaitStreams(server, streams);
            HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(server.restPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections));
            List<String> rows = new ArrayList<>();
            String findOne = new JsonObject().put("name", "s" + (streams / 2)).encode();
            assertEquals(streams, gunzippedFindAll(server).size(), "the gzip answer is the whole list");
            // the third: find_all from a client that sends Accept-Encoding: gzip, as browsers and curl --compressed do
            // (the client counts the compressed bytes; it does not inflate them)
            for (String[] req : new String[][] {{"/stream/find_all", "{}", ""}, {"/stream/find", findOne, ""},
                    {"/stream/find_all", "{}", "gzip"}}) {
                boolean gzip = !req[2].isEmpty();
                run(http, req[0], req[1], gzip, connections, 5, null, server.restPort()); // warm-up: JIT, pools
                Result r = run(http, req[0], req[1], gzip, connections, seconds, server, server.restPort());
                rows.add(String.format(Locale.ROOT, "| `%s`%s | %d | %d | %.0f | %.2f | %.2f | %.2f | %.0f | %s | %s | %d |",
                        req[0], gzip ? " (Accept-Encoding: gzip)" : "", streams, connections, r.perSecond(), r.p(0.50), r.p(0.99), r.max(), r.bytesPerAnswer(),
                        BenchSupport.cpu(r.cpu()), BenchSupport.cpu(r.clientCpu()), r.errors()));
                assertTrue(r.count() > 0, "no answer to " + req[0]);
            }
            String table = "| request | live streams | connections | requests/s | p50 ms | p99 ms | max ms | bytes/answer | server CPU s (user + sys) in the window | client (benchmark JVM) CPU s | errors |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|\n" + String.join("\n", rows) + "\n";
            System.out.println(table);
            BenchSupport.appendDoc("REST /stream/find_all with " + streams + " live streams (issue 14)",
                    "Load average before the run: " + load + "; Estuary as users run it (JVM flags of scripts/run.sh: "
                    + String.join(" ", EstuaryProcess.runShJvmOptions()) + ", default settings" + (sets.isEmpty() ? "" : " except " + sets)
                    + "); the client is "
                    + ("vertx".equals(System.getProperty("bench.client", "raw")) ? "a Vert.x HTTP client" : "a one-thread NIO HTTP/1.1 client (RawHttpLoad)")
                    + " in the benchmark's JVM on the same 2 cores (closed loop, keep-alive, "
                    + connections + " connections), 5 s warm-up, " + seconds + " s window.\n\n" + table);
        } finally {
            for (Process p : publishers) {
                Ffmpeg.stop(p);
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** One ffmpeg: a 64x64 1 fps picture encoded once, pushed to streams s{from}..s{to-1}. */
    private static Process publishMany(EstuaryProcess server, int from, int to) throws Exception {
        StringBuilder tee = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (tee.length() > 0) {
                tee.append('|');
            }
            tee.append("[f=flv:onfail=ignore]").append(server.rtmpUrl("s" + i));
        }
        return Ffmpeg.start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "color=c=gray:s=64x64:r=1",
                "-map", "0:v", "-c:v", "libx264", "-preset", "ultrafast", "-g", "1", "-pix_fmt", "yuv420p",
                "-f", "tee", tee.toString()), BenchSupport.LOGS.resolve("rest-ffmpeg-" + from + ".log"));
    }

    /** find_all asked with Accept-Encoding: gzip, inflated. */
    private static JsonArray gunzippedFindAll(EstuaryProcess server) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.restPort() + "/rest-api/stream/find_all"))
                .header("Accept-Encoding", "gzip").build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElse(""));
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(response.body()))) {
            return new JsonArray(Buffer.buffer(in.readAllBytes()));
        }
    }

    private static void awaitStreams(EstuaryProcess server, int streams) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int seen = 0;
        while (System.nanoTime() < deadline) {
            EstuaryProcess.Http r = server.post("/stream/find_all", "{}");
            seen = r.status() == 200 ? new JsonArray(r.body()).size() : 0;
            if (seen >= streams) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("only " + seen + " of " + streams + " streams published");
    }

    private record Result(long count, long errors, double seconds, long bytes, long[] latenciesNanos, ProcStats.Cpu cpu,
                          ProcStats.Cpu clientCpu) {
        double perSecond() { return count / seconds; }
        double bytesPerAnswer() { return count == 0 ? 0 : bytes / (double) count; }
        double p(double q) {
            if (latenciesNanos.length == 0) {
                return 0;
            }
            return latenciesNanos[(int) Math.min(latenciesNanos.length - 1, Math.floor(q * latenciesNanos.length))] / 1e6;
        }
        double max() { return latenciesNanos.length == 0 ? 0 : latenciesNanos[latenciesNanos.length - 1] / 1e6; }
    }

    /**
     * Closed loop for {@code seconds}; the server's CPU over the same window when {@code server} is given.
     * {@code -Dbench.client=raw} (default): {@link RawHttpLoad}, one thread; {@code vertx}: the Vert.x
     * HttpClient (the client of the figures before rest14, which cost more CPU than the server).
     */
    private static Result run(HttpClient http, String path, String body, boolean gzip, int connections, int seconds,
                              EstuaryProcess server, int port) throws Exception {
        if (!"vertx".equals(System.getProperty("bench.client", "raw"))) {
            RawHttpLoad load = new RawHttpLoad(new java.net.InetSocketAddress("127.0.0.1", port), "/rest-api" + path,
                    body, gzip, connections);
            List<Long> self = List.of(ProcessHandle.current().pid());
            ProcStats.Cpu before = server == null ? null : ProcStats.cpu(List.of(server.pid()));
            ProcStats.Cpu clientBefore = ProcStats.cpu(self);
            long start = System.nanoTime();
            RawHttpLoad.Window w = load.run(seconds * 1000L);
            double elapsed = (System.nanoTime() - start) / 1e9;
            ProcStats.Cpu cpu = server == null ? null : ProcStats.cpu(List.of(server.pid())).minus(before);
            return new Result(w.count(), w.errors(), elapsed, w.bytes(), w.latenciesNanos(), cpu,
                    ProcStats.cpu(self).minus(clientBefore));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong errors = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        long[][] lat = new long[connections][];
        int[] counts = new int[connections];
        CountDownLatch done = new CountDownLatch(connections);
        for (int c = 0; c < connections; c++) {
            lat[c] = new long[1 << 16];
            int slot = c;
            loop(http, path, Buffer.buffer(body), gzip, running, errors, bytes, lat, counts, slot, done);
        }
        ProcStats.Cpu before = server == null ? null : ProcStats.cpu(List.of(server.pid()));
        // the client's own CPU: it shares the 2 cores with the server, so a costly client caps requests/s
        List<Long> self = List.of(ProcessHandle.current().pid());
        ProcStats.Cpu clientBefore = ProcStats.cpu(self);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        running.set(false);
        double elapsed = (System.nanoTime() - start) / 1e9;
        ProcStats.Cpu cpu = server == null ? null : ProcStats.cpu(List.of(server.pid())).minus(before);
        ProcStats.Cpu clientCpu = ProcStats.cpu(self).minus(clientBefore);
        done.await(30, TimeUnit.SECONDS);
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int k = 0;
        for (int c = 0; c < connections; c++) {
            System.arraycopy(lat[c], 0, all, k, Math.min(counts[c], lat[c].length));
            k += Math.min(counts[c], lat[c].length);
        }
        long[] sorted = Arrays.copyOf(all, k);
        Arrays.sort(sorted);
        return new Result(total, errors.get(), elapsed, bytes.get(), sorted, cpu, clientCpu);
    }

    private static void loop(HttpClient http, String path, Buffer body, boolean gzip, AtomicBoolean running, AtomicLong errors,
                             AtomicLong bytes, long[][] lat, int[] counts, int slot, CountDownLatch done) {
        if (!running.get()) {
            done.countDown();
            return;
        }
        long t0 = System.nanoTime();
        http.request(HttpMethod.POST, "/rest-api" + path)
                .compose(req -> {
                    req.putHeader("Content-Type", "application/json");
                    if (gzip) {
                        req.putHeader("Accept-Encoding", "gzip");
                    }
                    return req.send(body);
                })
                .compose(resp -> {
                    if (resp.statusCode() != 200 || gzip != "gzip".equals(resp.getHeader("Content-Encoding"))) {
                        errors.incrementAndGet();
                    }
                    // counted as the chunks arrive, not aggregated: a 680 kB body copied into one buffer per
                    // answer made the client (same 2 cores) cost more CPU than the server
                    long[] received = new long[1];
                    resp.handler(chunk -> received[0] += chunk.length());
                    return resp.end().map(v -> received[0]);
                })
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        bytes.addAndGet(ar.result());
                        long[] mine = lat[slot];
                        if (counts[slot] == mine.length) {
                            lat[slot] = mine = Arrays.copyOf(mine, mine.length * 2);
                        }
                        mine[counts[slot]++] = System.nanoTime() - t0;
                    } else {
                        errors.incrementAndGet();
                    }
                    loop(http, path, body, gzip, running, errors, bytes, lat, counts, slot, done);
                });
    }
}
