package io.elector.api;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;

/** A parsed five-field cron expression. */
final class CronSchedule implements Schedule {
    private final String expression;
    private final ZoneId zone;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean domRestricted;
    private final boolean dowRestricted;

    CronSchedule(String expression, ZoneId zone) {
        this.expression = expression;
        this.zone = zone;
        String[] f = expression == null ? new String[0] : expression.trim().split("\\s+");
        if (f.length != 5) {
            throw new InvalidSettingException("cron expression must have 5 fields (minute hour day-of-month month"
                    + " day-of-week): '" + expression + "'");
        }
        minutes = parse(f[0], 0, 59, "minute");
        hours = parse(f[1], 0, 23, "hour");
        daysOfMonth = parse(f[2], 1, 31, "day-of-month");
        months = parse(f[3], 1, 12, "month");
        BitSet dow = parse(f[4], 0, 7, "day-of-week");
        if (dow.get(7)) {
            dow.set(0);
        }
        daysOfWeek = dow;
        domRestricted = !f[2].equals("*");
        dowRestricted = !f[4].equals("*");
    }

    private BitSet parse(String field, int min, int max, String name) {
        BitSet bits = new BitSet(max + 1);
        for (String part : field.split(",")) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(part.substring(slash + 1), 1, max, name);
                range = part.substring(0, slash);
            }
            int lo;
            int hi;
            if (range.equals("*")) {
                lo = min;
                hi = max;
            } else if (range.contains("-")) {
                String[] ab = range.split("-", 2);
                lo = number(ab[0], min, max, name);
                hi = number(ab[1], min, max, name);
                if (lo > hi) {
                    throw new InvalidSettingException(
                            "cron " + name + " range " + range + " is reversed in '" + expression + "'");
                }
            } else {
                lo = number(range, min, max, name);
                hi = slash >= 0 ? max : lo;
            }
            for (int v = lo; v <= hi; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private int number(String s, int min, int max, String name) {
        try {
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                throw new InvalidSettingException(
                        "cron " + name + " must be " + min + "-" + max + ": " + s + " in '" + expression + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidSettingException("cron " + name + " is not a number: '" + s + "' in '" + expression + "'");
        }
    }

    @Override
    public ZoneId zone() {
        return zone;
    }

    @Override
    public Duration nextDelay(ZonedDateTime wallNow, Duration sinceLastStart) {
        ZonedDateTime now = wallNow.withZoneSameInstant(zone);
        ZonedDateTime next = next(now);
        return Duration.between(now, next);
    }

    /** The first matching minute strictly after {@code now}; searches up to five years ahead. */
    ZonedDateTime next(ZonedDateTime now) {
        ZonedDateTime t = now.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = now.plusYears(5);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
            } else if (!dayMatches(t)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return t;
            }
        }
        throw new InvalidSettingException("cron expression never fires in the next five years: '" + expression + "'");
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
        if (domRestricted && dowRestricted) {
            return dom || dow;
        }
        return dom && dow;
    }

    @Override
    public String toString() {
        return "cron(" + expression + ", " + zone + ")";
    }
}
