package org.estuary.it.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** The stream/connection REST queries the it-tests repeat, answered as plain JSON objects. */
public final class StreamApi {
    private StreamApi() { }

    /** Every entry of {@code /stream/find_all}; empty when it answers 404 (no streams). */
    public static List<JsonObject> all(EstuaryProcess server) throws Exception {
        EstuaryProcess.Http r = server.post("/stream/find_all", "");
        if (r.status() == 404) {
            return List.of();
        }
        if (r.status() != 200) {
            throw new AssertionError("/stream/find_all: " + r);
        }
        return objects(r.array());
    }

    /** Players (published:false) of {@code name} currently listed. */
    public static List<JsonObject> players(EstuaryProcess server, String name) throws Exception {
        return all(server).stream().filter(o -> name.equals(o.getString("name")) && !o.getBoolean("published"))
                .collect(Collectors.toList());
    }

    /** The publisher entry of {@code name}, or null. */
    public static JsonObject publisher(EstuaryProcess server, String name) throws Exception {
        return all(server).stream().filter(o -> name.equals(o.getString("name")) && o.getBoolean("published"))
                .findFirst().orElse(null);
    }

    /** Waits until {@code name} is published and its video size is known (the codec config arrived). */
    public static JsonObject awaitPublished(EstuaryProcess server, String name) throws InterruptedException {
        return Await.value(Duration.ofSeconds(20), "stream " + name + " published with video",
                () -> {
                    JsonObject p = publisher(server, name);
                    return p != null && p.getInteger("width", 0) > 0 ? p : null;
                });
    }

    /** Waits until {@code count} players of {@code name} are PLAYING; returns them. */
    public static List<JsonObject> awaitPlayers(EstuaryProcess server, String name, int count) throws InterruptedException {
        return Await.value(Duration.ofSeconds(20), count + " players of " + name, () -> {
            List<JsonObject> p = players(server, name).stream()
                    .filter(o -> "PLAYING".equals(o.getString("status"))).collect(Collectors.toList());
            return p.size() == count ? p : null;
        });
    }

    /** Every entry of {@code /connection/find_all}; empty on 404. */
    public static List<JsonObject> connections(EstuaryProcess server) throws Exception {
        EstuaryProcess.Http r = server.post("/connection/find_all", "");
        if (r.status() == 404) {
            return List.of();
        }
        if (r.status() != 200) {
            throw new AssertionError("/connection/find_all: " + r);
        }
        return objects(r.array());
    }

    private static List<JsonObject> objects(JsonArray a) {
        return a.stream().map(JsonObject.class::cast).collect(Collectors.toList());
    }
}
