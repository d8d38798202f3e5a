package io.elector.testkit;

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
import java.util.function.Consumer;

/**
 * A lease store seam for in-JVM fault tests: wraps a real store and, when cut off or crashed,
 * refuses every call as an unreachable store would. Only for our own seam (the in-memory store);
 * real servers are cut off by a TCP proxy instead.
 */
public final class FaultInjectingLeaseStore implements LeaseStore {
    private final LeaseStore store;
    private volatile boolean cut;
    private volatile boolean crashed;

    public FaultInjectingLeaseStore(LeaseStore store) {
        this.store = store;
    }

    /** Every call fails until {@link #restore()}. */
    public void cutOff() {
        cut = true;
    }

    public void restore() {
        cut = false;
    }

    /** Every call fails forever, including release: the process is gone. */
    public void crash() {
        crashed = true;
    }

    private void check() throws LeaseStoreException {
        if (crashed) {
            throw new LeaseStoreException("process crashed (injected)");
        }
        if (cut) {
            throw new LeaseStoreException("store unreachable (injected cut-off)");
        }
    }

    @Override
    public String kind() {
        return store.kind();
    }

    @Override
    public List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException {
        check();
        return store.tryAcquire(requests);
    }

    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        check();
        return store.renew(leases);
    }

    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        check();
        store.release(lease);
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
        check();
        return store.read(election);
    }

    @Override
    public AutoCloseable onReleased(Consumer<String> listener) {
        return store.onReleased(election -> {
            if (!cut && !crashed) {
                listener.accept(election);
            }
        });
    }

    @Override
    public AutoCloseable onReleaseNotice(Consumer<ReleaseNotice> listener) {
        return store.onReleaseNotice(notice -> {
            if (!cut && !crashed) {
                listener.accept(notice);
            }
        });
    }

    @Override
    public void close() {
        crashed = true;
    }
}
