package io.elector.cli.verify;

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

/** Counts the requests a process sends to its lease store (one batched call counts once). */
final class CountingLeaseStore implements LeaseStore {
    static final AtomicLong REQUESTS = new AtomicLong();
    private final LeaseStore store;

    CountingLeaseStore(LeaseStore store) {
        this.store = store;
    }

    @Override
    public String kind() {
        return store.kind();
    }

    @Override
    public List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException {
        REQUESTS.incrementAndGet();
        return store.tryAcquire(requests);
    }

    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        REQUESTS.incrementAndGet();
        return store.renew(leases);
    }

    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        REQUESTS.incrementAndGet();
        store.release(lease);
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
        REQUESTS.incrementAndGet();
        return store.read(election);
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
}
