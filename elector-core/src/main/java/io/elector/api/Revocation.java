package io.elector.api;

/**
 * The end of a leadership.
 *
 * @param reason why it ended
 * @param atMonotonicNanos when this process stopped treating it as valid, on its monotonic clock;
 *     never later than the leadership's deadline for {@link RevocationReason#EXPIRED}
 */
public record Revocation(RevocationReason reason, long atMonotonicNanos) {}
