package io.elector.time;

import java.time.Instant;

/**
 * The two clocks Elector reads: a monotonic one for deadlines and a wall one for records.
 *
 * <p>Monotonic readings are only meaningful relative to each other and may wrap: compare them as
 * {@code a - b > 0}, never {@code a > b}. Wall readings are used for human-facing records (leader
 * "since", history files) and never for lease arithmetic.
 */
public interface TimeSource {

    /** Monotonic nanoseconds, like {@link System#nanoTime()}. */
    long monotonicNanos();

    /** Wall-clock time, for records only. */
    Instant wallTime();

    /** The JVM's clocks: {@link System#nanoTime()} and {@link Instant#now()}. */
    static TimeSource system() {
        return SystemTimeSource.INSTANCE;
    }
}
