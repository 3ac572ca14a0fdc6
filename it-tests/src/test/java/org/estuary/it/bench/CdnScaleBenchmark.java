package org.estuary.it.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CDN's maps with more nodes and streams than the it-tests' three and handful (issue 11, item 8): N JVMs with
 * small heaps in one Hazelcast cluster (two origins, the rest edges), S streams in the route map, made cheaply
 * (one ffmpeg publisher on origin A; each stream is an RTMP pull of it published under its own name, half on A,
 * half on B), then: how long until every node's {@code /cdn/show_routes} lists them all, each JVM's RSS, first
 * frames of streams played on the edges (each starts a relay), and how long after {@code kill -9} of origin B
 * every surviving node's route map has dropped B's streams (the bound: 5 s).
 *
 * <p>{@code mvn -B -o -pl it-tests -am verify -Pbenchmark -Dtest=CdnScaleBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * [-Dbench.nodes=5] [-Dbench.streams=200] [-Dbench.heap=192m] [-Dbench.doc=path|none]}
 */
@Tag("benchmark")
class CdnScaleBenchmark {
    private static final int NODES = Math.max(3, Integer.getInteger("bench.nodes", 5));
    private static final int STREAMS = Math.max(2, Integer.getInteger("bench.streams", 200));
    private static final String HEAP = System.getProperty("bench.heap", "192m");
    private static final int EDGE_PROBES = 10;

    @Test
    void routesOfManyStreamsOnManyNodesAndTheirRemovalAfterAnOriginDies() throws Exception {
        Peers.ffmpeg();
        Files.createDirectories(BenchSupport.LOGS);
        String load = BenchSupport.loadAverage();
        String cluster = "cdnscale-" + UUID.randomUUID();
        int[] hz = new int[NODES];
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < NODES; i++) {
            hz[i] = Ports.free();
            members.append(i == 0 ? "" : ",").append("127.0.0.1:").append(hz[i]);
        }
        List<EstuaryProcess> nodes = new ArrayList<>();
        List<Long> joinMs = new ArrayList<>();
        Process publisher = null;
        try {
            // one after the other: JVMs joining at once on a loaded 2-core machine starve each other's start
            for (int i = 0; i < NODES; i++) {
                long t0 = System.nanoTime();
                nodes.add(node("scale-n" + i, cluster, hz[i], members.toString(), i < 2 ? "origin" : "edge"));
                joinMs.add((System.nanoTime() - t0) / 1_000_000);
            }
            EstuaryProcess a = nodes.get(0);
            EstuaryProcess b = nodes.get(1);
            publisher = Ffmpeg.publish(a.rtmpUrl("src"), "320x180", 10, 0, BenchSupport.LOGS.resolve("cdnscale-publisher.log"));
            BenchSupport.awaitStream(a, "src");

            long t0 = System.nanoTime();
            for (int s = 0; s < STREAMS; s++) {
                EstuaryProcess on = s % 2 == 0 ? a : b;
                // a query of its own per pull: pulls are told apart by uri (the play ignores the parameter)
                EstuaryProcess.Http r = on.post("/pull/rtmp/pull", new JsonObject().put("uri", a.rtmpUrl("src") + "?copy=" + s)
                        .put("localStreamName", name(s)));
                assertTrue(r.status() == 200, "pull " + name(s) + ": " + r);
            }
            long requestedMs = (System.nanoTime() - t0) / 1_000_000;
            List<Long> allRoutedMs = new ArrayList<>();
            for (EstuaryProcess n : nodes) {
                allRoutedMs.add(awaitRouteCount(n, STREAMS + 1, 180_000, t0));
            }
            List<Long> rssMb = new ArrayList<>();
            for (EstuaryProcess n : nodes) {
                rssMb.add(ProcStats.rssKb(List.of(n.pid())) / 1024);
            }

            // Players on the edges: streams nobody relays yet, one at a time (each starts a relay from A or B).
            FirstFrameProbe.Result edgePlays;
            try (FirstFrameProbe probe = new FirstFrameProbe()) {
                List<Long> ms = new ArrayList<>();
                int failures = 0;
                for (int i = 0; i < EDGE_PROBES; i++) {
                    EstuaryProcess edge = nodes.get(2 + i % (NODES - 2));
                    long one = probe.once(edge.rtmpUrl(name((i * 37) % STREAMS)), 15_000);
                    if (one < 0) {
                        failures++;
                    } else {
                        ms.add(one);
                    }
                }
                edgePlays = new FirstFrameProbe.Result(ms.stream().mapToLong(Long::longValue).sorted().toArray(), failures);
            }

            // kill -9 of origin B: its half of the streams must leave every surviving node's route map.
            long k0 = System.nanoTime();
            b.kill();
            List<Long> droppedMs = new ArrayList<>();
            int expected = STREAMS - STREAMS / 2 + 1; // A's pulls and src
            for (EstuaryProcess n : nodes) {
                if (n != b) {
                    droppedMs.add(awaitRouteCount(n, expected, 60_000, k0));
                }
            }

            String table = "| figure | value |\n|---|---|\n"
                    + "| nodes (JVMs, -Xmx" + HEAP + ") | " + NODES + ": 2 origins, " + (NODES - 2) + " edges |\n"
                    + "| streams in the route map | " + (STREAMS + 1) + " |\n"
                    + "| node start-up to ESTUARY_READY, one after the other, ms | " + joinMs + " |\n"
                    + "| " + STREAMS + " pulls requested, ms | " + requestedMs + " |\n"
                    + "| from the first request until each node's show_routes lists all, ms | " + allRoutedMs + " |\n"
                    + "| RSS per JVM with every route, MB | " + rssMb + " |\n"
                    + "| first frame on an edge, stream not relayed yet, ms p50 / p99 / max | " + edgePlays.row() + " |\n"
                    + "| kill -9 of origin B until each survivor's routes dropped its " + STREAMS / 2 + " streams, ms | "
                    + droppedMs + " |\n";
            System.out.println("\nCDN scale\n" + table);
            String method = "Load average (1/5/15 min) before the test: " + load + ". " + NODES + " server JVMs (-Xmx" + HEAP
                    + ") on loopback in one Hazelcast cluster, started one after the other; one ffmpeg publisher (320x180 "
                    + "10 fps) on origin A; " + STREAMS + " RTMP pulls of it, each published under its own name, half on "
                    + "A and half on origin B (so " + (STREAMS + 1) + " routes). Not a CI test: it needs minutes and a "
                    + "machine to itself.\n\n";
            BenchSupport.appendDoc("CDN scale (issue 11): " + NODES + " nodes, " + STREAMS + " streams", method + table);
            assertTrue(allRoutedMs.stream().allMatch(v -> v >= 0), "every node saw every route");
            assertTrue(droppedMs.stream().allMatch(v -> v >= 0), "every survivor dropped the dead origin's routes");
        } finally {
            Ffmpeg.stop(publisher);
            for (int i = nodes.size() - 1; i >= 0; i--) {
                if (nodes.get(i).isAlive()) {
                    nodes.get(i).stop();
                }
            }
        }
    }

    private static String name(int s) {
        return String.format("s%03d", s);
    }

    /** Ms since {@code t0} until {@code node}'s route map has exactly {@code count} entries, or -1 after {@code limitMs}. */
    private static long awaitRouteCount(EstuaryProcess node, int count, long limitMs, long t0) throws Exception {
        long deadline = System.currentTimeMillis() + limitMs;
        while (System.currentTimeMillis() < deadline) {
            EstuaryProcess.Http r = node.post("/cdn/show_routes", "");
            if (r.status() == 200 && r.json().size() == count) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            Thread.sleep(100);
        }
        return -1;
    }

    private static EstuaryProcess node(String name, String cluster, int port, String members, String role) throws Exception {
        return EstuaryProcess.startWithJvmArgs(name, List.of("-Xmx" + HEAP), "cluster.enabled=true",
                "cluster.name=" + cluster, "cluster.host=127.0.0.1", "cluster.port=" + port, "cluster.members=" + members,
                "cluster.eventBusPort=" + Ports.free(), "cluster.role=" + role, "node.id=" + name,
                "cdn.cpuThresholdPercent=0", "cdn.loadRefreshMs=1000", "rtmp.playWaitTimeoutMs=20000",
                "cdn.relayLingerMs=1000");
    }
}
