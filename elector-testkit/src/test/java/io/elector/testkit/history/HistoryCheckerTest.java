package io.elector.testkit.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker on hand-made histories: it passes good ones and catches each kind of bad one. */
class HistoryCheckerTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_800_000_000_000_000_000L;
    private final HistoryChecker checker = new HistoryChecker(Duration.ZERO);

    private static HistoryRecord lead(String candidate, long token, long startMs, long endMs) {
        return HistoryRecord.leadership(
                "e", candidate, candidate, token, T0 + startMs * MS, T0 + endMs * MS, "RESIGNED");
    }

    @Test
    void acceptsBackToBackLeaderships() {
        HistoryReport r = checker.check(List.of(lead("a", 1, 0, 100), lead("b", 2, 100, 200), lead("a", 3, 250, 400)));
        assertThat(r.violations()).isEmpty();
        assertThat(r.intervals()).hasSize(3);
    }

    @Test
    void catchesOverlappingLeaderships() {
        HistoryReport r = checker.check(List.of(lead("a", 1, 0, 100), lead("b", 2, 99, 200)));
        assertThat(r.violations())
                .singleElement()
                .asString()
                .contains("two leaders at once")
                .contains("candidate=a")
                .contains("candidate=b");
        assertThatThrownBy(r::assertNoViolations)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 violation");
    }

    @Test
    void catchesOverlapHiddenBehindALongInterval() {
        // c overlaps a (which reaches furthest) though not its immediate predecessor b.
        HistoryReport r =
                checker.check(List.of(lead("a", 1, 0, 1000), lead("b", 2, 1000, 1001), lead("c", 3, 500, 600)));
        assertThat(r.violations()).isNotEmpty();
    }

    @Test
    void toleranceCoversRecordingErrorOnly() {
        List<HistoryRecord> h = List.of(lead("a", 1, 0, 100), lead("b", 2, 99, 200));
        assertThat(new HistoryChecker(Duration.ofMillis(2)).check(h).ok()).isTrue();
        assertThat(new HistoryChecker(Duration.ofMillis(0)).check(h).ok()).isFalse();
    }

    @Test
    void catchesTokenRegression() {
        HistoryReport r = checker.check(List.of(lead("a", 5, 0, 100), lead("b", 4, 200, 300)));
        assertThat(r.violations()).singleElement().asString().contains("token did not increase");
    }

    @Test
    void catchesTokenReuse() {
        HistoryReport r = checker.check(List.of(lead("a", 5, 0, 100), lead("b", 5, 200, 300)));
        assertThat(r.violations()).anySatisfy(v -> assertThat(v).contains("token reused"));
    }

    @Test
    void catchesStaleWriteAccepted() {
        HistoryReport r = checker.check(List.of(
                HistoryRecord.write("row", "a", "a", 1, T0, true),
                HistoryRecord.write("row", "b", "b", 2, T0 + MS, true),
                HistoryRecord.write("row", "a", "a", 1, T0 + 2 * MS, true)));
        assertThat(r.violations())
                .singleElement()
                .asString()
                .contains("stale write accepted")
                .contains("token=1");
    }

    @Test
    void refusedStaleWriteIsFine() {
        HistoryReport r = checker.check(List.of(
                HistoryRecord.write("row", "a", "a", 1, T0, true),
                HistoryRecord.write("row", "b", "b", 2, T0 + MS, true),
                HistoryRecord.write("row", "a", "a", 1, T0 + 2 * MS, false)));
        assertThat(r.ok()).isTrue();
        assertThat(r.acceptedWrites()).isEqualTo(2);
    }

    @Test
    void openLeadershipEndsAtItsProcessKill() {
        List<HistoryRecord> h = List.of(
                HistoryRecord.leadershipStart("e", "a", "pa", 1, T0),
                HistoryRecord.killed("pa", T0 + 100 * MS),
                lead("b", 2, 150, 300));
        assertThat(checker.check(h).ok()).isTrue();
    }

    @Test
    void openLeadershipWithoutKillIsOpenToTheEnd() {
        List<HistoryRecord> h = List.of(HistoryRecord.leadershipStart("e", "a", "pa", 1, T0), lead("b", 2, 150, 300));
        assertThat(checker.check(h).violations()).singleElement().asString().contains("two leaders at once");
    }

    @Test
    void restartedProcessUsesTheKillAfterEachStart() {
        List<HistoryRecord> h = List.of(
                HistoryRecord.leadershipStart("e", "a", "pa", 1, T0),
                HistoryRecord.killed("pa", T0 + 100 * MS),
                HistoryRecord.leadershipStart("e", "a", "pa", 3, T0 + 400 * MS),
                HistoryRecord.killed("pa", T0 + 500 * MS),
                lead("b", 2, 150, 300),
                lead("b", 4, 600, 700));
        assertThat(checker.check(h).violations()).isEmpty();
    }

    @Test
    void readsFilesWrittenByRecordersAndToleratesATornLastLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a.jsonl");
        try (HistoryRecorder rec = HistoryRecorder.toFile("pa", f)) {
            rec.append(lead("a", 1, 0, 100));
            rec.write("row", "a", 1, true);
        }
        Files.writeString(
                f, Files.readString(f) + "{\"kind\":\"leader", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        List<HistoryRecord> read = HistoryChecker.read(List.of(f));
        assertThat(read).hasSize(2);
        assertThat(checker.check(read).ok()).isTrue();
    }

    @Test
    void refusesAMalformedLineInTheMiddle(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "garbage\n{\"kind\":\"killed\",\"process\":\"p\",\"at\":1}\n");
        assertThatThrownBy(() -> HistoryChecker.read(List.of(f))).hasMessageContaining("bad.jsonl:1");
    }
}
