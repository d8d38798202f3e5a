package io.elector.api;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One term of leadership held by this process.
 *
 * <p>Guarantees: the {@link #fencingToken()} is greater than that of every earlier leadership of
 * the same election, in any process; while {@link #isValid()} is true no other candidate holds a
 * valid leadership of this election (provided clock rate drift stays within the configured bound);
 * {@link #lost()} completes exactly once, at the latest when the local deadline passes.
 *
 * <p>Not promised: that the process is still leader an instant after {@code isValid()} returned
 * true (it can be paused right after). Writes that must never come from a stale leader need a
 * {@link FencedResource} guard with {@link #fencingToken()}.
 */
public interface Leadership {

    /** The election name. */
    String election();

    /** This candidate's id. */
    String candidateId();

    /** The fencing token: strictly increasing across leaderships of the election, never reused. */
    long fencingToken();

    /** This leader's metadata, as published to observers. */
    Map<String, String> metadata();

    /**
     * The local deadline on the runtime's monotonic clock: the leader stops acting by then unless
     * it is renewed. Compare as {@code deadline - now > 0}.
     */
    long deadlineNanos();

    /** When this process started treating the leadership as valid, on the monotonic clock. */
    long electedAtNanos();

    /** Time left before the local deadline; zero or negative once it passed or was revoked. */
    Duration remaining();

    /** True until revoked and while the monotonic clock is before the deadline. */
    boolean isValid();

    /** Completes with the revocation when the leadership ends, for whatever reason. */
    CompletionStage<Revocation> lost();
}
