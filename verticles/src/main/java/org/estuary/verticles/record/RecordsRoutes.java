package org.estuary.verticles.record;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.estuary.core.session.Admission;
import org.estuary.core.session.AdmissionRequest;
import java.util.stream.Stream;

/**
 * {@code GET /records/} lists the recordings (JSON), {@code GET /records/<file>} downloads one with
 * range support. Vert.x's StaticHandler serves the files: it normalises the path and refuses to
 * leave its root, and answers Range requests with 206.
 */
public final class RecordsRoutes {
    private final Path dir;
    private final Admission admission;

    public RecordsRoutes(Path dir) {
        this(dir, Admission.allowAll());
    }

    /** @param admission asked (as a play over "HTTP" of the file name) before a download starts */
    public RecordsRoutes(Path dir, Admission admission) {
        this.dir = dir.toAbsolutePath().normalize();
        this.admission = admission;
    }

    public void mount(Router router) {
        router.get("/records").handler(this::list);
        router.get("/records/").handler(this::list);
        StaticHandler files = StaticHandler.create(FileSystemAccess.ROOT, dir.toString())
                .setCachingEnabled(false) // files grow while recording
                .setFilesReadOnly(false)
                .setDirectoryListing(false)
                .setIncludeHidden(false)
                .setEnableRangeSupport(true);
        router.get("/records/*").handler(this::admit).handler(files);
    }

    private void admit(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        String file = path.substring(path.lastIndexOf('/') + 1);
        Map<String, String> params = new HashMap<>();
        ctx.queryParams().forEach(params::put);
        String client = ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().host();
        AdmissionRequest r = new AdmissionRequest(AdmissionRequest.Action.PLAY, "HTTP", "records", file, client, params);
        Future.fromCompletionStage(admission.check(r), ctx.vertx().getOrCreateContext()).onComplete(ar -> {
            if (ar.succeeded() && ar.result().allowed() && ar.result().streamName().equals(file)) {
                ctx.next();
            } else {
                String why = ar.failed() ? ar.cause().getMessage() : ar.result().allowed()
                        ? "a download cannot be renamed" : ar.result().reason();
                ctx.response().setStatusCode(403).putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("error", "Download refused: " + why).encode());
            }
        });
    }

    private void list(RoutingContext ctx) {
        ctx.vertx().<JsonArray>executeBlocking(this::listFiles).onComplete(ar -> {
            if (ar.failed()) {
                ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("error", ar.cause().getMessage()).encode());
            } else {
                ctx.response().putHeader("Content-Type", "application/json").end(ar.result().encode());
            }
        });
    }

    private JsonArray listFiles() throws IOException {
        JsonArray out = new JsonArray();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.add(new JsonObject().put("fileName", p.getFileName().toString()).put("size", Files.size(p))
                        .put("lastModified", Files.getLastModifiedTime(p).toMillis())
                        .put("url", "/records/" + p.getFileName()));
            }
        }
        return out;
    }
}
