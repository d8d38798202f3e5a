package io.elector.spi;

import io.elector.api.LeaderInfo;

/**
 * How a backend reports to the core. Every method only enqueues: it is safe to call from any
 * thread, never blocks and never runs user code inline.
 */
public interface CandidateEvents {

    /**
     * This candidate holds the leadership with {@code token} until {@code deadlineNanos} on the
     * runtime's monotonic clock. The deadline must already be conservative (counted from when the
     * request that granted it was sent, shortened by the drift bound); the core does not extend it.
     */
    void elected(long token, long deadlineNanos);

    /** The leadership with {@code token} is extended to {@code deadlineNanos}. */
    void renewed(long token, long deadlineNanos);

    /** The store says the leadership with {@code token} is over (taken over, session lost...). */
    void lost(long token, String cause);

    /** The backend saw who leads now ({@code null}: nobody). */
    void leaderObserved(LeaderInfo leader);
}
