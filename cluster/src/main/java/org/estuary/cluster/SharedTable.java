package org.estuary.cluster;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A cluster-wide table of JSON objects by string key: a Hazelcast map (with its backups) when clustered, a
 * local map on one embedded node, behind this one interface so CDN code never checks which.
 *
 * <p>Futures complete on the context that called. Values are stored as encoded JSON text, so
 * {@link #removeIfSame} compares exactly what was put.
 */
public interface SharedTable {

    /** Called on the context that registered it, after any change by any node. */
    interface ChangeListener {
        /** @param value the new value, or null when the key was removed */
        void changed(String key, JsonObject value);
    }

    Future<Void> put(String key, JsonObject value);

    /** Puts {@code value} unless the key holds one already; answers the value in the table afterwards. */
    Future<JsonObject> putIfAbsent(String key, JsonObject value);

    /** The value, or null. */
    Future<JsonObject> get(String key);

    Future<Void> remove(String key);

    /** Removes {@code key} only while it still holds {@code expected}; true when it did. */
    Future<Boolean> removeIfSame(String key, JsonObject expected);

    /** A snapshot of every entry. */
    Future<Map<String, JsonObject>> entries();

    /** Starts delivering changes to {@code listener}; the returned handle stops it. */
    Runnable listen(ChangeListener listener);
}
