package io.elector.spi;

import java.time.Duration;
import java.util.Map;

/** A candidate's request to take an election's lease for {@code ttl}. */
public record LeaseRequest(String election, String candidateId, Map<String, String> metadata, Duration ttl) {
    public LeaseRequest {
        metadata = Map.copyOf(metadata);
    }
}
