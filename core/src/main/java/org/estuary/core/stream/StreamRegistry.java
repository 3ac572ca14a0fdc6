package org.estuary.core.stream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Names live streams on this node and tracks their readers. Thread-safe: protocols on many event
 * loops publish and play at once. One registry per node, shared by every verticle.
 */
public final class StreamRegistry {
    private final int readerCapacity;
    private final int gopMaxFrames;
    private final long gopMaxBytes;
    private final Map<String, Stream> byName = new ConcurrentHashMap<>();
    private final Map<String, Stream> byMediaSession = new ConcurrentHashMap<>();
    private final Map<String, StreamReader> readersBySession = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<Stream>>> waiters = new ConcurrentHashMap<>();
    private final List<StreamListener> listeners = new CopyOnWriteArrayList<>();
    private final List<OnDemandSource> onDemand = new CopyOnWriteArrayList<>();
    private final AtomicLong listedStateVersion = new AtomicLong();

    public StreamRegistry(int readerCapacity, int gopMaxFrames, long gopMaxBytes) {
        this.readerCapacity = readerCapacity;
        this.gopMaxFrames = gopMaxFrames;
        this.gopMaxBytes = gopMaxBytes;
    }

    public void addListener(StreamListener l) {
        listeners.add(l);
    }

    public void removeListener(StreamListener l) {
        listeners.remove(l);
    }

    /** Registers a source asked to start publishing names that players wait for (see {@link OnDemandSource}). */
    public void addOnDemandSource(OnDemandSource s) {
        onDemand.add(s);
    }

    public void removeOnDemandSource(OnDemandSource s) {
        onDemand.remove(s);
    }

    /**
     * Claims {@code name} for a new publisher. A live stream keeps its name unless its publisher
     * has sent nothing for {@code takeoverIdleMillis}: then it is ended ("Stopped by new
     * publisher") and the newcomer takes over, so a dead publisher never holds a name forever.
     */
    public Stream publish(String name, PublisherInfo publisher, long takeoverIdleMillis) throws NameInUseException {
        Stream fresh = new Stream(this, name, UUID.randomUUID().toString(), publisher,
                readerCapacity, gopMaxFrames, gopMaxBytes);
        while (true) {
            Stream existing = byName.putIfAbsent(name, fresh);
            if (existing == null) {
                break;
            }
            boolean idle = System.currentTimeMillis() - existing.lastFrameAtMillis() >= takeoverIdleMillis;
            if (!existing.isEnded() && !idle) {
                throw new NameInUseException(name);
            }
            if (!existing.isEnded()) {
                existing.terminate();
                existing.end("Stopped by new publisher");
            }
            byName.remove(name, existing);
        }
        byMediaSession.put(fresh.mediaSessionId(), fresh);
        for (StreamListener l : listeners) {
            l.published(fresh);
        }
        List<Consumer<Stream>> w = waiters.remove(name);
        if (w != null) {
            for (Consumer<Stream> c : w) {
                c.accept(fresh);
            }
        }
        return fresh;
    }

    void unpublished(Stream s, String reason) {
        byName.remove(s.name(), s);
        byMediaSession.remove(s.mediaSessionId(), s);
        for (StreamListener l : listeners) {
            l.unpublished(s, reason);
        }
    }

    void readerAdded(StreamReader r) {
        readersBySession.put(r.info().mediaSessionId(), r);
        for (StreamListener l : listeners) {
            l.readerAdded(r);
        }
    }

    void readerRemoved(StreamReader r) {
        if (readersBySession.remove(r.info().mediaSessionId(), r)) {
            for (StreamListener l : listeners) {
                l.readerRemoved(r);
            }
        }
    }

    public Optional<Stream> find(String name) {
        Stream s = byName.get(name);
        return s == null || s.isEnded() ? Optional.empty() : Optional.of(s);
    }

    public Optional<Stream> findByMediaSessionId(String id) {
        return Optional.ofNullable(byMediaSession.get(id));
    }

    public Optional<StreamReader> findReader(String mediaSessionId) {
        return Optional.ofNullable(readersBySession.get(mediaSessionId));
    }

    /** The stream registered under {@code name}, ended or not; null when none. */
    public Stream registered(String name) {
        return byName.get(name);
    }

    /**
     * A number that changes whenever a stream's listed state (not a counter) changes: recording,
     * description, GOP length, a track going silent for {@link Stream#SILENT_AFTER_MS} or coming
     * back. Lets a listing that is shared between requests (REST find_all) know it is stale
     * without a scan of every stream per request. Streams and readers coming and going are
     * told to {@link StreamListener}s instead.
     */
    public long listedStateVersion() {
        return listedStateVersion.get();
    }

    void listedStateChanged() {
        listedStateVersion.incrementAndGet();
    }

    public Collection<Stream> streams() {
        return new ArrayList<>(byName.values());
    }

    public Collection<StreamReader> readers() {
        return new ArrayList<>(readersBySession.values());
    }

    /** True while some reader waits (through {@link #awaitPublished}) for {@code name} to be published here. */
    public boolean awaited(String name) {
        return waiters.containsKey(name);
    }

    /**
     * Asks the {@link OnDemandSource}s to start {@code name} (e.g. an edge's relay of a stream published on
     * another node): the name the first taker will publish, or null when none takes it. Sources must accept
     * being asked again for a name they are starting (every waiting reader asks).
     */
    public String demand(String name) {
        for (OnDemandSource s : onDemand) {
            String published = s.demand(name);
            if (published != null) {
                return published;
            }
        }
        return null;
    }

    /**
     * Calls {@code onPublished} once when {@code name} is (or already is) published. When it is not
     * live, {@link OnDemandSource}s may start it, possibly under another name they return (e.g.
     * the decoded form of a URL-encoded rtsp:// URI), which is then what is awaited. Returns a
     * handle that cancels the wait (for players that give up after a timeout).
     */
    public Runnable awaitPublished(String name, Consumer<Stream> onPublished) {
        Consumer<Stream> once = new Consumer<>() {
            private boolean done;

            @Override
            public synchronized void accept(Stream s) {
                if (!done) {
                    done = true;
                    onPublished.accept(s);
                }
            }
        };
        String wait = name;
        if (find(name).isEmpty()) {
            String published = demand(name);
            if (published != null) {
                wait = published;
            }
        }
        String key = wait;
        waiters.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(once);
        find(key).ifPresent(once);
        return () -> waiters.computeIfPresent(key, (k, list) -> {
            list.remove(once);
            return list.isEmpty() ? null : list;
        });
    }
}
