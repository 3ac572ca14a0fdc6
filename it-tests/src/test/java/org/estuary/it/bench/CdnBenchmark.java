package org.estuary.it.bench;

import static org.estuary.it.bench.BenchSupport.cpu;
import static org.estuary.it.bench.BenchSupport.f;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * CDN relay cost (issue 11): one publisher on an origin, N RTMP players ({@link RtmpLoadClient}) served by the
 * origin alone, then the same N split over two edges that relay the stream from the origin, in the same run
 * and cluster. Prints the CPU of every JVM in each window, the relay overhead (cluster minus one node for the
 * same players), the players' time to first frame (p50/p99/max, from the load client) on the origin and on the
 * edges, and how long after {@code kill -9} of the origin an edge plays again once the stream is published
 * anew on the other edge (which then becomes its origin, {@code cdn.edgePublish: origin}).
 *
 * <p>{@code mvn -B -o -pl it-tests -am verify -Pbenchmark -Dtest=CdnBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * [-Dbench.players=200] [-Dbench.seconds=20] [-Dbench.doc=path|none]}
 */
@Tag("benchmark")
class CdnBenchmark {
    private static final String STREAM = "cdnbench";
    private static final int PLAYERS = Integer.getInteger("bench.players", 200);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    private static final int WARMUP_SECONDS = 5;
    /** First-frame probes per series (one player at a time, see {@link FirstFrameProbe}). */
    private static final int PROBES = Integer.getInteger("bench.probes", 20);
    /** Real ffmpeg players per series, timed from process start to the first decoded picture. */
    private static final int FFMPEG_PLAYERS = Integer.getInteger("bench.ffmpegPlayers", 5);
    /** The edges' relay linger here: short, so a probe after a pause finds no relay (a cold edge). */
    private static final int LINGER_MS = 1_000;
    private static final long COLD_GAP_MS = 3_000;

    @Test
    void relayOverheadTimeToFirstFrameAndRecoveryAfterTheOriginDies() throws Exception {
        Peers.ffmpeg();
        Files.createDirectories(BenchSupport.LOGS);
        String load = BenchSupport.loadAverage();
        String cluster = "cdnbench-" + UUID.randomUUID();
        int[] hz = {Ports.free(), Ports.free(), Ports.free()};
        String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2];
        List<Process> publishers = new ArrayList<>();
        EstuaryProcess origin = node("bench-cdn-origin", cluster, hz[0], members, "origin");
        try (EstuaryProcess edge1 = node("bench-cdn-edge1", cluster, hz[1], members, "edge");
             EstuaryProcess edge2 = node("bench-cdn-edge2", cluster, hz[2], members, "edge")) {
            publishers.add(RtmpFanoutBenchmark.publish(origin.rtmpUrl(STREAM), BenchSupport.LOGS.resolve("cdn-publisher.log")));
            BenchSupport.awaitStream(origin, STREAM);
            awaitRoute(edge2, STREAM, "bench-cdn-origin");
            List<Long> all = List.of(origin.pid(), edge1.pid(), edge2.pid());

            // Warm-up (not measured): class loading and JIT on every node, and the edges' relays exist.
            for (EstuaryProcess n : List.of(origin, edge1, edge2)) {
                RtmpFanoutBenchmark.runClient("cdn-warmup-" + n.pid(), n.rtmpUrl(STREAM), Math.min(PLAYERS, 50),
                        WARMUP_SECONDS, null);
            }
            Thread.sleep(2_000);

            // Time to first frame, one player at a time (no load but the publisher): the target's own measure.
            String probes;
            try (FirstFrameProbe probe = new FirstFrameProbe()) {
                FirstFrameProbe.Result direct = probe.run(origin.rtmpUrl(STREAM), PROBES, 200, 10_000, () -> false);
                FirstFrameProbe.Result warm;
                try (AutoCloseable keeper = probe.keep(edge1.rtmpUrl(STREAM))) {
                    Thread.sleep(2_000);
                    warm = probe.run(edge1.rtmpUrl(STREAM), PROBES, 200, 10_000, () -> false);
                }
                // each cold probe finds edge2 without a relay (the last one lingered out): it starts one
                Thread.sleep(COLD_GAP_MS);
                FirstFrameProbe.Result cold = probe.run(edge2.rtmpUrl(STREAM), PROBES, COLD_GAP_MS, 10_000, () -> false);
                long[] ffDirect = ffmpegFirstFrames(origin.rtmpUrl(STREAM), 500);
                long[] ffWarm;
                try (AutoCloseable keeper = probe.keep(edge1.rtmpUrl(STREAM))) {
                    Thread.sleep(2_000);
                    ffWarm = ffmpegFirstFrames(edge1.rtmpUrl(STREAM), 500);
                }
                long[] ffCold = ffmpegFirstFrames(edge2.rtmpUrl(STREAM), COLD_GAP_MS);
                probes = "| first frame, one player at a time | ms p50 / p99 / max |\n|---|---|\n"
                        + "| RTMP probe on the origin (stream published there) | " + direct.row() + " |\n"
                        + "| RTMP probe on edge1, relay up (another player holds it) | " + warm.row() + " |\n"
                        + "| RTMP probe on edge2, no relay yet (each probe starts one from the origin) | " + cold.row() + " |\n"
                        + "| ffmpeg player on the origin (process start to first decoded picture) | " + ff(ffDirect) + " |\n"
                        + "| ffmpeg player on edge1, relay up | " + ff(ffWarm) + " |\n"
                        + "| ffmpeg player on edge2, no relay yet | " + ff(ffCold) + " |\n";
                System.out.println("\nCDN first frame, one player at a time\n" + probes);
            }
            Thread.sleep(2_000);

            // One node: every player on the origin.
            ProcStats.Cpu[] single = new ProcStats.Cpu[2];
            JsonObject direct = RtmpFanoutBenchmark.runClient("cdn-direct", origin.rtmpUrl(STREAM), PLAYERS, SECONDS,
                    mark -> single[mark.equals("BENCH_WINDOW_START") ? 0 : 1] = ProcStats.cpu(all));
            Thread.sleep(2_000);

            // Two edges, half the players each, at once. The CPU window is the first client's (both start together
            // and run the same length, so their windows overlap but for the ramp of the other).
            ProcStats.Cpu[] edges = new ProcStats.Cpu[2];
            ProcStats.Cpu[] originOnly = new ProcStats.Cpu[2];
            int half = PLAYERS / 2;
            CompletableFuture<JsonObject> second = CompletableFuture.supplyAsync(() -> {
                try {
                    return RtmpFanoutBenchmark.runClient("cdn-edge2", edge2.rtmpUrl(STREAM), PLAYERS - half, SECONDS, null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Newcomers while the edges serve their players: probes on edge1 through the window, one at a time.
            java.util.concurrent.atomic.AtomicBoolean windowOver = new java.util.concurrent.atomic.AtomicBoolean();
            CompletableFuture<FirstFrameProbe.Result> underLoad = new CompletableFuture<>();
            JsonObject first = RtmpFanoutBenchmark.runClient("cdn-edge1", edge1.rtmpUrl(STREAM), half, SECONDS, mark -> {
                int i = mark.equals("BENCH_WINDOW_START") ? 0 : 1;
                edges[i] = ProcStats.cpu(all);
                originOnly[i] = ProcStats.cpu(List.of(origin.pid()));
                if (i == 0) {
                    CompletableFuture.runAsync(() -> {
                        try (FirstFrameProbe probe = new FirstFrameProbe()) {
                            underLoad.complete(probe.run(edge1.rtmpUrl(STREAM), 1000, 500, 10_000, windowOver::get));
                        } catch (Exception e) {
                            underLoad.completeExceptionally(e);
                        }
                    });
                } else {
                    windowOver.set(true);
                }
            });
            windowOver.set(true);
            JsonObject other = second.get();
            String underLoadRow;
            try {
                underLoadRow = underLoad.get(30, java.util.concurrent.TimeUnit.SECONDS).row();
            } catch (Exception e) {
                underLoadRow = "not measured (" + e + ")";
            }

            // Recovery: the origin dies; the stream is published again on edge1; how long until edge2 plays it.
            long t0 = System.nanoTime();
            origin.kill();
            Ffmpeg.stop(publishers.remove(0));
            publishers.add(RtmpFanoutBenchmark.publish(edge1.rtmpUrl(STREAM), BenchSupport.LOGS.resolve("cdn-publisher2.log")));
            long recoveredMs = -1;
            while ((System.nanoTime() - t0) / 1_000_000 < 60_000) {
                Peers.Result r = Peers.run(30, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error",
                        "-rw_timeout", "10000000", "-i", edge2.rtmpUrl(STREAM), "-frames:v", "1", "-f", "null", "-");
                if (r.exitCode() == 0) {
                    recoveredMs = (System.nanoTime() - t0) / 1_000_000;
                    break;
                }
                Thread.sleep(200);
            }

            ProcStats.Cpu singleCpu = single[1].minus(single[0]);
            ProcStats.Cpu clusterCpu = edges[1].minus(edges[0]);
            ProcStats.Cpu originCpu = originOnly[1].minus(originOnly[0]);
            String table = "| what (" + SECONDS + " s window, " + PLAYERS + " players) | CPU s, all three JVMs | origin CPU s "
                    + "| players full / N | first frame ms p50 / p99 / max |\n|---|---|---|---|---|\n"
                    + "| one node: every player on the origin | " + cpu(singleCpu) + " | same | " + direct.getInteger("full")
                    + " / " + PLAYERS + " | " + ttff(direct) + " |\n"
                    + "| two edges relaying from the origin, half the players each | " + cpu(clusterCpu) + " | "
                    + cpu(originCpu) + " | " + (first.getInteger("full") + other.getInteger("full")) + " / " + PLAYERS
                    + " | edge1 " + ttff(first) + "; edge2 " + ttff(other) + " |\n"
                    + "\n**Relay overhead (cluster minus one node, same players): "
                    + f(clusterCpu.total() - singleCpu.total()) + " CPU s per " + SECONDS + " s window for 2 relays; ratio "
                    + f(clusterCpu.total() / Math.max(0.01, singleCpu.total())) + "**. Edge plays again "
                    + (recoveredMs < 0 ? "never within 60 s" : recoveredMs + " ms")
                    + " after kill -9 of the origin (republished on edge1; includes the new publisher's ffmpeg start).\n"
                    + "\nNewcomers on edge1 during the two-edge window (RTMP probes one at a time, 2/s, while it serves "
                    + half + " players): first frame ms p50 / p99 / max " + underLoadRow + ".\n\n" + probes;
            System.out.println("\nCDN relay\n" + table);
            String method = "Load average (1/5/15 min) before the test: " + load + ". Method: three JVMs on loopback in one "
                    + "Hazelcast cluster (an origin, two edges); one ffmpeg publisher (640x360 25 fps H.264 500k + AAC 64k) "
                    + "on the origin; RtmpLoadClient players (own JVM, ramp 200/s) against the origin alone, then half "
                    + "against each edge at once. CPU is utime+stime from /proc over the load client's window. Before "
                    + "them, time to first frame one player at a time (no load but the publisher): in-process RTMP probes "
                    + "(handshake, connect, play, no decoding) timed from their own TCP connect to the first video "
                    + "message, " + PROBES + " per series, and " + FFMPEG_PLAYERS + " real ffmpeg players per series timed "
                    + "from process start to the first decoded picture (their own start-up included: compare the rows). "
                    + "cdn.relayLingerMs " + LINGER_MS + " ms, so a probe " + COLD_GAP_MS + " ms after the last finds no relay.\n\n";
            String caveats = "\nCaveats: every JVM and client share one machine, so the cluster row also pays for "
                    + "three JVMs' fixed costs (GC, Hazelcast heartbeats). The edges' relays from the warm-up are gone by their "
                    + "window (cdn.relayLingerMs passed during the one-node window), so the edges' first frames include "
                    + "starting the relay from the origin. Load-client players count their first frame from the TCP "
                    + "connect; players start at 200/s.\n";
            BenchSupport.appendDoc("CDN relay (issue 11): " + PLAYERS + " players, one node vs two edges", method + table + caveats);
            assertTrue(direct.getInteger("playing") > 0 && first.getInteger("playing") > 0 && other.getInteger("playing") > 0,
                    "players got the stream on every node");
            assertTrue(recoveredMs >= 0, "edge2 played again after the origin died");
        } finally {
            for (Process p : publishers) {
                Ffmpeg.stop(p);
            }
            if (origin.isAlive()) {
                origin.stop();
            }
        }
    }

    /** Wall ms from an ffmpeg player's start to its first decoded picture, {@link #FFMPEG_PLAYERS} times, sorted. */
    private static long[] ffmpegFirstFrames(String url, long gapMs) throws Exception {
        long[] out = new long[FFMPEG_PLAYERS];
        for (int i = 0; i < out.length; i++) {
            long t0 = System.nanoTime();
            Peers.Result r = Peers.run(30, Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-rw_timeout",
                    "10000000", "-i", url, "-map", "0:v", "-frames:v", "1", "-f", "null", "-");
            out[i] = r.exitCode() == 0 ? (System.nanoTime() - t0) / 1_000_000 : -1;
            Thread.sleep(gapMs);
        }
        java.util.Arrays.sort(out);
        return out;
    }

    private static String ff(long[] sorted) {
        long failed = java.util.Arrays.stream(sorted).filter(v -> v < 0).count();
        long[] ok = java.util.Arrays.stream(sorted).filter(v -> v >= 0).toArray();
        return ok.length == 0 ? "no frame" : ok[ok.length / 2] + " / " + ok[Math.min(ok.length - 1, (int) (0.99 * ok.length))]
                + " / " + ok[ok.length - 1] + " (" + ok.length + " players" + (failed > 0 ? ", " + failed + " failed" : "") + ")";
    }

    private static String ttff(JsonObject summary) {
        return summary.getLong("firstFrameMsP50") + " / " + summary.getLong("firstFrameMsP99") + " / "
                + summary.getLong("firstFrameMsMax");
    }

    private static EstuaryProcess node(String name, String cluster, int port, String members, String role) throws Exception {
        return EstuaryProcess.start(name, "cluster.enabled=true", "cluster.name=" + cluster, "cluster.host=127.0.0.1",
                "cluster.port=" + port, "cluster.members=" + members, "cluster.eventBusPort=" + Ports.free(),
                "cluster.role=" + role, "node.id=" + name, "cdn.cpuThresholdPercent=0", "cdn.loadRefreshMs=1000",
                "rtmp.playWaitTimeoutMs=20000", "cdn.relayLingerMs=" + LINGER_MS);
    }

    private static void awaitRoute(EstuaryProcess node, String stream, String originId) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            EstuaryProcess.Http r = node.post("/cdn/stream/show_routes", new JsonObject().put("streamName", stream));
            if (r.status() == 200 && r.body().contains(originId)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no route of " + stream + " to " + originId + " on " + node.log());
    }
}
