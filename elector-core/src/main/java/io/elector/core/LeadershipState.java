package io.elector.core;

import io.elector.api.Leadership;
import io.elector.api.Revocation;
import io.elector.api.RevocationReason;
import io.elector.time.TimeSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * One leadership. Written by its election's loop, except that a renewal may extend a still-valid
 * deadline from the backend's thread ({@link #tryExtend}); read from anywhere (fields are volatile).
 * Validity is checked against the clock on every call, so a leadership is invalid at its deadline
 * even if the loop's timer fires late.
 */
final class LeadershipState implements Leadership {
    private final String election;
    private final String candidateId;
    private final long token;
    private final Map<String, String> metadata;
    private final TimeSource time;
    private final long electedAtNanos;
    private volatile long deadlineNanos;
    private volatile Revocation revocation;
    private final CompletableFuture<Revocation> lost = new CompletableFuture<>();

    LeadershipState(
            String election,
            String candidateId,
            long token,
            Map<String, String> metadata,
            TimeSource time,
            long electedAtNanos,
            long deadlineNanos) {
        this.election = election;
        this.candidateId = candidateId;
        this.token = token;
        this.metadata = metadata;
        this.time = time;
        this.electedAtNanos = electedAtNanos;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public String election() {
        return election;
    }

    @Override
    public String candidateId() {
        return candidateId;
    }

    @Override
    public long fencingToken() {
        return token;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public long electedAtNanos() {
        return electedAtNanos;
    }

    @Override
    public Duration remaining() {
        if (revocation != null) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(deadlineNanos - time.monotonicNanos());
    }

    @Override
    public boolean isValid() {
        return revocation == null && deadlineNanos - time.monotonicNanos() > 0;
    }

    @Override
    public CompletionStage<Revocation> lost() {
        return lost.minimalCompletionStage();
    }

    Revocation revocation() {
        return revocation;
    }

    /** Loop only. */
    synchronized void extendTo(long newDeadline) {
        deadlineNanos = newDeadline;
    }

    /**
     * Any thread: extends the deadline to {@code newDeadline} (never shortens it) if this
     * leadership is still valid at this moment. Returns false, changing nothing, when it is revoked
     * or its deadline has passed: then the loop decides. Serialized with {@link #revoke}.
     */
    synchronized boolean tryExtend(long newDeadline) {
        if (revocation != null) {
            return false;
        }
        long d = deadlineNanos;
        if (d - time.monotonicNanos() <= 0) {
            return false;
        }
        if (newDeadline - d > 0) {
            deadlineNanos = newDeadline;
        }
        return true;
    }

    /**
     * Loop only. Marks the leadership over at once; completes {@link #lost()} on {@code
     * callbacks} so that user stages never run on the loop.
     */
    synchronized Revocation revoke(RevocationReason reason, long nowNanos, Executor callbacks) {
        // Validity ended at the deadline if that came first, even if the timer fired late.
        long at = deadlineNanos - nowNanos < 0 ? deadlineNanos : nowNanos;
        Revocation r = new Revocation(reason, at);
        revocation = r;
        callbacks.execute(() -> lost.complete(r));
        return r;
    }

    @Override
    public String toString() {
        return "Leadership[" + election + " " + candidateId + " token=" + token
                + (revocation == null ? "" : " " + revocation.reason()) + "]";
    }
}
