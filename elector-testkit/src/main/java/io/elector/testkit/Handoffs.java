package io.elector.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.elector.api.Election;
import io.elector.api.ElectionSettings;
import io.elector.api.Leadership;
import io.elector.api.Revocation;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Checks for a backend's release notices (Redis pub/sub, PostgreSQL NOTIFY, MariaDB named-lock
 * hints): with a retry interval so long that the next poll comes 8-12 s after the last, only a
 * notice explains a handoff within {@link #BOUND}.
 */
public final class Handoffs {
    /** Lease 30 s, renew 5 s, retry 10 s (± 20 % jitter): polling alone cannot hand over in seconds. */
    public static final ElectionSettings SLOW_POLL = new ElectionSettings(
            Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(10), ElectionSettings.DEFAULT_DRIFT);
    /** Far below the earliest poll (retry - 20 % jitter = 8 s), far above a handoff (~10-20 ms). */
    public static final Duration BOUND = Duration.ofSeconds(3);

    private Handoffs() {}

    /** {@code e}'s leadership within {@code timeout}, or an assertion error naming the candidate. */
    public static Leadership awaitLeadership(Election e, Duration timeout) throws InterruptedException {
        return e.awaitLeadership(timeout)
                .orElseThrow(() -> new AssertionError(e.candidateId() + " not leader within " + timeout));
    }

    /**
     * Resigns {@code from}'s leadership {@code old} and checks that {@code to} took over within
     * {@link #BOUND}, with a greater token, after the old leadership ended.
     */
    public static Leadership handOver(Leadership old, Election from, Election to) throws Exception {
        long start = System.nanoTime();
        from.resign();
        Leadership next = awaitLeadership(to, BOUND);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
        Revocation r = old.lost().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(next.fencingToken()).isGreaterThan(old.fencingToken());
        // The new leadership began only after the old one had ended, by the monotonic clock.
        assertThat(next.electedAtNanos() - r.atMonotonicNanos()).isPositive();
        return next;
    }
}
