package io.elector.cli.demo;

import io.elector.api.StaleTokenException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

/**
 * The demo's shared table of readings, written only under a fencing token: the token guard is an
 * {@code UPDATE ... WHERE token <= ?} on a fence row <em>in the same transaction</em> as the insert,
 * so a leader that was replaced (and whose token is therefore smaller than the new leader's) can
 * never add a row after the new leader wrote, even if it was paused between deciding and writing.
 * Portable SQL for H2, PostgreSQL and MySQL/MariaDB.
 */
public final class ReadingsTable {
    static final String FENCE = "elector_demo_fence";
    static final String READINGS = "elector_demo_readings";
    /** Name of the fenced resource (the fence row). */
    public static final String RESOURCE = "weather-readings";

    private final String jdbcUrl;

    /** A stored reading with who wrote it. */
    public record Row(long token, long seq, WeatherReading reading, String writtenBy, long writtenAtMillis) {}

    public ReadingsTable(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl);
        return c;
    }

    /**
     * Creates the tables if absent and empties them: a demo run starts a new Raft cluster whose
     * terms (the tokens) start again at 1.
     */
    public void reset() throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE IF NOT EXISTS " + FENCE
                    + " (resource VARCHAR(64) NOT NULL PRIMARY KEY, token BIGINT NOT NULL)");
            s.executeUpdate("CREATE TABLE IF NOT EXISTS " + READINGS + " (token BIGINT NOT NULL, seq BIGINT NOT NULL,"
                    + " station VARCHAR(200) NOT NULL, temperature_c DOUBLE PRECISION NOT NULL, humidity_pct INT NOT NULL,"
                    + " observed_at VARCHAR(40) NOT NULL, source VARCHAR(20) NOT NULL, written_by VARCHAR(128) NOT NULL,"
                    + " written_at_ms BIGINT NOT NULL, PRIMARY KEY (token, seq))");
            s.executeUpdate("DELETE FROM " + READINGS);
            s.executeUpdate("DELETE FROM " + FENCE);
            try (PreparedStatement p =
                    c.prepareStatement("INSERT INTO " + FENCE + " (resource, token) VALUES (?, 0)")) {
                p.setString(1, RESOURCE);
                p.executeUpdate();
            }
        }
    }

    /**
     * Inserts {@code reading} if no write with a greater token was accepted before, else throws
     * {@link StaleTokenException} and changes nothing.
     */
    public Row write(long token, long seq, WeatherReading reading, String writer) throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                int fenced;
                try (PreparedStatement p =
                        c.prepareStatement("UPDATE " + FENCE + " SET token = ? WHERE resource = ? AND token <= ?")) {
                    p.setLong(1, token);
                    p.setString(2, RESOURCE);
                    p.setLong(3, token);
                    fenced = p.executeUpdate();
                }
                if (fenced != 1) {
                    long current = currentToken(c);
                    c.rollback();
                    throw new StaleTokenException(RESOURCE, token, current);
                }
                long now = System.currentTimeMillis();
                try (PreparedStatement p = c.prepareStatement("INSERT INTO " + READINGS + " (token, seq, station,"
                        + " temperature_c, humidity_pct, observed_at, source, written_by, written_at_ms)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    p.setLong(1, token);
                    p.setLong(2, seq);
                    p.setString(3, reading.station());
                    p.setDouble(4, reading.temperatureC());
                    p.setInt(5, reading.humidityPct());
                    p.setString(6, reading.observedAt().toString());
                    p.setString(7, reading.source());
                    p.setString(8, writer);
                    p.setLong(9, now);
                    p.executeUpdate();
                }
                c.commit();
                return new Row(token, seq, reading, writer, now);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static long currentToken(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT token FROM " + FENCE + " WHERE resource = ?")) {
            p.setString(1, RESOURCE);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** The most recent reading (highest token, then highest sequence number). */
    public Optional<Row> latest() throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT token, seq, station, temperature_c, humidity_pct, observed_at,"
                        + " source, written_by, written_at_ms FROM " + READINGS
                        + " ORDER BY token DESC, seq DESC LIMIT 1")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(row(rs));
        }
    }

    /** Every row in the order written (by token, then sequence number). */
    public java.util.List<Row> all() throws SQLException {
        java.util.List<Row> out = new java.util.ArrayList<>();
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT token, seq, station, temperature_c, humidity_pct, observed_at,"
                        + " source, written_by, written_at_ms FROM " + READINGS
                        + " ORDER BY written_at_ms, token, seq")) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(
                rs.getLong(1),
                rs.getLong(2),
                new WeatherReading(
                        rs.getString(3),
                        rs.getDouble(4),
                        rs.getInt(5),
                        Instant.parse(rs.getString(6)),
                        rs.getString(7)),
                rs.getString(8),
                rs.getLong(9));
    }
}
