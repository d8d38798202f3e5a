package io.elector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.elector.api.Leadership;
import io.elector.testkit.Candidate;
import io.elector.testkit.ElectionHarness;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL restarts while a candidate leads: nobody overlaps (history checker) and leadership
 * resumes. It restarts the shared local server, so it runs only when {@code ELECTOR_PG_RESTART=1}
 * (or {@code CI=true}); the command is {@code pg_ctlcluster --skip-systemctl-redirect <version>
 * main restart}, overridable with {@code ELECTOR_PG_RESTART_CMD}.
 */
class PostgresRestartTest {

    private static List<String> restartCommand() {
        String custom = System.getenv("ELECTOR_PG_RESTART_CMD");
        if (custom != null && !custom.isBlank()) {
            return List.of("sh", "-c", custom);
        }
        File[] versions = new File("/etc/postgresql").listFiles(File::isDirectory);
        assumeTrue(versions != null && versions.length == 1, "no single local PostgreSQL cluster in /etc/postgresql");
        return List.of("pg_ctlcluster", "--skip-systemctl-redirect", versions[0].getName(), "main", "restart");
    }

    @Test
    void restartDuringLeadershipCausesNoOverlapAndLeadershipResumes() throws Exception {
        boolean enabled =
                "1".equals(System.getenv("ELECTOR_PG_RESTART")) || "true".equalsIgnoreCase(System.getenv("CI"));
        assumeTrue(enabled, "restarts the shared PostgreSQL server: set ELECTOR_PG_RESTART=1 to run");
        JdbcFixture fixture = new JdbcFixture(Databases.postgres());
        ElectionHarness harness = new ElectionHarness(fixture);
        String election = "restart-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        try {
            List<Candidate> cs = harness.startCandidates(3);
            harness.join(election, cs);
            Leadership before =
                    Leaders.await(election, cs, null, Duration.ofSeconds(10)).leadership();
            Path log = Files.createTempFile("pg-restart", ".log");
            Process p = new ProcessBuilder(restartCommand())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            assertThat(done).as("restart finished; output in " + log).isTrue();
            assertThat(p.exitValue())
                    .as("restart exit code; output: " + Files.readString(log))
                    .isZero();
            Leadership now =
                    Leaders.await(election, cs, null, Duration.ofSeconds(60)).leadership();
            assertThat(now.fencingToken()).isGreaterThanOrEqualTo(before.fencingToken());
            // Leadership holds on over a few renewals after the restart.
            Thread.sleep(JdbcFixture.LEASE.toMillis() * 2);
            assertThat(harness.leaders(election, cs)).hasSize(1);
        } finally {
            harness.close();
            fixture.close();
        }
        harness.checkHistory().assertNoViolations();
    }
}
