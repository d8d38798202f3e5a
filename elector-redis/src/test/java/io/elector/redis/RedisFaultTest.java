package io.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.elector.api.Leadership;
import io.elector.api.Revocation;
import io.elector.testkit.Candidate;
import io.elector.testkit.ElectionHarness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults beyond the conformance suite: a Redis restart that loses every key, and a connection reset
 * (rather than a blackhole) between the leader and Redis. The history checker judges each run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisFaultTest {

    @Test
    void redisRestartDuringLeadershipNeverYieldsTwoLeadersAndLeadershipResumes() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            RedisFixture fixture = new RedisFixture(redis.config().withKeyPrefix(RedisTestServer.uniquePrefix()));
            ElectionHarness harness = new ElectionHarness(fixture);
            try {
                List<Candidate> cs = harness.startCandidates(3);
                harness.join("restart", cs);
                Candidate leader = harness.awaitLeader("restart", cs, Duration.ofSeconds(10));
                Leadership before = leader.election("restart").leadership().orElseThrow();

                // A quick restart loses the lease, the token counter and the guard key.
                redis.stop();
                redis.startAgain();

                Revocation r = before.lost()
                        .toCompletableFuture()
                        .get(harness.leaseWithSlack().toMillis(), TimeUnit.MILLISECONDS);
                Candidate next = harness.awaitLeader("restart", cs, Duration.ofSeconds(10));
                Leadership after = next.election("restart").leadership().orElseThrow();
                assertThat(after.fencingToken()).isGreaterThan(before.fencingToken());
                // The new leadership began only after the old one had ended, by the monotonic clock.
                assertThat(after.electedAtNanos() - r.atMonotonicNanos()).isPositive();
            } finally {
                harness.close();
                fixture.close();
            }
            harness.checkHistory().assertNoViolations();
        }
    }

    @Test
    void redisDownLongerThanTheLeaseRevokesTheLeaderAndLeadershipResumesAfter() throws Exception {
        try (RedisProcess redis = RedisProcess.start()) {
            RedisFixture fixture = new RedisFixture(redis.config().withKeyPrefix(RedisTestServer.uniquePrefix()));
            ElectionHarness harness = new ElectionHarness(fixture);
            try {
                List<Candidate> cs = harness.startCandidates(3);
                harness.join("outage", cs);
                Candidate leader = harness.awaitLeader("outage", cs, Duration.ofSeconds(10));
                Leadership before = leader.election("outage").leadership().orElseThrow();
                redis.stop();
                long stoppedAt = System.nanoTime();
                Revocation r = before.lost()
                        .toCompletableFuture()
                        .get(harness.leaseWithSlack().toMillis(), TimeUnit.MILLISECONDS);
                assertThat(Duration.ofNanos(r.atMonotonicNanos() - stoppedAt))
                        .as("step-down without contact, by the deadline")
                        .isLessThanOrEqualTo(harness.settings().leaseDuration().plusMillis(50));
                assertThat(harness.leaders("outage", cs)).isEmpty();
                redis.startAgain();
                Candidate next = harness.awaitLeader("outage", cs, Duration.ofSeconds(10));
                assertThat(next.election("outage").leadership().orElseThrow().fencingToken())
                        .isGreaterThan(before.fencingToken());
            } finally {
                harness.close();
                fixture.close();
            }
            harness.checkHistory().assertNoViolations();
        }
    }

    @Test
    void leaderWhoseConnectionIsResetStepsDownInTimeAndDoesNotComeBackAsSecondLeader() throws Exception {
        RedisFixture fixture = new RedisFixture();
        ElectionHarness harness = new ElectionHarness(fixture);
        try {
            List<Candidate> cs = harness.startCandidates(3);
            harness.join("reset", cs);
            Candidate leader = harness.awaitLeader("reset", cs, Duration.ofSeconds(10));
            Leadership l = leader.election("reset").leadership().orElseThrow();
            fixture.proxy(leader.backend()).cut();
            long cutAt = System.nanoTime();
            Revocation r =
                    l.lost().toCompletableFuture().get(harness.leaseWithSlack().toMillis(), TimeUnit.MILLISECONDS);
            assertThat(Duration.ofNanos(r.atMonotonicNanos() - cutAt))
                    .isLessThanOrEqualTo(harness.settings().leaseDuration().plusMillis(50));
            Candidate next = harness.awaitNewLeader("reset", cs, leader, Duration.ofSeconds(10));
            assertThat(next.election("reset").leadership().orElseThrow().fencingToken())
                    .isGreaterThan(l.fencingToken());
            fixture.proxy(leader.backend()).heal();
            // The old leader reconnects and competes again; at no instant two leaders.
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            for (int i = 0; i < 1000 && System.nanoTime() - end < 0; i++) {
                assertThat(harness.leaders("reset", cs)).hasSizeLessThanOrEqualTo(1);
                Thread.sleep(10);
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> harness.leaders("reset", cs).size() == 1);
        } finally {
            harness.close();
            fixture.close();
        }
        harness.checkHistory().assertNoViolations();
    }
}
