package io.elector.azure;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A private Azurite blob service on a free loopback port with its own data folder, started and
 * stopped by this test by PID (never by name). Azurite keeps its blobs and leases in that folder, so
 * {@link #stop()} then {@link #startAgain()} is a restart that keeps state.
 */
final class AzuriteProcess implements AutoCloseable {
    /** Azurite's well-known development account (public, documented by Microsoft). */
    static final String ACCOUNT = "devstoreaccount1";

    static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final int port;
    private final Path dir;
    private Process process;

    private AzuriteProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts one; skips the test when azurite-blob is not installed (fails when CI=true). */
    static AzuriteProcess start() throws IOException {
        String binary = binary();
        if (binary == null) {
            String msg = "azurite-blob not found on PATH (npm install -g azurite), and "
                    + AzureTestServer.CONNECTION_ENV + " is not set";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
        AzuriteProcess p = new AzuriteProcess(freePort(), Files.createTempDirectory("elector-azurite-"));
        p.startProcess();
        return p;
    }

    static String connectionString(int port) {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY
                + ";BlobEndpoint=http://127.0.0.1:" + port + "/" + ACCOUNT + ";";
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    String connectionString() {
        return connectionString(port);
    }

    /**
     * Stops it: SIGTERM to its PID (Azurite then saves its metadata database and exits), SIGKILL
     * after 20 s (and to any child). Its data folder stays.
     *
     * @return true if it exited by itself after the SIGTERM (a graceful stop that kept its state)
     */
    boolean stop() {
        if (process == null || !process.isAlive()) {
            return true;
        }
        List<ProcessHandle> children = process.descendants().toList();
        boolean graceful = false;
        process.destroy();
        try {
            graceful = process.waitFor(20, TimeUnit.SECONDS);
            if (!graceful) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle c : children) {
            c.destroyForcibly();
        }
        return graceful;
    }

    /** Kills it with SIGKILL (no chance to save its state). */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Azurite's own output (started, closing, closed). */
    String log() throws IOException {
        return Files.readString(dir.resolve("azurite.log"));
    }

    /** Starts it again on the same port and data folder. */
    void startAgain() throws IOException {
        startProcess();
    }

    private void startProcess() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of(
                        binary(),
                        "--blobHost",
                        "127.0.0.1",
                        "--blobPort",
                        Integer.toString(port),
                        "--location",
                        dir.toString(),
                        "--silent",
                        "--skipApiVersionCheck",
                        "--disableTelemetry"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("azurite.log").toFile()));
        process = pb.start();
        try {
            awaitAnswer();
        } catch (IOException | RuntimeException e) {
            stop(); // never leave a server behind
            throw e;
        }
    }

    private void awaitAnswer() throws IOException {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1))
                .build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + ACCOUNT + "?comp=list"))
                .timeout(Duration.ofSeconds(1))
                .GET()
                .build();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int i = 0; i < 2000 && System.nanoTime() - end < 0; i++) {
            if (!process.isAlive()) {
                throw new IOException("azurite-blob exited at start: " + Files.readString(dir.resolve("azurite.log")));
            }
            try {
                // Any HTTP answer (403 without a signature) means it listens.
                client.send(req, HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("azurite-blob on port " + port + " did not answer within 60 s");
    }

    static String binary() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(d, "azurite-blob");
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
    public void close() {
        stop();
        deleteTree(dir);
    }

    private static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp folder; best effort
        }
    }
}
