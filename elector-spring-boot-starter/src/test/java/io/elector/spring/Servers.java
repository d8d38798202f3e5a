package io.elector.spring;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.elector.jdbc.JdbcUri;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;

/**
 * The real servers the tests use, overridable by environment: {@code ELECTOR_PG_URL} (default
 * {@code postgresql://127.0.0.1:5432/test?user=postgres}). A missing server skips the test with a
 * clear message, except when {@code CI=true}: then the test fails.
 */
final class Servers {
    static final String PG_DEFAULT = "postgresql://127.0.0.1:5432/test?user=postgres";

    private Servers() {}

    /** The Redis backend URI, after checking that something listens on its loopback port. */
    static String redis() {
        String raw = System.getenv("ELECTOR_REDIS_URL");
        String uri = raw == null || raw.isBlank() ? "redis://127.0.0.1:6379" : raw;
        URI u = URI.create(uri);
        String problem = null;
        try {
            if (!InetAddress.getByName(u.getHost()).isLoopbackAddress()) {
                problem = "tests only send traffic to loopback addresses";
            } else {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(u.getHost(), u.getPort() > 0 ? u.getPort() : 6379), 1000);
                }
            }
        } catch (java.io.IOException e) {
            problem = "nothing listens on " + u.getHost() + ":" + u.getPort();
        }
        if (problem != null) {
            String msg = "Redis " + JdbcUri.redact(uri) + " not usable (" + problem
                    + "); set ELECTOR_REDIS_URL to a reachable server";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(msg + " (CI=true: failing instead of skipping)");
            }
            assumeTrue(false, msg + "; skipping");
        }
        return uri;
    }

    /** The PostgreSQL backend URI, after checking the server answers on loopback. */
    static String postgres() {
        String raw = System.getenv("ELECTOR_PG_URL");
        String uri = raw == null || raw.isBlank() ? PG_DEFAULT : raw;
        String problem = problem(JdbcUri.parse(uri));
        if (problem != null) {
            String msg = "PostgreSQL " + JdbcUri.redact(uri) + " not usable (" + problem
                    + "); set ELECTOR_PG_URL to a reachable server";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(msg + " (CI=true: failing instead of skipping)");
            }
            assumeTrue(false, msg + "; skipping");
        }
        return uri;
    }

    private static String problem(JdbcUri uri) {
        URI u = URI.create(uri.jdbcUrl().substring(5));
        try {
            if (!InetAddress.getByName(u.getHost()).isLoopbackAddress()) {
                return "tests only send traffic to loopback addresses";
            }
        } catch (java.io.IOException e) {
            return "unknown host " + u.getHost();
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 1000);
        } catch (java.io.IOException e) {
            return "nothing listens on " + u.getHost() + ":" + u.getPort();
        }
        Properties p = new Properties();
        if (uri.user() != null) {
            p.setProperty("user", uri.user());
        }
        if (uri.password() != null) {
            p.setProperty("password", uri.password());
        }
        try (Connection c = DriverManager.getConnection(uri.jdbcUrl(), p)) {
            c.createStatement().execute("SELECT 1");
        } catch (Exception e) {
            return "cannot log in: " + e.getMessage();
        }
        return null;
    }
}
