package io.elector.spi;

/**
 * What a backend implements. Push-style backends (Raft, ZooKeeper) implement it directly;
 * lease-style stores implement the smaller {@link LeaseStore} and get a Backend from {@code
 * io.elector.core.LeaseBackend}, which owns the timers and the lease arithmetic.
 *
 * <p>A Backend instance stands for one process's connection to the election service. Its methods
 * must not block for long: they start work and report through the event interfaces.
 */
public interface Backend extends AutoCloseable {

    /** A short name for logs and metrics: {@code memory}, {@code raft}, {@code postgresql}... */
    String kind();

    /**
     * Enters a candidate into an election. The backend reports through {@code events}: it calls
     * {@link CandidateEvents#elected} with a fencing token greater than every earlier one of the
     * election and a conservative local deadline, {@link CandidateEvents#renewed} to extend it, and
     * {@link CandidateEvents#lost} when the store says the leadership is over.
     */
    CandidateSession join(JoinRequest request, CandidateEvents events);

    /** Watches an election's leader without being a candidate. */
    ObserverSession observe(ObserveRequest request, ObserverEvents events);

    /** Releases connections. Sessions still open are closed first. */
    @Override
    void close();
}
