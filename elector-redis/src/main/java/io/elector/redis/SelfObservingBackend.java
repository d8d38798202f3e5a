package io.elector.redis;

import io.elector.api.LeaderInfo;
import io.elector.spi.Backend;
import io.elector.spi.CandidateEvents;
import io.elector.spi.CandidateSession;
import io.elector.spi.JoinRequest;
import io.elector.spi.ObserveRequest;
import io.elector.spi.ObserverEvents;
import io.elector.spi.ObserverSession;

/**
 * Reports "this candidate leads with token T" to the candidate just before reporting its election,
 * so that {@code Election.leader()} already names this candidate when {@code isLeader()} turns true.
 * (The core publishes the leadership a moment before it records the observed leader; a reader that
 * polls in between sees a leader with no known leader. Both events are only enqueued, in order.)
 */
final class SelfObservingBackend implements Backend {
    private final Backend backend;

    SelfObservingBackend(Backend backend) {
        this.backend = backend;
    }

    @Override
    public String kind() {
        return backend.kind();
    }

    @Override
    public CandidateSession join(JoinRequest request, CandidateEvents events) {
        return backend.join(request, new CandidateEvents() {
            @Override
            public void elected(long token, long deadlineNanos) {
                events.leaderObserved(new LeaderInfo(
                        request.election(),
                        request.candidateId(),
                        token,
                        request.metadata(),
                        request.runtime().time().wallTime()));
                events.elected(token, deadlineNanos);
            }

            @Override
            public void renewed(long token, long deadlineNanos) {
                events.renewed(token, deadlineNanos);
            }

            @Override
            public void lost(long token, String cause) {
                events.lost(token, cause);
            }

            @Override
            public void leaderObserved(LeaderInfo leader) {
                events.leaderObserved(leader);
            }
        });
    }

    @Override
    public ObserverSession observe(ObserveRequest request, ObserverEvents events) {
        return backend.observe(request, events);
    }

    @Override
    public void close() {
        backend.close();
    }
}
