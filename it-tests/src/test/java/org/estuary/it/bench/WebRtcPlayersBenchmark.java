package org.estuary.it.bench;

import static org.estuary.it.bench.BenchSupport.cpu;
import static org.estuary.it.bench.BenchSupport.f;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.List;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ffmpeg;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * WebRTC players per core (issue 12): one ~600 kbit/s RTMP publisher (640x360 H.264 500k + AAC
 * 64k, as in the RTMP fan-out benchmark), N WHEP players from {@link WhepLoadClient} (real ICE and
 * DTLS, SRTP received but not decrypted) against Estuary, then, in the same run and on the same
 * server and stream, N RTMP players from {@link RtmpLoadClient}: server CPU per GB delivered for
 * both and their ratio, and WebRTC players per fully used core. Glass-to-glass latency RTMP to
 * WebRTC is not measured here yet.
 *
 * <p>{@code mvn -B -o -pl it-tests -am verify -Pbenchmark -Dtest=WebRtcPlayersBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.players=200] [-Dbench.seconds=20] [-Dbench.doc=path|none]
 * [-Dbench.connectWaitMs=120000] [-Dbench.connectThreads=16] [-Destuary.jvmArgs=-Destuary.webrtc.batchedSends=false]}
 * (the last: the server's old one-syscall-per-packet send path, for before/after runs; also
 * {@code -Destuary.webrtc.sharedPackets=false}, {@code inPlaceSrtp=false}, {@code chunkedSends=false}, {@code gsoSends=false},
 * space-separated in the one {@code estuary.jvmArgs}). Players per
 * core counts only players connected when the window opens and still receiving at its end.
 */
@Tag("benchmark")
class WebRtcPlayersBenchmark {
    private static final String NAME = "rtcbench";
    private static final int PLAYERS = Integer.getInteger("bench.players", 100);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    /** How long the players may take to connect before the measured set is fixed. */
    private static final long CONNECT_WAIT_MS = Long.getLong("bench.connectWaitMs", 120_000);

    @Test
    void webRtcPlayersPerCoreAgainstRtmpFanout() throws Exception {
        Files.createDirectories(BenchSupport.LOGS);
        String load = BenchSupport.loadAverage();
        int web = Ports.free();
        Process publisher = null;
        try (EstuaryProcess server = EstuaryProcess.startAsUsersRunIt("bench-webrtc", "websocket.port=" + web,
                "webrtc.port=" + Ports.free(), "webrtc.privateAddress=127.0.0.1", "webrtc.consentTimeoutMs=30000")) {
            publisher = RtmpFanoutBenchmark.publish(server.rtmpUrl(NAME), BenchSupport.LOGS.resolve("webrtc-source.log"));
            BenchSupport.awaitStream(server, NAME);
            String whep = "http://127.0.0.1:" + web + "/whep/" + NAME;

            ProcStats.Cpu idle = BenchSupport.window(() -> List.of(server.pid()), SECONDS);
            long connectStart = System.nanoTime();
            long webBytes;
            ProcStats.Cpu webCpu;
            int connected;
            int receiving; // players still served at the end of the window (a starved server drops players at consent timeout)
            int failed;
            String error;
            try (WhepLoadClient players = new WhepLoadClient(whep, PLAYERS)) {
                long until = System.currentTimeMillis() + CONNECT_WAIT_MS;
                while (players.connected.get() + players.failed.get() < PLAYERS && System.currentTimeMillis() < until) {
                    Thread.sleep(200);
                }
                players.stopConnecting(); // the measured players are the ones connected now
                long connectMs = (System.nanoTime() - connectStart) / 1_000_000;
                System.out.println("WHEP players connected: " + players.connected.get() + "/" + PLAYERS + " in " + connectMs
                        + " ms, failed " + players.failed.get() + " " + players.lastError());
                Thread.sleep(5000); // warm-up: the JIT compiles the play path; GOP seeds are sent
                connected = players.connected.get();
                long before = players.bytes.sum();
                webCpu = BenchSupport.window(() -> List.of(server.pid()), SECONDS);
                webBytes = players.bytes.sum() - before;
                receiving = players.receiving(5000);
                System.out.println("WHEP players receiving media in the last 5 s of the window: " + receiving + " of "
                        + connected + "; packets " + players.packets.sum());
                failed = players.failed.get();
                error = players.lastError();
            }
            Thread.sleep(3000);

            ProcStats.Cpu[] rtmpCpu = new ProcStats.Cpu[2];
            JsonObject rtmp = RtmpFanoutBenchmark.runClient("webrtc-bench-rtmp-" + PLAYERS, server.rtmpUrl(NAME), PLAYERS,
                    SECONDS, mark -> {
                        if (mark.equals("BENCH_WINDOW_START")) {
                            rtmpCpu[0] = ProcStats.cpu(List.of(server.pid()));
                        } else {
                            rtmpCpu[1] = ProcStats.cpu(List.of(server.pid()));
                        }
                    });
            ProcStats.Cpu rtmpWindow = rtmpCpu[1].minus(rtmpCpu[0]);
            long rtmpBytes = rtmp.getLong("bytes", 0L);

            double webDelta = webCpu.total() - idle.total();
            double rtmpDelta = rtmpWindow.total() - idle.total();
            double webPerGb = webDelta / (webBytes / 1e9);
            double rtmpPerGb = rtmpDelta / (rtmpBytes / 1e9);
            int served = Math.min(connected, receiving); // conservative: a player dropped during the window counts for none of it
            double kbps = served == 0 ? 0 : webBytes * 8.0 / 1000 / SECONDS / served;
            double playersPerCore = webDelta <= 0 ? Double.NaN : served * SECONDS / webDelta;
            String table = "| " + PLAYERS + " players, " + SECONDS + " s window | connected | kbit/s per player | GB | CPU s (user + sys) "
                    + "| CPU s over idle | CPU s/GB |\n|---|---|---|---|---|---|---|\n"
                    + "| publisher only (baseline) | 0 | | 0 | " + cpu(idle) + " | | |\n"
                    + "| WebRTC (WHEP, SRTP) | " + connected + " (" + failed + " failed, " + receiving + " receiving at the end) | " + f(kbps) + " | " + f(webBytes / 1e9)
                    + " | " + cpu(webCpu) + " | " + f(webDelta) + " | " + f(webPerGb) + " |\n"
                    + "| RTMP | " + rtmp.getInteger("playing", 0) + " | " + f(rtmpBytes * 8.0 / 1000 / SECONDS / Math.max(1, PLAYERS))
                    + " | " + f(rtmpBytes / 1e9) + " | " + cpu(rtmpWindow) + " | " + f(rtmpDelta) + " | " + f(rtmpPerGb) + " |\n"
                    + "\n**WebRTC / RTMP CPU s per GB: " + f(webPerGb / rtmpPerGb) + "; WebRTC players per fully used core at this "
                    + "bitrate: " + f(playersPerCore) + "** (issue 12's target: at least 1,000).\n";
            System.out.println("\nWebRTC players\n" + table + (error.isEmpty() ? "" : "last player error: " + error + "\n"));
            String method = "Load average (1/5/15 min) before the test: " + load + ". Method: one ffmpeg publisher (640x360 "
                    + "25 fps H.264 500k, 2 s GOP + AAC 64k) over RTMP; " + PLAYERS + " WHEP players from `WhepLoadClient` in "
                    + "the benchmark JVM (connects on a pool of " + Integer.getInteger("bench.connectThreads", 16) + " threads: ICE Binding "
                    + "with integrity, a BouncyCastle DTLS 1.2 client handshake with use_srtp; then one selector thread "
                    + "counts SRTP bytes, not decrypted, and sends consent every 2 s; only players connected when the "
                    + "window opens are counted); 5 s warm-up, then "
                    + "server CPU (utime+stime from /proc) and bytes over a " + SECONDS + " s window, minus a window of "
                    + "the publisher alone (AAC to Opus once for the stream, H.264 packetised and SRTP-encrypted per "
                    + "player). Then the same number of RTMP players (`RtmpLoadClient`, own JVM) on the same server and stream.";
            BenchSupport.appendDoc("WebRTC players per core (issue 12)", table + "\n" + method + "\n");
            assertTrue(connected > 0, "no WHEP player connected: " + error);
        } finally {
            if (publisher != null) {
                Ffmpeg.stop(publisher);
            }
        }
    }
}
