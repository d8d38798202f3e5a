package io.elector.jdbc;

import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lease statements of one dialect and table. Each write is one conditional statement (a
 * compare-and-set judged by the database clock) over a whole batch of elections. PostgreSQL binds
 * the batch as arrays and returns what it changed; MySQL/MariaDB and H2 bind one row of parameters
 * per election and report through a nonce (acquire) or the update count (renew).
 */
final class LeaseStatements {

    /** A lease row as read, with {@code live} judged by the database clock. */
    record Row(String holder, long token, String metadata, long acquiredAtMicros, boolean live) {}

    private final Dialect dialect;
    private final String table;
    private final String now;
    private final int queryTimeoutSeconds;

    LeaseStatements(Dialect dialect, String table, int queryTimeoutSeconds) {
        this.dialect = dialect;
        this.table = table;
        this.now = dialect.nowMicros();
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setQueryTimeout(queryTimeoutSeconds);
        return ps;
    }

    private static String placeholders(int n, String each) {
        return String.join(", ", Collections.nCopies(n, each));
    }

    // ---- read ----

    /** The rows of {@code elections} that exist. */
    Map<String, Row> read(Connection c, List<String> elections) throws SQLException {
        String cols = "election, holder, token, metadata, acquired_at, CASE WHEN holder IS NOT NULL AND expires_at > "
                + now + " THEN 1 ELSE 0 END AS live FROM " + table;
        Map<String, Row> out = new HashMap<>();
        if (dialect == Dialect.POSTGRESQL) {
            try (PreparedStatement ps = prepare(c, "SELECT " + cols + " WHERE election = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("varchar", elections.toArray()));
                collect(ps, out);
            }
        } else {
            try (PreparedStatement ps =
                    prepare(c, "SELECT " + cols + " WHERE election IN (" + placeholders(elections.size(), "?") + ")")) {
                for (int i = 0; i < elections.size(); i++) {
                    ps.setString(i + 1, elections.get(i));
                }
                collect(ps, out);
            }
        }
        return out;
    }

    private static void collect(PreparedStatement ps, Map<String, Row> out) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(
                        rs.getString(1),
                        new Row(rs.getString(2), rs.getLong(3), rs.getString(4), rs.getLong(5), rs.getInt(6) == 1));
            }
        }
    }

    /** The live holder of one election, or null. */
    Row readLive(Connection c, String election) throws SQLException {
        try (PreparedStatement ps = prepare(
                c,
                "SELECT holder, token, metadata, acquired_at FROM " + table
                        + " WHERE election = ? AND holder IS NOT NULL AND expires_at > " + now)) {
            ps.setString(1, election);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Row(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), true) : null;
            }
        }
    }

    // ---- acquire ----

    /**
     * Takes each requested lease that is free, expired by the database clock or held by the same
     * candidate; each taken lease gets token + 1 (a new row starts at the database clock in
     * microseconds, so a deleted row never brings a token back). The elections must be distinct.
     *
     * @return the elections taken, with their new tokens
     */
    Map<String, Long> acquire(Connection c, List<LeaseRequest> want, String nonce) throws SQLException {
        return switch (dialect) {
            case POSTGRESQL -> acquirePostgres(c, want);
            case MYSQL -> acquireWithNonce(c, want, nonce, mysqlAcquireSql(want.size()));
            case H2 -> acquireWithNonce(c, want, nonce, h2AcquireSql(want.size()));
        };
    }

    private Map<String, Long> acquirePostgres(Connection c, List<LeaseRequest> want) throws SQLException {
        String sql = "INSERT INTO " + table + " AS l (election, holder, token, expires_at, acquired_at, metadata,"
                + " version) SELECT v.election, v.holder, " + now + ", " + now + " + v.ttl, " + now
                + ", v.metadata, 1 FROM unnest(?::varchar[], ?::varchar[], ?::bigint[], ?::text[])"
                + " AS v(election, holder, ttl, metadata)"
                + " ON CONFLICT (election) DO UPDATE SET holder = EXCLUDED.holder, token = l.token + 1,"
                + " expires_at = EXCLUDED.expires_at, acquired_at = EXCLUDED.acquired_at,"
                + " metadata = EXCLUDED.metadata, nonce = NULL, version = l.version + 1"
                + " WHERE l.holder IS NULL OR l.expires_at <= EXCLUDED.acquired_at OR l.holder = EXCLUDED.holder"
                + " RETURNING l.election, l.token";
        int n = want.size();
        Object[] elections = new Object[n];
        Object[] holders = new Object[n];
        Object[] ttls = new Object[n];
        Object[] metadata = new Object[n];
        for (int i = 0; i < n; i++) {
            LeaseRequest r = want.get(i);
            elections[i] = r.election();
            holders[i] = r.candidateId();
            ttls[i] = r.ttl().toNanos() / 1000;
            metadata[i] = MetadataCodec.encode(r.metadata());
        }
        Map<String, Long> won = new HashMap<>();
        try (PreparedStatement ps = prepare(c, sql)) {
            ps.setArray(1, c.createArrayOf("varchar", elections));
            ps.setArray(2, c.createArrayOf("varchar", holders));
            ps.setArray(3, c.createArrayOf("bigint", ttls));
            ps.setArray(4, c.createArrayOf("text", metadata));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    won.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return won;
    }

    private String mysqlAcquireSql(int rows) {
        String row = "(?, ?, " + now + ", " + now + " + ?, " + now + ", ?, ?, 1)";
        String mine = "nonce = VALUES(nonce)";
        return "INSERT INTO " + table + " (election, holder, token, expires_at, acquired_at, metadata, nonce, version)"
                + " VALUES " + placeholders(rows, row)
                // Assignments run left to right on the updated row: the nonce is decided first, from
                // the old values, and every other column follows it.
                + " ON DUPLICATE KEY UPDATE"
                + " nonce = IF(holder IS NULL OR expires_at <= " + now + " OR holder = VALUES(holder),"
                + " VALUES(nonce), nonce),"
                + " token = IF(" + mine + ", token + 1, token),"
                + " holder = IF(" + mine + ", VALUES(holder), holder),"
                + " expires_at = IF(" + mine + ", VALUES(expires_at), expires_at),"
                + " acquired_at = IF(" + mine + ", VALUES(acquired_at), acquired_at),"
                + " metadata = IF(" + mine + ", VALUES(metadata), metadata),"
                + " version = IF(" + mine + ", version + 1, version)";
    }

    private String h2AcquireSql(int rows) {
        String row =
                "(CAST(? AS VARCHAR(128)), CAST(? AS VARCHAR(128)), CAST(? AS BIGINT), CAST(? AS CHARACTER VARYING),"
                        + " CAST(? AS VARCHAR(32)))";
        return "MERGE INTO " + table + " l USING (VALUES " + placeholders(rows, row)
                + ") v(election, holder, ttl, metadata, nonce) ON l.election = v.election"
                + " WHEN MATCHED AND (l.holder IS NULL OR l.expires_at <= " + now + " OR l.holder = v.holder)"
                + " THEN UPDATE SET holder = v.holder, token = l.token + 1, expires_at = " + now + " + v.ttl,"
                + " acquired_at = " + now + ", metadata = v.metadata, nonce = v.nonce, version = l.version + 1"
                + " WHEN NOT MATCHED THEN INSERT (election, holder, token, expires_at, acquired_at, metadata, nonce,"
                + " version) VALUES (v.election, v.holder, " + now + ", " + now + " + v.ttl, " + now
                + ", v.metadata, v.nonce, 1)";
    }

    private Map<String, Long> acquireWithNonce(Connection c, List<LeaseRequest> want, String nonce, String sql)
            throws SQLException {
        try (PreparedStatement ps = prepare(c, sql)) {
            int p = 1;
            for (LeaseRequest r : want) {
                ps.setString(p++, r.election());
                ps.setString(p++, r.candidateId());
                ps.setLong(p++, r.ttl().toNanos() / 1000);
                ps.setString(p++, MetadataCodec.encode(r.metadata()));
                ps.setString(p++, nonce);
            }
            ps.executeUpdate();
        }
        Map<String, Long> won = new HashMap<>();
        try (PreparedStatement ps = prepare(
                c,
                "SELECT election, token FROM " + table + " WHERE nonce = ? AND election IN ("
                        + placeholders(want.size(), "?") + ")")) {
            ps.setString(1, nonce);
            for (int i = 0; i < want.size(); i++) {
                ps.setString(i + 2, want.get(i).election());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    won.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return won;
    }

    // ---- renew ----

    /**
     * Extends every lease still held by its candidate with its token and unexpired by the database
     * clock, by its ttl from the database's now. One statement for the batch.
     *
     * @return the elections renewed
     */
    Set<String> renew(Connection c, List<HeldLease> leases) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            return renewPostgres(c, leases);
        }
        // One statement per distinct ttl (in practice one: a process's elections share settings).
        Map<Long, List<HeldLease>> byTtl = new HashMap<>();
        for (HeldLease l : leases) {
            byTtl.computeIfAbsent(l.ttl().toNanos() / 1000, k -> new ArrayList<>())
                    .add(l);
        }
        Set<String> renewed = new HashSet<>();
        for (Map.Entry<Long, List<HeldLease>> e : byTtl.entrySet()) {
            renewed.addAll(renewSameTtl(c, e.getKey(), e.getValue()));
        }
        return renewed;
    }

    private Set<String> renewPostgres(Connection c, List<HeldLease> leases) throws SQLException {
        String sql = "UPDATE " + table + " AS l SET expires_at = " + now + " + v.ttl, version = l.version + 1"
                + " FROM unnest(?::varchar[], ?::varchar[], ?::bigint[], ?::bigint[]) AS v(election, holder, token, ttl)"
                + " WHERE l.election = v.election AND l.holder = v.holder AND l.token = v.token"
                + " AND l.expires_at > " + now + " RETURNING l.election";
        int n = leases.size();
        Object[] elections = new Object[n];
        Object[] holders = new Object[n];
        Object[] tokens = new Object[n];
        Object[] ttls = new Object[n];
        for (int i = 0; i < n; i++) {
            HeldLease l = leases.get(i);
            elections[i] = l.election();
            holders[i] = l.candidateId();
            tokens[i] = l.token();
            ttls[i] = l.ttl().toNanos() / 1000;
        }
        Set<String> renewed = new HashSet<>();
        try (PreparedStatement ps = prepare(c, sql)) {
            ps.setArray(1, c.createArrayOf("varchar", elections));
            ps.setArray(2, c.createArrayOf("varchar", holders));
            ps.setArray(3, c.createArrayOf("bigint", tokens));
            ps.setArray(4, c.createArrayOf("bigint", ttls));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    renewed.add(rs.getString(1));
                }
            }
        }
        return renewed;
    }

    private Set<String> renewSameTtl(Connection c, long ttlMicros, List<HeldLease> leases) throws SQLException {
        int n = leases.size();
        String sql = "UPDATE " + table + " SET expires_at = " + now + " + ?, version = version + 1"
                + " WHERE expires_at > " + now + " AND election IN (" + placeholders(n, "?") + ")"
                + " AND (election, holder, token) IN (" + placeholders(n, "(?, ?, ?)") + ")";
        int count;
        try (PreparedStatement ps = prepare(c, sql)) {
            int p = 1;
            ps.setLong(p++, ttlMicros);
            for (HeldLease l : leases) {
                ps.setString(p++, l.election());
            }
            for (HeldLease l : leases) {
                ps.setString(p++, l.election());
                ps.setString(p++, l.candidateId());
                ps.setLong(p++, l.token());
            }
            count = ps.executeUpdate();
        }
        Set<String> renewed = new HashSet<>();
        if (count == n) {
            for (HeldLease l : leases) {
                renewed.add(l.election());
            }
            return renewed;
        }
        // Some were not renewed: read back which. A row that still shows this holder and token and is
        // live was renewed by the statement above: an unrenewed lease was expired or taken, and
        // neither can become live again with the same token.
        List<String> names = new ArrayList<>(n);
        for (HeldLease l : leases) {
            names.add(l.election());
        }
        Map<String, Row> rows = read(c, names);
        for (HeldLease l : leases) {
            Row r = rows.get(l.election());
            if (r != null && r.live() && l.candidateId().equals(r.holder()) && r.token() == l.token()) {
                renewed.add(l.election());
            }
        }
        return renewed;
    }

    // ---- release ----

    /**
     * Gives up a lease if still held with that token, keeping the row (and so the token). On
     * PostgreSQL the same statement sends a NOTIFY on {@code channel} with {@code election|token}.
     *
     * @return true if released
     */
    boolean release(Connection c, HeldLease l, String channel) throws SQLException {
        String update = "UPDATE " + table + " SET holder = NULL, expires_at = " + now + ", version = version + 1"
                + " WHERE election = ? AND holder = ? AND token = ?";
        if (dialect == Dialect.POSTGRESQL) {
            try (PreparedStatement ps = prepare(
                    c,
                    "WITH r AS (" + update + " RETURNING election, token)"
                            + " SELECT pg_notify(?, election || '|' || token) FROM r")) {
                ps.setString(1, l.election());
                ps.setString(2, l.candidateId());
                ps.setLong(3, l.token());
                ps.setString(4, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }
        try (PreparedStatement ps = prepare(c, update)) {
            ps.setString(1, l.election());
            ps.setString(2, l.candidateId());
            ps.setLong(3, l.token());
            return ps.executeUpdate() > 0;
        }
    }
}
