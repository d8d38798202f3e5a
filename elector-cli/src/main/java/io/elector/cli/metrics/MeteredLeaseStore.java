package io.elector.cli.metrics;

import io.elector.api.LeaderInfo;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.LeaseStoreException;
import io.elector.spi.ReleaseNotice;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Times the calls a lease engine makes to its store and remembers whether the last one failed, for
 * the renew-latency metric and for {@code /health}. Passes every call through unchanged.
 */
public final class MeteredLeaseStore implements LeaseStore {
    private final LeaseStore store;
    private final Timer renewLatency;
    private final Timer acquireLatency;
    private final BackendHealth health;

    public MeteredLeaseStore(LeaseStore store, MeterRegistry registry, BackendHealth health) {
        this.store = store;
        this.health = health;
        this.renewLatency = Timer.builder("elector.renew.latency")
                .description("Time of one batched lease renewal call to the store")
                .tag("backend", store.kind())
                .publishPercentileHistogram()
                .register(registry);
        this.acquireLatency = Timer.builder("elector.acquire.latency")
                .description("Time of one batched lease acquire call to the store")
                .tag("backend", store.kind())
                .register(registry);
    }

    @Override
    public String kind() {
        return store.kind();
    }

    @Override
    public List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException {
        long start = System.nanoTime();
        try {
            List<AcquireResult> r = store.tryAcquire(requests);
            health.succeeded();
            return r;
        } catch (LeaseStoreException | RuntimeException e) {
            health.failed(e);
            throw e;
        } finally {
            acquireLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        long start = System.nanoTime();
        try {
            Set<String> r = store.renew(leases);
            health.succeeded();
            return r;
        } catch (LeaseStoreException | RuntimeException e) {
            health.failed(e);
            throw e;
        } finally {
            renewLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        store.release(lease);
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
        try {
            Optional<LeaderInfo> r = store.read(election);
            health.succeeded();
            return r;
        } catch (LeaseStoreException | RuntimeException e) {
            health.failed(e);
            throw e;
        }
    }

    @Override
    public AutoCloseable onReleased(Consumer<String> election) {
        return store.onReleased(election);
    }

    @Override
    public AutoCloseable onReleaseNotice(Consumer<ReleaseNotice> listener) {
        return store.onReleaseNotice(listener);
    }

    @Override
    public void close() {
        store.close();
    }

    /** Whether the last store call of this process succeeded. Thread-safe. */
    public static final class BackendHealth {
        private volatile String lastError;
        private volatile Instant lastSuccess;

        void succeeded() {
            lastError = null;
            lastSuccess = Instant.now();
        }

        void failed(Exception e) {
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
        }

        /** The last call's error, or empty if it succeeded (or none was made, for push backends). */
        public Optional<String> lastError() {
            return Optional.ofNullable(lastError);
        }

        /** When a store call last succeeded, if ever. */
        public Optional<Instant> lastSuccess() {
            return Optional.ofNullable(lastSuccess);
        }
    }
}
