package io.elector.spring.autoconfigure;

import io.elector.api.LeaderInfo;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.LeaseStoreException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** A store owned by the application context: the elector must not close it (Spring does). */
final class UnclosedStore implements LeaseStore {
    private final LeaseStore store;

    UnclosedStore(LeaseStore store) {
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
    public AutoCloseable onReleased(Consumer<String> listener) {
        return store.onReleased(listener);
    }

    @Override
    public void close() {
        // The application context closes the store bean.
    }
}
