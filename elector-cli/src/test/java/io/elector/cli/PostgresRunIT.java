package io.elector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code elector run}, {@code status} and {@code resign} as separate processes on a real
 * PostgreSQL ({@code ELECTOR_PG_URL}, default {@code postgresql://127.0.0.1:5432/test?user=postgres}).
 */
class PostgresRunIT {
    private static final String PG =
            System.getenv().getOrDefault("ELECTOR_PG_URL", "postgresql://127.0.0.1:5432/test?user=postgres");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @BeforeAll
    static void postgresIsUp() {
        try (var c = DriverManager.getConnection(
                io.elector.jdbc.JdbcUri.parse(PG).jdbcUrl(),
                io.elector.jdbc.JdbcUri.parse(PG).user(),
                io.elector.jdbc.JdbcUri.parse(PG).password())) {
            assertThat(c.isValid(5)).isTrue();
        } catch (Exception e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL is required when CI=true: " + e.getMessage(), e);
            }
            Assumptions.abort("PostgreSQL not reachable at " + PG + ": " + e.getMessage());
        }
    }

    @Test
    void statusFromAnotherProcessSeesTheLeaderAndResignHandsOverToANewToken() throws Exception {
        String election = "cli-it-" + System.nanoTime();
        Path log = dir.resolve("runs");
        try (ElectorProcess run = ElectorProcess.start(
                dir,
                "run",
                "run",
                "-b",
                PG,
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
            long first = Long.parseLong(Files.readAllLines(log).get(0).split(" ")[1]);

            try (ElectorProcess status =
                    ElectorProcess.start(dir, "status", "status", "-b", PG, "-e", election, "--json")) {
                assertThat(status.awaitExit(WAIT)).isZero();
                assertThat(status.stdout())
                        .contains("\"candidate\":\"node-a\"")
                        .contains("\"token\":" + first)
                        .contains("\"endpoint\":\"http://127.0.0.1:");
            }
            try (ElectorProcess resign = ElectorProcess.start(dir, "resign", "resign", "-b", PG, "-e", election)) {
                assertThat(resign.awaitExit(WAIT))
                        .as(resign.stdout() + resign.stderr())
                        .isZero();
            }
            // The only candidate wins again, with a greater token, and starts the command again.
            await().atMost(WAIT).until(() -> Files.readAllLines(log).size() >= 2);
            List<String> lines = Files.readAllLines(log);
            assertThat(Long.parseLong(lines.get(1).split(" ")[1])).isGreaterThan(first);
            assertThat(run.stderr()).contains("revoked: token=" + first + " reason=RESIGNED");
        }
        try (ElectorProcess status = ElectorProcess.start(
                dir, "status2", Map.of(), "status", "-b", PG, "-e", election, "--timeout", "500ms")) {
            // The run process was killed by close(): its lease expires by the database's clock.
            assertThat(status.awaitExit(WAIT)).isIn(0, 1);
        }
    }
}
