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

    Candidacy(
            String candidateId,
            Map<String, String> metadata,
            CandidateEvents events,
            ElectorRuntime runtime,
            ElectorRuntime nodeRuntime) {
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

    void elected(long term, long deadlineNodeNanos) {
        events.elected(term, toCandidateClock(deadlineNodeNanos));
    }

    void renewed(long term, long deadlineNodeNanos) {
        events.renewed(term, toCandidateClock(deadlineNodeNanos));
    }

    void lost(long term, String cause) {
        events.lost(term, cause);
    }

    void leaderObserved(LeaderInfo leader) {
        events.leaderObserved(leader);
    }
}
