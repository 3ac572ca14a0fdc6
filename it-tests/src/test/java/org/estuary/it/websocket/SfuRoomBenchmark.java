package org.estuary.it.websocket;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.estuary.it.support.Await;
import org.estuary.it.support.EstuaryProcess;
import org.estuary.it.support.Ports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SFU room forwarding cost (issue 13): N participants (iframes of one headless Chromium running
 * resources/webrtc/sfu-room.html, 320x240 H.264 + Opus each) in one room; over a window of
 * {@code bench.seconds} the server's CPU time per forwarded subscriber track, the packets and
 * frames the pages lost, and the packets the server forwarded. No other SFU is installed to run the
 * same work against, so no ratio is printed: the browsers' encoders and decoders share the machine
 * with the server, so run it where Chromium has cores of its own, and read the CPU as an upper bound.
 *
 * <p>{@code mvn -B -o -pl it-tests -am verify -Pbenchmark -Dtest=SfuRoomBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.participants=4] [-Dbench.seconds=20]}
 */
@Tag("benchmark")
class SfuRoomBenchmark {
    private static final int PARTICIPANTS = Integer.getInteger("bench.participants", 4);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);

    @Test
    void forwardingCpuPerSubscriberTrack() throws Exception {
        HttpServer pages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        pages.createContext("/", ex -> {
            try (ex; InputStream in = SfuRoomBenchmark.class.getResourceAsStream("/webrtc/sfu-room.html")) {
                byte[] b = in.readAllBytes();
                ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                ex.sendResponseHeaders(200, b.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(b);
                }
            }
        });
        pages.start();
        int ws = Ports.free();
        try (EstuaryProcess server = EstuaryProcess.startAsUsersRunIt("bench-sfu", "websocket.port=" + ws, "webrtc.port=" + Ports.free(),
                "webrtc.privateAddress=127.0.0.1", "sfu.maxParticipantsPerRoom=" + Math.max(2, PARTICIPANTS));
             WebDriver browser = WebDriver.start(EstuaryProcess.logDir(), "bench-sfu")) {
            browser.open("http://127.0.0.1:" + pages.getAddress().getPort() + "/sfu-room.html");
            String base = "/sfu-room.html?room=bench&ws=" + java.net.URLEncoder.encode("ws://127.0.0.1:" + ws + "/",
                    java.nio.charset.StandardCharsets.UTF_8) + "&nick=";
            for (int i = 0; i < PARTICIPANTS; i++) {
                browser.js("const f = document.createElement('iframe'); f.id = 'p" + i + "'; f.src = '" + base + "p" + i
                        + "'; document.body.appendChild(f);");
            }
            int subscriptions = PARTICIPANTS * (PARTICIPANTS - 1);
            String decodingAll = "let n = 0; for (const f of document.querySelectorAll('iframe')) {"
                    + " const r = f.contentWindow.room; if (!r) continue;"
                    + " for (const s of Object.values(r.stats)) if ((s.framesDecoded || 0) > 10) n++; } return n;";
            Await.until(Duration.ofSeconds(120), "every page decoding every other", () ->
                    ((Number) browser.js(decodingAll)).intValue() >= subscriptions);
            String totals = "let t = {frames: 0, lost: 0, packets: 0}; for (const f of document.querySelectorAll('iframe')) {"
                    + " for (const s of Object.values(f.contentWindow.room.stats)) { t.frames += s.framesDecoded || 0;"
                    + " t.lost += (s.videoLost || 0); t.packets += (s.videoPackets || 0) + (s.audioPackets || 0); } }"
                    + " return JSON.stringify(t);";
            JsonObject before = new JsonObject((String) browser.js(totals));
            long cpu0 = cpuMs(server.pid());
            long t0 = System.nanoTime();
            Thread.sleep(SECONDS * 1000L);
            long cpu1 = cpuMs(server.pid());
            double secs = (System.nanoTime() - t0) / 1e9;
            JsonObject after = new JsonObject((String) browser.js(totals));
            JsonObject stats = server.post("/sfu/stats", new JsonObject().put("roomName", "bench")).json();
            int tracks = subscriptions * 2;
            double cpuPerSec = (cpu1 - cpu0) / secs;
            long packets = after.getLong("packets") - before.getLong("packets");
            String line = String.format(java.util.Locale.ROOT, "SFU room of %d participants, %d subscriber tracks, %.0f s:"
                    + " server CPU %.1f ms/s (%.2f ms/s per subscriber track, %.1f us per packet received by the pages),"
                    + " frames decoded %d, video packets lost %d; load average %s",
                    PARTICIPANTS, tracks, secs, cpuPerSec, cpuPerSec / tracks, packets == 0 ? 0 : (cpu1 - cpu0) * 1000.0 / packets,
                    after.getLong("frames") - before.getLong("frames"), after.getLong("lost") - before.getLong("lost"),
                    Files.readString(Path.of("/proc/loadavg")).trim());
            System.out.println(line);
            System.out.println("SFU room /sfu/stats: " + stats.encode());
            assertTrue(after.getLong("frames") > before.getLong("frames"), "frames kept being decoded: " + line);
        } finally {
            pages.stop(0);
        }
    }

    /** The process's user + system CPU time (Linux /proc, clock ticks of 10 ms). */
    private static long cpuMs(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }
}
