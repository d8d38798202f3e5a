package io.elector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --backend azblob:///CONTAINER} against a real Azurite that this test starts on a free
 * loopback port (stopped by PID), with the connection string in {@code
 * AZURE_STORAGE_CONNECTION_STRING} as a user sets it. Without azurite-blob the test is skipped with
 * a message, or fails when {@code CI=true}.
 */
class AzureBackendIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static Process azurite;
    private static Path azuriteDir;
    private static int port;

    @TempDir
    Path dir;

    @BeforeAll
    static void startAzurite() throws Exception {
        String binary = null;
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (new File(d, "azurite-blob").canExecute()) {
                binary = new File(d, "azurite-blob").getAbsolutePath();
                break;
            }
        }
        if (binary == null) {
            String msg = "azurite-blob not found on PATH (npm install -g azurite)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
        port = freePort();
        azuriteDir = Files.createTempDirectory("elector-cli-azurite-");
        azurite = new ProcessBuilder(List.of(
                        binary,
                        "--blobHost",
                        "127.0.0.1",
                        "--blobPort",
                        Integer.toString(port),
                        "--location",
                        azuriteDir.toString(),
                        "--silent",
                        "--skipApiVersionCheck",
                        "--disableTelemetry"))
                .redirectErrorStream(true)
                .redirectOutput(azuriteDir.resolve("azurite.log").toFile())
                .start();
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1))
                .build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/devstoreaccount1?comp=list"))
                .timeout(Duration.ofSeconds(1))
                .build();
        long end = System.nanoTime() + START.toNanos();
        for (int i = 0; i < 2000 && System.nanoTime() - end < 0; i++) {
            try {
                client.send(req, HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        stopAzurite();
        throw new IllegalStateException("azurite-blob did not answer within " + START);
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (azurite != null) {
            azurite.destroy();
            if (!azurite.waitFor(10, TimeUnit.SECONDS)) {
                azurite.destroyForcibly();
                azurite.waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (azuriteDir != null) {
            try (var files = Files.walk(azuriteDir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String connectionString(int p) {
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + KEY
                + ";BlobEndpoint=http://127.0.0.1:" + p + "/devstoreaccount1;";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Map<String, String> env() {
        return Map.of("AZURE_STORAGE_CONNECTION_STRING", connectionString(port));
    }

    @Test
    void runLeadsWithATokenFromTheBlobAndStatusShowsTheLeader() throws Exception {
        Path out = dir.resolve("token");
        try (ElectorProcess p = ElectorProcess.start(
                dir,
                "run",
                env(),
                "run",
                "-b",
                "azblob:///cli-test",
                "-e",
                "nightly",
                "--lease",
                "15s",
                "--",
                "sh",
                "-c",
                "echo $ELECTOR_FENCING_TOKEN > " + out + "; exit 0")) {
            assertThat(p.awaitExit(START)).as(p.stderr()).isEqualTo(0);
        }
        long token = Long.parseLong(Files.readString(out).strip());
        assertThat(token).isPositive();
        // Released on exit: nobody leads now, and status says so.
        try (ElectorProcess s = ElectorProcess.start(
                dir, "status", env(), "status", "-b", "azblob:///cli-test", "-e", "nightly", "--json")) {
            assertThat(s.awaitExit(START)).as(s.stderr()).isEqualTo(1);
            assertThat(s.stdout()).contains("\"leader\":null");
        }
    }

    @Test
    void unreachableServiceIsOneLineAndExitTwoWithoutTheKey() throws Exception {
        // A port this test holds, resetting every connection: no other process can answer on it meanwhile.
        try (ServerSocket broken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread resetter = new Thread(
                    () -> {
                        while (!broken.isClosed()) {
                            try (Socket c = broken.accept()) {
                                c.setSoLinger(true, 0);
                            } catch (IOException e) {
                                return;
                            }
                        }
                    },
                    "resetter");
            resetter.setDaemon(true);
            resetter.start();
            expectUnreachable(broken.getLocalPort());
        }
    }

    private void expectUnreachable(int closed) throws Exception {
        try (ElectorProcess p = ElectorProcess.start(
                dir,
                "down",
                Map.of("AZURE_STORAGE_CONNECTION_STRING", connectionString(closed)),
                "status",
                "-b",
                "azblob:///cli-test",
                "-e",
                "a")) {
            assertThat(p.awaitExit(START)).isEqualTo(2);
            List<String> lines = p.stderr().strip().lines().toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0))
                    .contains("cannot reach Azure Blob Storage at http://127.0.0.1:" + closed)
                    .doesNotContain(KEY)
                    .doesNotContain("Exception\n")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void aLeaseAzureCannotHoldIsRefusedWithOneLine() throws Exception {
        try (ElectorProcess p = ElectorProcess.start(
                dir, "lease", env(), "run", "-b", "azblob:///cli-test", "-e", "a", "--lease", "5s", "--", "true")) {
            assertThat(p.awaitExit(START)).isEqualTo(2);
            List<String> lines = p.stderr().strip().lines().toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("15 to 60 whole seconds").contains("--lease 15s");
        }
    }

    @Test
    void missingConnectionStringIsOneLineAndExitTwo() throws Exception {
        try (ElectorProcess p =
                ElectorProcess.start(dir, "noenv", Map.of(), "status", "-b", "azblob:///cli-test", "-e", "a")) {
            assertThat(p.awaitExit(START)).isEqualTo(2);
            assertThat(p.stderr().strip().lines().toList()).hasSize(1);
            assertThat(p.stderr()).contains("AZURE_STORAGE_CONNECTION_STRING");
        }
    }
}
