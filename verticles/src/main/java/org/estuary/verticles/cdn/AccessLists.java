package org.estuary.verticles.cdn;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
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
import java.util.function.Function;
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
    /** Version of the last list removed, by stream name, so a late event of an older list does not bring it back. */
    private final Map<String, Long> removedVersions = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final Function<String, Optional<String>> relayedPublish;
    private MessageConsumer<JsonObject> changes;
    private final List<BiConsumer<String, Set<String>>> listeners = new ArrayList<>();
    private Runnable stopListening = () -> { };

    /** Query parameter an edge relay's play of its origin carries {@link #relayToken} in. */
    static final String RELAY_PARAMETER = "cdnRelay";
    /** Query parameter an edge relay's play of its origin names its own node in (for {@code /cdn/connection/reset_*}). */
    static final String RELAY_NODE_PARAMETER = "cdnNode";

    /** The {@code name=value&...} query a relay made by node {@code nodeId} presents to its origin. */
    String relayQuery(String nodeId) {
        return RELAY_PARAMETER + "=" + relayToken + "&" + RELAY_NODE_PARAMETER + "="
            + java.net.URLEncoder.encode(nodeId, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The node a reader presenting {@code params} relays to, when it is another node's relay (valid token); else null. */
    String relayNode(Map<String, String> params) {
        return params != null && relayToken.equals(params.get(RELAY_PARAMETER)) ? params.get(RELAY_NODE_PARAMETER) : null;
    }

    /** Clustered event-bus address every change of a list is announced on ({@code {name, entry|null, version}}). */
    static final String CHANGED = "estuary.cdn.acl.changed";

    /**
     * @param relayedPublish on an edge, the origin publish id of a stream it relays (empty otherwise)
     */
    AccessLists(Vertx vertx, SharedTables tables, RouteTable routes, StreamRegistry streams, String keyParameter,
                String relayToken, Function<String, Optional<String>> relayedPublish) {
        this.vertx = vertx;
        this.relayedPublish = relayedPublish;
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
        stopListening = table.listen(this::apply);
        // Every change is also announced on the clustered event bus (Vert.x's own node-to-node connections):
        // Hazelcast sends entry events from the partition owner to other members fire-and-forget, and a lost
        // one left an edge enforcing an old list (its players whose key was removed kept playing).
        changes = vertx.eventBus().<JsonObject>consumer(CHANGED, m -> {
            JsonObject b = m.body();
            apply(b.getString("name"), b.getJsonObject("entry"), b.getLong("version", 0L));
        });
        return Future.all(changes.completion(), table.entries()).map(done -> {
            Map<String, JsonObject> all = done.resultAt(1);
            all.forEach(mirror::putIfAbsent);
            return null;
        });
    }

    void stop() {
        stopListening.run();
        if (changes != null) {
            changes.unregister();
        }
    }

    /** A change of the list of {@code name} seen in the map's events. */
    private void apply(String name, JsonObject entry) {
        apply(name, entry, entry == null ? -1 : entry.getLong("version", 0L));
    }

    /**
     * Applies a change seen through either path (map event or bus announcement), unless this node already
     * knows a newer version of the list: both paths deliver every change, in any order. {@code version} is
     * the entry's, or for a removal the version of the entry it removed (-1: unknown, always applied).
     */
    private void apply(String name, JsonObject entry, long version) {
        if (name == null) {
            return;
        }
        JsonObject current = mirror.get(name);
        long currentVersion = versionOf(current);
        if (entry != null) {
            long v = versionOf(entry);
            if (v <= removedVersions.getOrDefault(name, -1L) || (current != null
                && (v < currentVersion || (v == currentVersion && current.equals(entry))))) {
                return; // a list removed since, an older one, or the one we have
            }
            mirror.put(name, entry);
        } else {
            if (current == null || (version >= 0 && currentVersion > version)) {
                removedVersions.merge(name, version, Math::max);
                return; // nothing here to remove, or a newer list than the removed one
            }
            mirror.remove(name);
            removedVersions.merge(name, Math.max(version, currentVersion), Math::max);
        }
        changed(name);
    }

    /** Tells the listeners (this node's player re-check) what {@code name} lets in now. */
    private void changed(String name) {
        Set<String> keys = keys(name);
        LOG.info("Access list of {} changed: {} key(s) valid here now (list version {})", name, keys.size(),
            mirror.containsKey(name) ? versionOf(mirror.get(name)) : "removed");
        listeners.forEach(l -> l.accept(name, keys));
    }

    private static long versionOf(JsonObject entry) {
        return entry == null ? -1 : entry.getLong("version", 0L);
    }

    /**
     * The media session id of the live publish of {@code name}: its route's; on an edge the origin publish its
     * relay copies (the local copy has an id of its own); else the local stream's.
     */
    private Optional<String> publishId(String name) {
        return routes.field(name, "mediaSessionId")
            .or(() -> relayedPublish.apply(name))
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

    void add(Message<?> m, Body body) {
        request(body, true).compose(r -> {
            Set<String> keys = new LinkedHashSet<>(current(r.name));
            keys.addAll(r.keys);
            return save(r.name, keys, r.publishId);
        }).onSuccess(v -> m.reply(null)).onFailure(e -> CdnVerticle.fail(m, e));
    }

    void remove(Message<?> m, Body body) {
        request(body, true).compose(r -> {
            if (!mirrorHas(r.name)) {
                return Future.failedFuture(ControlError.notFound("ACL not found: " + r.name));
            }
            Set<String> keys = new LinkedHashSet<>(current(r.name));
            keys.removeAll(r.keys);
            return save(r.name, keys, r.publishId);
        }).onSuccess(v -> m.reply(null)).onFailure(e -> CdnVerticle.fail(m, e));
    }

    void delete(Message<?> m, Body body) {
        request(body, false).compose(r -> {
            long version = versionOf(mirror.get(r.name));
            return table.remove(r.name).onSuccess(v -> {
                apply(r.name, null, version);
                announce(r.name, null, version);
            });
        }).onSuccess(v -> m.reply(null)).onFailure(e -> CdnVerticle.fail(m, e));
    }

    void print(Message<?> m, Body body) {
        String name = body.string("name");
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
        // Above every version this node knows, and at least the wall clock: a node that never saw the earlier
        // lists of this name (it started since) still writes a version the others take as newer.
        long version = Math.max(Math.max(versionOf(mirror.get(name)), removedVersions.getOrDefault(name, -1L)) + 1,
            System.currentTimeMillis());
        JsonObject entry = new JsonObject().put("keys", new JsonArray(new ArrayList<>(keys)))
            .put("mediaSessionId", publishId).put("version", version).put("updatedAt", System.currentTimeMillis());
        // Written to the mirror at once too, so this node's next check already sees it, and its players are
        // re-checked now (both paths below bring the same entry back, which is then skipped).
        mirror.put(name, entry);
        changed(name);
        return table.put(name, entry).onSuccess(v -> announce(name, entry, version));
    }

    /** Tells every node (this one included, harmlessly) of a change that is in the table now. */
    private void announce(String name, JsonObject entry, long version) {
        vertx.eventBus().publish(CHANGED, new JsonObject().put("name", name).put("entry", entry).put("version", version));
    }

    private record Request(String name, List<String> keys, String publishId) { }

    /** Validates {@code name} (+ {@code keys}) and finds the live publish; 400 / 404 "Stream not found". */
    private Future<Request> request(Body body, boolean withKeys) {
        JsonObject b = body.json();
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
