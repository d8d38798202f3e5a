package io.elector.jdbc;

import io.elector.api.FencedResource;
import io.elector.api.Names;
import io.elector.api.StaleTokenException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A fenced resource in a relational database: one guard row per resource holding the highest
 * fencing token that has written. The guard goes <em>inside</em> the user's own transaction:
 *
 * <pre>{@code
 * JdbcFencedResource weather = JdbcFencedResource.create(dataSource, "weather");
 * try (Connection c = dataSource.getConnection()) {
 *     c.setAutoCommit(false);
 *     weather.guard(leadership).check(c);   // throws StaleTokenException if a newer leader wrote
 *     ... the user's writes on c ...
 *     c.commit();
 * }
 * }</pre>
 *
 * {@link Guard#check} runs {@code UPDATE guard SET token = t WHERE resource = r AND token <= t}.
 * The updated row stays locked until the transaction ends, so fenced writers of one resource are
 * serialized in token order: a newer leader waits for an older one's transaction, and once a newer
 * token has committed an older one matches no row and gets {@link StaleTokenException} — the
 * caller then rolls back, and its writes in that transaction never become visible. {@link
 * Guard#write} does the whole begin/check/work/commit-or-rollback.
 *
 * <p>Works under READ COMMITTED and REPEATABLE READ (MySQL's InnoDB updates read the latest
 * committed row; PostgreSQL raises a serialization error instead, which also aborts the write).
 */
public final class JdbcFencedResource implements FencedResource<JdbcFencedResource.Guard> {
    /** The default guard table name. */
    public static final String DEFAULT_TABLE = "elector_fence";

    private final String name;
    private final String table;
    private volatile Dialect dialect;

    private JdbcFencedResource(String name, String table) {
        this.name = Names.election(name);
        this.table = Schema.checkTableName("table", table);
    }

    /**
     * A resource guarded in {@code table}, which must exist (see {@link #createTable}). Resource
     * names follow the election-name rules.
     */
    public static JdbcFencedResource of(String name, String table) {
        return new JdbcFencedResource(name, table);
    }

    /** A resource in the default table, creating the table on {@code dataSource} if absent. */
    public static JdbcFencedResource create(DataSource dataSource, String name) throws SQLException {
        JdbcFencedResource r = new JdbcFencedResource(name, DEFAULT_TABLE);
        try (Connection c = dataSource.getConnection()) {
            r.createTable(c);
        }
        return r;
    }

    /**
     * Creates the guard table if absent, on {@code c} in auto-commit mode (MySQL commits any open
     * transaction on DDL, so never call this inside your write transaction).
     */
    public void createTable(Connection c) throws SQLException {
        Dialect d = dialect(c);
        Schema.ensure(c, table, d.createFenceTable(table), 10);
    }

    @Override
    public String name() {
        return name;
    }

    /** The guard table. */
    public String table() {
        return table;
    }

    @Override
    public Guard guard(long fencingToken) {
        if (fencingToken <= 0) {
            throw new IllegalArgumentException("fencing token must be positive: " + fencingToken);
        }
        return new Guard(fencingToken);
    }

    private Dialect dialect(Connection c) throws SQLException {
        Dialect d = dialect;
        if (d == null) {
            d = Dialect.of(c);
            dialect = d;
        }
        return d;
    }

    /** The highest token that has written ({@code 0} if none), read on {@code c}. */
    public long currentToken(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT token FROM " + table + " WHERE resource = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** User work inside a fenced transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Permission to write under one fencing token; the check happens inside the write's transaction. */
    public final class Guard {
        private final long token;

        private Guard(long token) {
            this.token = token;
        }

        /** The fencing token this guard writes with. */
        public long token() {
            return token;
        }

        /**
         * Claims the resource for this token inside the caller's open transaction on {@code c}
         * (auto-commit must be off). Locks the guard row until the transaction ends.
         *
         * @throws StaleTokenException if a greater token has already written; roll back then
         * @throws SQLException on a database error
         */
        public void check(Connection c) throws SQLException {
            if (c.getAutoCommit()) {
                throw new IllegalStateException("a fenced write needs a transaction: call"
                        + " connection.setAutoCommit(false) before guard.check(connection)");
            }
            if (claim(c)) {
                return;
            }
            long current = currentToken(c);
            if (current == 0 && !rowExists(c)) {
                insertIfAbsent(c);
                if (claim(c)) {
                    return;
                }
                current = currentToken(c);
            }
            throw new StaleTokenException(name, token, current);
        }

        /**
         * Runs {@code work} in one transaction on {@code c} after {@link #check}: commits if both
         * succeed, rolls back otherwise (and rethrows). Restores the connection's auto-commit mode.
         */
        public <T> T write(Connection c, Work<T> work) throws SQLException {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            boolean done = false;
            try {
                check(c);
                T result = work.run(c);
                c.commit();
                done = true;
                return result;
            } finally {
                if (!done) {
                    c.rollback();
                }
                c.setAutoCommit(auto);
            }
        }

        private boolean claim(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE " + table + " SET token = ?, writes = writes + 1 WHERE resource = ? AND token <= ?")) {
                ps.setLong(1, token);
                ps.setString(2, name);
                ps.setLong(3, token);
                return ps.executeUpdate() == 1;
            }
        }

        private boolean rowExists(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE resource = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }

        private void insertIfAbsent(Connection c) throws SQLException {
            String sql = switch (dialect(c)) {
                case POSTGRESQL ->
                    "INSERT INTO " + table
                            + " (resource, token, writes) VALUES (?, 0, 0) ON CONFLICT (resource) DO NOTHING";
                case MYSQL ->
                    "INSERT INTO " + table
                            + " (resource, token, writes) VALUES (?, 0, 0) ON DUPLICATE KEY UPDATE resource = resource";
                case H2 ->
                    "MERGE INTO " + table + " f USING (VALUES (CAST(? AS VARCHAR(255)))) v(r)"
                            + " ON f.resource = v.r WHEN NOT MATCHED THEN INSERT (resource, token, writes)"
                            + " VALUES (v.r, 0, 0)";
            };
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
        }

        @Override
        public String toString() {
            return "guard of " + name + " with token " + token;
        }
    }

    @Override
    public String toString() {
        return "fenced resource " + name + " in " + table;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, table);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JdbcFencedResource r && r.name.equals(name) && r.table.equals(table);
    }
}
