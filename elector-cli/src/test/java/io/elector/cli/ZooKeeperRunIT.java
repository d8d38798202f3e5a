package io.elector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code elector run} and {@code status} on {@code zookeeper://}, as separate processes from the
 * packaged jar, against an in-process ZooKeeper server from the Maven artifacts (curator-test's
 * {@code TestingServer} on a free loopback port, as in elector-zookeeper's tests); and an
 * unreachable server: one line, exit 2, no stack trace.
 */
class ZooKeeperRunIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static TestingServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        File data = Files.createTempDirectory("elector-cli-zk-").toFile();
        // tickTime 250 ms: sessions of 0.5-5 s are allowed, so the default 4 s session is granted.
        InstanceSpec spec = new InstanceSpec(
                data, InstanceSpec.getRandomPort(), -1, -1, true, 1, 250, -1, Map.of("clientPortAddress", "127.0.0.1"));
        server = new TestingServer(spec, true);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static String uri(String root) {
        return "zookeeper://127.0.0.1:" + server.getPort() + root;
    }

    @Test
    void runPassesTheTokenAndStatusFromAnotherProcessSeesTheLeader() throws Exception {
        String election = "zk-run-" + System.nanoTime();
        Path log = dir.resolve("runs");
        Path stop = dir.resolve("stop");
        String script = "echo start $ELECTOR_FENCING_TOKEN $ELECTOR_ELECTION $ELECTOR_CANDIDATE >> " + log
                // bounded: at most 60 s
                + "; i=0; while [ ! -f " + stop + " ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done";
        long first;
        try (ElectorProcess run = ElectorProcess.start(
                dir,
                "run",
                "run",
                "-b",
                uri("/cli-it"),
                "-e",
                election,
                "--candidate",
                "node-a",
                "--",
                "sh",
                "-c",
                script)) {
            await().atMost(WAIT)
                    .failFast(
                            "elector run exited: " + run.stderr(),
                            () -> !run.process().isAlive())
                    .until(() -> Files.exists(log) && Files.readString(log).contains("start "));
            String[] started = Files.readAllLines(log).get(0).split(" ");
            first = Long.parseLong(started[1]);
            assertThat(first).isPositive();
            assertThat(started[2]).isEqualTo(election);
            assertThat(started[3]).isEqualTo("node-a");

            try (ElectorProcess status =
                    ElectorProcess.start(dir, "status", "status", "-b", uri("/cli-it"), "-e", election, "--json")) {
                assertThat(status.awaitExit(WAIT)).as(status.stderr()).isZero();
                assertThat(status.stdout()).contains("\"candidate\":\"node-a\"").contains("\"token\":" + first);
            }
            Files.writeString(stop, "");
            // --on-exit exit (the default): elector resigns and exits with the command's status.
            assertThat(run.awaitExit(WAIT)).as(run.stderr()).isZero();
            assertThat(run.stderr())
                    .contains("elected: election=" + election + " token=" + first)
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
        }
        // The next leadership of the election has a greater token.
        try (ElectorProcess again = ElectorProcess.start(
                dir,
                "again",
                "run",
                "-b",
                uri("/cli-it"),
                "-e",
                election,
                "--",
                "sh",
                "-c",
                "echo again $ELECTOR_FENCING_TOKEN >> " + log)) {
            assertThat(again.awaitExit(WAIT)).as(again.stderr()).isZero();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(2);
        assertThat(Long.parseLong(lines.get(1).split(" ")[1])).isGreaterThan(first);
        try (ElectorProcess status = ElectorProcess.start(
                dir, "nobody", "status", "-b", uri("/cli-it"), "-e", election, "--timeout", "500ms")) {
            assertThat(status.awaitExit(WAIT)).isEqualTo(1);
            assertThat(status.stdout()).contains("nobody leads");
        }
    }

    @Test
    void refusedConnectionIsOneLineAndExitTwoAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        for (String cmd : List.of("status", "run")) {
            long t0 = System.nanoTime();
            try (ElectorProcess p =
                    ElectorProcess.start(dir, "refused-" + cmd, args(cmd, "zookeeper://127.0.0.1:" + port + "/x"))) {
                assertThat(p.awaitExit(WAIT)).isEqualTo(2);
                assertOneCleanLine(
                        p, "cannot reach ZooKeeper at zookeeper://127.0.0.1:" + port + "/x: connection refused");
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("%s, connection refused: exit after %d ms%n", cmd, ms);
            // JVM start included; generous for a loaded machine. Without the early check it took 5 s more.
            assertThat(ms).isLessThan(15_000);
        }
    }

    /**
     * A port that accepts TCP connections but never answers (a listening socket nobody serves): the
     * ZooKeeper client times out and retries, logging each attempt with a stack trace inside; the
     * user sees one line after the connect timeout (5 s).
     */
    @Test
    void silentServerIsOneLineAndExitTwoWithinTheConnectTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String u = "zookeeper://127.0.0.1:" + silent.getLocalPort() + "/x";
            for (String cmd : List.of("status", "run")) {
                long t0 = System.nanoTime();
                try (ElectorProcess p = ElectorProcess.start(dir, "silent-" + cmd, args(cmd, u))) {
                    assertThat(p.awaitExit(WAIT)).isEqualTo(2);
                    assertOneCleanLine(p, "cannot reach ZooKeeper at " + u + ": no connection within 5000 ms");
                    assertThat(p.stdout()).isEmpty();
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("%s, silent server: exit after %d ms%n", cmd, ms);
                // 5 s connect timeout, at most 1 s to close, JVM start; generous for a loaded machine.
                assertThat(ms).isLessThan(25_000);
            }
        }
    }

    @Test
    void badZooKeeperUriIsOneLineAndExitTwo() throws Exception {
        try (ElectorProcess p =
                ElectorProcess.start(dir, "bad", "status", "-b", uri("/x?sessionTimout=4s"), "-e", "a")) {
            assertThat(p.awaitExit(WAIT)).isEqualTo(2);
            assertOneCleanLine(p, "unknown zookeeper URI option 'sessionTimout'");
        }
        try (ElectorProcess p =
                ElectorProcess.start(dir, "grace", "run", "-b", uri("/x?sessionTimeout=1s"), "-e", "a", "--", "true")) {
            assertThat(p.awaitExit(WAIT)).isEqualTo(2);
            assertOneCleanLine(p, "a session of 1000ms has left after a renewal");
        }
    }

    /**
     * {@code elector zk-server} (the standalone server verify uses) and its {@code --restart}: the
     * server is killed with SIGKILL and started again on the same port and data, so zxids, hence
     * tokens, keep increasing.
     */
    @Test
    void zkServerRestartKeepsItsDataSoTokensKeepIncreasing() throws Exception {
        Path zk = dir.resolve("zk");
        Path log = dir.resolve("tokens");
        Long restartedPid = null;
        try (ElectorProcess server =
                ElectorProcess.start(dir, "zk-server", "zk-server", "--port", "0", "--dir", zk.toString())) {
            Path props = zk.resolve("zk-server.properties");
            await().atMost(WAIT)
                    .failFast(
                            "zk-server exited: " + server.stderr(),
                            () -> !server.process().isAlive())
                    .until(() -> Files.exists(props) && Files.exists(zk.resolve("zk-server.pid")));
            assertThat(server.stdout()).contains("zk-server: listening on 127.0.0.1:");
            java.util.Properties p = new java.util.Properties();
            try (var r = Files.newBufferedReader(props)) {
                p.load(r);
            }
            String backend = "zookeeper://127.0.0.1:" + p.getProperty("port") + "/restart-it";
            assertThat(pidIn(zk)).isEqualTo(server.pid());
            runOnce(backend, "before", log);

            try (ElectorProcess restart =
                    ElectorProcess.start(dir, "restart", "zk-server", "--restart", "--dir", zk.toString())) {
                assertThat(restart.awaitExit(Duration.ofSeconds(120)))
                        .as(restart.stderr())
                        .isZero();
                assertThat(restart.stdout()).contains("zk-server: restarted on 127.0.0.1:" + p.getProperty("port"));
            }
            restartedPid = pidIn(zk);
            assertThat(server.awaitExit(WAIT)).as("killed with SIGKILL").isEqualTo(137);
            assertThat(restartedPid).isNotEqualTo(server.pid());
            assertThat(ProcessHandle.of(restartedPid).map(ProcessHandle::isAlive))
                    .contains(true);

            runOnce(backend, "after", log);
            List<String> lines = Files.readAllLines(log);
            assertThat(lines).hasSize(2);
            assertThat(Long.parseLong(lines.get(1))).isGreaterThan(Long.parseLong(lines.get(0)));
        } finally {
            if (restartedPid != null) {
                ProcessHandle.of(restartedPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private void runOnce(String backend, String name, Path log) throws Exception {
        try (ElectorProcess run = ElectorProcess.start(
                dir,
                name,
                "run",
                "-b",
                backend,
                "-e",
                "e",
                "--",
                "sh",
                "-c",
                "echo $ELECTOR_FENCING_TOKEN >> " + log)) {
            assertThat(run.awaitExit(WAIT)).as(run.stderr()).isZero();
        }
    }

    private static long pidIn(Path zk) throws java.io.IOException {
        return Long.parseLong(Files.readString(zk.resolve("zk-server.pid")).strip());
    }

    private static String[] args(String cmd, String backend) {
        return cmd.equals("run")
                ? new String[] {"run", "-b", backend, "-e", "a", "--", "true"}
                : new String[] {cmd, "-b", backend, "-e", "a"};
    }

    private static void assertOneCleanLine(ElectorProcess p, String expected) {
        List<String> lines = p.stderr().lines().toList();
        assertThat(lines).as(p.stderr()).hasSize(1);
        assertThat(lines.get(0)).contains(expected).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
