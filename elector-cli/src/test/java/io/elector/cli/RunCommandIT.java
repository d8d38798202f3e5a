package io.elector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code elector run} as a user runs it: the packaged jar in its own process. */
class RunCommandIT {
    private static final Duration START = Duration.ofSeconds(30);
    /** A lease of 5 s (the default): the command must be gone within it after elector dies. */
    private static final Duration LEASE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** A command that records its pid, ignores SIGTERM and runs until killed. */
    private String[] stubbornCommand(Path pidFile) {
        return new String[] {"sh", "-c", "echo $$ > " + pidFile + "; trap '' TERM; while true; do sleep 0.05; done"};
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private long awaitPid(Path pidFile) {
        await().atMost(START)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void commandGetsTokenElectionAndCandidateAndItsExitStatusIsPassedOn() throws Exception {
        Path env = dir.resolve("env");
        try (ElectorProcess p = ElectorProcess.start(
                dir,
                "run",
                "run",
                "-b",
                "memory:",
                "-e",
                "nightly",
                "--candidate",
                "node-a",
                "--",
                "sh",
                "-c",
                "echo $ELECTOR_FENCING_TOKEN $ELECTOR_ELECTION $ELECTOR_CANDIDATE > " + env + "; exit 7")) {
            assertThat(p.awaitExit(START)).isEqualTo(7);
            assertThat(Files.readString(env).strip()).isEqualTo("1 nightly node-a");
            assertThat(p.stderr()).contains("elected: election=nightly token=1", "command exited: status=7");
        }
    }

    @Test
    void commandDiesWhenElectorIsKilledWithSigkill() throws Exception {
        Path pidFile = dir.resolve("pid");
        try (ElectorProcess p = ElectorProcess.start(
                dir,
                "run",
                concat(new String[] {"run", "-b", "memory:", "-e", "job", "--"}, stubbornCommand(pidFile)))) {
            long pid = awaitPid(pidFile);
            assertThat(alive(pid)).isTrue();
            long killedAt = System.nanoTime();
            p.signal("KILL");
            // Guarantee 6: gone before anyone else could be elected, i.e. within the lease.
            await().atMost(LEASE).pollInterval(Duration.ofMillis(20)).until(() -> !alive(pid));
            long goneMs = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.println("command gone " + goneMs + " ms after kill -9 of elector (grace 1000 ms)");
        }
    }

    @Test
    void commandDiesWhenElectorIsFrozen() throws Exception {
        Path pidFile = dir.resolve("pid");
        try (ElectorProcess p = ElectorProcess.start(
                dir,
                "run",
                concat(new String[] {"run", "-b", "memory:", "-e", "job", "--"}, stubbornCommand(pidFile)))) {
            long pid = awaitPid(pidFile);
            p.signal("STOP");
            try {
                // The watchdog gets no heartbeat: SIGTERM when the time left runs out, SIGKILL a grace later.
                await().atMost(LEASE).pollInterval(Duration.ofMillis(20)).until(() -> !alive(pid));
            } finally {
                p.signal("CONT");
            }
        }
    }

    @Test
    void sigtermStopsTheCommandBeforeElectorExits() throws Exception {
        Path pidFile = dir.resolve("pid");
        try (ElectorProcess p = ElectorProcess.start(
                dir,
                "run",
                "run",
                "-b",
                "memory:",
                "-e",
                "job",
                "--",
                "sh",
                "-c",
                "echo $$ > " + pidFile + "; while true; do sleep 0.05; done")) {
            long pid = awaitPid(pidFile);
            p.signal("TERM");
            assertThat(p.awaitExit(START)).isEqualTo(143);
            assertThat(alive(pid)).isFalse();
            assertThat(p.stderr()).contains("stopping command (elector is stopping)");
        }
    }

    @Test
    void resignStopsTheCommandAndTheNextLeadershipHasAHigherToken() throws Exception {
        Path log = dir.resolve("runs");
        try (ElectorProcess p = ElectorProcess.start(
                dir,
                "run",
                "run",
                "-b",
                "memory:",
                "-e",
                "job",
                "--http",
                "0",
                "--",
                "sh",
                "-c",
                "echo start $ELECTOR_FENCING_TOKEN $$ >> " + log
                        + "; trap 'echo term $ELECTOR_FENCING_TOKEN $$ >> " + log
                        + "; exit 0' TERM; while true; do sleep 0.05; done")) {
            p.awaitStderr("status page at ", START);
            String url = p.stderr()
                    .lines()
                    .filter(l -> l.contains("status page at "))
                    .findFirst()
                    .orElseThrow()
                    .replaceAll(".*status page at (\\S+)/$", "$1");
            await().atMost(START)
                    .until(() -> Files.exists(log) && Files.readString(log).contains("start 1"));
            try (ElectorProcess resign = ElectorProcess.start(dir, "resign", "resign", "--endpoint", url)) {
                assertThat(resign.awaitExit(START)).isZero();
                assertThat(resign.stdout()).contains("resigned");
            }
            // The only candidate is elected again, with a new token, and the command starts again.
            await().atMost(START).until(() -> Files.readString(log).contains("start 2"));
            List<String> lines = Files.readAllLines(log);
            assertThat(lines.get(0)).startsWith("start 1 ");
            assertThat(lines.get(1)).startsWith("term 1 ");
            assertThat(lines.get(2)).startsWith("start 2 ");
            assertThat(p.stderr()).contains("revoked: token=1 reason=RESIGNED");
        }
    }

    @Test
    void httpEndpointServesHealthLeaderAndPrometheusMetrics() throws Exception {
        try (ElectorProcess p = ElectorProcess.start(
                dir,
                "run",
                "run",
                "-b",
                "memory:",
                "-e",
                "job",
                "--candidate",
                "node-m",
                "--http",
                "0",
                "--",
                "sh",
                "-c",
                "while true; do sleep 0.05; done")) {
            p.awaitStderr("started command", START);
            String url = p.stderr()
                    .lines()
                    .filter(l -> l.contains("status page at "))
                    .findFirst()
                    .orElseThrow()
                    .replaceAll(".*status page at (\\S+)/$", "$1");
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
                try {
                    return http.send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            assertThat(get.apply("/health").statusCode()).isEqualTo(200);
            assertThat(get.apply("/health").body()).contains("\"status\":\"UP\"", "\"leader\":true");
            assertThat(get.apply("/leader").body())
                    .contains("\"candidate\":\"node-m\"", "\"isLeader\":true", "\"token\":1");
            // The renew timer fills after the first renewal (every lease/5 = 1 s).
            await().atMost(START)
                    .until(() -> get.apply("/metrics").body().contains("elector_renew_latency_seconds_count"));
            assertThat(get.apply("/metrics").body())
                    .contains("elector_is_leader{candidate=\"node-m\",election=\"job\"} 1.0")
                    .contains("elector_elections_won_total{candidate=\"node-m\",election=\"job\"} 1.0")
                    .contains("elector_lease_remaining_seconds{")
                    .contains("elector_renew_latency_seconds_count{backend=\"memory\"}");
            assertThat(get.apply("/").body()).contains("<title>Elector status</title>");
        }
    }

    @Test
    void statusSaysNobodyLeadsWithExitCodeOne() throws Exception {
        try (ElectorProcess p = ElectorProcess.start(
                dir, "status", "status", "-b", "memory:", "-e", "x", "--timeout", "500ms", "--json")) {
            assertThat(p.awaitExit(START)).isEqualTo(1);
            assertThat(p.stdout().strip()).isEqualTo("{\"election\":\"x\",\"leader\":null}");
        }
    }

    static List<Arguments> badInputs() {
        return List.of(
                Arguments.of(
                        "unknown scheme",
                        new String[] {"run", "-b", "nosuch://x", "-e", "a", "--", "true"},
                        "unknown backend scheme 'nosuch:'"),
                Arguments.of(
                        "no scheme",
                        new String[] {"run", "-b", "127.0.0.1:5432", "-e", "a", "--", "true"},
                        "backend URI has no scheme"),
                Arguments.of(
                        "memory with address",
                        new String[] {"run", "-b", "memory://host", "-e", "a", "--", "true"},
                        "the memory backend takes no address"),
                Arguments.of(
                        "missing command",
                        new String[] {"run", "-b", "memory:", "-e", "a"},
                        "Missing required parameter: 'COMMAND'"),
                Arguments.of("missing backend", new String[] {"run", "-e", "a", "--", "true"}, "missing --backend"),
                Arguments.of(
                        "bad election name",
                        new String[] {"run", "-b", "memory:", "-e", "no spaces", "--", "true"},
                        "election name must be"),
                Arguments.of(
                        "grace longer than the lease allows",
                        new String[] {"run", "-b", "memory:", "-e", "a", "--grace", "10s", "--", "true"},
                        "--grace 10000ms plus --margin 250ms must leave"),
                Arguments.of(
                        "bad duration",
                        new String[] {"run", "-b", "memory:", "-e", "a", "--lease", "soon", "--", "true"},
                        "'soon' is not a duration"),
                Arguments.of(
                        "bad on-exit",
                        new String[] {"run", "-b", "memory:", "-e", "a", "--on-exit", "x", "--", "true"},
                        "--on-exit must be exit, resign or rerun"),
                Arguments.of("unknown option", new String[] {"status", "--bogus"}, "Unknown option: '--bogus'"),
                Arguments.of("no subcommand", new String[] {}, "missing subcommand"),
                Arguments.of(
                        "unreachable database",
                        new String[] {
                            "run", "-b", "postgresql://127.0.0.1:1/test?user=postgres", "-e", "a", "--", "true"
                        },
                        "cannot reach the database at postgresql://127.0.0.1:1/test"),
                Arguments.of(
                        "raft without secret",
                        new String[] {"status", "-b", "raft://127.0.0.1:1,127.0.0.1:2,127.0.0.1:3", "-e", "a"},
                        "secret is required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGivesOneLineAndExitCodeTwo(String what, String[] args, String expected) throws Exception {
        try (ElectorProcess p = ElectorProcess.start(dir, "bad", Map.of(), args)) {
            assertThat(p.awaitExit(START)).isEqualTo(2);
            List<String> lines = p.stderr().lines().toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0))
                    .contains(expected)
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void passwordsInTheBackendUriAreNeverPrinted() throws Exception {
        try (ElectorProcess p = ElectorProcess.start(
                dir, "bad", "status", "-b", "nosuch://user:s3cret@127.0.0.1:1/db?password=s3cret", "-e", "a")) {
            assertThat(p.awaitExit(START)).isEqualTo(2);
            assertThat(p.stderr()).doesNotContain("s3cret").contains("user:****@");
        }
    }
}
