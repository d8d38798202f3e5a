package io.elector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.elector.api.Election;
import io.elector.api.ElectionSettings;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import io.elector.api.RevocationReason;
import io.elector.memory.InMemoryLeaseStore;
import io.elector.spi.HeldLease;
import io.elector.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lease engine and the candidate state machine on a fake clock: no sleeps, every instant
 * exact. Each test runs from three clock starts: near overflow, near zero from below, and a seeded
 * random one (printed by the test name).
 */
class LeaseEngineTest {
    private static final ElectionSettings S =
            new ElectionSettings(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMillis(500), 0.01);

    static Stream<FakeClock> clocks() {
        long seed = 0x5EED_1234L;
        return Stream.of(
                FakeClock.nearOverflow(),
                FakeClock.startingAt(-Duration.ofMinutes(1).toNanos(), java.time.Instant.parse("2030-01-01T00:00:00Z")),
                FakeClock.seeded(seed));
    }

    /** One simulated process: a scripted view of the shared store, an elector on the fake clock. */
    private static final class Proc {
        final ScriptedStore store;
        final Elector elector;
        final Election election;
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Revocation> revocations = new CopyOnWriteArrayList<>();

        Proc(String id, InMemoryLeaseStore shared, FakeClock clock, ElectionSettings s) {
            store = new ScriptedStore(shared, clock);
            elector = Elector.builder(LeaseBackend.of(store, id.hashCode()))
                    .candidateId(id)
                    .settings(s)
                    .runtime(clock)
                    .build();
            election = elector.join("e");
            election.addListener(new LeadershipListener() {
                @Override
                public void elected(Leadership l) {
                    events.add("elected:" + l.fencingToken());
                }

                @Override
                public void revoked(Leadership l, Revocation r) {
                    events.add("revoked:" + l.fencingToken() + ":" + r.reason());
                    revocations.add(r);
                }
            });
        }

        Leadership leadership() {
            return election.leadership()
                    .orElseThrow(() -> new AssertionError(elector.candidateId() + " is not leader"));
        }
    }

    private static InMemoryLeaseStore storeOn(FakeClock clock) {
        return new InMemoryLeaseStore(clock.time());
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void deadlineIsCountedFromTheSendTimeShortenedByTheDriftBound(FakeClock clock) {
        Proc p = new Proc("a", storeOn(clock), clock, S);
        clock.runPending();
        long sent = p.store.acquireTimes.get(0);
        Leadership l = p.leadership();
        assertThat(l.deadlineNanos() - sent).isEqualTo((long) (S.leaseDuration().toNanos() * 0.99));
        assertThat(p.events).containsExactly("elected:1");
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void renewalExtendsTheDeadlineEveryRenewInterval(FakeClock clock) {
        Proc p = new Proc("a", storeOn(clock), clock, S);
        clock.runPending();
        long first = p.leadership().deadlineNanos();
        clock.advance(S.renewInterval());
        assertThat(p.leadership().deadlineNanos() - first)
                .isEqualTo(S.renewInterval().toNanos());
        clock.advance(Duration.ofMinutes(1));
        assertThat(p.leadership().fencingToken()).isEqualTo(1);
        assertThat(p.store.renewCalls).isEqualTo(31);
        assertThat(p.events).containsExactly("elected:1");
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void unreachableStoreStepsTheLeaderDownExactlyAtItsDeadline(FakeClock clock) {
        Proc p = new Proc("a", storeOn(clock), clock, S);
        clock.runPending();
        Leadership l = p.leadership();
        p.store.unreachable = true;
        clock.advance(Duration.ofNanos(l.deadlineNanos() - clock.nanos() - 1));
        assertThat(l.isValid()).isTrue();
        clock.advance(Duration.ofNanos(1));
        assertThat(l.isValid()).isFalse();
        assertThat(p.events).containsExactly("elected:1", "revoked:1:EXPIRED");
        assertThat(p.revocations.get(0).atMonotonicNanos()).isEqualTo(l.deadlineNanos());
        clock.advance(Duration.ofMinutes(1));
        assertThat(p.events).hasSize(2);
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void aBlipShorterThanTheLeaseDoesNotCostLeadership(FakeClock clock) {
        Proc p = new Proc("a", storeOn(clock), clock, S);
        clock.runPending();
        p.store.unreachable = true;
        clock.advance(S.leaseDuration().minus(S.renewInterval()).minusMillis(200));
        p.store.unreachable = false;
        clock.advance(S.retryInterval().multipliedBy(2));
        assertThat(p.leadership().fencingToken()).isEqualTo(1);
        assertThat(p.events).containsExactly("elected:1");
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void aCrashedLeaderIsReplacedAfterItsLeaseByTheStoresClock(FakeClock clock) {
        InMemoryLeaseStore shared = storeOn(clock);
        Proc a = new Proc("a", shared, clock, S);
        clock.runPending();
        Proc b = new Proc("b", shared, clock, S);
        clock.runPending();
        Leadership la = a.leadership();
        a.store.unreachable = true; // a is gone: no renew, no release
        clock.advance(S.leaseDuration().minusMillis(1));
        assertThat(b.election.isLeader()).isFalse();
        clock.advance(S.retryInterval().multipliedBy(2));
        Leadership lb = b.leadership();
        assertThat(lb.fencingToken()).isEqualTo(2);
        // a stopped being valid before b started.
        assertThat(lb.electedAtNanos() - a.revocations.get(0).atMonotonicNanos())
                .isPositive();
        assertThat(la.isValid()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void resignHandsOverAtOnceThroughTheReleaseNotice(FakeClock clock) {
        InMemoryLeaseStore shared = storeOn(clock);
        Proc a = new Proc("a", shared, clock, S);
        clock.runPending();
        Proc b = new Proc("b", shared, clock, S);
        clock.runPending();
        a.election.resign();
        clock.runPending();
        assertThat(b.leadership().fencingToken()).isEqualTo(2);
        assertThat(a.events).containsExactly("elected:1", "revoked:1:RESIGNED");
        // The resigner stays out: it does not take the lease back.
        clock.advance(Duration.ofSeconds(30));
        assertThat(a.election.isLeader()).isFalse();
        assertThat(b.events).containsExactly("elected:2");
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void aCandidateThatResignedTakesOverAtOnceWhenTheNextLeaderResigns(FakeClock clock) {
        InMemoryLeaseStore shared = storeOn(clock);
        Proc a = new Proc("a", shared, clock, S);
        clock.runPending();
        Proc b = new Proc("b", shared, clock, S);
        clock.runPending();
        long start = clock.nanos();
        a.election.resign();
        clock.runPending();
        assertThat(b.leadership().fencingToken()).isEqualTo(2);
        b.election.resign();
        clock.runPending();
        // a is inside its hold-off (two retry intervals), but b has led after it and let go.
        assertThat(clock.nanos()).isEqualTo(start);
        assertThat(a.leadership().fencingToken()).isEqualTo(3);
        assertThat(a.events).containsExactly("elected:1", "revoked:1:RESIGNED", "elected:3");
        assertThat(b.events).containsExactly("elected:2", "revoked:2:RESIGNED");
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void aNoticeWithoutTokenDoesNotShortenTheHoldOff(FakeClock clock) {
        InMemoryLeaseStore shared = storeOn(clock);
        Proc a = new Proc("a", shared, clock, S);
        clock.runPending();
        Proc b = new Proc("b", shared, clock, S);
        clock.runPending();
        a.election.resign();
        clock.runPending();
        assertThat(b.leadership().fencingToken()).isEqualTo(2);
        // Notices that name only the election: a cannot tell b's release from its own.
        a.store.tokensInNotices = false;
        Duration led = Duration.ofMillis(250);
        clock.advance(led);
        b.election.resign();
        clock.runPending();
        assertThat(a.election.isLeader()).isFalse();
        clock.advance(S.retryInterval().multipliedBy(2).minus(led).minusNanos(1));
        assertThat(a.election.isLeader()).isFalse();
        clock.advance(Duration.ofNanos(1));
        assertThat(a.leadership().fencingToken()).isEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void aLoneCandidateThatResignedTakesTheLeaseBackAfterItsHoldOff(FakeClock clock) {
        Proc a = new Proc("a", storeOn(clock), clock, S);
        clock.runPending();
        a.election.resign();
        clock.runPending();
        assertThat(a.election.isLeader()).isFalse();
        clock.advance(S.retryInterval().multipliedBy(2));
        assertThat(a.leadership().fencingToken()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void aLeaseTheStoreNoLongerHoldsIsLostAtTheNextRenewal(FakeClock clock) {
        InMemoryLeaseStore shared = storeOn(clock);
        Proc a = new Proc("a", shared, clock, S);
        clock.runPending();
        // An operator deletes the lease row.
        shared.release(new HeldLease("e", "a", 1, S.leaseDuration()));
        clock.advance(S.renewInterval());
        assertThat(a.events).containsExactly("elected:1", "revoked:1:LOST");
        clock.advance(S.retryInterval().multipliedBy(2));
        assertThat(a.leadership().fencingToken()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void aGrantThatArrivesAfterItsOwnDeadlineIsNeverReported(FakeClock clock) {
        Proc a = new Proc(
                "a",
                storeOn(clock),
                clock,
                new ElectionSettings(Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofMillis(100), 0.01));
        a.store.latency = Duration.ofMillis(1500);
        clock.runPending();
        assertThat(a.events).isEmpty();
        assertThat(a.election.isLeader()).isFalse();
        a.store.latency = Duration.ZERO;
        clock.advance(Duration.ofMillis(300));
        assertThat(a.events).containsExactly("elected:2");
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void slowRenewalsShortenTheDeadlineByTheirLatency(FakeClock clock) {
        Proc a = new Proc("a", storeOn(clock), clock, S);
        clock.runPending();
        a.store.latency = Duration.ofMillis(300);
        long before = clock.nanos();
        clock.advance(S.renewInterval());
        long sentAt = before + S.renewInterval().toNanos();
        assertThat(a.leadership().deadlineNanos() - sentAt)
                .isEqualTo((long) (S.leaseDuration().toNanos() * 0.99));
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void retriesAreJitteredWithinTwentyPercent(FakeClock clock) {
        InMemoryLeaseStore shared = storeOn(clock);
        Proc a = new Proc("a", shared, clock, S);
        clock.runPending();
        Proc b = new Proc("b", shared, clock, S);
        clock.advance(Duration.ofSeconds(20));
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < b.store.acquireTimes.size(); i++) {
            gaps.add(b.store.acquireTimes.get(i) - b.store.acquireTimes.get(i - 1));
        }
        assertThat(gaps).hasSizeGreaterThan(20);
        long retry = S.retryInterval().toNanos();
        assertThat(gaps).allSatisfy(g -> assertThat(g).isBetween((long) (retry * 0.8), (long) (retry * 1.2)));
        assertThat(gaps.stream().distinct().count())
                .as("jitter varies the gaps")
                .isGreaterThan(5);
        assertThat(a.events).containsExactly("elected:1");
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void allElectionsOfAProcessAreRenewedByOneCallPerInterval(FakeClock clock) {
        InMemoryLeaseStore shared = storeOn(clock);
        ScriptedStore store = new ScriptedStore(shared, clock);
        Elector elector = Elector.builder(LeaseBackend.of(store, 7))
                .candidateId("a")
                .settings(S)
                .runtime(clock)
                .build();
        List<Election> elections = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            elections.add(elector.join("e" + i));
        }
        clock.runPending();
        assertThat(elections).allSatisfy(e -> assertThat(e.isLeader()).isTrue());
        int before = store.renewCalls;
        clock.advance(Duration.ofSeconds(60));
        assertThat(store.renewCalls - before).isEqualTo(30);
        assertThat(elections).allSatisfy(e -> assertThat(e.isLeader()).isTrue());
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void leaderWorkIsInterruptedAtTheDeadline(FakeClock clock) {
        Proc a = new Proc("a", storeOn(clock), clock, S);
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean interrupted = new AtomicBoolean();
        a.election.runWhileLeader(l -> {
            started.set(true);
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        clock.runPending();
        await().atMost(Duration.ofSeconds(5)).untilTrue(started);
        a.store.unreachable = true;
        clock.advance(S.leaseDuration());
        await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
        assertThat(a.events).containsExactly("elected:1", "revoked:1:EXPIRED");
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void listenersAlternateAndALateListenerStartsWithElected(FakeClock clock) {
        InMemoryLeaseStore shared = storeOn(clock);
        Proc a = new Proc("a", shared, clock, S);
        Proc b = new Proc("b", shared, clock, S);
        clock.runPending();
        List<String> late = new CopyOnWriteArrayList<>();
        Proc leader = a.election.isLeader() ? a : b;
        leader.election.addListener(new LeadershipListener() {
            @Override
            public void elected(Leadership l) {
                late.add("elected");
            }

            @Override
            public void revoked(Leadership l, Revocation r) {
                late.add("revoked");
            }
        });
        clock.runPending();
        for (int i = 0; i < 6; i++) {
            Proc l = a.election.isLeader() ? a : b;
            l.election.resign();
            clock.advance(S.retryInterval().multipliedBy(3));
        }
        assertThat(late.get(0)).isEqualTo("elected");
        for (Proc p : List.of(a, b)) {
            for (int i = 0; i < p.events.size(); i++) {
                assertThat(p.events.get(i)).startsWith(i % 2 == 0 ? "elected" : "revoked");
            }
        }
        for (int i = 0; i < late.size(); i++) {
            assertThat(late.get(i)).isEqualTo(i % 2 == 0 ? "elected" : "revoked");
        }
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void closeReleasesAndRevokesOnce(FakeClock clock) {
        InMemoryLeaseStore shared = storeOn(clock);
        Proc a = new Proc("a", shared, clock, S);
        Proc b = new Proc("b", shared, clock, S);
        clock.runPending();
        Proc leader = a.election.isLeader() ? a : b;
        Proc other = leader == a ? b : a;
        leader.election.close();
        clock.runPending();
        assertThat(leader.events).hasSize(2);
        assertThat(leader.revocations.get(0).reason()).isEqualTo(RevocationReason.CLOSED);
        assertThat(other.leadership().fencingToken()).isEqualTo(2);
        leader.election.close();
        clock.advance(Duration.ofSeconds(30));
        assertThat(leader.events).hasSize(2);
    }

    @ParameterizedTest
    @MethodSource("clocks")
    void resignReleasesTheLeaseOnlyAfterLeaderWorkHasStopped(FakeClock clock) throws Exception {
        InMemoryLeaseStore shared = storeOn(clock);
        Proc a = new Proc("a", shared, clock, S);
        clock.runPending();
        Proc b = new Proc("b", shared, clock, S);
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch letGo = new java.util.concurrent.CountDownLatch(1);
        a.election.runWhileLeader(l -> {
            running.countDown();
            // A task that finishes its step before it honours the interrupt (bounded: 10 s).
            long end = System.nanoTime() + 10_000_000_000L;
            while (letGo.getCount() > 0 && System.nanoTime() - end < 0) {
                try {
                    letGo.await(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException ignored) {
                    // keep going until the step is done
                }
            }
        });
        clock.runPending();
        assertThat(running.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        a.election.resign();
        clock.advance(Duration.ofMillis(100));
        assertThat(a.election.isLeader()).isFalse();
        assertThat(b.election.isLeader())
                .as("no takeover while a's work still runs")
                .isFalse();
        letGo.countDown();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            clock.runPending();
            assertThat(b.election.isLeader()).isTrue();
        });
    }
}
