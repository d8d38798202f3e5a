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
import java.util.function.Consumer;

/**
 * Stamps one candidate's store calls and release notices into a shared {@link Trace} (the handoff
 * benchmark's {@code --trace}): where between a resign and the next election the time goes.
 */
final class TracingLeaseStore implements LeaseStore {
    private final LeaseStore store;
    private final String candidate;
    private final Trace trace;

    TracingLeaseStore(LeaseStore store, String candidate, Trace trace) {
        this.store = store;
        this.candidate = candidate;
        this.trace = trace;
    }

    @Override
    public String kind() {
        return store.kind();
    }

    @Override
    public List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException {
        trace.add(candidate, "acquire sent");
        List<AcquireResult> r = store.tryAcquire(requests);
        trace.add(candidate, r.get(0).acquired() ? "acquire won" : "acquire held");
        return r;
    }

    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        return store.renew(leases);
    }

    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        trace.add(candidate, "release sent");
        store.release(lease);
        trace.add(candidate, "release+publish done");
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
        return store.read(election);
    }

    @Override
    public AutoCloseable onReleased(Consumer<String> listener) {
        return onReleaseNotice(n -> listener.accept(n.election()));
    }

    @Override
    public AutoCloseable onReleaseNotice(Consumer<ReleaseNotice> listener) {
        return store.onReleaseNotice(notice -> {
            trace.add(candidate, "notice received");
            listener.accept(notice);
        });
    }

    @Override
    public void close() {
        store.close();
    }

    /** Events of all candidates of one JVM, on one monotonic clock. */
    static final class Trace {
        private final StringBuilder out = new StringBuilder();
        private long origin;

        synchronized void start(String what) {
            origin = System.nanoTime();
            out.setLength(0);
            out.append(String.format(java.util.Locale.ROOT, "%8.2f ms  %s%n", 0.0, what));
        }

        synchronized void add(String candidate, String event) {
            if (origin != 0) {
                out.append(String.format(
                        java.util.Locale.ROOT,
                        "%8.2f ms  %s %s%n",
                        (System.nanoTime() - origin) / 1e6,
                        candidate,
                        event));
            }
        }

        synchronized String drain() {
            String s = out.toString();
            out.setLength(0);
            return s;
        }
    }
}
