package io.elector.cli.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.elector.api.LeaderInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeaderTimelineTest {
    private final List<Duration> gaps = new ArrayList<>();
    private final LeaderTimeline timeline = new LeaderTimeline(gaps::add);

    private static Optional<LeaderInfo> leader(String id, long token) {
        return Optional.of(new LeaderInfo("e", id, token, Map.of(), Instant.EPOCH));
    }

    @Test
    void recordsLeadershipsInOrderAndClosesThePreviousOne() {
        timeline.observe(leader("a", 1));
        timeline.observe(leader("a", 1));
        timeline.observe(leader("b", 2));
        List<LeaderTimeline.Entry> e = timeline.entries();
        assertThat(e).extracting(LeaderTimeline.Entry::token).containsExactly(1L, 2L);
        assertThat(e.get(0).until()).isPresent();
        assertThat(e.get(1).until()).isEmpty();
        assertThat(timeline.current())
                .hasValueSatisfying(i -> assertThat(i.candidateId()).isEqualTo("b"));
    }

    @Test
    void measuresAGapOnlyAfterALeaderWasSeenToGo() {
        timeline.observe(Optional.empty());
        timeline.observe(leader("a", 1));
        assertThat(gaps).isEmpty(); // nobody led before: not a failover
        timeline.observe(Optional.empty());
        timeline.observe(leader("b", 2));
        assertThat(gaps).hasSize(1);
        timeline.observe(leader("c", 3)); // straight change: the end of b's term is unknown here
        assertThat(gaps).hasSize(1);
    }

    @Test
    void keepsABoundedNumberOfEntries() {
        for (int i = 1; i <= LeaderTimeline.CAPACITY + 10; i++) {
            timeline.observe(leader("n" + i, i));
        }
        assertThat(timeline.entries()).hasSize(LeaderTimeline.CAPACITY);
        assertThat(timeline.entries().get(0).token()).isEqualTo(11L);
    }
}
