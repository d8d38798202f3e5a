package io.elector.spi;

import io.elector.api.LeaderInfo;
import java.util.Objects;

/**
 * The outcome of one acquire request.
 *
 * @param election the election
 * @param acquired true if the lease is now held by the requester
 * @param token the new fencing token when acquired, else 0
 * @param holder the current holder when not acquired ({@code null} if unknown)
 */
public record AcquireResult(String election, boolean acquired, long token, LeaderInfo holder) {
    public AcquireResult {
        Objects.requireNonNull(election, "election");
    }

    public static AcquireResult acquired(String election, long token) {
        return new AcquireResult(election, true, token, null);
    }

    public static AcquireResult heldBy(String election, LeaderInfo holder) {
        return new AcquireResult(election, false, 0, holder);
    }
}
