package io.elector.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.elector.testkit.history.HistoryChecker.Interval;
import io.elector.testkit.history.HistoryReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The liveness judge of {@code elector verify}: gaps after single faults and after bursts. */
class VerifyResultTest {
    private static final long S = 1_000_000_000L;
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static Interval leader(String candidate, long token, long start, long end) {
        return new Interval("e", candidate, candidate + "-1", token, start * S, end * S, true);
    }

    private static VerifyResult judge(List<Interval> leaders, FaultLog log) {
        return VerifyResult.judge("test", 3, 1, new HistoryReport(leaders, 0, List.of()), log, BOUND, 0, 200 * S);
    }

    @Test
    void aLeaderlessGapLongerThanTheBoundAfterOneFaultIsAViolation() {
        FaultLog log = new FaultLog();
        log.add(new FaultLog.Entry("kill", "c1", true, 50 * S, 52 * S));
        VerifyResult r = judge(List.of(leader("c1", 1, 0, 50), leader("c2", 2, 70, 200)), log);
        assertThat(r.violations()).singleElement().asString().contains("no leader for 18000 ms after kill on c1");
        assertThat(r.maxLeaderless()).isEqualTo(Duration.ofSeconds(18));
    }

    @Test
    void aBurstIsJudgedFromItsLastHealOnce() {
        // The leader is killed (healed at 52); while still leaderless the backend restarts twice
        // (55-60, 61-66); a leader returns at 69: 3 s after the last heal, within the bound,
        // although 17 s after the first fault healed.
        FaultLog log = new FaultLog();
        log.add(new FaultLog.Entry("kill", "c1", true, 50 * S, 52 * S));
        log.add(new FaultLog.Entry("restart", "backend", false, 55 * S, 60 * S));
        log.add(new FaultLog.Entry("restart", "backend", false, 61 * S, 66 * S));
        VerifyResult r = judge(List.of(leader("c1", 1, 0, 50), leader("c2", 2, 69, 200)), log);
        assertThat(r.violations()).isEmpty();
        assertThat(r.maxLeaderless()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aBurstStillFailsWhenTheLastHealIsFollowedByTooLongAGap() {
        FaultLog log = new FaultLog();
        log.add(new FaultLog.Entry("kill", "c1", true, 50 * S, 52 * S));
        log.add(new FaultLog.Entry("restart", "backend", false, 55 * S, 60 * S));
        VerifyResult r = judge(List.of(leader("c1", 1, 0, 50), leader("c2", 2, 75, 200)), log);
        assertThat(r.violations()).singleElement().asString().contains("no leader for 15000 ms after restart");
    }

    @Test
    void aFaultAfterTheLeaderReturnedDoesNotExcuseAnEarlierGap() {
        FaultLog log = new FaultLog();
        log.add(new FaultLog.Entry("kill", "c1", true, 50 * S, 52 * S));
        log.add(new FaultLog.Entry("pause", "c3", false, 80 * S, 85 * S));
        VerifyResult r = judge(List.of(leader("c1", 1, 0, 50), leader("c2", 2, 70, 200)), log);
        assertThat(r.violations()).singleElement().asString().contains("after kill on c1");
    }
}
