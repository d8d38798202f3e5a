package io.elector.memory;

import io.elector.api.LeaderInfo;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.ReleaseNotice;
import io.elector.time.TimeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A lease store in this JVM's memory: the reference implementation of {@link LeaseStore}. Expiry
 * is judged by the store's own clock (given at construction), as a database would judge it by its
 * {@code now()}. Tokens are kept per election for the life of the store and never reused.
 *
 * <p>Many candidates (each with its own {@code LeaseBackend}) may share one store: that is how the
 * in-memory backend models several processes in one JVM.
 */
public final class InMemoryLeaseStore implements LeaseStore {
    private final TimeSource clock;
    private final Map<String, Row> rows = new HashMap<>();
    private final Map<String, Long> lastToken = new HashMap<>();
    private final List<Consumer<ReleaseNotice>> releaseListeners = new CopyOnWriteArrayList<>();

    private record Row(String holder, long token, long expiresAt, Map<String, String> metadata, Instant since) {}

    /** A store judging expiry by {@code clock}. */
    public InMemoryLeaseStore(TimeSource clock) {
        this.clock = clock;
    }

    /** A store on the JVM's clocks. */
    public InMemoryLeaseStore() {
        this(TimeSource.system());
    }

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public synchronized List<AcquireResult> tryAcquire(List<LeaseRequest> requests) {
        long now = clock.monotonicNanos();
        List<AcquireResult> out = new ArrayList<>(requests.size());
        for (LeaseRequest r : requests) {
            Row row = rows.get(r.election());
            boolean free = row == null || row.expiresAt - now <= 0 || row.holder.equals(r.candidateId());
            if (free) {
                long token = lastToken.merge(r.election(), 1L, Long::sum);
                rows.put(
                        r.election(),
                        new Row(r.candidateId(), token, now + r.ttl().toNanos(), r.metadata(), clock.wallTime()));
                out.add(AcquireResult.acquired(r.election(), token));
            } else {
                out.add(AcquireResult.heldBy(r.election(), info(r.election(), row)));
            }
        }
        return out;
    }

    @Override
    public synchronized Set<String> renew(List<HeldLease> leases) {
        long now = clock.monotonicNanos();
        Set<String> renewed = new HashSet<>();
        for (HeldLease l : leases) {
            Row row = rows.get(l.election());
            if (row != null
                    && row.holder.equals(l.candidateId())
                    && row.token == l.token()
                    && row.expiresAt - now > 0) {
                rows.put(
                        l.election(),
                        new Row(row.holder, row.token, now + l.ttl().toNanos(), row.metadata, row.since));
                renewed.add(l.election());
            }
        }
        return renewed;
    }

    @Override
    public void release(HeldLease lease) {
        boolean released;
        synchronized (this) {
            Row row = rows.get(lease.election());
            released = row != null && row.holder.equals(lease.candidateId()) && row.token == lease.token();
            if (released) {
                rows.remove(lease.election());
            }
        }
        if (released) {
            ReleaseNotice notice = ReleaseNotice.of(lease.election(), lease.token());
            for (Consumer<ReleaseNotice> l : releaseListeners) {
                l.accept(notice);
            }
        }
    }

    @Override
    public synchronized Optional<LeaderInfo> read(String election) {
        Row row = rows.get(election);
        if (row == null || row.expiresAt - clock.monotonicNanos() <= 0) {
            return Optional.empty();
        }
        return Optional.of(info(election, row));
    }

    /** The highest token ever issued for {@code election} (0 if none). */
    public synchronized long lastToken(String election) {
        return lastToken.getOrDefault(election, 0L);
    }

    @Override
    public AutoCloseable onReleased(Consumer<String> listener) {
        return onReleaseNotice(n -> listener.accept(n.election()));
    }

    /** Notices carry the released token. */
    @Override
    public AutoCloseable onReleaseNotice(Consumer<ReleaseNotice> listener) {
        releaseListeners.add(listener);
        return () -> releaseListeners.remove(listener);
    }

    private static LeaderInfo info(String election, Row row) {
        return new LeaderInfo(election, row.holder, row.token, row.metadata, row.since);
    }

    @Override
    public void close() {
        // Shared by many candidates; nothing to release.
    }
}
