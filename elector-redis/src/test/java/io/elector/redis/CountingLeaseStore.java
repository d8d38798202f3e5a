package io.elector.redis;

import io.elector.api.LeaderInfo;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.LeaseStoreException;
import io.elector.spi.ReleaseNotice;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Counts the store calls of one process; each is one Redis command (one script, or one GET). */
final class CountingLeaseStore implements LeaseStore {
    private final LeaseStore store;
    final AtomicLong acquires = new AtomicLong();
    final AtomicLong renews = new AtomicLong();
    final AtomicLong releases = new AtomicLong();
    final AtomicLong reads = new AtomicLong();

    CountingLeaseStore(LeaseStore store) {
        this.store = store;
    }

    long total() {
        return acquires.get() + renews.get() + releases.get() + reads.get();
    }

    @Override
    public String kind() {
        return store.kind();
    }

    @Override
    public List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException {
        acquires.incrementAndGet();
        return store.tryAcquire(requests);
    }

    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        renews.incrementAndGet();
        return store.renew(leases);
    }

    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        releases.incrementAndGet();
        store.release(lease);
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
        reads.incrementAndGet();
        return store.read(election);
    }

    @Override
    public AutoCloseable onReleased(Consumer<String> listener) {
        return store.onReleased(listener);
    }

    @Override
    public AutoCloseable onReleaseNotice(Consumer<ReleaseNotice> listener) {
        return store.onReleaseNotice(listener);
    }

    @Override
    public void close() {
        store.close();
    }
}
