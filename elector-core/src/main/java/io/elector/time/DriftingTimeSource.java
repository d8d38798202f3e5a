package io.elector.time;

import java.time.Duration;
import java.time.Instant;

/**
 * A clock that runs at {@code rate} times the speed of a base clock and whose wall reading is
 * offset by a fixed skew: the model of a machine whose oscillator drifts and whose wall clock is
 * wrong. Used by fault tests; a rate within {@code [1 - driftBound, 1 + driftBound]} must never
 * break exclusivity.
 */
public final class DriftingTimeSource implements TimeSource {
    private final TimeSource base;
    private final double rate;
    private final Duration wallSkew;
    private final long origin;

    /**
     * @param base the true clock
     * @param rate how many nanoseconds this clock advances per true nanosecond, in (0.5, 2)
     * @param wallSkew added to the base wall reading
     */
    public DriftingTimeSource(TimeSource base, double rate, Duration wallSkew) {
        if (!(rate > 0.5 && rate < 2.0)) {
            throw new IllegalArgumentException("rate must be in (0.5, 2): " + rate);
        }
        this.base = base;
        this.rate = rate;
        this.wallSkew = wallSkew;
        this.origin = base.monotonicNanos();
    }

    @Override
    public long monotonicNanos() {
        long elapsed = base.monotonicNanos() - origin;
        return origin + (long) (elapsed * rate);
    }

    /** The true clock this one drifts from. */
    public TimeSource base() {
        return base;
    }

    /**
     * The base clock's reading at the moment this clock read {@code drifted}: exact, whatever the
     * span, so a recorder can date a past event without carrying the drift into it.
     */
    public long baseNanos(long drifted) {
        return origin + (long) ((drifted - origin) / rate);
    }

    @Override
    public Instant wallTime() {
        return base.wallTime().plus(wallSkew);
    }

    @Override
    public String toString() {
        return "DriftingTimeSource[rate=" + rate + ", wallSkew=" + wallSkew + "]";
    }
}
