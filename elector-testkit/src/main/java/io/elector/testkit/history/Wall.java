package io.elector.testkit.history;

import java.time.Instant;

/** The real wall clock, in epoch nanoseconds, shared by all processes of one machine. */
public final class Wall {
    private Wall() {}

    /** Now, in nanoseconds since the epoch (microsecond precision on Linux). */
    public static long nowNanos() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    static String format(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos).toString();
    }
}
