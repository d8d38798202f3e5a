package io.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.elector.testkit.history.HistoryChecker;
import io.elector.testkit.history.HistoryReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded randomized runs on the fake clock: the fault-injecting network (drop, delay, duplicate,
 * reorder, full and one-way partitions), node crashes and restarts from their state, resigns, and
 * clocks drifting within the bound. The history checker judges every run: no two leaderships
 * overlap, tokens strictly increase. After every heal a leader is elected within {@link
 * #HEAL_BOUND} of fake time. A failing seed reproduces with {@code -Draft.sim.seed=<seed>}.
 */
class RandomizedFaultSimulationTest {
    /** The stated liveness bound: after faults heal, a leader within this much (fake) time. */
    static final Duration HEAL_BOUND = Duration.ofSeconds(3);

    static Stream<Long> seeds() {
        String fixed = System.getProperty("raft.sim.seed");
        if (fixed != null) {
            return Stream.of(Long.parseLong(fixed));
        }
        return LongStream.rangeClosed(1, 12).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void faultsNeverBreakExclusivityAndALeaderFollowsEveryHeal(long seed) {
        System.out.println("raft simulation seed " + seed + " (rerun with -Draft.sim.seed=" + seed + ")");
        SplittableRandom r = new SplittableRandom(seed);
        int size = seed % 3 == 0 ? 5 : 3;
        List<Duration> recoveries = new ArrayList<>();
        try (SimCluster c = new SimCluster(size, seed, 0.01, b -> b)) {
            for (int id : c.ids) {
                c.start(id, true);
            }
            assertThat(c.awaitLeader(HEAL_BOUND))
                    .as("seed %d: first leader", seed)
                    .isNotNull();
            for (int phase = 0; phase < 12; phase++) {
                List<Integer> leaders = c.leaders();
                int victim = leaders.isEmpty() || r.nextInt(3) == 0 ? 1 + r.nextInt(size) : leaders.get(0);
                int fault = r.nextInt(7);
                switch (fault) {
                    case 0 -> c.net.isolate(victim, c.ids);
                    case 1 -> c.ids.forEach(o -> c.net.blockOneWay(victim, o));
                    case 2 -> c.ids.forEach(o -> c.net.blockOneWay(o, victim));
                    case 3 -> c.net.faults(0.25, 0.2, 100_000, 40_000_000);
                    case 4 -> c.crash(victim);
                    case 5 -> {
                        if (c.election(victim) != null) {
                            c.election(victim).resign();
                        }
                    }
                    default -> c.net.faults(0.05, 0.5, 0, 120_000_000);
                }
                c.advance(Duration.ofMillis(300 + r.nextInt(2000)));
                c.net.heal();
                for (int id : c.ids) {
                    if (!c.running(id)) {
                        c.start(id, true);
                    }
                }
                Duration recovery = c.awaitLeader(HEAL_BOUND);
                assertThat(recovery)
                        .as(
                                "seed %d phase %d fault %d: a leader within %s after the heal",
                                seed, phase, fault, HEAL_BOUND)
                        .isNotNull();
                recoveries.add(recovery);
                c.advance(Duration.ofMillis(r.nextInt(500)));
            }
            HistoryReport report = new HistoryChecker(Duration.ZERO).check(c.history());
            System.out.println(
                    "seed " + seed + ": " + report.intervals().size() + " leaderships, recoveries " + recoveries);
            report.assertNoViolations();
            assertThat(report.intervals().size()).isGreaterThan(1);
        }
    }
}
