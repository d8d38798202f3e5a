package io.elector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.elector.api.Election;
import io.elector.api.ElectionObserver;
import io.elector.api.ElectionSettings;
import io.elector.api.InvalidSettingException;
import io.elector.api.LeaderInfo;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import io.elector.api.RevocationReason;
import io.elector.api.Schedule;
import io.elector.core.Elector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite: every backend module extends this class once with a factory for its real
 * server, and passes it unchanged. After every test the history checker judges everything that was
 * recorded (exclusivity, token monotonicity).
 *
 * <p>Capabilities covered: one leader among N; tokens increase across resigns and re-elections;
 * resign hands over within a bound; a crashed leader is replaced; a leader cut off from its backend
 * steps down by its deadline and its listener hears it; observers see changes; elected/revoked
 * alternate; leader-only work is interrupted on loss and never runs twice at once; 100 elections
 * in one process; invalid names and settings are refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ElectionConformanceSuite {

    /** A fixture for a real server of the backend under test. Called before each test. */
    protected abstract BackendFixture createFixture();

    protected BackendFixture fixture;
    protected ElectionHarness harness;
    private String election;

    @BeforeEach
    void setUpHarness(TestInfo info) {
        fixture = createFixture();
        harness = new ElectionHarness(fixture);
        // A fresh election name per test, so that tests never see each other's state in a shared store.
        election = "suite-" + info.getTestMethod().map(m -> m.getName()).orElse("t") + "-"
                + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        if (election.length() > 120) {
            election = election.substring(0, 120);
        }
    }

    @AfterEach
    void judgeHistory() {
        try {
            harness.close();
            harness.checkHistory().assertNoViolations();
        } finally {
            fixture.close();
        }
    }

    /** The election name of the running test. */
    protected String election() {
        return election;
    }

    private int n(int wanted) {
        return Math.min(wanted, fixture.maxCandidates());
    }

    private Duration firstLeaderBound() {
        return fixture.failoverBound().plus(Duration.ofSeconds(5));
    }

    @Test
    void exactlyOneLeaderAmongCandidates() {
        List<Candidate> cs = harness.startCandidates(n(3));
        harness.join(election, cs);
        Candidate leader = harness.awaitLeader(election, cs, firstLeaderBound());
        Leadership l = leader.seenLeadership(election);
        assertThat(l.fencingToken()).isPositive();
        assertThat(l.candidateId()).isEqualTo(leader.id());
        // Over a few renew periods there is never a second leader.
        long end = System.nanoTime()
                + harness.settings().renewInterval().multipliedBy(3).toNanos();
        for (int i = 0; i < 10_000 && System.nanoTime() - end < 0; i++) {
            assertThat(harness.leaders(election, cs)).hasSizeLessThanOrEqualTo(1);
            sleepMillis(5);
        }
        // Followers learn who leads.
        for (Candidate c : cs) {
            await("candidate " + c + " sees the leader")
                    .atMost(firstLeaderBound())
                    .until(
                            () -> c.election(election)
                                    .leader()
                                    .map(LeaderInfo::candidateId)
                                    .orElse(""),
                            id -> id.equals(leader.id()));
        }
    }

    @Test
    void tokensStrictlyIncreaseAcrossResignsAndReelections() {
        List<Candidate> cs = harness.startCandidates(n(3));
        harness.join(election, cs);
        List<Long> tokens = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            Candidate leader = harness.awaitLeader(election, cs, firstLeaderBound());
            long token = leader.seenLeadership(election).fencingToken();
            tokens.add(token);
            leader.election(election).resign().toCompletableFuture().join();
            assertThat(leader.election(election).isLeader()).isFalse();
        }
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void resignHandsOverWithinBound() {
        List<Candidate> cs = harness.startCandidates(n(3));
        harness.join(election, cs);
        Candidate leader = harness.awaitLeader(election, cs, firstLeaderBound());
        long before = leader.seenLeadership(election).fencingToken();
        leader.election(election).resign().toCompletableFuture().join();
        Candidate next = harness.awaitNewLeader(election, cs, leader, fixture.handoverBound());
        assertThat(next.seenLeadership(election).fencingToken()).isGreaterThan(before);
    }

    @Test
    void crashedLeaderIsReplacedWithinFailoverBound() {
        List<Candidate> cs = harness.startCandidates(n(3));
        harness.join(election, cs);
        Candidate leader = harness.awaitLeader(election, cs, firstLeaderBound());
        long before = leader.seenLeadership(election).fencingToken();
        harness.crash(leader);
        Candidate next = harness.awaitNewLeader(election, cs, leader, fixture.failoverBound());
        assertThat(next.seenLeadership(election).fencingToken()).isGreaterThan(before);
    }

    @Test
    void leaderCutOffFromBackendStepsDownByDeadline() throws Exception {
        List<Candidate> cs = harness.startCandidates(n(3));
        harness.join(election, cs);
        Candidate leader = harness.awaitLeader(election, cs, firstLeaderBound());
        Election e = leader.election(election);
        CountDownLatch revoked = new CountDownLatch(1);
        AtomicReference<Revocation> how = new AtomicReference<>();
        e.addListener(new LeadershipListener() {
            @Override
            public void revoked(Leadership l, Revocation r) {
                how.set(r);
                revoked.countDown();
            }
        });
        Leadership l = leader.seenLeadership(election);
        fixture.cutOff(leader.backend());
        long cutAt = System.nanoTime();
        // The listener hears it, at the latest soon after one lease from the cut.
        assertThat(revoked.await(harness.leaseWithSlack().toMillis(), TimeUnit.MILLISECONDS))
                .as("revoked heard within a lease of the cut")
                .isTrue();
        assertThat(l.isValid()).isFalse();
        assertThat(how.get().reason()).isIn(RevocationReason.EXPIRED, RevocationReason.LOST);
        // Validity ended no later than one lease after the cut (the deadline counts from the last send).
        long endedAfterCut = how.get().atMonotonicNanos() - cutAt;
        assertThat(Duration.ofNanos(endedAfterCut))
                .isLessThanOrEqualTo(harness.settings().leaseDuration().plusMillis(50));
        Candidate next = harness.awaitNewLeader(
                election, cs, leader, fixture.failoverBound().plus(harness.leaseWithSlack()));
        assertThat(next).isNotEqualTo(leader);
        fixture.restore(leader.backend());
        // After the heal the old leader does not come back as a second leader (the checker also judges this).
        long end = System.nanoTime() + harness.settings().leaseDuration().toNanos();
        for (int i = 0; i < 10_000 && System.nanoTime() - end < 0; i++) {
            assertThat(harness.leaders(election, cs)).hasSizeLessThanOrEqualTo(1);
            sleepMillis(10);
        }
    }

    @Test
    void observersSeeEveryLeaderChange() {
        List<Candidate> cs = harness.startCandidates(n(3));
        harness.join(election, cs.subList(0, cs.size() - 1));
        Candidate watcher = cs.get(cs.size() - 1);
        List<String> seen = new CopyOnWriteArrayList<>();
        try (ElectionObserver observer = watcher.elector().observe(election)) {
            observer.watch(v -> v.ifPresent(info -> {
                String s = info.candidateId() + "@" + info.fencingToken();
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(s)) {
                    seen.add(s);
                }
            }));
            List<Candidate> voters = cs.subList(0, cs.size() - 1);
            Candidate first = harness.awaitLeader(election, voters, firstLeaderBound());
            long t1 = first.seenLeadership(election).fencingToken();
            await("observer sees the first leader")
                    .atMost(firstLeaderBound())
                    .until(() -> seen.contains(first.id() + "@" + t1));
            first.election(election).resign().toCompletableFuture().join();
            Candidate second = harness.awaitNewLeader(
                    election, voters, first, fixture.handoverBound().plus(fixture.failoverBound()));
            long t2 = second.seenLeadership(election).fencingToken();
            await("observer sees the second leader")
                    .atMost(firstLeaderBound())
                    .until(() -> seen.contains(second.id() + "@" + t2));
            assertThat(observer.leader()).map(LeaderInfo::fencingToken).contains(t2);
            assertThat(seen.indexOf(first.id() + "@" + t1)).isLessThan(seen.indexOf(second.id() + "@" + t2));
        }
    }

    @Test
    void electedAndRevokedStrictlyAlternate() {
        List<Candidate> cs = harness.startCandidates(n(3));
        harness.join(election, cs);
        for (int round = 0; round < 4; round++) {
            Candidate leader = harness.awaitLeader(election, cs, firstLeaderBound());
            leader.election(election).resign().toCompletableFuture().join();
        }
        harness.awaitLeader(election, cs, firstLeaderBound());
        for (Candidate c : cs) {
            c.election(election).close();
        }
        for (Candidate c : cs) {
            await("all events delivered to " + c)
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> c.events().size() % 2 == 0);
            List<String> ev = c.events();
            for (int i = 0; i < ev.size(); i++) {
                String[] kindAndToken = ev.get(i).split(":");
                assertThat(kindAndToken[0])
                        .as("event %d of %s: %s", i, c, ev)
                        .isEqualTo(i % 2 == 0 ? "elected" : "revoked");
                if (i % 2 == 1) {
                    assertThat(kindAndToken[1])
                            .as("revoked matches elected in %s", ev)
                            .isEqualTo(ev.get(i - 1).split(":")[1]);
                }
            }
        }
    }

    @Test
    void leaderOnlyWorkIsInterruptedOnLossAndNeverRunsTwiceAtOnce() {
        List<Candidate> cs = harness.startCandidates(n(3));
        harness.join(election, cs);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> runner = new AtomicReference<>();
        for (Candidate c : cs) {
            c.election(election).runWhileLeader(l -> {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                tokens.add(l.fencingToken());
                runner.set(l.candidateId());
                try {
                    Thread.sleep(600_000);
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                } finally {
                    running.decrementAndGet();
                }
            });
        }
        // Act on whoever runs the task (on a loaded machine the first leader may already have changed).
        await("task runs on a leader").atMost(firstLeaderBound()).until(() -> running.get() == 1);
        Candidate first = harness.byId(runner.get()).orElseThrow();
        first.election(election).resign().toCompletableFuture().join();
        await("task interrupted on resign").atMost(Duration.ofSeconds(5)).until(() -> interrupted.get() >= 1);
        await("task runs on the next leader")
                .atMost(fixture.handoverBound().plus(fixture.failoverBound()).plusSeconds(5))
                .until(() -> tokens.size() >= 2 && running.get() == 1);
        Candidate second = harness.byId(runner.get()).orElseThrow();
        int before = interrupted.get();
        fixture.cutOff(second.backend());
        await("task interrupted when the cut-off leader's lease runs out")
                .atMost(harness.leaseWithSlack())
                .until(() -> interrupted.get() > before);
        fixture.restore(second.backend());
        assertThat(maxRunning.get())
                .as("leader-only task never ran twice at once")
                .isEqualTo(1);
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void scheduledWorkRunsOnlyOnTheLeader() {
        List<Candidate> cs = harness.startCandidates(n(2));
        harness.join(election, cs);
        List<String> runs = new CopyOnWriteArrayList<>();
        for (Candidate c : cs) {
            c.election(election).scheduleWhileLeader(Schedule.fixedRate(Duration.ZERO, Duration.ofMillis(20)), l -> {
                assertThat(l.isValid()).isTrue();
                runs.add(l.candidateId());
            });
        }
        Candidate leader = harness.awaitLeader(election, cs, firstLeaderBound());
        await("scheduled runs happen").atMost(Duration.ofSeconds(5)).until(() -> runs.size() >= 5);
        assertThat(runs).containsOnly(leader.id());
    }

    @Test
    void hundredElectionsInOneProcess() {
        List<Candidate> cs = harness.startCandidates(n(2));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            names.add(election + "-" + i);
        }
        for (String name : names) {
            harness.join(name, cs);
        }
        for (String name : names) {
            Candidate leader = harness.awaitLeader(name, cs, firstLeaderBound().plusSeconds(10));
            assertThat(leader.seenLeadership(name).fencingToken()).isPositive();
        }
        // Still one leader each after a few renewals.
        sleepMillis(harness.settings().renewInterval().multipliedBy(3).toMillis());
        for (String name : names) {
            assertThat(harness.leaders(name, cs)).hasSize(1);
        }
    }

    @Test
    void blockingListenerDoesNotDelayStepDown() throws Exception {
        List<Candidate> cs = harness.startCandidates(n(2));
        harness.join(election, cs);
        Candidate leader = harness.awaitLeader(election, cs, firstLeaderBound());
        CountDownLatch release = new CountDownLatch(1);
        Election e = leader.election(election);
        // A listener that blocks forever in revoked must not keep the leadership valid.
        e.addListener(new LeadershipListener() {
            @Override
            public void revoked(Leadership l, Revocation r) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Leadership l = leader.seenLeadership(election);
        fixture.cutOff(leader.backend());
        await("leadership invalid by its deadline despite a blocking listener")
                .atMost(harness.leaseWithSlack())
                .until(() -> !l.isValid());
        release.countDown();
        fixture.restore(leader.backend());
    }

    @Test
    void closingTheLeaderHandsOver() {
        List<Candidate> cs = harness.startCandidates(n(3));
        harness.join(election, cs);
        Candidate leader = harness.awaitLeader(election, cs, firstLeaderBound());
        Leadership l = leader.seenLeadership(election);
        leader.election(election).close();
        assertThat(l.isValid()).isFalse();
        Candidate next = harness.awaitNewLeader(
                election, cs, leader, fixture.handoverBound().plus(fixture.failoverBound()));
        assertThat(next.seenLeadership(election).fencingToken()).isGreaterThan(l.fencingToken());
    }

    @Test
    void invalidNamesAndSettingsAreRefusedWithClearMessages() {
        Candidate c = harness.startCandidate();
        Elector elector = c.elector();
        assertThatThrownBy(() -> elector.join(""))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("election name");
        assertThatThrownBy(() -> elector.join("has space"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'has space'");
        assertThatThrownBy(() -> elector.join("x".repeat(200))).isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> elector.join("../etc")).isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> ElectionSettings.defaults().withLeaseDuration(Duration.ofMillis(10)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("leaseDuration")
                .hasMessageContaining("PT0.01S");
        assertThatThrownBy(() -> ElectionSettings.defaults().withRenewInterval(Duration.ofSeconds(5)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("renewInterval");
        assertThatThrownBy(() -> ElectionSettings.defaults().withClockDriftBound(0.5))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("clockDriftBound");
        assertThatThrownBy(() -> Elector.builder(c.backend()).candidateId("bad id"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("candidate id");
        assertThatThrownBy(() -> Elector.builder(c.backend()).metadata("k", "v".repeat(5000)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("metadata");
        // A refused join leaves the elector usable.
        Election ok = harness.join(election, c);
        assertThat(harness.awaitLeader(election, List.of(c), firstLeaderBound()))
                .isEqualTo(c);
        assertThat(ok.leader()).isNotEqualTo(Optional.empty());
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
