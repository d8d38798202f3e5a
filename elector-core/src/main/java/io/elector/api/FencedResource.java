package io.elector.api;

/**
 * A resource whose writes are conditional on the writer's fencing token. The guard goes
 * <em>inside</em> the write (a SQL predicate in the same transaction, a compare in a store's
 * transaction), never as a check before it: a check-then-write lets a paused ex-leader write after
 * a newer leader.
 *
 * <p>A resource accepts a write with token {@code t} only if no write with a token greater than
 * {@code t} was accepted before; it then remembers {@code t}. A refused write throws {@link
 * StaleTokenException} and changes nothing.
 *
 * @param <G> the guard type the backend hands out (for example a SQL predicate with its binds)
 */
public interface FencedResource<G> {

    /** The resource name, unique within its store. */
    String name();

    /** A guard for writes made under {@code leadership}. */
    default G guard(Leadership leadership) {
        return guard(leadership.fencingToken());
    }

    /** A guard for writes made under the given fencing token. */
    G guard(long fencingToken);
}
