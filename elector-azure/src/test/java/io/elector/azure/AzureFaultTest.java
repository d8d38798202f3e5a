package io.elector.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.elector.api.Leadership;
import io.elector.api.Revocation;
import io.elector.testkit.Candidate;
import io.elector.testkit.ElectionHarness;
import io.elector.testkit.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults beyond the conformance suite, on real Azurite with the 15 s lease: the leader's connection
 * reset or blackholed by a TCP proxy (held requests delivered late after the heal), and Azurite
 * stopped and restarted during a leadership (it keeps blobs and leases in its data folder). The
 * history checker judges every run.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class AzureFaultTest {
    private static final Duration FIRST_LEADER = Duration.ofSeconds(25);

    @Test
    void leaderWhoseConnectionIsResetStepsDownByItsDeadlineAndTheNextTokenIsGreater() throws Exception {
        cutLeaderAndHeal(false);
    }

    @Test
    void leaderBehindABlackholeStepsDownByItsDeadlineAndItsLateRequestsChangeNothing() throws Exception {
        cutLeaderAndHeal(true);
    }

    private void cutLeaderAndHeal(boolean blackhole) throws Exception {
        AzureFixture fixture = new AzureFixture();
        ElectionHarness harness = new ElectionHarness(fixture);
        String e = blackhole ? "blackhole" : "reset";
        try {
            List<Candidate> cs = harness.startCandidates(3);
            harness.join(e, cs);
            Candidate leader = harness.awaitLeader(e, cs, FIRST_LEADER);
            Leadership l = leader.election(e).leadership().orElseThrow();
            TcpProxy proxy = fixture.proxy(leader.backend());
            if (blackhole) {
                proxy.blackhole();
            } else {
                proxy.cut();
            }
            long cutAt = System.nanoTime();
            Revocation r =
                    l.lost().toCompletableFuture().get(harness.leaseWithSlack().toMillis(), TimeUnit.MILLISECONDS);
            // The deadline counts from the send time of the last successful renewal, before the cut.
            assertThat(Duration.ofNanos(r.atMonotonicNanos() - cutAt))
                    .isLessThanOrEqualTo(harness.settings().leaseDuration().plusMillis(50));
            Candidate next = harness.awaitNewLeader(e, cs, leader, fixture.failoverBound());
            Leadership after = next.election(e).leadership().orElseThrow();
            assertThat(after.fencingToken()).isGreaterThan(l.fencingToken());
            assertThat(after.electedAtNanos() - r.atMonotonicNanos()).isPositive();
            proxy.heal();
            // The old leader's connection comes back (held requests arrive late); never two leaders.
            long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            for (int i = 0; i < 1000 && System.nanoTime() - end < 0; i++) {
                assertThat(harness.leaders(e, cs)).hasSizeLessThanOrEqualTo(1);
                Thread.sleep(10);
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> harness.leaders(e, cs).size() == 1);
        } finally {
            harness.close();
            fixture.close();
        }
        harness.checkHistory().assertNoViolations();
    }

    @Test
    void azuriteRestartDuringLeadershipKeepsStateAndNeverYieldsTwoLeaders() throws Exception {
        try (AzuriteProcess azurite = AzuriteProcess.start()) {
            AzureFixture fixture = new AzureFixture(azurite.connectionString());
            ElectionHarness harness = new ElectionHarness(fixture);
            try {
                List<Candidate> cs = harness.startCandidates(3);
                harness.join("restart", cs);
                Candidate leader = harness.awaitLeader("restart", cs, FIRST_LEADER);
                Leadership before = leader.election("restart").leadership().orElseThrow();

                long stopAt = System.nanoTime();
                boolean graceful = azurite.stop();
                long stoppedMs = (System.nanoTime() - stopAt) / 1_000_000;
                assertThat(graceful)
                        .as("Azurite exits by itself on SIGTERM, saving its state: %s", azurite.log())
                        .isTrue();
                azurite.startAgain();
                org.slf4j.LoggerFactory.getLogger(AzureFaultTest.class)
                        .info("Azurite restarted: stopping took {} ms", stoppedMs);

                // The blob and its token survived the restart (Azurite keeps them in its folder).
                try (TestBlobs blobs = new TestBlobs(azurite.connectionString(), fixture.container())) {
                    Map<String, String> md =
                            blobs.blob("restart").getProperties().getMetadata();
                    assertThat(Long.parseLong(md.get(LeaseMetadata.TOKEN)))
                            .isGreaterThanOrEqualTo(before.fencingToken());
                }
                // A restart shorter than the lease need not cost leadership; whoever leads after it,
                // there is one leader, and a new leadership has a greater token.
                Candidate after = harness.awaitLeader("restart", cs, FIRST_LEADER);
                Leadership l = after.election("restart").leadership().orElseThrow();
                assertThat(l.fencingToken()).isGreaterThanOrEqualTo(before.fencingToken());
                if (l.fencingToken() != before.fencingToken()) {
                    assertThat(before.isValid()).isFalse();
                }
                long end = System.nanoTime()
                        + harness.settings().renewInterval().multipliedBy(2).toNanos();
                for (int i = 0; i < 2000 && System.nanoTime() - end < 0; i++) {
                    assertThat(harness.leaders("restart", cs)).hasSizeLessThanOrEqualTo(1);
                    Thread.sleep(10);
                }
            } finally {
                harness.close();
                fixture.close();
            }
            harness.checkHistory().assertNoViolations();
        }
    }

    @Test
    void azuriteDownLongerThanTheLeaseRevokesTheLeaderByItsDeadlineAndLeadershipResumesAfter() throws Exception {
        try (AzuriteProcess azurite = AzuriteProcess.start()) {
            AzureFixture fixture = new AzureFixture(azurite.connectionString());
            ElectionHarness harness = new ElectionHarness(fixture);
            try {
                List<Candidate> cs = harness.startCandidates(3);
                harness.join("outage", cs);
                Candidate leader = harness.awaitLeader("outage", cs, FIRST_LEADER);
                Leadership before = leader.election("outage").leadership().orElseThrow();
                azurite.stop();
                long stoppedAt = System.nanoTime();
                Revocation r = before.lost()
                        .toCompletableFuture()
                        .get(harness.leaseWithSlack().toMillis(), TimeUnit.MILLISECONDS);
                assertThat(Duration.ofNanos(r.atMonotonicNanos() - stoppedAt))
                        .as("step-down without contact, by the deadline")
                        .isLessThanOrEqualTo(harness.settings().leaseDuration().plusMillis(50));
                assertThat(harness.leaders("outage", cs)).isEmpty();
                azurite.startAgain();
                Candidate next = harness.awaitLeader("outage", cs, FIRST_LEADER);
                assertThat(next.election("outage").leadership().orElseThrow().fencingToken())
                        .isGreaterThan(before.fencingToken());
            } finally {
                harness.close();
                fixture.close();
            }
            harness.checkHistory().assertNoViolations();
        }
    }
}
