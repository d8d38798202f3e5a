package io.elector.testkit.history;

import java.util.List;

/**
 * What the checker found.
 *
 * @param intervals every leadership interval judged
 * @param acceptedWrites how many accepted fenced writes were checked
 * @param violations one line per violation, naming the offending records; empty when none
 */
public record HistoryReport(List<HistoryChecker.Interval> intervals, int acceptedWrites, List<String> violations) {

    public boolean ok() {
        return violations.isEmpty();
    }

    /** Throws {@link AssertionError} listing every violation, if any. */
    public HistoryReport assertNoViolations() {
        if (!ok()) {
            throw new AssertionError("history checker found " + violations.size() + " violation(s):\n  "
                    + String.join("\n  ", violations));
        }
        return this;
    }

    @Override
    public String toString() {
        return "history: " + intervals.size() + " leaderships, " + acceptedWrites + " accepted writes, "
                + (ok() ? "no violations" : violations.size() + " violations");
    }
}
