package io.elector.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What happened in a demo run, and the checks of the summary. */
final class DemoReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One kill of a leader and the election that followed ({@code newToken} 0: none seen). */
    record Failover(String killedNode, long oldToken, String newNode, long newToken, long millis) {
        static Failover started(String node, long token) {
            return new Failover(node, token, null, 0, -1);
        }

        Failover completed(String node, long token, long ms) {
            return new Failover(killedNode, oldToken, node, token, ms);
        }

        boolean done() {
            return newToken > 0;
        }
    }

    private final Path work;
    private final Map<Long, String> leaderships = new LinkedHashMap<>();
    private final Map<Long, Integer> writes = new HashMap<>();
    private final List<Cluster.Event> reads = new ArrayList<>();
    private final List<Failover> failovers = new ArrayList<>();
    /** A row written less than this before the nodes stopped may not have been read yet. */
    static final long READ_SLACK_MS = 3_000;

    private int refused;
    private long stoppedAtMillis = Long.MAX_VALUE;
    private boolean ok;

    DemoReport(Path work) {
        this.work = work;
    }

    void event(Cluster.Event e) {
        switch (e.kind()) {
            case "elected" -> leaderships.put(e.token(), e.node());
            case "wrote" -> writes.merge(e.token(), 1, Integer::sum);
            case "read" -> reads.add(e);
            case "refused" -> refused++;
            default -> {}
        }
    }

    void stopped() {
        stoppedAtMillis = System.currentTimeMillis();
    }

    void failover(Failover f) {
        failovers.add(f);
    }

    Map<Long, String> leaderships() {
        return leaderships;
    }

    boolean ok() {
        return ok;
    }

    /** Prints the summary and decides {@link #ok()}. */
    void print(PrintStream out, List<ReadingsTable.Row> rows) {
        List<String> problems = new ArrayList<>();
        out.println();
        out.println("Summary");
        out.println("  leaderships: "
                + (leaderships.isEmpty()
                        ? "none"
                        : leaderships.entrySet().stream()
                                .map(e -> e.getValue() + " token " + e.getKey() + " ("
                                        + writes.getOrDefault(e.getKey(), 0) + " writes)")
                                .collect(Collectors.joining(", "))));
        List<Failover> done = failovers.stream().filter(Failover::done).toList();
        out.println("  failovers:   "
                + (failovers.isEmpty()
                        ? "none (the run was shorter than --kill-every)"
                        : failovers.stream()
                                .map(f -> f.done()
                                        ? f.killedNode() + " killed -> " + f.newNode() + " token " + f.newToken()
                                                + " in " + f.millis() + " ms"
                                        : f.killedNode() + " killed -> no new leader seen")
                                .collect(Collectors.joining("; "))));
        boolean leaderChanged = !done.isEmpty() && done.size() == failovers.size();
        if (!leaderChanged) {
            problems.add("the leader did not change after every kill");
        }
        out.println("  result:      leader changed after every kill: " + (leaderChanged ? "yes" : "NO"));

        long max = Long.MIN_VALUE;
        int back = 0;
        for (ReadingsTable.Row r : rows) {
            if (r.token() < max) {
                back++;
            }
            max = Math.max(max, r.token());
        }
        out.println("  writes:      " + rows.size() + " readings in the table, " + refused
                + " stale writes refused; tokens never go back: " + (back == 0 ? "yes" : "NO (" + back + " rows)"));
        if (back > 0) {
            problems.add(back + " rows written with a token lower than an earlier row's");
        }
        if (rows.isEmpty()) {
            problems.add("no reading was written");
        }

        List<String> overlaps = overlaps();
        out.println("  overlap:     no overlapping leaders (writers): " + (overlaps.isEmpty() ? "yes" : "NO"));
        overlaps.forEach(o -> out.println("               " + o));
        problems.addAll(overlaps);

        boolean sawNew = true;
        int judged = 0;
        for (Failover f : done) {
            // Only rows written early enough for a follower's next read before the nodes stopped count.
            boolean readable = rows.stream()
                    .anyMatch(r -> r.token() >= f.newToken() && stoppedAtMillis - r.writtenAtMillis() > READ_SLACK_MS);
            if (!readable) {
                continue;
            }
            judged++;
            boolean seen = reads.stream()
                    .anyMatch(r -> r.token() >= f.newToken() && !r.node().equals(f.newNode()));
            if (!seen) {
                sawNew = false;
                problems.add("no follower read a row of token " + f.newToken() + " or later");
            }
        }
        out.println("  readers:     followers read the new leader's rows after every failover: "
                + (judged == 0 ? "n/a" : sawNew ? "yes" : "NO"));
        ok = problems.isEmpty();
        out.println("  RESULT: " + (ok ? "OK" : "FAILED: " + String.join("; ", problems)));
    }

    /** Leadership intervals from every node's history file that overlap in time (none expected). */
    private List<String> overlaps() {
        record Interval(String process, long token, long start, long end) {}
        Map<String, Long> killed = new HashMap<>();
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        long runEnd = DemoHistory.wallNanos();
        try (Stream<Path> files = Files.list(work)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("history-"))
                    .toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode n = JSON.readTree(line);
                    switch (n.path("kind").asText()) {
                        case "killed" ->
                            killed.put(n.path("process").asText(), n.path("at").asLong());
                        case "leadership" -> {
                            String key = n.path("process").asText() + "#"
                                    + n.path("token").asLong();
                            if (n.hasNonNull("end") || !byKey.containsKey(key)) {
                                byKey.put(key, n);
                            }
                        }
                        default -> {}
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo's history files", e);
        }
        List<Interval> intervals = new ArrayList<>();
        for (JsonNode n : byKey.values()) {
            String process = n.path("process").asText();
            long start = n.path("start").asLong();
            long end = n.hasNonNull("end")
                    ? n.path("end").asLong()
                    : killed.getOrDefault(process, runEnd) > start ? killed.getOrDefault(process, runEnd) : runEnd;
            intervals.add(new Interval(process, n.path("token").asLong(), start, end));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < intervals.size(); i++) {
            for (int j = i + 1; j < intervals.size(); j++) {
                Interval a = intervals.get(i);
                Interval b = intervals.get(j);
                if (a.token() != b.token() && a.start() < b.end() && b.start() < a.end()) {
                    out.add("token " + a.token() + " (" + a.process() + ") overlaps token " + b.token() + " ("
                            + b.process() + ")");
                }
            }
        }
        return out;
    }
}
