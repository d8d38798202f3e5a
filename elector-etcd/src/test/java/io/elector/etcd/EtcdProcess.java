package io.elector.etcd;

import static org.assertj.core.api.Assertions.fail;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private single-member etcd (Debian's {@code etcd-server}) on free loopback client and peer
 * ports with a temporary data directory, started and stopped by this test by PID (never by name).
 * A short Raft election timeout (500 ms) lets etcd grant 1 s leases. {@link #kill()} and {@link
 * #startAgain()} restart it on the same data directory: keys, leases and revisions survive.
 */
final class EtcdProcess implements AutoCloseable {
    private final int clientPort;
    private final int peerPort;
    private final Path dir;
    private final boolean etcdDefaults;
    private Process process;

    private EtcdProcess(int clientPort, int peerPort, Path dir, boolean etcdDefaults) {
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.dir = dir;
        this.etcdDefaults = etcdDefaults;
    }

    /** Starts one for tests; skips the test when etcd is not installed (fails when CI=true). */
    static EtcdProcess start() throws IOException {
        return start(false);
    }

    /**
     * Starts one; {@code etcdDefaults}: etcd's own heartbeat (100 ms) and election timeout (1 s),
     * as benchmarks use, else the short ones of the tests (50 ms, 500 ms: 1 s leases allowed).
     */
    static EtcdProcess start(boolean etcdDefaults) throws IOException {
        requireBinary();
        EtcdProcess p =
                new EtcdProcess(freePort(), freePort(), Files.createTempDirectory("elector-etcd-"), etcdDefaults);
        p.startProcess();
        return p;
    }

    /** Skips (or, with CI=true, fails) when the etcd binary is missing. */
    static String requireBinary() {
        String binary = binary();
        if (binary == null) {
            String msg = "etcd not found on PATH or in ELECTOR_ETCD_BINARY (apt-get install -y etcd-server)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg + " (CI=true: failing instead of skipping)");
            }
            Assumptions.abort(msg + ": skipped (set CI=true to make this a failure)");
        }
        return binary;
    }

    int clientPort() {
        return clientPort;
    }

    String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL by PID: no shutdown, whatever was fsynced survives. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM by PID, then SIGKILL after 5 s. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts it again on the same ports and data directory. */
    void startAgain() throws IOException {
        startProcess();
    }

    private void startProcess() throws IOException {
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> cmd = new ArrayList<>(List.of(
                binary(),
                "--name",
                "elector-test",
                "--data-dir",
                dir.resolve("data").toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "elector-test=" + peer,
                "--initial-cluster-state",
                "new",
                "--heartbeat-interval",
                etcdDefaults ? "100" : "50",
                "--election-timeout",
                etcdDefaults ? "1000" : "500",
                "--logger",
                "zap",
                "--log-level",
                "warn"));
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()))
                .start();
        try {
            awaitHealthy(process, clientPort, dir.resolve("etcd.log"));
        } catch (IOException | RuntimeException e) {
            try {
                kill(); // never leave a server behind
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    /** Waits (at most 30 s) until {@code /health} answers {@code "health":"true"}. */
    static void awaitHealthy(Process process, int clientPort, Path log) throws IOException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + clientPort + "/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "no answer";
        for (int i = 0; i < 600 && System.nanoTime() - end < 0; i++) {
            if (process != null && !process.isAlive()) {
                throw new IOException("etcd exited at start: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            sleep(50);
        }
        throw new IOException("etcd on port " + clientPort + " not healthy within 30 s: " + last);
    }

    static String binary() {
        String env = System.getenv("ELECTOR_ETCD_BINARY");
        if (env != null && new File(env).canExecute()) {
            return env;
        }
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(d, "etcd");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
