package io.elector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.elector.testkit.history.HistoryChecker;
import io.elector.testkit.history.HistoryRecord;
import io.elector.testkit.history.HistoryReport;
import io.elector.testkit.history.Wall;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code elector run} processes on the embedded Raft backend, wrapping one command: exactly
 * one command runs at a time (each run appends token, pid and wall-clock ticks to a shared file; the
 * history checker judges the runs), tokens increase, and the leader's command is killed when its
 * {@code elector} is killed with SIGKILL.
 */
class RaftRunIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String SECRET = "raft-run-it-secret-0123456789";

    @TempDir
    Path dir;

    private final List<ElectorProcess> electors = new ArrayList<>();

    /** One tick of a command run: its token, its pid, when (epoch ns). */
    record Tick(long token, long pid, long at) {}

    @AfterEach
    void stopAll() {
        electors.forEach(ElectorProcess::close);
        for (int i = 0; i < electors.size(); i++) {
            System.out.println(
                    "--- elector " + i + " stderr:\n" + electors.get(i).stderr());
        }
    }

    private static List<Integer> freePorts(int n) throws Exception {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    private List<Tick> ticks(Path log) throws Exception {
        if (!Files.exists(log)) {
            return List.of();
        }
        List<Tick> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            String[] f = line.trim().split(" ");
            if (f.length == 3) { // a line being written may be incomplete
                out.add(new Tick(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])));
            }
        }
        return out;
    }

    private Optional<Long> latestToken(Path log) throws Exception {
        return ticks(log).stream().map(Tick::token).max(Long::compare);
    }

    private ElectorProcess startElector(String peers, int node, String name, String command) {
        String uri = "raft://" + peers + "?node=" + node + "&state=" + dir.resolve("state-" + node)
                + "&election-timeout=2s-4s&heartbeat=200ms";
        return ElectorProcess.start(
                dir,
                name,
                Map.of("ELECTOR_RAFT_SECRET", SECRET),
                "run",
                "-b",
                uri,
                "-e",
                "job",
                "--candidate",
                "node-" + node,
                "--grace",
                "300ms",
                "--margin",
                "200ms",
                "--",
                "sh",
                "-c",
                command);
    }

    @Test
    void oneCommandAtATimeTokensIncreaseAndTheCommandDiesWithItsElector() throws Exception {
        List<Integer> ports = freePorts(3);
        String peers = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        Path log = dir.resolve("runs.log");
        // A Raft lease of about 2 s, so that --grace + --margin fit in it (the command must be gone
        // by the deadline); ticks every 50 ms.
        String command =
                "while true; do echo \"$ELECTOR_FENCING_TOKEN $$ $(date +%s%N)\" >> " + log + "; sleep 0.05; done";
        List<HistoryRecord> history = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            electors.add(startElector(peers, i, "elector-" + i, command));
        }
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> latestToken(log).isPresent());
        long first = latestToken(log).orElseThrow();
        // Let the first leader's command run a while, then kill its elector with SIGKILL.
        await().atMost(WAIT)
                .until(() -> ticks(log).stream().filter(t -> t.token() == first).count() >= 10);
        ElectorProcess leader = electors.stream()
                .filter(e -> e.stderr().contains("started command: token=" + first + " "))
                .findFirst()
                .orElseThrow();
        long commandPid = ticks(log).stream()
                .filter(t -> t.token() == first)
                .findFirst()
                .orElseThrow()
                .pid();
        leader.signal("KILL");
        history.add(HistoryRecord.killed("elector-" + (electors.indexOf(leader) + 1), Wall.nowNanos()));
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> ProcessHandle.of(commandPid)
                        .map(ProcessHandle::isAlive)
                        .orElse(false)
                        .equals(false));
        // The killed node comes back (same id and state) as a follower, so a majority stays alive below.
        int killedNode = electors.indexOf(leader) + 1;
        leader.awaitExit(WAIT); // its Raft port is free again
        electors.add(startElector(peers, killedNode, "elector-" + killedNode + "-restarted", command));
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> latestToken(log).orElse(0L) > first);
        long second = latestToken(log).orElseThrow();
        await().atMost(WAIT)
                .until(() ->
                        ticks(log).stream().filter(t -> t.token() == second).count() >= 10);
        // A graceful stop of the new leader: its command first, then the leadership is released.
        ElectorProcess next = electors.stream()
                .filter(e -> e.process().isAlive() && e.stderr().contains("started command: token=" + second + " "))
                .findFirst()
                .orElseThrow();
        next.signal("TERM");
        assertThat(next.awaitExit(WAIT)).isEqualTo(143);
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> latestToken(log).orElse(0L) > second);
        long third = latestToken(log).orElseThrow();
        await().atMost(WAIT)
                .until(() -> ticks(log).stream().filter(t -> t.token() == third).count() >= 5);
        for (ElectorProcess e : electors) {
            if (e.process().isAlive()) {
                e.signal("TERM");
                e.awaitExit(WAIT);
            }
        }

        // Every command run, as the interval between its first and last tick, judged by the checker.
        Map<String, List<Tick>> runs = new LinkedHashMap<>();
        for (Tick t : ticks(log)) {
            runs.computeIfAbsent(t.token() + "/" + t.pid(), k -> new ArrayList<>())
                    .add(t);
        }
        for (List<Tick> run : runs.values()) {
            long token = run.get(0).token();
            String process = "command-" + run.get(0).pid();
            long start = run.stream().mapToLong(Tick::at).min().orElseThrow();
            long end = run.stream().mapToLong(Tick::at).max().orElseThrow();
            history.add(HistoryRecord.leadership("job", process, process, token, start, end, "command"));
        }
        HistoryReport report = HistoryChecker.standard().check(history);
        System.out.println(report + "; runs " + runs.keySet());
        report.assertNoViolations();
        assertThat(runs).hasSizeGreaterThanOrEqualTo(3);
        assertThat(first).isLessThan(second);
        assertThat(second).isLessThan(third);
    }
}
