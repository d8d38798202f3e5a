package io.elector.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * The SQL that differs between databases. Every timestamp in the lease table is the database's own
 * clock in microseconds since the epoch ({@link #nowMicros()}), so expiry never depends on a
 * client's clock and comparisons are plain integer comparisons on every database.
 */
enum Dialect {
    POSTGRESQL("postgresql", "(EXTRACT(EPOCH FROM now()) * 1000000)::BIGINT", "TEXT", ""),
    MYSQL(
            "mysql",
            "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6))",
            "TEXT",
            " CHARACTER SET ascii COLLATE ascii_bin"),
    H2(
            "h2",
            "DATEDIFF(MICROSECOND, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', CURRENT_TIMESTAMP(6))",
            "CHARACTER VARYING",
            "");

    private final String kind;
    private final String nowMicros;
    private final String textType;
    private final String nameCollation;

    Dialect(String kind, String nowMicros, String textType, String nameCollation) {
        this.kind = kind;
        this.nowMicros = nowMicros;
        this.textType = textType;
        this.nameCollation = nameCollation;
    }

    /** The name used in logs and in {@code Backend.kind()}. */
    String kind() {
        return kind;
    }

    /** An SQL expression: the database clock in microseconds since the epoch, fixed per statement. */
    String nowMicros() {
        return nowMicros;
    }

    /**
     * Rows per statement. PostgreSQL binds arrays; MySQL/MariaDB bind one parameter per value, at
     * most 65,535 per prepared statement, and the widest statement (acquire) binds 5 per row, so
     * 4,000 rows stay well inside that and inside the default 16 MiB packet (10,000 leases renew in
     * 3 statements); H2 plans long IN lists and row-value lists slowly (about 60 ms per 500 on a
     * busy machine), so it gets short statements.
     */
    int maxRowsPerStatement() {
        return switch (this) {
            case POSTGRESQL -> 20_000;
            case MYSQL -> 4_000;
            case H2 -> 100;
        };
    }

    /** The dialect of the database behind {@code c}. */
    static Dialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return POSTGRESQL;
        }
        if (p.contains("mariadb") || p.contains("mysql")) {
            return MYSQL;
        }
        if (p.equals("h2")) {
            return H2;
        }
        throw new SQLException(
                "unsupported database '" + product + "': elector-jdbc supports PostgreSQL," + " MySQL/MariaDB and H2");
    }

    /**
     * The statements that create the lease table if it is absent. The files under {@code
     * io/elector/jdbc/schema/} are these statements for the default table names.
     */
    List<String> createLeaseTable(String table) {
        String name = "VARCHAR(128)" + nameCollation;
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " (\n"
                + "    election    " + name + " NOT NULL PRIMARY KEY,\n"
                + "    holder      " + name + ",\n"
                + "    token       BIGINT NOT NULL,\n"
                + "    expires_at  BIGINT NOT NULL,\n"
                + "    acquired_at BIGINT NOT NULL,\n"
                + "    metadata    " + textType + " NOT NULL,\n"
                + "    nonce       VARCHAR(32),\n"
                + "    version     BIGINT NOT NULL\n"
                + ")" + (this == MYSQL ? " ENGINE=InnoDB" : ""));
    }

    /** The statements that create the fence table (guard rows of fenced writes) if absent. */
    List<String> createFenceTable(String table) {
        String name = "VARCHAR(255)" + nameCollation;
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " (\n"
                + "    resource " + name + " NOT NULL PRIMARY KEY,\n"
                + "    token    BIGINT NOT NULL,\n"
                + "    writes   BIGINT NOT NULL\n"
                + ")" + (this == MYSQL ? " ENGINE=InnoDB" : ""));
    }

    /** The shipped schema file for this dialect. */
    String schemaResource() {
        return "/io/elector/jdbc/schema/" + kind + ".sql";
    }
}
