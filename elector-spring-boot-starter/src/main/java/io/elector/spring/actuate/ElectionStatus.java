package io.elector.spring.actuate;

import io.elector.api.LeaderInfo;
import io.elector.api.Leadership;
import io.elector.spring.BackendActivity;
import io.elector.spring.ElectionSettingsResolver;
import io.elector.spring.Elections;
import java.time.Duration;
import java.util.Optional;

/**
 * What this instance knows of one election, for the health contributor and the {@code elector}
 * endpoint. A snapshot: it may be stale when read.
 *
 * @param election the election name
 * @param role {@code leader}, {@code follower}, or {@code not-joined} (before the context started or
 *     after it stopped)
 * @param candidateId this instance's candidate id
 * @param fencingToken this instance's token when leader, else null
 * @param leaseRemainingMs time left before the leader's local deadline, when leader, else null
 * @param leader the leader's candidate id as last seen (null if none seen)
 * @param leaderToken the leader's token as last seen (null if none seen)
 * @param backendReachable false when the lease store has not answered for longer than the lease
 *     (null for backends without a store, like Raft)
 * @param backendError the last store error, if the last call failed
 */
public record ElectionStatus(
        String election,
        String role,
        String candidateId,
        Long fencingToken,
        Long leaseRemainingMs,
        String leader,
        Long leaderToken,
        Boolean backendReachable,
        String backendError) {

    /** The status of {@code name} now. */
    public static ElectionStatus of(
            String name, Elections elections, BackendActivity activity, ElectionSettingsResolver settings) {
        Boolean reachable = null;
        if (activity.observed()) {
            Duration lease = settings.apply(name).leaseDuration();
            reachable = activity.nanosSinceLastSuccess() <= lease.toNanos();
        }
        String error = activity.lastError().orElse(null);
        var election = elections.find(name);
        if (election.isEmpty()) {
            return new ElectionStatus(
                    name, "not-joined", elections.candidateId(), null, null, null, null, reachable, error);
        }
        Optional<Leadership> l = elections.leadership(name);
        Optional<LeaderInfo> seen = election.get().leader();
        return new ElectionStatus(
                name,
                l.isPresent() ? "leader" : "follower",
                elections.candidateId(),
                l.map(Leadership::fencingToken).orElse(null),
                l.map(x -> Math.max(0, x.remaining().toMillis())).orElse(null),
                seen.map(LeaderInfo::candidateId).orElse(null),
                seen.map(LeaderInfo::fencingToken).orElse(null),
                reachable,
                error);
    }
}
