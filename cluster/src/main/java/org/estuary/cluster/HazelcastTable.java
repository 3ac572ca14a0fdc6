package org.estuary.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SharedTable} over a Hazelcast {@link IMap} of JSON text. Hazelcast keeps one synchronous backup of
 * every entry by default, so the table survives the death of any single node. Calls that Hazelcast only offers
 * blocking run on a worker thread, never on an event loop.
 */
final class HazelcastTable implements SharedTable {
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastTable.class);
    private final Vertx vertx;
    private final IMap<String, String> map;

    HazelcastTable(Vertx vertx, IMap<String, String> map) {
        this.vertx = vertx;
        this.map = map;
    }

    @Override
    public Future<Void> put(String key, JsonObject value) {
        try {
            return Future.fromCompletionStage(map.setAsync(key, value.encode()), vertx.getOrCreateContext());
        } catch (RuntimeException e) { // e.g. HazelcastInstanceNotActiveException while the node shuts down
            return Future.failedFuture(e);
        }
    }

    @Override
    public Future<JsonObject> putIfAbsent(String key, JsonObject value) {
        String text = value.encode();
        return vertx.executeBlocking(() -> {
            String before = map.putIfAbsent(key, text);
            return new JsonObject(before == null ? text : before);
        }, false);
    }

    @Override
    public Future<JsonObject> get(String key) {
        try {
            return Future.fromCompletionStage(map.getAsync(key), vertx.getOrCreateContext())
                .map(v -> v == null ? null : new JsonObject(v));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public Future<Void> remove(String key) {
        try {
            return Future.fromCompletionStage(map.deleteAsync(key), vertx.getOrCreateContext()).mapEmpty();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public Future<Boolean> removeIfSame(String key, JsonObject expected) {
        String text = expected.encode();
        return vertx.executeBlocking(() -> map.remove(key, text), false);
    }

    @Override
    public Future<Map<String, JsonObject>> entries() {
        return vertx.executeBlocking(() -> {
            Map<String, JsonObject> copy = new LinkedHashMap<>();
            map.entrySet().forEach(e -> copy.put(e.getKey(), new JsonObject(e.getValue())));
            return copy;
        }, false);
    }

    @Override
    public Runnable listen(ChangeListener listener) {
        Context context = vertx.getOrCreateContext();
        UUID id = map.addEntryListener(new Relay(context, listener), true);
        return () -> {
            try {
                map.removeEntryListener(id);
            } catch (RuntimeException e) {
                LOG.debug("Entry listener of {} already gone", map.getName(), e);
            }
        };
    }

    /** Moves Hazelcast's event-thread callbacks onto the listener's context. */
    private record Relay(Context context, ChangeListener listener) implements EntryAddedListener<String, String>,
            EntryUpdatedListener<String, String>, EntryRemovedListener<String, String>,
            EntryEvictedListener<String, String>, EntryExpiredListener<String, String>, MapClearedListener {

        private void deliver(String key, String value) {
            try {
                context.runOnContext(v -> listener.changed(key, value == null ? null : new JsonObject(value)));
            } catch (RuntimeException e) {
                LOG.debug("Vert.x is closing; change of {} not delivered", key, e);
            }
        }

        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            deliver(event.getKey(), event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
            deliver(event.getKey(), event.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> event) {
            deliver(event.getKey(), null);
        }

        @Override
        public void entryEvicted(EntryEvent<String, String> event) {
            deliver(event.getKey(), null);
        }

        @Override
        public void entryExpired(EntryEvent<String, String> event) {
            deliver(event.getKey(), null);
        }

        @Override
        public void mapCleared(MapEvent event) {
            LOG.warn("Shared map {} was cleared from outside", event.getName());
        }
    }
}
