package io.elector.core;

import io.elector.api.LeaderInfo;
import io.elector.memory.InMemoryLeaseStore;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.LeaseStoreException;
import io.elector.spi.ReleaseNotice;
import io.elector.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One simulated process's view of a shared in-memory store (our own seam), with scripted faults:
 * unreachable, and latency that passes on the fake clock while the call is in flight. Counts calls.
 */
final class ScriptedStore implements LeaseStore {
    private final InMemoryLeaseStore store;
    private final FakeClock clock;
    volatile boolean unreachable;
    volatile Duration latency = Duration.ZERO;
    /** False: release notices name only the election, as a store without tokens in its notices. */
    volatile boolean tokensInNotices = true;

    final List<Long> acquireTimes = new ArrayList<>();
    int renewCalls;
    int acquireCalls;

    ScriptedStore(InMemoryLeaseStore store, FakeClock clock) {
        this.store = store;
        this.clock = clock;
    }

    private void call() throws LeaseStoreException {
        if (unreachable) {
            throw new LeaseStoreException("unreachable (scripted)");
        }
        if (!latency.isZero()) {
            clock.elapse(latency);
        }
    }

    @Override
    public String kind() {
        return "scripted";
    }

    @Override
    public List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException {
        acquireCalls++;
        if (clock != null) {
            acquireTimes.add(clock.nanos());
        }
        call();
        return store.tryAcquire(requests);
    }

    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        renewCalls++;
        call();
        return store.renew(leases);
    }

    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        call();
        store.release(lease);
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
        call();
        return store.read(election);
    }

    @Override
    public AutoCloseable onReleased(Consumer<String> election) {
        return store.onReleased(election);
    }

    @Override
    public AutoCloseable onReleaseNotice(Consumer<ReleaseNotice> listener) {
        return store.onReleaseNotice(n -> listener.accept(tokensInNotices ? n : ReleaseNotice.of(n.election())));
    }

    /** A closed store answers nothing, as a closed connection pool would. */
    @Override
    public void close() {
        unreachable = true;
    }
}
