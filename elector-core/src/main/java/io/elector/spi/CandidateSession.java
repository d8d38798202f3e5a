package io.elector.spi;

/** The core's handle on a candidate's entry in a backend. Methods never block for long. */
public interface CandidateSession {

    /**
     * The core has stepped down from the leadership with {@code token} and wants another candidate
     * to take over now: release the lease, transfer the Raft leadership. The candidate stays in the
     * election but should not win again at once.
     */
    void resign(long token);

    /**
     * The core has stepped down because the local deadline of {@code token} passed. The backend
     * must not report {@code renewed} for that token again; it may compete for a new one.
     */
    void expired(long token);

    /** Leaves the election, releasing what it holds. The core has stepped down first. */
    void close();
}
