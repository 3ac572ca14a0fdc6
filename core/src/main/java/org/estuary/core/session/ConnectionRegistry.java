package org.estuary.core.session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Every client connection of this node, by sessionId. Thread-safe. */
public final class ConnectionRegistry {
    private final Map<String, ClientConnection> bySession = new ConcurrentHashMap<>();

    public void add(ClientConnection c) {
        bySession.put(c.sessionId(), c);
    }

    /** Replaces the entry (e.g. when the app becomes known after connect). */
    public void update(ClientConnection c) {
        bySession.put(c.sessionId(), c);
    }

    public void remove(String sessionId) {
        bySession.remove(sessionId);
    }

    public Optional<ClientConnection> find(String sessionId) {
        return Optional.ofNullable(bySession.get(sessionId));
    }

    public Collection<ClientConnection> all() {
        return new ArrayList<>(bySession.values());
    }

    public int size() {
        return bySession.size();
    }
}
