package io.elector.cli.demo;

import io.elector.cli.http.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The demo's node processes: starts them, relays their event lines, kills the leader with SIGKILL
 * (by PID) on schedule, measures the failover, restarts the killed node, and stops everything by
 * PID at the end. Runs on the caller's thread; one reader thread per node process.
 */
final class Cluster {
    private static final Pattern EVENT = Pattern.compile("^\\S+ \\[(node-\\d+)] (\\w+)(.*)$");
    private static final Pattern TOKEN = Pattern.compile("token=(\\d+)");
    static final Duration RESTART_AFTER = Duration.ofSeconds(2);
    static final Duration FIRST_LEADER_TIMEOUT = Duration.ofSeconds(60);

    /** One line of a node, parsed. */
    record Event(long atNanos, String node, String kind, long token, String line) {}

    private final Path work;
    private final List<Integer> raftPorts;
    private final List<Integer> httpPorts;
    private final String jdbcUrl;
    private final String weather;
    private final DemoCommand options;
    private final PrintStream out;
    private final String secret = DemoCommand.secret();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Map<Integer, Process> processes = new LinkedHashMap<>();
    private final Map<Integer, Integer> incarnations = new LinkedHashMap<>();
    private final List<Thread> readers = new ArrayList<>();
    private final Path controllerHistory;

    Cluster(
            Path work,
            List<Integer> raftPorts,
            List<Integer> httpPorts,
            String jdbcUrl,
            String weather,
            DemoCommand options,
            PrintStream out) {
        this.work = work;
        this.raftPorts = raftPorts;
        this.httpPorts = httpPorts;
        this.jdbcUrl = jdbcUrl;
        this.weather = weather;
        this.options = options;
        this.out = out;
        this.controllerHistory = work.resolve("history-demo.jsonl");
    }

    List<String> httpUrls() {
        return httpPorts == null
                ? List.of()
                : httpPorts.stream().map(p -> "http://127.0.0.1:" + p).toList();
    }

    private String raftUri(int node) {
        String peers = raftPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        return "raft://" + peers + "?node=" + node + "&state="
                + work.resolve("raft").resolve("node-" + node) + "&heartbeat=" + options.heartbeat()
                + "&election-timeout=" + options.electionTimeout();
    }

    private Process start(int node) {
        int incarnation = incarnations.merge(node, 1, Integer::sum);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "io.elector.cli.Main",
                "demo-node",
                "--node",
                Integer.toString(node),
                "--raft",
                raftUri(node),
                "--jdbc-url",
                jdbcUrl,
                "--weather",
                weather,
                "--weather-url",
                options.weatherUrl(),
                "--city",
                options.city(),
                "--interval",
                options.interval().toMillis() + "ms",
                "--history",
                work.resolve("history-node-" + node + "-" + incarnation + ".jsonl")
                        .toString(),
                "--incarnation",
                Integer.toString(incarnation)));
        if (httpPorts != null) {
            cmd.add("--http");
            cmd.add(Integer.toString(httpPorts.get(node - 1)));
            for (String u : httpUrls()) {
                cmd.add("--peer-http");
                cmd.add(u);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        work.resolve("node-" + node + ".log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("ELECTOR_RAFT_SECRET", secret);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + node, e);
        }
        processes.put(node, p);
        Thread t = new Thread(() -> relay(p), "demo-relay-" + node + "-" + incarnation);
        t.setDaemon(true);
        t.start();
        readers.add(t);
        return p;
    }

    private void relay(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                long at = System.nanoTime();
                out.println(line);
                Matcher m = EVENT.matcher(line);
                if (m.matches()) {
                    Matcher t = TOKEN.matcher(m.group(3));
                    events.add(new Event(at, m.group(1), m.group(2), t.find() ? Long.parseLong(t.group(1)) : -1, line));
                }
            }
        } catch (IOException e) {
            // The node's output ended with it.
        }
    }

    private void note(String what) {
        out.println(java.time.LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS"))
                + " [demo] " + what);
    }

    private void recordKilled(int node) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "killed");
        m.put("process", "node-" + node + "/" + incarnations.get(node));
        m.put("at", DemoHistory.wallNanos());
        try {
            Files.writeString(
                    controllerHistory, Json.write(m) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the scenario for {@code duration}; always stops every node before returning. */
    DemoReport run(Duration duration, Duration killEvery) throws InterruptedException {
        DemoReport report = new DemoReport(work);
        long startedAt = System.nanoTime();
        // The run's duration counts from the first election, so a slow start (JVMs on a busy
        // machine) does not eat it; the start itself is bounded by FIRST_LEADER_TIMEOUT.
        long end = startedAt + FIRST_LEADER_TIMEOUT.toNanos() + duration.toNanos();
        try {
            IntStream.rangeClosed(1, raftPorts.size()).forEach(this::start);
            String leader = null;
            long leaderToken = 0;
            long killAt = 0;
            boolean killPlanned = false;
            DemoReport.Failover pending = null;
            long killedAtNanos = 0;
            int restartNode = 0;
            long restartAt = 0;
            long firstLeaderDeadline = startedAt + FIRST_LEADER_TIMEOUT.toNanos();
            // Bounded: every pass waits at most 50 ms and the loop ends at the deadline.
            while (System.nanoTime() - end < 0) {
                Event e = events.poll(50, TimeUnit.MILLISECONDS);
                long now = System.nanoTime();
                if (e != null) {
                    report.event(e);
                    if (e.kind().equals("elected")) {
                        leader = e.node();
                        leaderToken = e.token();
                        if (report.leaderships().size() == 1 && !killPlanned && pending == null) {
                            end = e.atNanos() + duration.toNanos();
                        }
                        if (!killPlanned && pending == null && restartNode == 0) {
                            // The clock to the next kill starts at the first election and after each
                            // failover, not at every election (a loaded machine can cause extra ones).
                            killAt = e.atNanos() + killEvery.toNanos();
                            killPlanned = true;
                        }
                        if (pending != null && e.token() > pending.oldToken()) {
                            pending = pending.completed(e.node(), e.token(), (e.atNanos() - killedAtNanos) / 1_000_000);
                            report.failover(pending);
                            note("failover: " + e.node() + " elected with token " + e.token() + " (was "
                                    + pending.oldToken() + "), " + pending.millis() + " ms after the kill");
                            pending = null;
                            killAt = e.atNanos() + killEvery.toNanos();
                            killPlanned = true;
                        }
                    } else if (e.kind().equals("revoked") && e.node().equals(leader)) {
                        leader = null;
                    }
                }
                if (leader == null && report.leaderships().isEmpty() && now - firstLeaderDeadline > 0) {
                    note("no leader within " + FIRST_LEADER_TIMEOUT.toSeconds() + " s; giving up");
                    break;
                }
                if (killPlanned && leader != null && pending == null && now - killAt >= 0) {
                    int node = Integer.parseInt(leader.substring("node-".length()));
                    Process p = processes.get(node);
                    note("killing the leader " + leader + " (pid " + p.pid() + ", token " + leaderToken
                            + ") with SIGKILL");
                    killedAtNanos = System.nanoTime();
                    p.destroyForcibly(); // SIGKILL to that PID
                    recordKilled(node);
                    pending = DemoReport.Failover.started(leader, leaderToken);
                    restartNode = node;
                    restartAt = killedAtNanos + RESTART_AFTER.toNanos();
                    killPlanned = false;
                    leader = null;
                }
                if (restartNode != 0 && now - restartAt >= 0) {
                    processes.get(restartNode).waitFor(5, TimeUnit.SECONDS);
                    Process p = start(restartNode);
                    note("restarted node-" + restartNode + " (pid " + p.pid() + ") as a follower");
                    restartNode = 0;
                }
            }
            if (pending != null) {
                report.failover(pending);
                note("no new leader after the kill of " + pending.killedNode() + " before the end of the demo");
            }
        } finally {
            report.stopped();
            stopAll();
        }
        events.drainTo(new ArrayList<>()); // lines after the end are not part of the run
        return report;
    }

    private void stopAll() throws InterruptedException {
        note("stopping all nodes (SIGTERM)");
        for (Process p : processes.values()) {
            p.destroy();
        }
        for (Process p : processes.values()) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
        for (Thread t : readers) {
            t.join(2_000);
        }
    }
}
