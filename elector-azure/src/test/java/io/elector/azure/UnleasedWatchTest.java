package io.elector.azure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rollback-safe wait on its own, on made-up times (no server needed). */
class UnleasedWatchTest {
    private static final long S = 1_000_000_000L;

    @Test
    void takesOnlyAfterTheWholeWaitUnchangedAndWithoutGaps() {
        UnleasedWatch w = new UnleasedWatch();
        long wait = 16 * S;
        long gap = 5 * S;
        assertThat(w.unleased("e", "E1", 0, wait, gap)).as("first sighting").isFalse();
        assertThat(w.unleased("e", "E1", 4 * S, wait, gap)).isFalse();
        assertThat(w.unleased("e", "E1", 8 * S, wait, gap)).isFalse();
        assertThat(w.unleased("e", "E1", 12 * S, wait, gap)).isFalse();
        assertThat(w.unleased("e", "E1", 16 * S, wait, gap))
                .as("seen for the whole wait")
                .isTrue();
    }

    @Test
    void anotherEtagALeaseOrAGapStartsTheWaitAgain() {
        UnleasedWatch w = new UnleasedWatch();
        long wait = 16 * S;
        long gap = 5 * S;
        w.unleased("e", "E1", 0, wait, gap);
        w.unleased("e", "E1", 4 * S, wait, gap);
        assertThat(w.unleased("e", "E2", 8 * S, wait, gap))
                .as("changed: restarts")
                .isFalse();
        assertThat(w.unleased("e", "E2", 20 * S, wait, gap))
                .as("gap of 12 s: restarts")
                .isFalse();
        assertThat(w.unleased("e", "E2", 24 * S, wait, gap)).isFalse();
        w.leased("e");
        assertThat(w.unleased("e", "E2", 28 * S, wait, gap))
                .as("was leased: restarts")
                .isFalse();
        for (long t = 32; t <= 44; t += 4) {
            assertThat(w.unleased("e", "E2", t * S, wait, gap)).isEqualTo(t >= 44);
        }
        w.taken("e");
        assertThat(w.unleased("e", "E2", 45 * S, wait, gap))
                .as("taken: forgotten")
                .isFalse();
        assertThat(w.unleased("other", "E2", 45 * S, wait, gap))
                .as("elections are apart")
                .isFalse();
    }
}
