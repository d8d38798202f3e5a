package io.elector.redis;

import static org.assertj.core.api.Assertions.fail;

import io.lettuce.core.RedisURI;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A private redis-server on a free loopback port, without persistence, started and stopped by this
 * test by PID (never by name): restarting it loses every key, as a Redis without persistence does.
 */
final class RedisProcess implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;

    private RedisProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts one; skips the test when redis-server is not installed (fails when CI=true). */
    static RedisProcess start() throws IOException {
        String binary = binary();
        if (binary == null) {
            String msg = "redis-server not found on PATH (apt-get install -y redis-server)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
        RedisProcess p = new RedisProcess(freePort(), Files.createTempDirectory("elector-redis-"));
        p.startProcess();
        return p;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    RedisURI uri() {
        return RedisURI.builder().withHost("127.0.0.1").withPort(port).build();
    }

    RedisStoreConfig config() {
        return RedisStoreConfig.of(uri());
    }

    /** Stops it (SIGTERM to its PID, then SIGKILL after 5 s): every key is lost. */
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts it again on the same port, empty. */
    void startAgain() throws IOException {
        startProcess();
    }

    private void startProcess() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of(
                        binary(),
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--daemonize",
                        "no",
                        "--dir",
                        dir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile());
        process = pb.start();
        try {
            awaitPing();
        } catch (IOException | RuntimeException e) {
            stop(); // never leave a server behind
            throw e;
        }
    }

    private void awaitPing() throws IOException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 0; i < 1000 && System.nanoTime() - end < 0; i++) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited at start: " + Files.readString(dir.resolve("redis.log")));
            }
            if (RedisTestServer.ping(uri()) == null) {
                return;
            }
            sleep(20);
        }
        throw new IOException("redis-server on port " + port + " did not answer within 30 s");
    }

    private static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
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
    }
}
