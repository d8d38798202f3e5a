package io.elector.spi;

import io.elector.api.LeaderInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** A view of a store whose close does not close the store: see {@link LeaseStore#unclosable}. */
final class UnclosableStore implements LeaseStore {
    private final LeaseStore store;

    UnclosableStore(LeaseStore store) {
        this.store = store;
    }

    @Override
    public String kind() {
        return store.kind();
    }

    @Override
    public List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException {
        return store.tryAcquire(requests);
    }

    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        return store.renew(leases);
    }

    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        store.release(lease);
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
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
    public void close() {}
}
