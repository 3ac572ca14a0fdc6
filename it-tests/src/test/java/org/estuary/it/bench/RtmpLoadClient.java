package org.estuary.it.bench;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Standalone RTMP fan-out load client: opens N play connections to one {@code rtmp://} URL,
 * counts bytes and video/audio messages per connection without decoding media, and prints one
 * JSON summary line. Meant to run in its own JVM, so its CPU is never the server's.
 *
 * <p>Phases (each announced on stdout so a driver can sample the server at the right moments):
 * ramp-up at a bounded rate, waiting (at most 30 s) until every player has its first frame, a
 * short settle, then {@code BENCH_WINDOW_START}, a measurement window of
 * {@code --seconds}, {@code BENCH_WINDOW_END}, and {@code BENCH_SUMMARY {json}}.
 *
 * <p>A player counts as "playing" when it is still open and got video in the window, and as served
 * "full" when, in addition, it received at
 * least {@code fps × window − fps} video frames (one second of slack for boundary jitter) and never
 * saw a video timestamp gap over one second (the mark of a skip to the next keyframe).
 *
 * <p>usage: {@code RtmpLoadClient rtmp://127.0.0.1:PORT/app/stream --players N --seconds S
 * [--rate conns/s] [--fps 25] [--settle 3] [--threads 2]}. Loopback hosts only.
 */
public final class RtmpLoadClient {
    private RtmpLoadClient() { }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        URI url = URI.create(args[0]);
        String host = url.getHost();
        if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
            throw new IllegalArgumentException("loopback only: " + url);
        }
        int players = Integer.parseInt(opt.getOrDefault("players", "100"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "20"));
        int rate = Integer.parseInt(opt.getOrDefault("rate", "200"));
        double fps = Double.parseDouble(opt.getOrDefault("fps", "25"));
        int settle = Integer.parseInt(opt.getOrDefault("settle", "3"));
        int threads = Integer.parseInt(opt.getOrDefault("threads", "2"));
        if (players < 1 || players > 5000 || seconds < 1 || seconds > 600 || rate < 1) {
            throw new IllegalArgumentException("players 1..5000, seconds 1..600, rate >= 1");
        }
        String path = url.getPath().substring(1);
        int slash = path.lastIndexOf('/');
        String app = path.substring(0, slash);
        String stream = path.substring(slash + 1);
        String tcUrl = "rtmp://" + host + ":" + url.getPort() + "/" + app;

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads));
        // hard stop whatever happens: the client is bounded in time
        long budgetMs = (players * 1000L / rate) + (settle + seconds + 60) * 1000L;
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(budgetMs);
                System.out.println("BENCH_ABORT time budget exceeded");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException ignored) {
                // normal end
            }
        }, "load-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10_000).setTcpNoDelay(true));
        List<PlayerConnection> conns = new ArrayList<>(players);
        long rampStart = System.nanoTime();
        for (int i = 0; i < players; i++) {
            long due = rampStart + i * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            PlayerConnection c = new PlayerConnection(app, tcUrl, stream);
            conns.add(c);
            client.connect(url.getPort(), host).onComplete(ar -> {
                if (ar.succeeded()) {
                    c.attach(ar.result());
                } else {
                    c.failure = "connect: " + ar.cause().getMessage();
                    c.closed = true;
                }
            });
        }
        double rampSeconds = (System.nanoTime() - rampStart) / 1e9;
        // the window starts once every player has its first frame (or gave up), at most 30 s on
        long settleDeadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < settleDeadline
                && conns.stream().anyMatch(c -> c.firstFrameMs < 0 && !c.closed && c.failure == null)) {
            Thread.sleep(100);
        }
        double settledSeconds = (System.nanoTime() - rampStart) / 1e9;
        Thread.sleep(settle * 1000L);

        long[] bytes0 = new long[players];
        long[] video0 = new long[players];
        long[] audio0 = new long[players];
        PlayerConnection.gapWatch = true;
        long windowStart = System.nanoTime();
        for (int i = 0; i < players; i++) {
            PlayerConnection c = conns.get(i);
            bytes0[i] = c.bytes;
            video0[i] = c.videoMessages;
            audio0[i] = c.audioMessages;
        }
        System.out.println("BENCH_WINDOW_START");
        System.out.flush();
        Thread.sleep(seconds * 1000L);
        System.out.println("BENCH_WINDOW_END");
        System.out.flush();
        long windowNanos = System.nanoTime() - windowStart;
        PlayerConnection.gapWatch = false;

        double window = windowNanos / 1e9;
        long minFrames = (long) Math.floor(fps * window - fps);
        long bytes = 0;
        long video = 0;
        long audio = 0;
        int playing = 0;
        int full = 0;
        int gapped = 0;
        int shortOfFrames = 0;
        long[] firstFrame = conns.stream().mapToLong(c -> c.firstFrameMs).filter(v -> v >= 0).sorted().toArray();
        Map<String, Integer> failures = new TreeMap<>();
        for (int i = 0; i < players; i++) {
            PlayerConnection c = conns.get(i);
            long b = c.bytes - bytes0[i];
            long v = c.videoMessages - video0[i];
            bytes += b;
            video += v;
            audio += c.audioMessages - audio0[i];
            boolean alive = c.playing && !c.closed && v > 0;
            if (alive) {
                playing++;
            }
            boolean gap = c.maxGapMs > PlayerConnection.MAX_VIDEO_GAP_MS;
            gapped += gap ? 1 : 0;
            shortOfFrames += v < minFrames ? 1 : 0;
            if (alive && !gap && v >= minFrames) {
                full++;
            }
            if (c.failure != null) {
                failures.merge(c.failure, 1, Integer::sum);
            }
        }
        JsonObject summary = new JsonObject()
                .put("players", players).put("rampSeconds", round(rampSeconds))
                .put("allStartedAfterSeconds", round(settledSeconds)).put("windowSeconds", round(window))
                .put("playing", playing).put("full", full).put("gapped", gapped).put("shortOfFrames", shortOfFrames)
                .put("expectedFramesMin", minFrames)
                .put("bytes", bytes).put("videoMessages", video).put("audioMessages", audio)
                .put("mbitPerPlayer", round(bytes * 8 / window / 1e6 / players))
                .put("firstFrameMsP50", pct(firstFrame, 0.5)).put("firstFrameMsP95", pct(firstFrame, 0.95))
                .put("firstFrameMsP99", pct(firstFrame, 0.99))
                .put("firstFrameMsMax", firstFrame.length == 0 ? -1 : firstFrame[firstFrame.length - 1])
                .put("failures", new JsonObject(new TreeMap<>(failures)))
                .put("clientCpuSeconds", round(ownCpuSeconds()));
        System.out.println("BENCH_SUMMARY " + summary.encode());
        System.out.flush();
        conns.forEach(c -> vertx.runOnContext(v -> c.close()));
        vertx.close().await(10, TimeUnit.SECONDS);
        watchdog.interrupt();
        System.exit(0);
    }

    /** This JVM's CPU time so far (all threads), so a driver can show the client was not starved. */
    private static double ownCpuSeconds() {
        return ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class).getProcessCpuTime() / 1e9;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }

    private static Map<String, String> options(String[] args) {
        if (args.length == 0 || !args[0].startsWith("rtmp://")) {
            throw new IllegalArgumentException("usage: RtmpLoadClient rtmp://127.0.0.1:PORT/app/stream --players N ...");
        }
        Map<String, String> m = new TreeMap<>();
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        for (int i = 0; i + 1 < rest.size(); i += 2) {
            if (!rest.get(i).startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + rest.get(i));
            }
            m.put(rest.get(i).substring(2), rest.get(i + 1));
        }
        return m;
    }
}
