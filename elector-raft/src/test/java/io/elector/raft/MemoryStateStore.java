package io.elector.raft;

import java.util.HashMap;
import java.util.Map;

/** A state store that outlives the node using it: the "disk" of a simulated process across restarts. */
final class MemoryStateStore implements StateStore {
    private final Map<String, Durable> saved = new HashMap<>();
    private int saves;

    @Override
    public synchronized Map<String, Durable> load() {
        return Map.copyOf(saved);
    }

    @Override
    public synchronized void save(Map<String, Durable> changed) {
        saved.putAll(changed);
        saves++;
    }

    synchronized Durable get(String election) {
        return saved.get(election);
    }

    synchronized int saves() {
        return saves;
    }

    @Override
    public void close() {}
}
