package io.elector.api;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** When leader-only scheduled work runs. See {@link #fixedRate} and {@link #cron}. */
public interface Schedule {

    /**
     * The delay until the next run.
     *
     * @param wallNow the current wall time (cron schedules use it)
     * @param sinceLastStart time since the previous run started in this leadership, or {@code null}
     *     for the first run of a leadership
     */
    Duration nextDelay(ZonedDateTime wallNow, Duration sinceLastStart);

    /** The zone wall times are read in (cron). */
    default ZoneId zone() {
        return ZoneId.systemDefault();
    }

    /**
     * Runs first after {@code initialDelay} of a leadership, then every {@code period} measured
     * start to start; a run that takes longer than the period delays the next (runs never overlap).
     */
    static Schedule fixedRate(Duration initialDelay, Duration period) {
        if (initialDelay.isNegative()) {
            throw new InvalidSettingException("initialDelay must be >= 0: " + initialDelay);
        }
        if (period.toMillis() < 1) {
            throw new InvalidSettingException("period must be at least 1ms: " + period);
        }
        return (now, since) -> since == null ? initialDelay : maxZero(period.minus(since));
    }

    /**
     * A five-field cron expression ({@code minute hour day-of-month month day-of-week}) with
     * {@code *}, lists, ranges and steps, evaluated in {@code zone}. Day-of-week 0 and 7 are Sunday.
     * When both day fields are restricted a day matches either, as in classic cron.
     */
    static Schedule cron(String expression, ZoneId zone) {
        return new CronSchedule(expression, zone);
    }

    /** {@link #cron(String, ZoneId)} in the system zone. */
    static Schedule cron(String expression) {
        return cron(expression, ZoneId.systemDefault());
    }

    private static Duration maxZero(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
