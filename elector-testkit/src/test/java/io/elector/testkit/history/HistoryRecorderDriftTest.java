package io.elector.testkit.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.elector.time.DriftingTimeSource;
import io.elector.time.FakeClock;
import io.elector.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Dating a past event of a drifting clock: exact however late it is heard. Found by a 10-minute
 * verify on Redis: a leader paused past its deadline heard its revocation ~1 s late, and the
 * naive conversion moved the end of its leadership ~9 ms later than it was, showing an overlap of
 * 3 ms with the next leader.
 */
class HistoryRecorderDriftTest {
    private static long wallNanos(TimeSource t) {
        Instant i = t.wallTime();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Test
    void anEventHeardLateIsDatedByTheTrueClock() {
        FakeClock clock = FakeClock.startingAt(1_000_000_000L, Instant.parse("2026-11-26T08:00:00Z"));
        TimeSource truth = clock.time();
        HistoryRecorder recorder = HistoryRecorder.simulated("p", truth);
        for (double rate : new double[] {0.99, 1.01}) {
            DriftingTimeSource drifting = new DriftingTimeSource(truth, rate, Duration.ofMinutes(3));
            clock.advance(Duration.ofSeconds(5));
            long eventMono = drifting.monotonicNanos();
            long eventWall = wallNanos(truth);
            clock.advance(Duration.ofSeconds(1)); // heard one second later: a pause
            assertThat(recorder.toWall(drifting, eventMono)).as("rate %s", rate).isCloseTo(eventWall, within(1_000L));
            long naive = wallNanos(truth) - (drifting.monotonicNanos() - eventMono);
            assertThat(Math.abs(naive - eventWall))
                    .as("the naive conversion is off by the drift over the second")
                    .isGreaterThan(9_000_000L);
        }
    }

    @Test
    void anUndriftedClockIsDatedAsBefore() {
        FakeClock clock = FakeClock.startingAt(1_000_000_000L, Instant.parse("2026-11-26T08:00:00Z"));
        TimeSource truth = clock.time();
        HistoryRecorder recorder = HistoryRecorder.simulated("p", truth);
        long eventMono = truth.monotonicNanos();
        long eventWall = wallNanos(truth);
        clock.advance(Duration.ofSeconds(1));
        assertThat(recorder.toWall(truth, eventMono)).isEqualTo(eventWall);
    }
}
