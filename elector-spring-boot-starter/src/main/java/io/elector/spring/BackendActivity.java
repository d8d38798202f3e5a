package io.elector.spring;

import io.elector.spring.backend.StoreCallListener;
import java.util.Optional;

/**
 * Whether this instance's lease store answers: when a call last succeeded and the last error. For
 * push-style backends (Raft) nothing is recorded and {@link #observed()} stays false. Thread-safe.
 */
public final class BackendActivity implements StoreCallListener {
    private final long createdNanos = System.nanoTime();
    private volatile long lastSuccessNanos;
    private volatile boolean anySuccess;
    private volatile boolean observed;
    private volatile String lastError;
    private final java.util.concurrent.atomic.AtomicLong releases = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public void called(Operation operation, long nanos, Exception failure) {
        observed = true;
        if (operation == Operation.RELEASE) {
            releases.incrementAndGet();
        }
        if (failure == null) {
            lastSuccessNanos = System.nanoTime();
            anySuccess = true;
            lastError = null;
        } else {
            lastError = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        }
    }

    /** Release calls that ended (succeeded or failed) so far. */
    public long releasesEnded() {
        return releases.get();
    }

    /** True once a store call was seen (lease-style backends only). */
    public boolean observed() {
        return observed;
    }

    /** The last call's error, if it failed. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /**
     * Nanoseconds since a store call last succeeded (since this object was created if none has),
     * on the monotonic clock.
     */
    public long nanosSinceLastSuccess() {
        return System.nanoTime() - (anySuccess ? lastSuccessNanos : createdNanos);
    }
}
