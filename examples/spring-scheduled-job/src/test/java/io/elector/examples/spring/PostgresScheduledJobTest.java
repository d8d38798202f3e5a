package io.elector.examples.spring;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.elector.jdbc.JdbcUri;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.BeforeAll;

/**
 * The example on the real PostgreSQL server: {@code ELECTOR_PG_URL} (default {@code
 * postgresql://127.0.0.1:5432/test?user=postgres}). Skipped when it is not reachable, unless
 * {@code CI=true}: then it fails.
 */
class PostgresScheduledJobTest extends ScheduledJobContract {
    private static String uri;
    private static JdbcUri parsed;

    @BeforeAll
    static void server() {
        String raw = System.getenv("ELECTOR_PG_URL");
        uri = raw == null || raw.isBlank() ? "postgresql://127.0.0.1:5432/test?user=postgres" : raw;
        parsed = JdbcUri.parse(uri);
        String problem = null;
        if (!parsed.jdbcUrl().startsWith("jdbc:postgresql://127.")
                && !parsed.jdbcUrl().startsWith("jdbc:postgresql://localhost")) {
            problem = "tests only send traffic to loopback addresses";
        } else {
            try (Connection c = DriverManager.getConnection(parsed.jdbcUrl(), parsed.user(), parsed.password())) {
                c.createStatement().execute("SELECT 1");
            } catch (Exception e) {
                problem = e.getMessage();
            }
        }
        if (problem != null) {
            String msg = "PostgreSQL " + parsed + " not usable (" + problem + "); set ELECTOR_PG_URL";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(msg + " (CI=true: failing instead of skipping)");
            }
            assumeTrue(false, msg + "; skipping");
        }
    }

    @Override
    String electorBackend() {
        return uri;
    }

    @Override
    String[] dataSource() {
        return new String[] {
            parsed.jdbcUrl(),
            parsed.user() == null ? "" : parsed.user(),
            parsed.password() == null ? "" : parsed.password()
        };
    }
}
