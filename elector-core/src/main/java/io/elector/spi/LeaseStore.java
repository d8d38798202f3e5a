package io.elector.spi;

import io.elector.api.LeaderInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The store operations of a lease-style backend (JDBC, Redis, Azure, etcd, in-memory). The store
 * owns no timers and does no deadline arithmetic: the core's lease engine decides when to call and
 * what the results mean. Expiry is judged by the store's own clock (database {@code now()}, Redis
 * PX), never by a client's wall clock.
 *
 * <p>Calls are blocking and made from the runtime's I/O executor; each must give up within a
 * bounded time (a statement or command timeout) and then throw {@link LeaseStoreException}. Calls
 * take lists so that a store can batch: the engine makes one call per tick for all elections of a
 * process.
 */
public interface LeaseStore extends AutoCloseable {

    /** A short name for logs and metrics. */
    String kind();

    /**
     * For each request, takes the lease if it is free, expired by the store's clock, or already held
     * by the same candidate; a taken lease always gets a new token, greater than every earlier one
     * of that election.
     */
    List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException;
    // Results: one per request, in request order.

    /**
     * Extends each lease still held by its candidate with its token, by its ttl counted by the
     * store's clock from now.
     *
     * @return the elections whose leases were extended; the others are no longer held
     */
    Set<String> renew(List<HeldLease> leases) throws LeaseStoreException;

    /** Gives up a lease if still held with that token; does nothing otherwise. */
    void release(HeldLease lease) throws LeaseStoreException;

    /** The current holder, if the lease is held and unexpired. */
    Optional<LeaderInfo> read(String election) throws LeaseStoreException;

    /**
     * Subscribes to release notifications (Redis pub/sub, PostgreSQL NOTIFY) so that waiting
     * candidates retry at once instead of at their next poll. The default has none.
     *
     * @return a handle that stops the subscription
     */
    default AutoCloseable onReleased(Consumer<String> election) {
        return () -> {};
    }

    /**
     * Like {@link #onReleased}, but each notice also carries the released lease's token where the
     * store's notice has it. The lease engine subscribes through this method: a candidate that
     * resigned ends its hold-off (see {@code LeaseEngine}) when a lease with a greater token is
     * released, that is when another candidate has led after it and let go. The default passes on
     * {@link #onReleased}'s notices without a token; a store that overrides this method should
     * implement {@link #onReleased} with it, and a wrapper should delegate both.
     *
     * @return a handle that stops the subscription
     */
    default AutoCloseable onReleaseNotice(Consumer<ReleaseNotice> listener) {
        return onReleased(election -> listener.accept(ReleaseNotice.of(election)));
    }

    @Override
    void close();

    /**
     * A view of {@code store} whose {@link #close()} does nothing, for a store shared by several
     * backends or owned by someone else (an application context) that closes it itself.
     */
    static LeaseStore unclosable(LeaseStore store) {
        return store instanceof UnclosableStore
                ? store
                : new UnclosableStore(java.util.Objects.requireNonNull(store, "store"));
    }
}
