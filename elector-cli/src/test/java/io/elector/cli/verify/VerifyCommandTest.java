package io.elector.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.elector.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code elector verify} end to end with real processes on the test-only file lease store: a
 * correct store passes under kill, pause and clock faults; deliberately broken stores are caught.
 */
class VerifyCommandTest {

    private record Run(int exit, String out) {}

    private static Run verify(String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        // Main.execute writes through picocli's writer on System.out.
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.execute(args);
            return new Run(exit, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
        }
    }

    @Test
    void aCorrectStorePassesUnderKillPauseAndClockFaults(@TempDir Path dir) throws Exception {
        Run r = verify(
                "verify",
                "--backend",
                "file-lease:" + dir.resolve("lease"),
                "--duration",
                "15s",
                "--seed",
                "7",
                "--faults",
                "kill,pause,clock",
                // This test is about safety; liveness under a loaded CI machine is not its point.
                "--liveness-bound",
                "30s",
                "--lease",
                "1s",
                "--out",
                dir.resolve("out").toString(),
                "--json");
        assertThat(r.out()).contains("\"verify\":\"ok\"").contains("\"violations\":[]");
        assertThat(r.exit()).as(r.out()).isZero();
        String html = Files.readString(dir.resolve("out/report.html"));
        assertThat(html).contains("<svg").contains("class='lead'").contains("No violation.");
        assertReportRendersInChromium(dir.resolve("out/report.html"), dir);
    }

    /** Headless Chromium loads the report offline, renders the timeline, and takes a screenshot. */
    private static void assertReportRendersInChromium(Path report, Path dir) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(chromium)) {
            org.junit.jupiter.api.Assumptions.assumeFalse(
                    "true".equals(System.getenv("CI")), "CI=true but chromium is missing (apt-get install chromium)");
            org.junit.jupiter.api.Assumptions.abort("chromium not installed: report rendering not checked");
        }
        Path png = dir.resolve("report.png");
        java.util.List<String> flags = java.util.List.of(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + dir.resolve("chrome-profile"),
                "--window-size=1280,600");
        java.util.List<String> shot = new java.util.ArrayList<>(flags);
        shot.add("--screenshot=" + png);
        shot.add(report.toUri().toString());
        Process p = new ProcessBuilder(shot)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("chrome.log").toFile())
                .start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                .as("chromium finished")
                .isTrue();
        assertThat(png).exists();
        assertThat(Files.size(png)).as("a real screenshot").isGreaterThan(5_000);
        java.util.List<String> dom = new java.util.ArrayList<>(flags);
        dom.set(dom.size() - 1, "--user-data-dir=" + dir.resolve("chrome-profile-2"));
        dom.add("--dump-dom");
        dom.add(report.toUri().toString());
        Process d = new ProcessBuilder(dom)
                .redirectError(dir.resolve("chrome2.log").toFile())
                .start();
        String rendered = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(d.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(rendered).contains("id=\"verdict\"").contains("<svg").contains("class=\"lead\"");
        Files.copy(
                png,
                Path.of("target", "verify-report-screenshot.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aStoreThatReusesTokensIsCaught(@TempDir Path dir) {
        Run r = verify(
                "verify",
                "--backend",
                "broken-tokens:" + dir.resolve("lease"),
                "--duration",
                "10s",
                "--seed",
                "3",
                "--faults",
                "kill",
                "--lease",
                "1s",
                "--out",
                dir.resolve("out").toString());
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("token");
    }

    @Test
    void aStoreWithoutTheSafetyMarginIsCaught(@TempDir Path dir) {
        Run r = verify(
                "verify",
                "--backend",
                "early-expiry:" + dir.resolve("lease"),
                "--duration",
                "12s",
                "--seed",
                "5",
                "--faults",
                "pause",
                "--lease",
                "1s",
                "--out",
                dir.resolve("out").toString());
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("two leaders at once");
    }

    @Test
    void memoryIsRefusedWithOneLine(@TempDir Path dir) {
        Run r = verify("verify", "--backend", "memory:", "--out", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
    }
}
