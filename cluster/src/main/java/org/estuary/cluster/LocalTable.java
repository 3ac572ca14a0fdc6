package org.estuary.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@link SharedTable} of one embedded node: a concurrent map, listeners called on their own context. */
final class LocalTable implements SharedTable {
    private final Vertx vertx;
    private final Map<String, String> map = new ConcurrentHashMap<>();
    private final List<Registration> listeners = new CopyOnWriteArrayList<>();

    private record Registration(Context context, ChangeListener listener) { }

    LocalTable(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public Future<Void> put(String key, JsonObject value) {
        map.put(key, value.encode());
        fire(key, value.copy());
        return Future.succeededFuture();
    }

    @Override
    public Future<JsonObject> putIfAbsent(String key, JsonObject value) {
        String before = map.putIfAbsent(key, value.encode());
        if (before == null) {
            fire(key, value.copy());
            return Future.succeededFuture(value.copy());
        }
        return Future.succeededFuture(new JsonObject(before));
    }

    @Override
    public Future<JsonObject> get(String key) {
        String v = map.get(key);
        return Future.succeededFuture(v == null ? null : new JsonObject(v));
    }

    @Override
    public Future<Void> remove(String key) {
        if (map.remove(key) != null) {
            fire(key, null);
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> removeIfSame(String key, JsonObject expected) {
        boolean removed = map.remove(key, expected.encode());
        if (removed) {
            fire(key, null);
        }
        return Future.succeededFuture(removed);
    }

    @Override
    public Future<Map<String, JsonObject>> entries() {
        Map<String, JsonObject> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, new JsonObject(v)));
        return Future.succeededFuture(copy);
    }

    @Override
    public Runnable listen(ChangeListener listener) {
        Registration r = new Registration(vertx.getOrCreateContext(), listener);
        listeners.add(r);
        return () -> listeners.remove(r);
    }

    private void fire(String key, JsonObject value) {
        for (Registration r : listeners) {
            // Asynchronously, as Hazelcast does: a listener never runs inside the caller's put.
            r.context().runOnContext(v -> r.listener().changed(key, value == null ? null : value.copy()));
        }
    }
}
