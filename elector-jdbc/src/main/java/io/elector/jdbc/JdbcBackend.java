package io.elector.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.elector.core.LeaseBackend;
import io.elector.spi.Backend;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Entry points: a backend over your own {@link DataSource}, or over a pool built from a backend URI
 * ({@code postgresql://127.0.0.1:5432/test?user=postgres}, {@code mysql://root@127.0.0.1:3306/test},
 * {@code h2:tcp://127.0.0.1:9092/./elector}, {@code h2:mem:elector}; see {@link JdbcUri}).
 *
 * <pre>{@code
 * Backend backend = JdbcBackend.create(dataSource);            // default table elector_lease
 * Elector elector = Elector.builder(backend).candidateId("a").build();
 * }</pre>
 */
public final class JdbcBackend {
    private JdbcBackend() {}

    /** A backend on {@code dataSource} with the default table and timeouts. Closing it does not close the DataSource. */
    public static Backend create(DataSource dataSource) {
        return LeaseBackend.of(JdbcLeaseStore.builder(dataSource).build());
    }

    /** A backend on a configured store; closing the backend closes the store. */
    public static Backend create(JdbcLeaseStore store) {
        return LeaseBackend.of(store);
    }

    /** True if {@link #fromUri} accepts {@code uri}. */
    public static boolean handles(String uri) {
        return JdbcUri.handles(uri);
    }

    /**
     * A backend on its own small HikariCP pool built from {@code uri}; closing the backend closes
     * the pool. The database need not be up yet: calls fail (and are retried by the engine) until
     * it is.
     *
     * @throws IllegalArgumentException if the URI is malformed (the message never shows a password)
     */
    public static Backend fromUri(String uri) {
        return LeaseBackend.of(storeFromUri(JdbcUri.parse(uri)));
    }

    /** As {@link #fromUri(String)}, returning the store itself. */
    public static JdbcLeaseStore storeFromUri(JdbcUri uri) {
        HikariDataSource pool = dataSource(uri);
        return JdbcLeaseStore.builder(pool)
                .table(uri.table())
                .statementTimeout(uri.statementTimeout())
                .dialect(uri.dialect())
                .hintConnections(() -> hintConnection(uri))
                .closing(pool)
                .build();
    }

    /**
     * A connection outside the pool for MySQL release hints: the hint connections are held for long
     * (a lock holder, waiters blocked in {@code GET_LOCK}) and must never take the pool's
     * connections from the lease statements. Its socket timeout lets a waiter's wait finish.
     */
    static java.sql.Connection hintConnection(JdbcUri uri) throws java.sql.SQLException {
        return hintConnection(
                uri.jdbcUrl(), uri.user(), uri.password(), uri.driverProperties(), uri.statementTimeout());
    }

    /** As {@link #hintConnection(JdbcUri)}, for the settings of a HikariCP pool the caller built. */
    static java.sql.Connection hintConnection(HikariDataSource pool, Duration statementTimeout)
            throws java.sql.SQLException {
        return hintConnection(
                pool.getJdbcUrl(),
                pool.getUsername(),
                pool.getPassword(),
                pool.getDataSourceProperties(),
                statementTimeout);
    }

    private static java.sql.Connection hintConnection(
            String jdbcUrl, String user, String password, Map<?, ?> driverProps, Duration statementTimeout)
            throws java.sql.SQLException {
        java.util.Properties p = new java.util.Properties();
        p.putAll(driverProps);
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        long timeoutMs = statementTimeout.toMillis();
        p.setProperty("connectTimeout", String.valueOf(timeoutMs));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("socketTimeout", String.valueOf(NamedLockHints.WAIT_SECONDS * 1000L + 2 * timeoutMs + 1000));
        return java.sql.DriverManager.getConnection(jdbcUrl, p);
    }

    /**
     * A small HikariCP pool for {@code uri}: four connections at most, connection and validation
     * timeouts bounded by the statement timeout, started even if the database is down.
     */
    public static HikariDataSource dataSource(JdbcUri uri) {
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("elector-" + uri.kind());
        cfg.setJdbcUrl(uri.jdbcUrl());
        if (uri.user() != null) {
            cfg.setUsername(uri.user());
        }
        if (uri.password() != null) {
            cfg.setPassword(uri.password());
        }
        long timeoutMs = uri.statementTimeout().toMillis();
        cfg.setMaximumPoolSize(4);
        cfg.setMinimumIdle(1);
        cfg.setConnectionTimeout(Math.max(250, timeoutMs));
        cfg.setValidationTimeout(Math.max(250, Math.min(timeoutMs, 1000)));
        cfg.setInitializationFailTimeout(-1);
        int connectSeconds = (int) Math.max(1, (timeoutMs + 999) / 1000);
        if (uri.kind().equals("postgresql")) {
            cfg.addDataSourceProperty("connectTimeout", String.valueOf(connectSeconds));
            cfg.addDataSourceProperty("tcpKeepAlive", "true");
            cfg.addDataSourceProperty("ApplicationName", "elector");
            // A read blocked on a half-open socket ends on its own (calls are abandoned earlier).
            cfg.addDataSourceProperty("socketTimeout", String.valueOf(2 * connectSeconds + 1));
        } else if (uri.kind().equals("mysql")) {
            cfg.addDataSourceProperty("connectTimeout", String.valueOf(timeoutMs));
            cfg.addDataSourceProperty("tcpKeepAlive", "true");
            cfg.addDataSourceProperty("socketTimeout", String.valueOf(2 * timeoutMs + 1000));
        }
        for (Map.Entry<String, String> e : uri.driverProperties().entrySet()) {
            cfg.addDataSourceProperty(e.getKey(), e.getValue());
        }
        return new HikariDataSource(cfg);
    }
}
