package io.elector.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Who leads an election, as last seen by this process. A snapshot: it may already be stale when
 * read. Only a {@link Leadership} held by this process says anything about validity.
 *
 * @param election the election name
 * @param candidateId the leader's candidate id
 * @param fencingToken the leader's fencing token
 * @param metadata the leader's metadata (immutable)
 * @param since when the leadership started, by the wall clock of the process that recorded it
 *     (the backend's clock where the backend stores it); for display only
 */
public record LeaderInfo(
        String election, String candidateId, long fencingToken, Map<String, String> metadata, Instant since) {
    public LeaderInfo {
        Objects.requireNonNull(election, "election");
        Objects.requireNonNull(candidateId, "candidateId");
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
        Objects.requireNonNull(since, "since");
    }
}
