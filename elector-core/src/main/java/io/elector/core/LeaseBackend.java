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
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    /**
     * Closes the engines, waits (at most two seconds: a release the store does not answer in that
     * time expires by itself) for releases already under way, then closes the store.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> drained = new ArrayList<>();
        boolean mayWait = true;
        synchronized (this) {
            for (Map.Entry<ElectorRuntime, LeaseEngine> e : engines.entrySet()) {
                drained.add(e.getValue().close());
                mayWait &= e.getKey().allowsBlockingWaits();
            }
            engines.clear();
        }
        if (!mayWait) {
            store.close();
            return;
        }
        try {
            CompletableFuture.allOf(drained.toArray(new CompletableFuture<?>[0]))
                    .get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Bounded on purpose; leases left behind expire by the store's clock.
        }
        store.close();
    }
}
