package org.estuary.verticles.ops;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What {@code /health} measures instead of assuming: every event loop runs a task within
 * {@link #LOOP_DEADLINE_MS}, each data directory accepts a new file, and (clustered) the cluster
 * member is running. Any failed check makes the answer 503 with status DOWN.
 */
final class HealthProbe {
    /** A loop that cannot run a tiny task within this long is stuck (blocked handler, runaway work). */
    static final long LOOP_DEADLINE_MS = 2_000;

    private final List<Path> directories;
    private final BooleanSupplier clusterOk;
    private final boolean clustered;
    /**
     * One thread of its own for the disk check: on Vert.x's shared worker pool every /health call
     * would start another pooled thread (a ThreadPoolExecutor grows to its core size on each
     * submit), so the thread count /health reports would climb with the polling alone.
     */
    private WorkerExecutor diskWorker;

    HealthProbe(List<Path> directories, boolean clustered, BooleanSupplier clusterOk) {
        this.directories = List.copyOf(directories);
        this.clustered = clustered;
        this.clusterOk = clusterOk;
    }

    /** {"healthy": bool, "checks": {...}}; never fails. */
    Future<JsonObject> run(Vertx vertx) {
        Future<JsonObject> loops = eventLoops(vertx);
        Future<JsonObject> disks = diskWorker(vertx).executeBlocking(this::disks, false);
        return Future.join(loops, disks).transform(ar -> {
            JsonObject checks = new JsonObject()
                    .put("eventLoops", loops.succeeded() ? loops.result() : failed(loops.cause()))
                    .put("disk", disks.succeeded() ? disks.result() : failed(disks.cause()));
            if (clustered) {
                boolean ok;
                try {
                    ok = clusterOk.getAsBoolean();
                } catch (RuntimeException e) {
                    ok = false;
                }
                checks.put("cluster", new JsonObject().put("ok", ok));
            }
            boolean healthy = checks.stream().allMatch(e -> ((JsonObject) e.getValue()).getBoolean("ok", false));
            return Future.succeededFuture(new JsonObject().put("healthy", healthy).put("checks", checks));
        });
    }

    private synchronized WorkerExecutor diskWorker(Vertx vertx) {
        if (diskWorker == null) {
            diskWorker = vertx.createSharedWorkerExecutor("estuary-health", 1);
        }
        return diskWorker;
    }

    private static JsonObject failed(Throwable t) {
        return new JsonObject().put("ok", false).put("error", String.valueOf(t.getMessage()));
    }

    private static Future<JsonObject> eventLoops(Vertx vertx) {
        List<Future<Long>> probes = new ArrayList<>();
        long start = System.nanoTime();
        for (EventExecutor loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
            Promise<Long> p = Promise.promise();
            loop.execute(() -> p.tryComplete((System.nanoTime() - start) / 1_000_000));
            probes.add(p.future().timeout(LOOP_DEADLINE_MS, TimeUnit.MILLISECONDS));
        }
        return Future.join(probes).transform(ar -> {
            long worst = 0;
            int stuck = 0;
            for (Future<Long> f : probes) {
                if (f.succeeded()) {
                    worst = Math.max(worst, f.result());
                } else {
                    stuck++;
                }
            }
            return Future.succeededFuture(new JsonObject().put("ok", stuck == 0).put("loops", probes.size())
                    .put("stuck", stuck).put("worstLatencyMs", worst));
        });
    }

    private JsonObject disks() {
        JsonObject out = new JsonObject();
        boolean ok = true;
        for (Path dir : directories) {
            String problem = writable(dir);
            out.put(dir.toString(), problem == null ? "writable" : problem);
            ok &= problem == null;
        }
        return out.put("ok", ok);
    }

    private static String writable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".health-", ".tmp");
            Files.write(probe, new byte[] {1});
            Files.delete(probe);
            return null;
        } catch (IOException | RuntimeException e) {
            return "not writable: " + e.getMessage();
        }
    }
}
