package org.estuary.verticles.record;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * {@code GET /records/} lists the recordings (JSON), {@code GET /records/<file>} downloads one with
 * range support. Vert.x's StaticHandler serves the files: it normalises the path and refuses to
 * leave its root, and answers Range requests with 206.
 */
public final class RecordsRoutes {
    private final Path dir;

    public RecordsRoutes(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
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
        router.get("/records/*").handler(files);
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
