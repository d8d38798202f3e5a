package io.elector.cli.verify;

import io.elector.testkit.history.HistoryChecker.Interval;
import io.elector.testkit.history.HistoryReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The verdict of a verify run: the checker's violations, the liveness violations (no leader within
 * the bound after a fault healed; for a burst of faults injected while there was no leader, after
 * the last of them healed), and the failover figures (kill or pause of the leader until the
 * next leadership started).
 */
record VerifyResult(
        String backend,
        int nodes,
        long seed,
        int leaderships,
        int acceptedWrites,
        Map<String, Integer> faults,
        Percentiles failovers,
        Duration maxLeaderless,
        List<String> violations) {

    static VerifyResult judge(
            String backend,
            int nodes,
            long seed,
            HistoryReport report,
            FaultLog log,
            Duration bound,
            long runStart,
            long runEnd) {
        List<String> violations = new ArrayList<>(report.violations());
        List<Interval> intervals = new ArrayList<>(report.intervals());
        intervals.sort((a, b) -> Long.compare(a.start(), b.start()));
        Map<String, Integer> faults = new TreeMap<>();
        List<Double> failovers = new ArrayList<>();
        long maxGap = 0;
        for (FaultLog.Entry f : log.entries()) {
            faults.merge(f.kind(), 1, Integer::sum);
            if (f.targetWasLeader() && (f.kind().equals("kill") || f.kind().equals("pause"))) {
                // Failover: from the fault until another candidate's leadership started.
                for (Interval i : intervals) {
                    if (i.start() >= f.start() && !i.candidate().equals(f.target())) {
                        failovers.add((i.start() - f.start()) / 1e6);
                        break;
                    }
                }
            }
            // Liveness: after the fault healed, a leader within the bound. A fault injected while
            // there was still no leader (a burst) restarts the clock: the gap is judged once, from
            // the last heal of the burst, and charged to that fault.
            long healed = f.healed();
            if (runEnd - healed < bound.toNanos()) {
                continue; // the run ended too soon after this fault to judge it
            }
            long gapEnd = healed + leaderlessAfter(intervals, healed, runEnd);
            if (supersededInBurst(log.entries(), f, gapEnd)) {
                continue;
            }
            long gap = gapEnd - healed;
            maxGap = Math.max(maxGap, gap);
            if (gap > bound.toNanos()) {
                violations.add(String.format(
                        Locale.ROOT,
                        "no leader for %d ms after %s on %s healed (bound %d ms)",
                        gap / 1_000_000,
                        f.kind(),
                        f.target(),
                        bound.toMillis()));
            }
        }
        return new VerifyResult(
                backend,
                nodes,
                seed,
                report.intervals().size(),
                report.acceptedWrites(),
                faults,
                new Percentiles(failovers),
                Duration.ofNanos(maxGap),
                violations);
    }

    /**
     * True when another fault began after {@code f} healed but before a leader returned (at {@code
     * gapEnd}) and healed later than {@code f}: the leaderless time is then judged from the later
     * heal (that fault's own entry), not from {@code f}'s.
     */
    static boolean supersededInBurst(List<FaultLog.Entry> all, FaultLog.Entry f, long gapEnd) {
        for (FaultLog.Entry g : all) {
            if (g != f && g.start() >= f.healed() && g.start() < gapEnd && g.healed() > f.healed()) {
                return true;
            }
        }
        return false;
    }

    /** Time from {@code t} until some leadership covers an instant at or after {@code t}. */
    private static long leaderlessAfter(List<Interval> intervals, long t, long runEnd) {
        long best = Long.MAX_VALUE;
        for (Interval i : intervals) {
            if (i.end() <= t) {
                continue;
            }
            long startCovered = Math.max(i.start(), t);
            best = Math.min(best, startCovered - t);
        }
        return best == Long.MAX_VALUE ? runEnd - t : best;
    }

    String summary(Path html) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "backend %s, %d candidates, seed %d%n", backend, nodes, seed));
        b.append("faults injected: ").append(faults.isEmpty() ? "none" : faults).append('\n');
        b.append(String.format(
                Locale.ROOT, "leaderships: %d, accepted fenced writes: %d%n", leaderships, acceptedWrites));
        b.append(String.format(
                Locale.ROOT,
                "failovers after kill/pause of the leader: %d, p50 %s ms, p99 %s ms, max %s ms%n",
                failovers.count(),
                Percentiles.ms(failovers.at(50)),
                Percentiles.ms(failovers.at(99)),
                Percentiles.ms(failovers.max())));
        b.append(String.format(
                Locale.ROOT, "longest time without a leader after a fault healed: %d ms%n", maxLeaderless.toMillis()));
        if (violations.isEmpty()) {
            b.append("violations: 0\n");
        } else {
            b.append("violations: ").append(violations.size()).append('\n');
            for (String v : violations) {
                b.append("  ").append(v).append('\n');
            }
        }
        b.append("report: ").append(html.toAbsolutePath()).append('\n');
        return b.toString();
    }

    String toJson(Path html) {
        StringBuilder f = new StringBuilder("{");
        faults.forEach((k, v) -> f.append(f.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":")
                .append(v));
        f.append('}');
        StringBuilder v = new StringBuilder("[");
        for (String s : violations) {
            v.append(v.length() > 1 ? "," : "")
                    .append('"')
                    .append(s.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        v.append(']');
        return String.format(
                Locale.ROOT,
                "{\"verify\":\"%s\",\"backend\":\"%s\",\"nodes\":%d,\"seed\":%d,\"leaderships\":%d,\"accepted_writes\":%d,"
                        + "\"faults\":%s,\"failovers\":%d,\"failover_p50_ms\":%s,\"failover_p99_ms\":%s,\"failover_max_ms\":%s,"
                        + "\"max_leaderless_ms\":%d,\"violations\":%s,\"report\":\"%s\"}",
                violations.isEmpty() ? "ok" : "violations",
                backend,
                nodes,
                seed,
                leaderships,
                acceptedWrites,
                f,
                failovers.count(),
                Percentiles.ms(failovers.at(50)),
                Percentiles.ms(failovers.at(99)),
                Percentiles.ms(failovers.max()),
                maxLeaderless.toMillis(),
                v,
                html.toAbsolutePath());
    }
}
