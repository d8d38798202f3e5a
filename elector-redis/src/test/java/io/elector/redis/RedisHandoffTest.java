package io.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.elector.api.Election;
import io.elector.api.ElectionSettings;
import io.elector.api.Leadership;
import io.elector.api.Revocation;
import io.elector.core.Elector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graceful handoff through the release channel, with a retry interval so long (10 s, so the next
 * poll comes 8-12 s after the last) that only a release notice explains a takeover within seconds.
 * Each candidate has its own store (its own connections), as separate processes would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisHandoffTest {
    private static final ElectionSettings SLOW_POLL = new ElectionSettings(
            Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(10), ElectionSettings.DEFAULT_DRIFT);
    /** Far below the earliest poll (retry - 20% jitter = 8 s), far above a handoff (~10 ms). */
    private static final Duration HANDOFF_BOUND = Duration.ofSeconds(3);

    private RedisStoreConfig config;
    private final List<Elector> electors = new ArrayList<>();

    @BeforeEach
    void setUp() {
        config = RedisTestServer.config();
        // The shared server has been up: mark its guard as passed long ago if this is a new server.
        RedisKeys.with(config.uri(), r -> r.setnx(config.guardKey(), "0"));
    }

    @AfterEach
    void tearDown() {
        electors.forEach(Elector::close);
        RedisKeys.deleteWithPrefix(config.uri(), config.keyPrefix());
    }

    private Election join(String candidate) {
        Elector e = Elector.builder(RedisBackend.create(config))
                .candidateId(candidate)
                .settings(SLOW_POLL)
                .closeBackendOnClose(true)
                .build();
        electors.add(e);
        return e.join("handoff");
    }

    /** Waits until {@code n} stores listen on the release channel (Lettuce subscribes in the background). */
    private void awaitSubscribers(int n) {
        String channel = config.keyPrefix() + "released";
        await().atMost(Duration.ofSeconds(10))
                .until(() -> RedisKeys.with(config.uri(), r -> r.pubsubNumsub(channel))
                                .values()
                                .iterator()
                                .next()
                        >= n);
    }

    private static Leadership awaitLeadership(Election e, Duration timeout) throws InterruptedException {
        return e.awaitLeadership(timeout)
                .orElseThrow(() -> new AssertionError(e.candidateId() + " not leader within " + timeout));
    }

    /** Resigns {@code from}'s leadership and checks that {@code to} took over within the bound, after it. */
    private static Leadership handOver(Leadership old, Election from, Election to) throws Exception {
        long start = System.nanoTime();
        from.resign();
        Leadership next = awaitLeadership(to, HANDOFF_BOUND);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(HANDOFF_BOUND);
        Revocation r = old.lost().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(next.fencingToken()).isGreaterThan(old.fencingToken());
        // The new leadership began only after the old one had ended, by the monotonic clock.
        assertThat(next.electedAtNanos() - r.atMonotonicNanos()).isPositive();
        return next;
    }

    @Test
    void aReleaseWakesAWaitingCandidateLongBeforeItsRetryInterval() throws Exception {
        Election a = join("a");
        Leadership la = awaitLeadership(a, Duration.ofSeconds(10));
        Election b = join("b");
        // b's first attempt has found a holding the lease: its next poll is 8-12 s away.
        await().atMost(Duration.ofSeconds(5)).until(() -> b.leader().isPresent());
        awaitSubscribers(2);
        handOver(la, a, b);
        assertThat(a.isLeader()).isFalse();
    }

    @Test
    void aCandidateThatResignedTakesOverAtOnceWhenTheNextLeaderResigns() throws Exception {
        Election a = join("a");
        Leadership la = awaitLeadership(a, Duration.ofSeconds(10));
        Election b = join("b");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.leader().isPresent());
        awaitSubscribers(2);
        Leadership lb = handOver(la, a, b);
        // a stays out for two retry intervals (20 s) after its resign unless someone else has led
        // since and let go, as b now does: then a, the only candidate left, takes over at once.
        Leadership again = handOver(lb, b, a);
        assertThat(again.fencingToken()).isGreaterThan(lb.fencingToken());
    }
}
