package io.elector.testkit;

import io.elector.api.ElectionSettings;
import io.elector.core.LeaseBackend;
import io.elector.memory.InMemoryLeaseStore;
import io.elector.spi.Backend;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;

/** The in-memory backend as a fixture: one shared store, one fault-injecting view per candidate. */
public final class InMemoryFixture implements BackendFixture {
    private final InMemoryLeaseStore store = new InMemoryLeaseStore();
    private final Map<Backend, FaultInjectingLeaseStore> views = new IdentityHashMap<>();

    @Override
    public synchronized Backend newBackend() {
        FaultInjectingLeaseStore view = new FaultInjectingLeaseStore(store);
        LeaseBackend b = LeaseBackend.of(view);
        views.put(b, view);
        return b;
    }

    @Override
    public ElectionSettings settings() {
        return ElectionSettings.defaults().withLease(Duration.ofMillis(1000));
    }

    @Override
    public synchronized void cutOff(Backend backend) {
        views.get(backend).cutOff();
    }

    @Override
    public synchronized void restore(Backend backend) {
        views.get(backend).restore();
    }

    @Override
    public synchronized void crash(Backend backend) {
        views.get(backend).crash();
    }

    @Override
    public Duration failoverBound() {
        return Duration.ofSeconds(4);
    }

    @Override
    public void close() {}
}
