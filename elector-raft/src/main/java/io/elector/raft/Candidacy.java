package io.elector.raft;

import io.elector.api.LeaderInfo;
import io.elector.spi.CandidateEvents;
import io.elector.time.ElectorRuntime;
import java.util.Map;

/**
 * This node's candidate in one election: who it is and where to report. Reports convert the node's
 * monotonic deadlines to the candidate's runtime clock when the two differ. Loop-confined.
 */
final class Candidacy {
    final String candidateId;
    final Map<String, String> metadata;
    private final CandidateEvents events;
    private final ElectorRuntime runtime;
    private final ElectorRuntime nodeRuntime;
    private final long leaseNanos;

    /**
     * @param leaseNanos the lease of this candidate's leaderships: the node's, or shorter when the
     *     election's settings assume a larger clock drift than the node's
     */
    Candidacy(
            String candidateId,
            Map<String, String> metadata,
            CandidateEvents events,
            ElectorRuntime runtime,
            ElectorRuntime nodeRuntime,
            long leaseNanos) {
        this.leaseNanos = leaseNanos;
        this.candidateId = candidateId;
        this.metadata = Map.copyOf(metadata);
        this.events = events;
        this.runtime = runtime;
        this.nodeRuntime = nodeRuntime;
    }

    private long toCandidateClock(long nodeNanos) {
        if (runtime == nodeRuntime || runtime.time() == nodeRuntime.time()) {
            return nodeNanos;
        }
        long remaining = nodeNanos - nodeRuntime.time().monotonicNanos();
        return runtime.time().monotonicNanos() + remaining;
    }

    /** Reports a win; the deadline is one lease after {@code sentNodeNanos}, the send time a majority answered. */
    void elected(long term, long sentNodeNanos) {
        events.elected(term, toCandidateClock(sentNodeNanos + leaseNanos));
    }

    /** Reports a renewal: a majority acknowledged a heartbeat sent at {@code sentNodeNanos}. */
    void renewed(long term, long sentNodeNanos) {
        events.renewed(term, toCandidateClock(sentNodeNanos + leaseNanos));
    }

    void lost(long term, String cause) {
        events.lost(term, cause);
    }

    void leaderObserved(LeaderInfo leader) {
        events.leaderObserved(leader);
    }
}
