package io.elector.spi;

import io.elector.api.ElectionSettings;
import io.elector.time.ElectorRuntime;
import java.util.Map;

/**
 * A candidate's entry into an election: who, where, with what timing, and the runtime (clocks and
 * threads) the backend must use for its timers so that fake-clock tests drive it too.
 */
public record JoinRequest(
        String election,
        String candidateId,
        Map<String, String> metadata,
        ElectionSettings settings,
        ElectorRuntime runtime) {
    public JoinRequest {
        metadata = Map.copyOf(metadata);
    }
}
