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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A lease store that counts the requests sent to the store it wraps, by kind, into {@link Calls}
 * that any number of wrappers may share (one batched call counts once). For benchmarks and the
 * CLI's verify workers, which report how many store requests a process makes.
 */
public final class CountingLeaseStore implements LeaseStore {
    private final LeaseStore store;
    private final Calls calls;

    /** Counts into {@code calls}, e.g. one {@link Calls} for every store of a process. */
    public CountingLeaseStore(LeaseStore store, Calls calls) {
        this.store = store;
        this.calls = calls;
    }

    /** Counts into a {@link Calls} of its own. */
    public CountingLeaseStore(LeaseStore store) {
        this(store, new Calls());
    }

    /** The counts this store adds to. */
    public Calls calls() {
        return calls;
    }

    @Override
    public String kind() {
        return store.kind();
    }

    @Override
    public List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException {
        calls.acquires.incrementAndGet();
        return store.tryAcquire(requests);
    }

    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        calls.renews.incrementAndGet();
        return store.renew(leases);
    }

    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        calls.releases.incrementAndGet();
        store.release(lease);
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
        calls.reads.incrementAndGet();
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

    /** Store requests so far, by kind. */
    public static final class Calls {
        private final AtomicLong acquires = new AtomicLong();
        private final AtomicLong renews = new AtomicLong();
        private final AtomicLong releases = new AtomicLong();
        private final AtomicLong reads = new AtomicLong();

        public long acquires() {
            return acquires.get();
        }

        public long renews() {
            return renews.get();
        }

        public long releases() {
            return releases.get();
        }

        public long reads() {
            return reads.get();
        }

        /** All four kinds together. */
        public long total() {
            return acquires() + renews() + releases() + reads();
        }
    }
}
