package io.elector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.elector.api.Leadership;
import io.elector.api.Revocation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Server faults shared by the backends whose candidates queue as one key each under the election
 * (etcd keys, ZooKeeper sequential znodes): the server restarted during leadership, the server down
 * longer than the leader's bound, and no key left behind. Each scenario runs three candidates on
 * the fixture it is given, closes the fixture, and has the history checker judge the run; the
 * backend's test supplies the steps against its server and the count of queued keys.
 */
public final class QueueFaults {
    private QueueFaults() {}

    /** A step against the server under test, e.g. a kill or a restart. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    /** How many candidate keys are queued under an election, read by a client of the test's own. */
    @FunctionalInterface
    public interface QueueSize {
        int of(String election) throws Exception;
    }

    /**
     * The server restarts ({@code restart}) while a candidate of election {@code restart} leads.
     * Once all three are queued again, the leader holds either the same leadership, still valid, or
     * one with a greater token; and a resign then leads to a leadership with a greater token (the
     * resigner may win again if it re-queued before the others).
     *
     * @param leaderTimeout for the first leader
     * @param recoveryTimeout for the queue to fill again and for the leader after the restart
     */
    public static void restartDuringLeadership(
            BackendFixture fixture, Step restart, QueueSize queued, Duration leaderTimeout, Duration recoveryTimeout)
            throws Exception {
        ElectionHarness harness = new ElectionHarness(fixture);
        try {
            List<Candidate> cs = harness.startCandidates(3);
            harness.join("restart", cs);
            Candidate leader = harness.awaitLeader("restart", cs, leaderTimeout);
            Leadership before = leader.election("restart").leadership().orElseThrow();
            restart.run();
            await().atMost(recoveryTimeout).until(() -> queued.of("restart") == 3);
            Candidate after = harness.awaitLeader("restart", cs, recoveryTimeout);
            long token = after.election("restart").leadership().orElseThrow().fencingToken();
            if (after == leader && token == before.fencingToken()) {
                // The session or lease survived the restart: the same leadership, still valid.
                assertThat(before.isValid()).isTrue();
            } else {
                assertThat(token).isGreaterThan(before.fencingToken());
            }
            after.election("restart").resign().toCompletableFuture().join();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> harness.leaders("restart", cs).stream()
                            .anyMatch(c -> c.election("restart")
                                            .leadership()
                                            .map(Leadership::fencingToken)
                                            .orElse(0L)
                                    > token));
        } finally {
            harness.close();
            fixture.close();
        }
        harness.checkHistory().assertNoViolations();
    }

    /**
     * The server goes down ({@code stop}) while a candidate of election {@code outage} leads: the
     * leader must be told it lost within {@code bound} + 50 ms of the stop ({@code why} says why
     * that bound). After two bounds the server comes back ({@code start}) and a leader with a
     * greater token follows.
     *
     * @param leaderTimeout for the first leader
     * @param recoveryTimeout for the leader after the server is back
     */
    public static void outageLongerThanTheBound(
            BackendFixture fixture,
            Step stop,
            Step start,
            Duration bound,
            String why,
            Duration leaderTimeout,
            Duration recoveryTimeout)
            throws Exception {
        ElectionHarness harness = new ElectionHarness(fixture);
        try {
            List<Candidate> cs = harness.startCandidates(3);
            harness.join("outage", cs);
            Candidate leader = harness.awaitLeader("outage", cs, leaderTimeout);
            Leadership l = leader.election("outage").leadership().orElseThrow();
            stop.run();
            long stoppedAt = System.nanoTime();
            Revocation r =
                    l.lost().toCompletableFuture().get(harness.leaseWithSlack().toMillis(), TimeUnit.MILLISECONDS);
            assertThat(Duration.ofNanos(r.atMonotonicNanos() - stoppedAt))
                    .as(why)
                    .isLessThanOrEqualTo(bound.plusMillis(50));
            Thread.sleep(bound.toMillis() * 2);
            start.run();
            Candidate next = harness.awaitLeader("outage", cs, recoveryTimeout);
            assertThat(next.election("outage").leadership().orElseThrow().fencingToken())
                    .isGreaterThan(l.fencingToken());
        } finally {
            harness.close();
            fixture.close();
        }
        harness.checkHistory().assertNoViolations();
    }

    /**
     * Three resigns in election {@code orphans} (each resigner queues again with a new key, just
     * after its old one is deleted) leave exactly one {@code key} per candidate; closing one
     * election, then all candidates, deletes theirs.
     *
     * @param key what the backend calls a candidate's key, for the assertion's message
     */
    public static void closingLeavesNoKeyBehind(
            BackendFixture fixture, QueueSize queued, String key, Duration leaderTimeout) throws Exception {
        ElectionHarness harness = new ElectionHarness(fixture);
        List<Candidate> cs = harness.startCandidates(3);
        harness.join("orphans", cs);
        harness.awaitLeader("orphans", cs, leaderTimeout);
        for (int i = 0; i < 3; i++) {
            Candidate l = harness.awaitLeader("orphans", cs, leaderTimeout);
            l.election("orphans").resign().toCompletableFuture().join();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> queued.of("orphans") == 3);
        Thread.sleep(200);
        assertThat(queued.of("orphans"))
                .as("one " + key + " per candidate, none left over")
                .isEqualTo(3);
        cs.get(0).election("orphans").close();
        await().atMost(Duration.ofSeconds(5)).until(() -> queued.of("orphans") == 2);
        harness.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> queued.of("orphans") == 0);
        fixture.close();
        harness.checkHistory().assertNoViolations();
    }
}
