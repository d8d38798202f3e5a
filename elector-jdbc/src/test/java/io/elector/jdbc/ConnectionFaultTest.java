package io.elector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elector.api.Leadership;
import io.elector.testkit.Candidate;
import io.elector.testkit.ElectionHarness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults on the leader's database connection through the TCP proxy, on the real servers; the
 * history checker judges every run.
 */
class ConnectionFaultTest {
    private JdbcFixture fixture;
    private ElectionHarness harness;
    private final String election = "fault-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);

    static List<Stores.Named> databases() {
        return Stores.all().subList(0, 2);
    }

    private List<Candidate> start(Stores.Named db) {
        fixture = new JdbcFixture(db.uri().get());
        harness = new ElectionHarness(fixture);
        List<Candidate> cs = harness.startCandidates(3);
        harness.join(election, cs);
        return cs;
    }

    @AfterEach
    void judge() {
        if (harness != null) {
            harness.close();
            fixture.close();
            harness.checkHistory().assertNoViolations();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void leaderWhoseConnectionsAreResetStepsDownByItsDeadline(Stores.Named db) {
        List<Candidate> cs = start(db);
        Leaders.Led first = Leaders.await(election, cs, null, Duration.ofSeconds(10));
        Candidate leader = first.candidate();
        Leadership l = first.leadership();
        long cutAt = System.nanoTime();
        fixture.proxy(leader.backend()).cut();
        Leaders.Led next = Leaders.await(election, cs, leader, Duration.ofSeconds(10));
        assertThat(l.isValid()).isFalse();
        // The old leadership ended by its deadline: at most one lease after the cut.
        assertThat(l.deadlineNanos() - cutAt).isLessThanOrEqualTo(JdbcFixture.LEASE.toNanos());
        assertThat(next.leadership().fencingToken()).isGreaterThan(l.fencingToken());
        fixture.proxy(leader.backend()).heal();
        // The healed candidate competes again as a follower; never two leaders (the checker judges).
        Candidate after = harness.awaitLeader(election, cs, Duration.ofSeconds(10));
        assertThat(harness.leaders(election, cs)).containsExactly(after);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void blipShorterThanTheLeaseDoesNotCostLeadership(Stores.Named db) throws Exception {
        List<Candidate> cs = start(db);
        Leaders.Led first = Leaders.await(election, cs, null, Duration.ofSeconds(10));
        Candidate leader = first.candidate();
        Leadership l = first.leadership();
        // Blackhole for a third of the lease: renewals fail, then succeed before the deadline.
        fixture.proxy(leader.backend()).blackhole();
        Thread.sleep(JdbcFixture.LEASE.toMillis() / 3);
        fixture.proxy(leader.backend()).heal();
        Thread.sleep(JdbcFixture.LEASE.toMillis() * 2);
        assertThat(l.isValid()).as("still the same leadership after the blip").isTrue();
        assertThat(harness.leaders(election, cs)).containsExactly(leader);
    }
}
