package org.estuary.it;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Peers;
import org.estuary.it.support.Ports;
import org.estuary.it.support.Sipp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Concurrent SIP calls bridged to streams (issue 10): Estuary dials N calls to a sipp UAS that
 * answers PCMU and plays a tone into each; every call's audio is decoded, resampled and AAC-encoded
 * into its own stream. Measures call setup (INVITE sent to ESTABLISHED, from the call objects),
 * Estuary's CPU per call over a real-time window, RTP packets received and dropped; then the same
 * media work (G.711 decode, resample to 16 kHz, AAC 32 kbit/s, real time) done by N ffmpeg CLIs over
 * the same window, and prints the CPU ratio. Not a timed test.
 * Run with {@code mvn -B -pl it-tests -am verify -Pbenchmark -Dtest=SipCallBenchmark [-Dsip.bench.calls=100]}.
 */
@Tag("benchmark")
class SipCallBenchmark {
    private static final int WARMUP_S = 5;
    private static final int WINDOW_S = 20;
    private static final long TICKS = 100; // USER_HZ

    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS;
    }

    @Test
    void concurrentCallsBridgedToStreams() throws Exception {
        int n = Integer.getInteger("sip.bench.calls", 50);
        Peers.require("sipp", "sip-tester");
        Path dir = Files.createTempDirectory("sip-bench");
        Path pcap = Sipp.pcmuTonePcap(dir.resolve("tone.pcap"), 1000, 90);
        int sipPort = Ports.free();
        double estuaryCpu;
        List<Long> setupMs = new ArrayList<>();
        long packetsIn;
        long dropped;
        try (EstuaryProcess server = EstuaryProcess.start("sip-bench", "sip.port=" + sipPort,
                "sip.maxCalls=" + (n + 10), "sip.rtpTimeoutMs=0", "sip.noAnswerTimeoutMs=60000");
             Sipp far = Sipp.start("bench", "uas-answer.xml", Map.of("PCAP", pcap.toString(), "HANGUP_MS", "300000"),
                     List.of("-max_socket", String.valueOf(4 * n + 100)))) {
            for (int i = 0; i < n; i++) {
                JsonObject q = new JsonObject().put("callId", "bench-" + i).put("callee", "b" + i)
                        .put("sipDomain", "127.0.0.1").put("sipPort", String.valueOf(far.port()));
                assertEquals(200, server.post("/call/startup", q.encode()).status());
            }
            JsonArray all = Await.value(Duration.ofSeconds(120), n + " calls ESTABLISHED", () -> {
                JsonArray a = server.post("/call/find_all", "{}").array();
                long up = a.stream().filter(o -> "ESTABLISHED".equals(((JsonObject) o).getString("status"))).count();
                return up == n ? a : null;
            });
            for (Object o : all) {
                JsonObject c = (JsonObject) o;
                setupMs.add(c.getLong("establishedDate") - c.getLong("inviteDate"));
            }
            Thread.sleep(WARMUP_S * 1000L);
            JsonArray before = server.post("/call/find_all", "{}").array();
            double c0 = cpuSeconds(server.pid());
            Thread.sleep(WINDOW_S * 1000L);
            estuaryCpu = cpuSeconds(server.pid()) - c0;
            JsonArray after = server.post("/call/find_all", "{}").array();
            packetsIn = sum(after, "rtpPacketsIn") - sum(before, "rtpPacketsIn");
            dropped = sum(after, "droppedPackets");
            long stillUp = after.stream().filter(o -> "ESTABLISHED".equals(((JsonObject) o).getString("status"))).count();
            assertEquals(n, stillUp, "every call lasted the window");
            for (int i = 0; i < n; i++) {
                server.post("/call/terminate", new JsonObject().put("callId", "bench-" + i).encode());
            }
        }

        // the peer: the same media work per call by the ffmpeg CLI, in real time
        Path ul = dir.resolve("tone.ul");
        Peers.Result made = Peers.run(60, Peers.ffmpeg(), "-hide_banner", "-v", "error", "-f", "lavfi", "-i",
                "sine=frequency=1000:sample_rate=8000", "-t", "60", "-f", "mulaw", ul.toString());
        assertEquals(0, made.exitCode(), made.output());
        List<Process> peers = new ArrayList<>();
        double ffmpegCpu = 0;
        try {
            for (int i = 0; i < n; i++) {
                peers.add(Ffmpeg.start(List.of(Peers.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error", "-re", "-f",
                        "mulaw", "-ar", "8000", "-ac", "1", "-i", ul.toString(), "-ar", "16000", "-c:a", "aac", "-b:a",
                        "32k", "-f", "null", "-"), dir.resolve("ffmpeg-" + i + ".log")));
            }
            Thread.sleep(WARMUP_S * 1000L);
            double[] start = new double[n];
            for (int i = 0; i < n; i++) {
                start[i] = cpuSeconds(peers.get(i).pid());
            }
            Thread.sleep(WINDOW_S * 1000L);
            for (int i = 0; i < n; i++) {
                ffmpegCpu += cpuSeconds(peers.get(i).pid()) - start[i];
            }
        } finally {
            for (Process p : peers) {
                Ffmpeg.stop(p);
            }
            org.estuary.it.support.NginxRtmp.deleteTree(dir);
        }
        Collections.sort(setupMs);
        long p50 = setupMs.get(setupMs.size() / 2);
        long p99 = setupMs.get(Math.min(setupMs.size() - 1, (int) Math.ceil(setupMs.size() * 0.99) - 1));
        double expected = 50.0 * WINDOW_S * n;
        System.out.printf("SIP bench: %d calls, PCMU in -> AAC 16 kHz streams; setup p50 %d ms, p99 %d ms;%n"
                        + "  Estuary %.2f CPU s over %d s = %.2f%% of a core per call; RTP in %d (%.1f%% of %.0f expected),"
                        + " dropped %d;%n  ffmpeg CLI x%d same media work %.2f CPU s; ratio Estuary/ffmpeg %.2f; cores %d, load %s%n",
                n, p50, p99, estuaryCpu, WINDOW_S, 100 * estuaryCpu / WINDOW_S / n, packetsIn, 100 * packetsIn / expected,
                expected, dropped, n, ffmpegCpu, estuaryCpu / ffmpegCpu, Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static long sum(JsonArray a, String field) {
        return a.stream().mapToLong(o -> ((JsonObject) o).getLong(field, 0L)).sum();
    }
}
