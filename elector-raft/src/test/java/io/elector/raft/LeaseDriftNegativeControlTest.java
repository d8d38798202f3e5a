package io.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.elector.testkit.history.HistoryChecker;
import io.elector.testkit.history.HistoryReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Shows that the simulation and the checker can see a broken lease: when the leader's clock runs
 * 25% slow and the followers' 25% fast (far outside the configured bound of 0), the isolated
 * leader still believes in its lease after the followers have elected a new leader, and the
 * checker reports the overlap. The same scenario within the bound overlaps never (see {@link
 * #withinTheDriftBoundTheSameScenarioNeverOverlaps}).
 */
class LeaseDriftNegativeControlTest {

    @Test
    void clocksDriftingFarBeyondTheBoundProduceAnOverlapTheCheckerReports() {
        try (SimCluster c = new SimCluster(3, 7, 0.0, new double[] {0.75, 1.25, 1.25}, b -> b)) {
            c.recordOnly();
            c.start(1, true);
            c.start(2, false);
            c.start(3, false);
            assertThat(c.awaitLeader(Duration.ofSeconds(3))).isNotNull();
            c.join(2);
            c.join(3);
            c.advance(Duration.ofMillis(500));
            assertThat(c.leaders()).containsExactly(1);
            c.net.isolate(1, c.ids);
            c.advance(Duration.ofSeconds(1));
            HistoryReport report = new HistoryChecker(Duration.ZERO).check(c.history());
            assertThat(report.ok())
                    .as("checker must flag the overlap: %s", report)
                    .isFalse();
            assertThat(String.join("\n", report.violations())).containsIgnoringCase("overlap");
        }
    }

    @Test
    void withinTheDriftBoundTheSameScenarioNeverOverlaps() {
        try (SimCluster c = new SimCluster(3, 7, 0.01, new double[] {0.995, 1.005, 1.005}, b -> b)) {
            c.start(1, true);
            c.start(2, false);
            c.start(3, false);
            assertThat(c.awaitLeader(Duration.ofSeconds(3))).isNotNull();
            c.join(2);
            c.join(3);
            c.advance(Duration.ofMillis(500));
            assertThat(c.leaders()).containsExactly(1);
            c.net.isolate(1, c.ids);
            c.advance(Duration.ofSeconds(1));
            List<Integer> leaders = c.leaders();
            assertThat(leaders).hasSize(1).doesNotContain(1);
            new HistoryChecker(Duration.ZERO).check(c.history()).assertNoViolations();
        }
    }
}
