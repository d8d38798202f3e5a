package io.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.core.Elector;
import io.elector.testkit.Handoffs;
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
                .settings(Handoffs.SLOW_POLL)
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

    @Test
    void aReleaseWakesAWaitingCandidateLongBeforeItsRetryInterval() throws Exception {
        Election a = join("a");
        Leadership la = Handoffs.awaitLeadership(a, Duration.ofSeconds(10));
        Election b = join("b");
        // b's first attempt has found a holding the lease: its next poll is 8-12 s away.
        await().atMost(Duration.ofSeconds(5)).until(() -> b.leader().isPresent());
        awaitSubscribers(2);
        Handoffs.handOver(la, a, b);
        assertThat(a.isLeader()).isFalse();
    }

    @Test
    void aCandidateThatResignedTakesOverAtOnceWhenTheNextLeaderResigns() throws Exception {
        Election a = join("a");
        Leadership la = Handoffs.awaitLeadership(a, Duration.ofSeconds(10));
        Election b = join("b");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.leader().isPresent());
        awaitSubscribers(2);
        Leadership lb = Handoffs.handOver(la, a, b);
        // a stays out for two retry intervals (20 s) after its resign unless someone else has led
        // since and let go, as b now does: then a, the only candidate left, takes over at once.
        Leadership again = Handoffs.handOver(lb, b, a);
        assertThat(again.fencingToken()).isGreaterThan(lb.fencingToken());
    }
}
