package io.elector.testkit.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The judge of every multi-process run. Reads the records of all processes and checks:
 *
 * <ol>
 *   <li><b>exclusivity</b>: per election, no two leaderships overlap in real time (by more than the
 *       tolerance, which covers recording error only, a few microseconds to a millisecond);
 *   <li><b>token monotonicity</b>: per election, leaderships ordered by start have strictly
 *       increasing tokens, and no token is used by two leaderships;
 *   <li><b>fencing</b>: per resource, accepted writes ordered in time never go back to a smaller
 *       token than one already accepted (a stale write accepted).
 * </ol>
 *
 * A leadership whose end was not recorded ends at its process's {@code killed} record; if there is
 * none it is open until the end of the history (the conservative reading).
 */
public final class HistoryChecker {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Duration tolerance;

    /** A checker allowing {@code tolerance} of recording error at interval boundaries. */
    public HistoryChecker(Duration tolerance) {
        this.tolerance = tolerance;
    }

    /** A checker with a 1 ms tolerance (the conversion between clocks is done at callback time). */
    public static HistoryChecker standard() {
        return new HistoryChecker(Duration.ofMillis(1));
    }

    /** Reads JSON-lines history files; malformed lines are reported as violations, not skipped. */
    public static List<HistoryRecord> read(Collection<Path> files) {
        List<HistoryRecord> out = new ArrayList<>();
        for (Path f : files) {
            try {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).trim();
                    if (line.isEmpty()) {
                        continue;
                    }
                    try {
                        out.add(JSON.readValue(line, HistoryRecord.class));
                    } catch (IOException e) {
                        // A torn last line from a killed process is expected; anything else is not.
                        if (i != lines.size() - 1) {
                            throw new IllegalArgumentException(
                                    f + ":" + (i + 1) + ": malformed history line: " + line, e);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read history " + f, e);
            }
        }
        return out;
    }

    /** A completed leadership interval, as judged. */
    public record Interval(
            String election, String candidate, String process, long token, long start, long end, boolean endKnown) {
        @Override
        public String toString() {
            return "leadership{election=" + election + " candidate=" + candidate + " token=" + token + " start="
                    + Wall.format(start) + " end=" + (endKnown ? Wall.format(end) : "open(" + Wall.format(end) + ")")
                    + "}";
        }
    }

    /** Checks {@code records}; the report lists every violation with the offending records. */
    public HistoryReport check(List<HistoryRecord> records) {
        List<String> violations = new ArrayList<>();
        List<Interval> intervals = intervals(records);
        Map<String, List<Interval>> byElection = new LinkedHashMap<>();
        for (Interval i : intervals) {
            byElection.computeIfAbsent(i.election(), k -> new ArrayList<>()).add(i);
        }
        for (List<Interval> list : byElection.values()) {
            list.sort(Comparator.comparingLong(Interval::start).thenComparingLong(Interval::token));
            checkExclusive(list, violations);
            checkTokens(list, violations);
        }
        int writes = checkWrites(records, violations);
        return new HistoryReport(intervals, writes, violations);
    }

    private void checkExclusive(List<Interval> list, List<String> violations) {
        Interval reach = null;
        for (Interval i : list) {
            if (reach != null && i.start() < reach.end() - tolerance.toNanos() && !same(reach, i)) {
                violations.add("two leaders at once (overlap "
                        + Duration.ofNanos(reach.end() - i.start()).toMillis() + " ms): " + reach + " and " + i);
            }
            if (reach == null || i.end() > reach.end()) {
                reach = i;
            }
        }
    }

    private static boolean same(Interval a, Interval b) {
        return a.token() == b.token() && a.candidate().equals(b.candidate());
    }

    private void checkTokens(List<Interval> list, List<String> violations) {
        Map<Long, Interval> seen = new HashMap<>();
        Interval prev = null;
        for (Interval i : list) {
            Interval dup = seen.putIfAbsent(i.token(), i);
            if (dup != null && !dup.candidate().equals(i.candidate())) {
                violations.add("token reused by two leaderships: " + dup + " and " + i);
            }
            if (prev != null && i.token() <= prev.token() && !same(prev, i)) {
                violations.add("token did not increase: " + prev + " then " + i);
            }
            prev = i;
        }
    }

    private int checkWrites(List<HistoryRecord> records, List<String> violations) {
        Map<String, List<HistoryRecord>> byResource = new LinkedHashMap<>();
        int n = 0;
        for (HistoryRecord r : records) {
            if ("write".equals(r.kind()) && Boolean.TRUE.equals(r.accepted())) {
                byResource.computeIfAbsent(r.resource(), k -> new ArrayList<>()).add(r);
                n++;
            }
        }
        for (List<HistoryRecord> list : byResource.values()) {
            list.sort(Comparator.comparingLong(HistoryRecord::at));
            HistoryRecord highest = null;
            for (HistoryRecord w : list) {
                if (highest != null && w.token() < highest.token()) {
                    violations.add("stale write accepted: " + w + " after " + highest);
                }
                if (highest == null || w.token() > highest.token()) {
                    highest = w;
                }
            }
        }
        return n;
    }

    /** Pairs start and end records into intervals; see the class comment for open ones. */
    static List<Interval> intervals(List<HistoryRecord> records) {
        long historyEnd = Long.MIN_VALUE;
        Map<String, List<Long>> killedAt = new HashMap<>();
        for (HistoryRecord r : records) {
            for (Long t : new Long[] {r.start(), r.end(), r.at()}) {
                if (t != null) {
                    historyEnd = Math.max(historyEnd, t);
                }
            }
            if ("killed".equals(r.kind())) {
                killedAt.computeIfAbsent(r.process(), k -> new ArrayList<>()).add(r.at());
            }
        }
        Map<String, HistoryRecord> closed = new LinkedHashMap<>();
        Map<String, HistoryRecord> open = new LinkedHashMap<>();
        for (HistoryRecord r : records) {
            if (!"leadership".equals(r.kind())) {
                continue;
            }
            String key = r.election() + "\u0000" + r.candidate() + "\u0000" + r.process() + "\u0000" + r.token();
            if (r.end() != null) {
                closed.put(key, r);
            } else {
                open.putIfAbsent(key, r);
            }
        }
        List<Interval> out = new ArrayList<>();
        for (HistoryRecord r : closed.values()) {
            out.add(new Interval(r.election(), r.candidate(), r.process(), r.token(), r.start(), r.end(), true));
        }
        for (Map.Entry<String, HistoryRecord> e : open.entrySet()) {
            if (closed.containsKey(e.getKey())) {
                continue;
            }
            HistoryRecord r = e.getValue();
            Long killed = null;
            for (long k : killedAt.getOrDefault(r.process(), List.of())) {
                if (k >= r.start() && (killed == null || k < killed)) {
                    killed = k;
                }
            }
            long end = killed != null ? killed : historyEnd;
            out.add(new Interval(r.election(), r.candidate(), r.process(), r.token(), r.start(), end, killed != null));
        }
        return out;
    }
}
