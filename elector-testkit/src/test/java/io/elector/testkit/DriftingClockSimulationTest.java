package io.elector.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.elector.api.Election;
import io.elector.api.ElectionSettings;
import io.elector.core.Elector;
import io.elector.core.LeaseBackend;
import io.elector.memory.InMemoryLeaseStore;
import io.elector.testkit.history.HistoryChecker;
import io.elector.testkit.history.HistoryRecorder;
import io.elector.testkit.history.HistoryReport;
import io.elector.time.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded simulations on a fake clock: candidates whose clocks drift (rate within the bound) and
 * whose wall clocks are skewed by minutes, cut off and restored and resigning at random, judged by
 * the history checker in true time. A failing seed reproduces exactly. A second test breaks the
 * assumption (drift beyond the bound) and shows the checker catches the overlap that follows, so
 * the first test's silence means something.
 */
class DriftingClockSimulationTest {
    private static final ElectionSettings S =
            new ElectionSettings(Duration.ofSeconds(2), Duration.ofMillis(400), Duration.ofMillis(200), 0.01);

    private static final class Sim {
        final FakeClock truth;
        final InMemoryLeaseStore store;
        final HistoryRecorder recorder;
        final List<FaultInjectingLeaseStore> views = new ArrayList<>();
        final List<Election> elections = new ArrayList<>();
        final List<Elector> electors = new ArrayList<>();

        Sim(long seed) {
            truth = FakeClock.startingAt(new SplittableRandom(seed).nextLong(), Instant.parse("2030-01-01T00:00:00Z"));
            store = new InMemoryLeaseStore(truth.time());
            recorder = HistoryRecorder.simulated("sim", truth.time());
        }

        void candidate(String id, double rate, Duration wallSkew) {
            DriftingRuntime rt = new DriftingRuntime(truth, rate, wallSkew);
            FaultInjectingLeaseStore view = new FaultInjectingLeaseStore(store);
            Elector e = Elector.builder(LeaseBackend.of(view, id.hashCode()))
                    .candidateId(id)
                    .settings(S)
                    .runtime(rt)
                    .build();
            Election el = e.join("sim");
            recorder.record(el, rt.time());
            views.add(view);
            elections.add(el);
            electors.add(e);
        }

        long leaders() {
            return elections.stream().filter(Election::isLeader).count();
        }

        HistoryReport check() {
            return new HistoryChecker(Duration.ZERO).check(recorder.records());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 2L, 3L, 42L, 0xC0FFEEL, 20261126L})
    void driftWithinTheBoundNeverYieldsTwoLeaders(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Sim sim = new Sim(seed);
        for (int i = 0; i < 3; i++) {
            double rate = 1 + (rnd.nextDouble() * 2 - 1) * S.clockDriftBound();
            Duration skew = Duration.ofSeconds(rnd.nextInt(-600, 600));
            sim.candidate("c" + i, rate, skew);
        }
        sim.truth.runPending();
        int faults = 0;
        for (int step = 0; step < 600; step++) {
            int what = rnd.nextInt(10);
            int who = rnd.nextInt(3);
            if (what < 3) {
                sim.views.get(who).cutOff();
                faults++;
            } else if (what < 7) {
                sim.views.get(who).restore();
            } else if (what < 8) {
                sim.elections.get(who).resign();
            }
            sim.truth.advance(Duration.ofMillis(rnd.nextInt(50, 2_500)));
            assertThat(sim.leaders()).as("seed %d step %d", seed, step).isLessThanOrEqualTo(1);
        }
        for (FaultInjectingLeaseStore v : sim.views) {
            v.restore();
        }
        // Liveness: once every fault healed, a leader within a lease plus two retries.
        sim.truth.advance(S.leaseDuration().plus(S.retryInterval().multipliedBy(2)));
        assertThat(sim.leaders()).as("seed %d: one leader after healing", seed).isEqualTo(1);
        HistoryReport report = sim.check();
        report.assertNoViolations();
        assertThat(report.intervals())
                .as("seed %d: the run changed leaders (faults %d)", seed, faults)
                .hasSizeGreaterThan(20);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7L, 8L})
    void driftBeyondTheBoundIsCaughtByTheChecker(long seed) {
        Sim sim = new Sim(seed);
        // c0's clock runs 10% slow, ten times the bound: its deadline comes late in true time.
        sim.candidate("c0", 0.90, Duration.ZERO);
        sim.truth.runPending();
        sim.candidate("c1", 1.0, Duration.ZERO);
        sim.truth.runPending();
        assertThat(sim.elections.get(0).isLeader()).isTrue();
        sim.views.get(0).cutOff();
        sim.truth.advance(Duration.ofSeconds(5));
        assertThat(sim.elections.get(1).isLeader()).isTrue();
        HistoryReport report = sim.check();
        assertThat(report.violations())
                .as("overlap expected when drift exceeds the bound")
                .anySatisfy(v -> assertThat(v).contains("two leaders at once"));
    }
}
