package io.elector.raft;

import java.util.Map;

/**
 * Where a node keeps, per election, the two values Raft must never forget: the current term and
 * whom it voted for in that term. {@link #save} returns only once the values are durable, so a
 * node that restarts can never vote twice in one term nor reuse a term (the fencing token).
 */
interface StateStore extends AutoCloseable {

    /** The durable state of one election. {@code votedFor} 0 means no vote in {@code term}. */
    record Durable(long term, int votedFor) {}

    /** Everything saved so far, read once at start. */
    Map<String, Durable> load();

    /** Makes the given elections' states durable (all of them, before returning). */
    void save(Map<String, Durable> changed);

    @Override
    void close();
}
