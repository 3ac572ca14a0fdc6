package org.estuary.verticles.cdn;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.estuary.cluster.RouteTable;
import org.estuary.cluster.SharedTable;
import org.estuary.cluster.SharedTables;
import org.estuary.core.control.ApiStatus;
import org.estuary.core.stream.Stream;
import org.estuary.core.stream.StreamRegistry;
import org.estuary.verticles.agent.Body;
import org.estuary.verticles.agent.ControlError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stream access lists ({@code /cdn/stream/access_list/*}), replicated to every node in the shared table
 * {@value SharedTables#ACCESS_LISTS}. A list belongs to one publish of its stream (the publish's media session
 * id is stored with it): a republished stream starts open again, as in WCS. An empty or absent list lets every
 * player in; otherwise a player must present one of the keys in the query parameter {@code aclKeyParameter}
 * or is refused with {@value #RESTRICTED}. Every node mirrors the table, so checks never wait on the cluster,
 * and calls {@code onChange} listeners when a list changes anywhere, so it can cut players whose key stopped
 * being valid.
 */
final class AccessLists {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLists.class);
    /** WCS's refusal text, for RTMP onStatus descriptions and HLS 403 bodies. */
    static final String RESTRICTED = "Restricted access";

    private final SharedTable table;
    private final RouteTable routes;
    private final StreamRegistry streams;
    private final String keyParameter;
    /** Edge relays present this (cluster-wide, random) token to origins instead of a player's key. */
    private final String relayToken;
    private final Map<String, JsonObject> mirror = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, Set<String>>> listeners = new ArrayList<>();
    private Runnable stopListening = () -> { };

    /** Query parameter an edge relay's play of its origin carries {@link #relayToken} in. */
    static final String RELAY_PARAMETER = "cdnRelay";

    AccessLists(SharedTables tables, RouteTable routes, StreamRegistry streams, String keyParameter, String relayToken) {
        this.relayToken = relayToken;
        this.table = tables.table(SharedTables.ACCESS_LISTS);
        this.routes = routes;
        this.streams = streams;
        this.keyParameter = keyParameter;
    }

    String keyParameter() {
        return keyParameter;
    }

    /** Called on the owner's context with (stream, keys now valid; empty = open) after any change anywhere. */
    void onChange(BiConsumer<String, Set<String>> listener) {
        listeners.add(listener);
    }

    Future<Void> start() {
        stopListening = table.listen((name, entry) -> {
            if (entry == null) {
                mirror.remove(name);
            } else {
                mirror.put(name, entry);
            }
            Set<String> keys = keys(name);
            listeners.forEach(l -> l.accept(name, keys));
        });
        return table.entries().map(all -> {
            all.forEach(mirror::putIfAbsent);
            return null;
        });
    }

    void stop() {
        stopListening.run();
    }

    /** The media session id of the live publish of {@code name}: its route's, else the local stream's. */
    private Optional<String> publishId(String name) {
        return routes.lookup(name).map(r -> r.getString("mediaSessionId"))
            .or(() -> streams.find(name).map(Stream::mediaSessionId));
    }

    /** The keys valid now for {@code name}; empty when the stream is open (no list, or a list of an older publish). */
    Set<String> keys(String name) {
        JsonObject entry = mirror.get(name);
        if (entry == null) {
            return Set.of();
        }
        String forPublish = entry.getString("mediaSessionId");
        if (forPublish != null && !publishId(name).map(forPublish::equals).orElse(true)) {
            return Set.of(); // the list of an earlier publish: republishing resets the list
        }
        Set<String> keys = new LinkedHashSet<>();
        entry.getJsonArray("keys", new JsonArray()).forEach(k -> keys.add(String.valueOf(k)));
        return keys;
    }

    /** Null when a player presenting {@code params} may play {@code name}, else the refusal reason. */
    String refusal(String name, Map<String, String> params) {
        if (params != null && relayToken.equals(params.get(RELAY_PARAMETER))) {
            return null; // an edge relaying to its own players, which it checks itself
        }
        Set<String> keys = keys(name);
        if (keys.isEmpty()) {
            return null;
        }
        String key = params == null ? null : params.get(keyParameter);
        return key != null && keys.contains(key) ? null : RESTRICTED;
    }

    // ------------------------------------------------------------------ REST

    void add(Message<Object> m) {
        request(m, true).compose(r -> {
            Set<String> keys = new LinkedHashSet<>(current(r.name));
            keys.addAll(r.keys);
            return save(r.name, keys, r.publishId);
        }).onSuccess(v -> m.reply(null)).onFailure(e -> CdnVerticle.fail(m, e));
    }

    void remove(Message<Object> m) {
        request(m, true).compose(r -> {
            if (!mirrorHas(r.name)) {
                return Future.failedFuture(ControlError.notFound("ACL not found: " + r.name));
            }
            Set<String> keys = new LinkedHashSet<>(current(r.name));
            keys.removeAll(r.keys);
            return save(r.name, keys, r.publishId);
        }).onSuccess(v -> m.reply(null)).onFailure(e -> CdnVerticle.fail(m, e));
    }

    void delete(Message<Object> m) {
        request(m, false).compose(r -> table.remove(r.name))
            .onSuccess(v -> m.reply(null)).onFailure(e -> CdnVerticle.fail(m, e));
    }

    void print(Message<Object> m) {
        String name = Body.of(m).string("name");
        if (name == null || name.isBlank()) {
            m.fail(ApiStatus.BAD_REQUEST, "name is required");
            return;
        }
        Set<String> keys = keys(name);
        if (keys.isEmpty()) {
            m.fail(ApiStatus.NOT_FOUND, "ACL not found: " + name);
            return;
        }
        m.reply(new JsonArray(new ArrayList<>(keys)));
    }

    private boolean mirrorHas(String name) {
        return !keys(name).isEmpty();
    }

    private Set<String> current(String name) {
        return keys(name);
    }

    private Future<Void> save(String name, Set<String> keys, String publishId) {
        LOG.info("Access list of {} now has {} key(s)", name, keys.size());
        JsonObject entry = new JsonObject().put("keys", new JsonArray(new ArrayList<>(keys)))
            .put("mediaSessionId", publishId).put("updatedAt", System.currentTimeMillis());
        // Written to the mirror at once too, so this node's next check already sees it.
        mirror.put(name, entry);
        return table.put(name, entry);
    }

    private record Request(String name, List<String> keys, String publishId) { }

    /** Validates {@code name} (+ {@code keys}) and finds the live publish; 400 / 404 "Stream not found". */
    private Future<Request> request(Message<Object> m, boolean withKeys) {
        JsonObject b = m.body() instanceof JsonObject o ? o : new JsonObject();
        String name = b.getValue("name") instanceof String s ? s : null;
        if (name == null || name.isBlank()) {
            return Future.failedFuture(ControlError.badRequest("name is required"));
        }
        List<String> keys = new ArrayList<>();
        if (withKeys) {
            // authorizedKeys: the older field name in WCS's documentation
            Object raw = b.getValue("keys", b.getValue("authorizedKeys"));
            if (!(raw instanceof JsonArray array) || array.isEmpty()) {
                return Future.failedFuture(ControlError.badRequest("keys must be a non-empty array of strings"));
            }
            for (Object k : array) {
                if (!(k instanceof String s) || s.isBlank()) {
                    return Future.failedFuture(ControlError.badRequest("keys must be non-empty strings, got " + k));
                }
                keys.add(s);
            }
        }
        Optional<String> publish = publishId(name);
        if (publish.isEmpty()) {
            return Future.failedFuture(ControlError.notFound("Stream not found: " + name));
        }
        return Future.succeededFuture(new Request(name, keys, publish.get()));
    }
}
