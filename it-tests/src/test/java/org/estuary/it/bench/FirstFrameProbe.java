package org.estuary.it.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Time to first frame of one RTMP player at a time, fairly: each probe is a {@link PlayerConnection} (handshake,
 * connect, play; no decoding) timed from the moment it opens its own TCP connection to its first video message,
 * one probe after the other at a bounded rate, so no probe waits behind another player's start (a load client
 * starting hundreds of players at once on the same cores measures its own queue more than the server). Runs in
 * the calling JVM on one event loop of its own; a probe that got no frame within {@code timeoutMs} counts as
 * that long and is named in {@link Result#failures}.
 */
final class FirstFrameProbe implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10_000)
            .setTcpNoDelay(true));

    /** Sorted first-frame times (ms) of the probes, and how many got no frame. */
    record Result(long[] sortedMs, int failures) {
        long pct(double p) {
            return sortedMs.length == 0 ? -1 : sortedMs[Math.min(sortedMs.length - 1, (int) (p * sortedMs.length))];
        }

        /** {@code p50 / p99 / max (n probes[, k without a frame])}. */
        String row() {
            return pct(0.5) + " / " + pct(0.99) + " / " + (sortedMs.length == 0 ? -1 : sortedMs[sortedMs.length - 1])
                    + " (" + sortedMs.length + " probes" + (failures > 0 ? ", " + failures + " without a frame" : "") + ")";
        }
    }

    /**
     * {@code count} probes of {@code url}, one at a time, each started {@code gapMs} after the previous one ended;
     * stops early when {@code stop} says so (checked between probes).
     */
    Result run(String url, int count, long gapMs, long timeoutMs, BooleanSupplier stop) throws InterruptedException {
        List<Long> times = new ArrayList<>();
        int failures = 0;
        for (int i = 0; i < count && !stop.getAsBoolean(); i++) {
            long ms = once(url, timeoutMs);
            if (ms < 0) {
                failures++;
                ms = timeoutMs;
            }
            times.add(ms);
            Thread.sleep(gapMs);
        }
        return new Result(times.stream().mapToLong(Long::longValue).sorted().toArray(), failures);
    }

    /** One player's first frame in ms from its own connect, or -1 when none came within {@code timeoutMs}. */
    long once(String url, long timeoutMs) throws InterruptedException {
        URI u = URI.create(url);
        String path = u.getPath().substring(1);
        int slash = path.lastIndexOf('/');
        String tcUrl = "rtmp://" + u.getHost() + ":" + u.getPort() + "/" + path.substring(0, slash);
        PlayerConnection c = new PlayerConnection(path.substring(0, slash), tcUrl, path.substring(slash + 1));
        client.connect(u.getPort(), u.getHost()).onComplete(ar -> {
            if (ar.succeeded()) {
                c.attach(ar.result());
            } else {
                c.failure = "connect: " + ar.cause().getMessage();
                c.closed = true;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (c.firstFrameMs < 0 && !c.closed && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        long ms = c.firstFrameMs;
        vertx.runOnContext(v -> c.close());
        return ms;
    }

    /** A player that stays (e.g. to keep an edge's relay up while probes measure a warm edge); close to end it. */
    AutoCloseable keep(String url) {
        URI u = URI.create(url);
        String path = u.getPath().substring(1);
        int slash = path.lastIndexOf('/');
        String tcUrl = "rtmp://" + u.getHost() + ":" + u.getPort() + "/" + path.substring(0, slash);
        PlayerConnection c = new PlayerConnection(path.substring(0, slash), tcUrl, path.substring(slash + 1));
        client.connect(u.getPort(), u.getHost()).onSuccess(c::attach);
        return () -> vertx.runOnContext(v -> c.close());
    }

    @Override
    public void close() {
        vertx.close();
    }
}
