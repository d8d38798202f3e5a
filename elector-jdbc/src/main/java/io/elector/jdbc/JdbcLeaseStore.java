package io.elector.jdbc;

import io.elector.api.LeaderInfo;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.LeaseStoreException;
import io.elector.spi.ReleaseNotice;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LeaseStore} on a relational database: PostgreSQL, MySQL/MariaDB or H2 behind any {@link
 * DataSource}. Wrap it with {@code io.elector.core.LeaseBackend.of(store)} (or use {@link
 * JdbcBackend}).
 *
 * <p><b>Table.</b> One row per election (default table {@value #DEFAULT_TABLE}): election, holder,
 * fencing token, expiry and acquisition time (both the database clock in microseconds since the
 * epoch), metadata and a version counter. Created when absent unless {@link
 * Builder#createTable(boolean)} is off; the same DDL ships as {@code
 * io/elector/jdbc/schema/<dialect>.sql}.
 *
 * <p><b>Statements.</b> Acquire, renew and release are each one conditional statement (a
 * compare-and-set) whose expiry test uses the database clock, never this JVM's. A batch of
 * elections costs one statement: renewing every lease of a process is one {@code UPDATE}. Acquire
 * first reads the batch's rows and only writes if some lease looks free, so a waiting candidate
 * costs one read per retry interval. A taken lease always gets token + 1; release keeps the row
 * and its token, and a row created anew starts at the database clock in microseconds, so a token is
 * never reused even if an operator deletes rows.
 *
 * <p><b>Time bounds.</b> Every call gives up after the statement timeout (default 2 s): the
 * statement has a query timeout, and the call itself is abandoned and its connection aborted at the
 * same bound, which also covers a blackholed network where a cancel request never arrives.
 * Failures become {@link LeaseStoreException}.
 *
 * <p><b>Release notifications</b> (hints only, see {@link Builder#releaseNotifications(boolean)}):
 * PostgreSQL LISTEN/NOTIFY; MySQL/MariaDB named locks ({@link NamedLockHints}).
 *
 * <p>Not promised: fast takeover when a holder's connection drops; a crashed holder is replaced
 * when its lease expires (see the module README for why a connection-bound lock cannot safely do
 * better). Thread-safe.
 */
public final class JdbcLeaseStore implements LeaseStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcLeaseStore.class);

    /** The default lease table name. */
    public static final String DEFAULT_TABLE = "elector_lease";
    /** The default bound on every database call. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(2);

    private final DataSource dataSource;
    private final String table;
    private final boolean createTable;
    private final boolean notifications;
    private final int hintWaiters;
    private final NamedLockHints.Connector hintConnections;
    private final BoundedCalls calls;
    private final AutoCloseable onClose;
    private final List<Consumer<ReleaseNotice>> releaseListeners = new CopyOnWriteArrayList<>();

    private volatile Dialect dialect;
    private volatile LeaseStatements statements;
    private PgReleaseListener pgListener;
    private volatile NamedLockHints lockHints;
    private boolean closed;

    private JdbcLeaseStore(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.table;
        this.createTable = b.createTable;
        this.notifications = b.notifications;
        this.hintWaiters = b.hintWaiters;
        this.hintConnections = b.hintConnections != null ? b.hintConnections : defaultHintConnections(b);
        this.dialect = b.dialect;
        this.onClose = b.onClose;
        this.calls = new BoundedCalls(b.dataSource, b.statementTimeout, "elector-jdbc-" + table);
    }

    /**
     * Hint connections are held for long; taken from a bounded pool they could starve the lease
     * statements. A HikariCP pool's settings give a connection outside it; other data sources are
     * asked for a connection (size such a pool for 1 + {@code releaseHintWaiters} more).
     */
    private static NamedLockHints.Connector defaultHintConnections(Builder b) {
        DataSource ds = b.dataSource;
        Duration timeout = b.statementTimeout;
        return () -> {
            if (ds.isWrapperFor(com.zaxxer.hikari.HikariDataSource.class)) {
                com.zaxxer.hikari.HikariDataSource pool = ds.unwrap(com.zaxxer.hikari.HikariDataSource.class);
                if (pool.getJdbcUrl() != null) {
                    return JdbcBackend.hintConnection(pool, timeout);
                }
            }
            return ds.getConnection();
        };
    }

    /** A builder for a store on {@code dataSource}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The lease table name. */
    public String table() {
        return table;
    }

    /** {@code postgresql}, {@code mysql} or {@code h2}; {@code jdbc} until the database was reached. */
    @Override
    public String kind() {
        Dialect d = dialect;
        return d == null ? "jdbc" : d.kind();
    }

    /** Reaches the database, detects its dialect and creates the table if needed. */
    public void initialize() throws LeaseStoreException {
        calls.call("initialize", c -> {
            statements(c);
            return null;
        });
    }

    private LeaseStatements statements(Connection c) throws SQLException {
        LeaseStatements s = statements;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (statements == null) {
                Dialect d = dialect != null ? dialect : Dialect.of(c);
                if (createTable) {
                    Schema.ensure(c, table, d.createLeaseTable(table), calls.queryTimeoutSeconds());
                }
                dialect = d;
                statements = new LeaseStatements(d, table, calls.queryTimeoutSeconds());
                startListenerIfNeeded();
            }
            return statements;
        }
    }

    @Override
    public List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException {
        if (requests.isEmpty()) {
            return List.of();
        }
        long sent = System.nanoTime();
        List<AcquireResult> results = calls.call("acquire", c -> {
            LeaseStatements s = statements(c);
            List<AcquireResult> out = new ArrayList<>(requests.size());
            for (List<LeaseRequest> round : distinctRounds(requests)) {
                for (List<LeaseRequest> chunk : chunks(round, dialect.maxRowsPerStatement())) {
                    out.addAll(acquireChunk(c, s, chunk));
                }
            }
            return out;
        });
        NamedLockHints h = lockHints;
        if (h != null) {
            Map<String, Duration> ttls = new HashMap<>();
            for (LeaseRequest r : requests) {
                ttls.putIfAbsent(r.election(), r.ttl());
            }
            long now = System.nanoTime();
            for (AcquireResult r : results) {
                Duration ttl = ttls.get(r.election());
                if (r.acquired()) {
                    h.acquired(r.election(), r.token(), ttl, sent);
                } else {
                    h.observed(r.election(), r.holder(), ttl, now);
                }
            }
        }
        return results;
    }

    /** A unique-key violation: SQLState 23505 (PostgreSQL, H2) or MySQL/MariaDB error 1062. */
    private static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062;
    }

    private List<AcquireResult> acquireChunk(Connection c, LeaseStatements s, List<LeaseRequest> chunk)
            throws SQLException {
        List<String> names = new ArrayList<>(chunk.size());
        for (LeaseRequest r : chunk) {
            names.add(r.election());
        }
        Map<String, LeaseStatements.Row> rows = s.read(c, names);
        List<LeaseRequest> want = new ArrayList<>();
        for (LeaseRequest r : chunk) {
            LeaseStatements.Row row = rows.get(r.election());
            if (row == null || !row.live() || r.candidateId().equals(row.holder())) {
                want.add(r);
            }
        }
        Map<String, Long> won;
        try {
            won = want.isEmpty() ? Map.of() : s.acquire(c, want, nonce());
        } catch (SQLException e) {
            if (!isDuplicateKey(e)) {
                throw e;
            }
            // H2's MERGE is not atomic against another process inserting the same new election's
            // row at the same moment: that row exists now, so the same statement takes its matched
            // path (and judges the other candidate's fresh lease like any other).
            won = s.acquire(c, want, nonce());
        }
        List<String> raced = new ArrayList<>();
        for (LeaseRequest r : want) {
            if (!won.containsKey(r.election())) {
                raced.add(r.election());
            }
        }
        if (!raced.isEmpty()) {
            // Another candidate took these between our read and our write: report who.
            rows = new HashMap<>(rows);
            rows.putAll(s.read(c, raced));
        }
        List<AcquireResult> out = new ArrayList<>(chunk.size());
        for (LeaseRequest r : chunk) {
            Long token = won.get(r.election());
            if (token != null) {
                out.add(AcquireResult.acquired(r.election(), token));
            } else {
                LeaseStatements.Row row = rows.get(r.election());
                out.add(AcquireResult.heldBy(r.election(), row != null && row.live() ? info(r.election(), row) : null));
            }
        }
        return out;
    }

    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        if (leases.isEmpty()) {
            return Set.of();
        }
        long sent = System.nanoTime();
        Set<String> result = calls.call("renew", c -> {
            LeaseStatements s = statements(c);
            Set<String> renewed = new HashSet<>();
            for (List<HeldLease> chunk : chunks(leases, dialect.maxRowsPerStatement())) {
                renewed.addAll(s.renew(c, chunk));
            }
            return renewed;
        });
        NamedLockHints h = lockHints;
        if (h != null) {
            for (HeldLease l : leases) {
                h.renewed(l.election(), l.token(), result.contains(l.election()), sent);
            }
        }
        return result;
    }

    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        boolean released;
        try {
            released = calls.call("release", c -> statements(c).release(c, lease, channel()));
        } finally {
            // Right after the release statement (also when it failed: the hint is only a hint).
            NamedLockHints h = lockHints;
            if (h != null) {
                h.released(lease.election(), lease.token());
            }
        }
        if (released) {
            notifyReleased(ReleaseNotice.of(lease.election(), lease.token()));
        }
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
        LeaseStatements.Row row = calls.call("read", c -> statements(c).readLive(c, election));
        return row == null ? Optional.empty() : Optional.of(info(election, row));
    }

    /**
     * Release notifications: releases made through this store are reported at once; on PostgreSQL,
     * releases by other processes arrive through LISTEN/NOTIFY on one extra connection; on
     * MySQL/MariaDB through named-lock hints ({@link NamedLockHints}) on one connection plus one per
     * watched election (at most {@link Builder#releaseHintWaiters(int)}).
     */
    @Override
    public AutoCloseable onReleased(Consumer<String> listener) {
        Objects.requireNonNull(listener, "listener");
        return onReleaseNotice(notice -> listener.accept(notice.election()));
    }

    /**
     * As {@link #onReleased}; notices carry the released token for releases made through this store
     * and, on PostgreSQL, for those of other processes. MySQL/MariaDB named-lock hints carry none.
     */
    @Override
    public AutoCloseable onReleaseNotice(Consumer<ReleaseNotice> listener) {
        Objects.requireNonNull(listener, "listener");
        releaseListeners.add(listener);
        synchronized (this) {
            startListenerIfNeeded();
        }
        return () -> releaseListeners.remove(listener);
    }

    private void startListenerIfNeeded() {
        if (notifications && !closed && lockHints == null && dialect == Dialect.MYSQL && !releaseListeners.isEmpty()) {
            NamedLockHints h = new NamedLockHints(
                    hintConnections, table, hintWaiters, calls.queryTimeoutSeconds(), this::notifyReleased);
            h.start();
            lockHints = h;
        }
        if (notifications
                && !closed
                && pgListener == null
                && dialect == Dialect.POSTGRESQL
                && !releaseListeners.isEmpty()) {
            pgListener = new PgReleaseListener(dataSource, channel(), this::notifyReleased);
            pgListener.start();
        }
    }

    private void notifyReleased(ReleaseNotice notice) {
        for (Consumer<ReleaseNotice> l : releaseListeners) {
            l.accept(notice);
        }
    }

    private String channel() {
        String c = ("elector_" + table.replace('.', '_')).toLowerCase(Locale.ROOT);
        return c.length() > 63 ? c.substring(0, 63) : c;
    }

    /** The MySQL/MariaDB release hints, if running (for tests). */
    NamedLockHints lockHints() {
        return lockHints;
    }

    @Override
    public void close() {
        PgReleaseListener l;
        NamedLockHints h;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            l = pgListener;
            pgListener = null;
            h = lockHints;
            lockHints = null;
        }
        if (l != null) {
            l.close();
        }
        if (h != null) {
            h.close();
        }
        calls.close();
        if (onClose != null) {
            try {
                onClose.close();
            } catch (Exception e) {
                log.warn("closing the connection pool of the {} lease store failed: {}", kind(), e.toString());
            }
        }
    }

    private static LeaderInfo info(String election, LeaseStatements.Row row) {
        return new LeaderInfo(
                election,
                row.holder(),
                row.token(),
                MetadataCodec.decode(row.metadata()),
                Instant.EPOCH.plus(row.acquiredAtMicros(), ChronoUnit.MICROS));
    }

    private static String nonce() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
    }

    /** Splits requests so that no election appears twice in one statement (upserts need distinct keys). */
    private static List<List<LeaseRequest>> distinctRounds(List<LeaseRequest> requests) {
        List<Map<String, LeaseRequest>> rounds = new ArrayList<>();
        for (LeaseRequest r : requests) {
            Map<String, LeaseRequest> target = null;
            for (Map<String, LeaseRequest> round : rounds) {
                if (!round.containsKey(r.election())) {
                    target = round;
                    break;
                }
            }
            if (target == null) {
                target = new LinkedHashMap<>();
                rounds.add(target);
            }
            target.put(r.election(), r);
        }
        List<List<LeaseRequest>> out = new ArrayList<>(rounds.size());
        for (Map<String, LeaseRequest> round : rounds) {
            out.add(new ArrayList<>(round.values()));
        }
        return out;
    }

    private static <T> List<List<T>> chunks(List<T> items, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return out;
    }

    /** Configures a {@link JdbcLeaseStore}; every value is validated when set. */
    public static final class Builder {
        private final DataSource dataSource;
        private String table = DEFAULT_TABLE;
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
        private boolean createTable = true;
        private boolean notifications = true;
        private int hintWaiters = NamedLockHints.DEFAULT_MAX_WAITERS;
        private NamedLockHints.Connector hintConnections;
        private Dialect dialect;
        private AutoCloseable onClose;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** The lease table (default {@value #DEFAULT_TABLE}); {@code schema.table} is allowed. */
        public Builder table(String table) {
            this.table = Schema.checkTableName("table", table);
            return this;
        }

        /**
         * The bound on every database call, 100 ms to 60 s (default 2 s). Keep it well below the
         * lease duration, so that a slow renewal is retried before the lease runs out.
         */
        public Builder statementTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "statementTimeout");
            if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("statementTimeout must be between 100ms and 60s: " + timeout);
            }
            this.statementTimeout = timeout;
            return this;
        }

        /** Whether to create the table when absent (default true). */
        public Builder createTable(boolean create) {
            this.createTable = create;
            return this;
        }

        /**
         * Whether waiting candidates learn of releases by other processes at once (default true):
         * on PostgreSQL by LISTEN/NOTIFY on one extra connection, on MySQL/MariaDB by named-lock
         * hints on one extra connection plus one per watched election (see {@link
         * #releaseHintWaiters(int)}). Off: they see a release at their next retry.
         */
        public Builder releaseNotifications(boolean enabled) {
            this.notifications = enabled;
            return this;
        }

        /**
         * MySQL/MariaDB: how many elections one process watches for releases at most, each with a
         * thread and a connection of its own, 0 to 64 (default {@value NamedLockHints#DEFAULT_MAX_WAITERS}).
         * Waiting on more elections than this, the others hand over at the retry interval. 0
         * still keeps locks for the elections this process holds, so that others are told.
         */
        public Builder releaseHintWaiters(int max) {
            if (max < 0 || max > 64) {
                throw new IllegalArgumentException("releaseHintWaiters must be between 0 and 64: " + max);
            }
            this.hintWaiters = max;
            return this;
        }

        /** Where MySQL hint connections come from (default: the data source). */
        Builder hintConnections(NamedLockHints.Connector connector) {
            this.hintConnections = connector;
            return this;
        }

        Builder dialect(Dialect d) {
            this.dialect = d;
            return this;
        }

        /** Something to close with the store (the pool built from a backend URI). */
        Builder closing(AutoCloseable resource) {
            this.onClose = resource;
            return this;
        }

        public JdbcLeaseStore build() {
            return new JdbcLeaseStore(this);
        }
    }
}
