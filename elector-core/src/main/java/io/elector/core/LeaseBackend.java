package io.elector.core;

import io.elector.spi.Backend;
import io.elector.spi.CandidateEvents;
import io.elector.spi.CandidateSession;
import io.elector.spi.JoinRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.ObserveRequest;
import io.elector.spi.ObserverEvents;
import io.elector.spi.ObserverSession;
import io.elector.time.ElectorRuntime;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns a {@link LeaseStore} into a {@link Backend}: the lease engine owns timers, batching,
 * deadlines and retries; the store only runs statements. One engine per runtime, so all elections
 * of a process are renewed by one batched call.
 */
public final class LeaseBackend implements Backend {
    private final LeaseStore store;
    private final long seed;
    private final Map<ElectorRuntime, LeaseEngine> engines = new IdentityHashMap<>();

    private LeaseBackend(LeaseStore store, long seed) {
        this.store = store;
        this.seed = seed;
    }

    /** A backend over {@code store}; closing the backend closes the store. */
    public static LeaseBackend of(LeaseStore store) {
        return new LeaseBackend(store, System.nanoTime());
    }

    /** As {@link #of(LeaseStore)}, with a fixed seed for the retry jitter (reproducible tests). */
    public static LeaseBackend of(LeaseStore store, long jitterSeed) {
        return new LeaseBackend(store, jitterSeed);
    }

    /** The store behind this backend. */
    public LeaseStore store() {
        return store;
    }

    @Override
    public String kind() {
        return store.kind();
    }

    private synchronized LeaseEngine engine(ElectorRuntime runtime) {
        return engines.computeIfAbsent(
                runtime, r -> new LeaseEngine(store, r, new SplittableRandom(seed + engines.size())));
    }

    @Override
    public CandidateSession join(JoinRequest request, CandidateEvents events) {
        return engine(request.runtime()).join(request, events);
    }

    @Override
    public ObserverSession observe(ObserveRequest request, ObserverEvents events) {
        return engine(request.runtime()).observe(request, events);
    }

    @Override
    public void close() {
        synchronized (this) {
            for (LeaseEngine e : engines.values()) {
                e.close();
            }
            engines.clear();
        }
        store.close();
    }
}
