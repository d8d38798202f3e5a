package io.elector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code elector run} and {@code status} through the {@code etcd://} provider, as separate
 * processes, on a private etcd (Debian's etcd-server) started on free loopback ports and stopped by
 * PID; or on {@code ELECTOR_ETCD_ENDPOINTS} (host:port). No etcd: skipped, or failed when CI=true.
 */
class EtcdRunIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Process etcd;
    private static Path etcdDir;
    private static String endpoint;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEtcd() throws Exception {
        String external = System.getenv("ELECTOR_ETCD_ENDPOINTS");
        if (external != null && !external.isBlank()) {
            endpoint = external.trim();
            return;
        }
        String binary = binary();
        if (binary == null) {
            String msg = "etcd not found on PATH (apt-get install -y etcd-server)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(msg + " (CI=true: failing instead of skipping)");
            }
            Assumptions.abort(msg + ": skipped (set CI=true to make this a failure)");
        }
        int client = freePort();
        int peer = freePort();
        etcdDir = Files.createTempDirectory("elector-cli-etcd-");
        String c = "http://127.0.0.1:" + client;
        String p = "http://127.0.0.1:" + peer;
        etcd = new ProcessBuilder(
                        binary,
                        "--name",
                        "cli-it",
                        "--data-dir",
                        etcdDir.resolve("data").toString(),
                        "--listen-client-urls",
                        c,
                        "--advertise-client-urls",
                        c,
                        "--listen-peer-urls",
                        p,
                        "--initial-advertise-peer-urls",
                        p,
                        "--initial-cluster",
                        "cli-it=" + p,
                        "--log-level",
                        "warn",
                        "--logger",
                        "zap")
                .redirectErrorStream(true)
                .redirectOutput(etcdDir.resolve("etcd.log").toFile())
                .start();
        endpoint = "127.0.0.1:" + client;
        awaitHealthy(client);
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        if (etcd != null) {
            etcd.destroy(); // by PID
            if (!etcd.waitFor(5, TimeUnit.SECONDS)) {
                etcd.destroyForcibly();
                etcd.waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (etcdDir != null) {
            try (var files = Files.walk(etcdDir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A short `elector verify` on this etcd (every fault kind; "restart" restarts all candidates). */
    @Test
    void shortVerifyRunFindsNoViolation() throws Exception {
        String stdout = io.elector.cli.verify.VerifyBackendsIT.verify(dir, "etcd://" + endpoint);
        assertThat(stdout).contains("\"backend\":\"etcd\"");
    }

    @Test
    void runLeadsThroughTheEtcdProviderAndStatusFromAnotherProcessSeesIt() throws Exception {
        String election = "cli-it-" + System.nanoTime();
        Path log = dir.resolve("runs");
        String backend = "etcd://" + endpoint;
        try (ElectorProcess run = ElectorProcess.start(
                dir,
                "run",
                "run",
                "-b",
                backend,
                "-e",
                election,
                "--candidate",
                "node-a",
                "--http",
                "0",
                "--",
                "sh",
                "-c",
                "echo start $ELECTOR_FENCING_TOKEN >> " + log + "; while true; do sleep 0.05; done")) {
            await().atMost(WAIT)
                    .until(() -> Files.exists(log) && Files.readString(log).contains("start "));
            long token = Long.parseLong(Files.readAllLines(log).get(0).split(" ")[1]);
            assertThat(token).isPositive();
            try (ElectorProcess status =
                    ElectorProcess.start(dir, "status", "status", "-b", backend, "-e", election, "--json")) {
                assertThat(status.awaitExit(WAIT)).as(status.stderr()).isZero();
                assertThat(status.stdout()).contains("\"candidate\":\"node-a\"").contains("\"token\":" + token);
            }
        }
    }

    @Test
    void unreachableEtcdIsOneLineAndExitCode2() throws Exception {
        String backend = "etcd://127.0.0.1:" + freePort();
        try (ElectorProcess status = ElectorProcess.start(dir, "down", "status", "-b", backend, "-e", "x")) {
            assertThat(status.awaitExit(WAIT)).isEqualTo(2);
            List<String> lines =
                    status.stderr().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("cannot reach etcd at " + backend);
        }
    }

    private static void awaitHealthy(int port) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 0; i < 600 && System.nanoTime() - end < 0; i++) {
            if (!etcd.isAlive()) {
                throw new IOException("etcd exited at start: " + Files.readString(etcdDir.resolve("etcd.log")));
            }
            try {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(50);
        }
        etcd.destroyForcibly();
        throw new IOException("etcd on port " + port + " not healthy within 30 s");
    }

    private static String binary() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(d, "etcd");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
