package io.elector.spring.backend;

import io.elector.api.LeaderInfo;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.LeaseStoreException;
import io.elector.spi.ReleaseNotice;
import io.elector.spring.backend.StoreCallListener.Operation;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Passes every call through to a lease store unchanged and reports it to listeners. */
public final class ObservedLeaseStore implements LeaseStore {
    private static final Logger log = LoggerFactory.getLogger(ObservedLeaseStore.class);

    private final LeaseStore store;
    private final List<StoreCallListener> listeners;

    public ObservedLeaseStore(LeaseStore store, List<StoreCallListener> listeners) {
        this.store = store;
        this.listeners = List.copyOf(listeners);
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
            report(Operation.ACQUIRE, start, null);
            return r;
        } catch (LeaseStoreException | RuntimeException e) {
            report(Operation.ACQUIRE, start, e);
            throw e;
        }
    }

    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        long start = System.nanoTime();
        try {
            Set<String> r = store.renew(leases);
            report(Operation.RENEW, start, null);
            return r;
        } catch (LeaseStoreException | RuntimeException e) {
            report(Operation.RENEW, start, e);
            throw e;
        }
    }

    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        long start = System.nanoTime();
        try {
            store.release(lease);
            report(Operation.RELEASE, start, null);
        } catch (LeaseStoreException | RuntimeException e) {
            report(Operation.RELEASE, start, e);
            throw e;
        }
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
        long start = System.nanoTime();
        try {
            Optional<LeaderInfo> r = store.read(election);
            report(Operation.READ, start, null);
            return r;
        } catch (LeaseStoreException | RuntimeException e) {
            report(Operation.READ, start, e);
            throw e;
        }
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

    private void report(Operation op, long start, Exception failure) {
        long nanos = System.nanoTime() - start;
        for (StoreCallListener l : listeners) {
            try {
                l.called(op, nanos, failure);
            } catch (RuntimeException e) {
                log.warn("store call listener {} failed", l, e);
            }
        }
    }
}
