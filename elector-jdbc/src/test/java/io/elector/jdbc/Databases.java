package io.elector.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;

/**
 * The real database servers the tests use, overridable by environment variables: {@code
 * ELECTOR_PG_URL} (default {@code postgresql://127.0.0.1:5432/test?user=postgres}) and {@code
 * ELECTOR_MYSQL_URL} (default {@code mysql://root@127.0.0.1:3306/test}). A missing server skips the
 * test with a clear message, except when {@code CI=true}: then it fails.
 */
final class Databases {
    private Databases() {}

    static final String PG_DEFAULT = "postgresql://127.0.0.1:5432/test?user=postgres";
    static final String MYSQL_DEFAULT = "mysql://root@127.0.0.1:3306/test";

    static JdbcUri postgres() {
        return require("ELECTOR_PG_URL", PG_DEFAULT);
    }

    static JdbcUri mysql() {
        return require("ELECTOR_MYSQL_URL", MYSQL_DEFAULT);
    }

    private static JdbcUri require(String env, String fallback) {
        String raw = System.getenv(env);
        JdbcUri uri = JdbcUri.parse(raw == null || raw.isBlank() ? fallback : raw);
        String problem = problem(uri);
        if (problem != null) {
            String msg = uri.kind() + " server " + uri + " not usable (" + problem + "); set " + env
                    + " to a reachable server";
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
        try (Connection c = DriverManager.getConnection(uri.jdbcUrl(), props(uri))) {
            c.createStatement().execute("SELECT 1");
        } catch (Exception e) {
            return "cannot log in: " + e.getMessage();
        }
        return null;
    }

    static Properties props(JdbcUri uri) {
        Properties p = new Properties();
        if (uri.user() != null) {
            p.setProperty("user", uri.user());
        }
        if (uri.password() != null) {
            p.setProperty("password", uri.password());
        }
        return p;
    }

    /** The server's loopback port. */
    static int port(JdbcUri uri) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("//[^/:]+:(\\d+)").matcher(uri.jdbcUrl());
        if (!m.find()) {
            throw new IllegalArgumentException("no host:port in " + uri);
        }
        return Integer.parseInt(m.group(1));
    }

    /** The same JDBC URL pointing at {@code port} on 127.0.0.1 (through a proxy). */
    static String viaPort(JdbcUri uri, int port) {
        return uri.jdbcUrl().replaceFirst("//[^/:]+(:\\d+)?", "//127.0.0.1:" + port);
    }
}
