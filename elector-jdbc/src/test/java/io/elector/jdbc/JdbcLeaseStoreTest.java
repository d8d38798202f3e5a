package io.elector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStoreException;
import io.elector.testkit.TcpProxy;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The store's statements on each real database: compare-and-set, tokens, database clock, batching. */
class JdbcLeaseStoreTest {
    private static final Duration TTL = Duration.ofSeconds(30);
    private final List<AutoCloseable> open = new ArrayList<>();
    private final String table = "lease_t" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);

    static List<Stores.Named> databases() {
        return Stores.all();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            AutoCloseable c = open.get(i);
            if (c instanceof HikariDataSource ds) {
                try (Connection conn = ds.getConnection();
                        Statement st = conn.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS " + table);
                }
            }
            c.close();
        }
    }

    private HikariDataSource pool(Stores.Named db) {
        HikariDataSource ds = db.pool();
        open.add(ds);
        return ds;
    }

    private JdbcLeaseStore store(javax.sql.DataSource ds) {
        JdbcLeaseStore s = JdbcLeaseStore.builder(ds).table(table).build();
        open.add(s);
        return s;
    }

    private static LeaseRequest req(String election, String who, Duration ttl) {
        return new LeaseRequest(election, who, Map.of("address", who + ":80", "note", "a b&c=d"), ttl);
    }

    private static AcquireResult one(JdbcLeaseStore s, LeaseRequest r) throws LeaseStoreException {
        List<AcquireResult> out = s.tryAcquire(List.of(r));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private void exec(javax.sql.DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void acquireIsExclusiveAndEveryNewLeadershipGetsAGreaterToken(Stores.Named db) throws Exception {
        HikariDataSource ds = pool(db);
        JdbcLeaseStore a = store(ds);
        JdbcLeaseStore b = store(ds);
        AcquireResult first = one(a, req("e1", "a", TTL));
        assertThat(first.acquired()).isTrue();
        assertThat(first.token()).isPositive();

        AcquireResult refused = one(b, req("e1", "b", TTL));
        assertThat(refused.acquired()).isFalse();
        assertThat(refused.holder().candidateId()).isEqualTo("a");
        assertThat(refused.holder().fencingToken()).isEqualTo(first.token());
        assertThat(refused.holder().metadata()).containsEntry("note", "a b&c=d");
        assertThat(b.read("e1")).map(l -> l.candidateId()).contains("a");

        assertThat(a.renew(List.of(new HeldLease("e1", "a", first.token(), TTL))))
                .containsExactly("e1");
        assertThat(b.renew(List.of(new HeldLease("e1", "b", first.token(), TTL))))
                .isEmpty();
        assertThat(a.renew(List.of(new HeldLease("e1", "a", first.token() - 1, TTL))))
                .isEmpty();

        b.release(new HeldLease("e1", "b", first.token(), TTL)); // not b's: no effect
        assertThat(a.read("e1")).isPresent();
        a.release(new HeldLease("e1", "a", first.token(), TTL));
        assertThat(a.read("e1")).isEmpty();

        AcquireResult second = one(b, req("e1", "b", TTL));
        assertThat(second.acquired()).isTrue();
        assertThat(second.token()).isEqualTo(first.token() + 1);
        // The same holder acquiring again also gets a new token.
        assertThat(one(b, req("e1", "b", TTL)).token()).isEqualTo(first.token() + 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void tokenNeverComesBackAfterTheRowIsDeleted(Stores.Named db) throws Exception {
        HikariDataSource ds = pool(db);
        JdbcLeaseStore s = store(ds);
        long t1 = one(s, req("e2", "a", TTL)).token();
        long t2 = one(s, req("e2", "a", TTL)).token();
        exec(ds, "DELETE FROM " + table);
        long t3 = one(s, req("e2", "b", TTL)).token();
        assertThat(t2).isGreaterThan(t1);
        assertThat(t3).isGreaterThan(t2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void expiryIsJudgedByTheDatabaseClock(Stores.Named db) throws Exception {
        HikariDataSource ds = pool(db);
        JdbcLeaseStore s = store(ds);
        long t = one(s, req("e3", "a", TTL)).token();
        String now = s.kind().equals("postgresql")
                ? Dialect.POSTGRESQL.nowMicros()
                : s.kind().equals("mysql") ? Dialect.MYSQL.nowMicros() : Dialect.H2.nowMicros();
        // Expire the row by the database's clock: b may take it although a's ttl (30 s) has not run out.
        exec(ds, "UPDATE " + table + " SET expires_at = " + now + " - 1 WHERE election = 'e3'");
        assertThat(s.read("e3")).isEmpty();
        assertThat(s.renew(List.of(new HeldLease("e3", "a", t, TTL)))).isEmpty();
        AcquireResult b = one(s, req("e3", "b", TTL));
        assertThat(b.acquired()).isTrue();
        // And a row unexpired by the database clock is held, whatever the requests' ttl.
        exec(ds, "UPDATE " + table + " SET expires_at = " + now + " + 60000000 WHERE election = 'e3'");
        assertThat(one(s, req("e3", "c", Duration.ofMillis(1))).acquired()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void oneStatementRenewsAThousandLeases(Stores.Named db) throws Exception {
        CountingDataSource counting = new CountingDataSource(pool(db));
        // Counts statements, not speed: a generous bound for a busy machine.
        JdbcLeaseStore s = JdbcLeaseStore.builder(counting)
                .table(table)
                .statementTimeout(Duration.ofSeconds(20))
                .build();
        open.add(s);
        s.initialize();
        List<LeaseRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            reqs.add(req("batch-" + i, "a", TTL));
        }
        long before = counting.statements();
        List<AcquireResult> got = s.tryAcquire(reqs);
        long acquireStatements = counting.statements() - before;
        assertThat(got).allMatch(AcquireResult::acquired);
        List<HeldLease> held = new ArrayList<>();
        for (AcquireResult r : got) {
            held.add(new HeldLease(r.election(), "a", r.token(), TTL));
        }
        before = counting.statements();
        Set<String> renewed = s.renew(held);
        long renewStatements = counting.statements() - before;
        assertThat(renewed).hasSize(1000);
        // PostgreSQL binds arrays (one statement); the others bind up to 500 (H2: 100) rows per statement.
        int perStatement = Math.min(
                1000,
                Dialect.valueOf(s.kind().toUpperCase(java.util.Locale.ROOT)).maxRowsPerStatement());
        assertThat(renewStatements).isEqualTo(1000 / perStatement);
        // Read + write (+ read back by nonce where there is no RETURNING), per chunk.
        assertThat(acquireStatements).isLessThanOrEqualTo(3L * (1000 / perStatement));
        // A waiting candidate costs one read per chunk.
        before = counting.statements();
        List<LeaseRequest> others = new ArrayList<>();
        for (LeaseRequest r : reqs) {
            others.add(req(r.election(), "b", TTL));
        }
        assertThat(s.tryAcquire(others)).noneMatch(AcquireResult::acquired);
        assertThat(counting.statements() - before).isEqualTo(1000 / perStatement);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoCandidatesOfOneProcessInOneBatchGetOneLease(Stores.Named db) throws Exception {
        JdbcLeaseStore s = store(pool(db));
        List<AcquireResult> out = s.tryAcquire(List.of(req("dup", "a", TTL), req("dup", "b", TTL)));
        assertThat(out).hasSize(2);
        assertThat(out.stream().filter(AcquireResult::acquired)).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void concurrentStartupCreatesTheTableOnce(Stores.Named db) throws Exception {
        HikariDataSource ds = pool(db);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String who = "p" + i;
                starts.add(pool.submit(() -> {
                    JdbcLeaseStore s = JdbcLeaseStore.builder(ds).table(table).build();
                    synchronized (open) {
                        open.add(s);
                    }
                    return one(s, req("startup", who, TTL)).acquired();
                }));
            }
            int winners = 0;
            for (Future<Boolean> f : starts) {
                winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aBlackholedCallGivesUpWithinTheStatementTimeout(Stores.Named db) throws Exception {
        JdbcUri uri = db.uri().get();
        if (uri.kind().equals("h2")) {
            // The embedded H2 database has no network to blackhole; the conformance suite covers H2 over TCP.
            return;
        }
        TcpProxy proxy = new TcpProxy(new InetSocketAddress("127.0.0.1", Databases.port(uri)));
        open.add(proxy);
        JdbcLeaseStore s =
                JdbcBackend.storeFromUri(uri.withJdbcUrl(Databases.viaPort(uri, proxy.port()), Duration.ofMillis(500)));
        open.add(s);
        // The first statement opens a connection; on a loaded machine that may exceed the 500 ms timeout.
        org.awaitility.Awaitility.await("the store answers before the blackhole")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> one(s, req("bh", "a", TTL)).acquired());
        proxy.blackhole();
        long start = System.nanoTime();
        assertThatThrownBy(() -> s.renew(List.of(new HeldLease("bh", "a", 1, TTL))))
                .isInstanceOf(LeaseStoreException.class)
                .hasMessageContaining("no answer");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        proxy.heal();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void noTableAndCreationDisabledIsAClearError(Stores.Named db) {
        JdbcLeaseStore s = JdbcLeaseStore.builder(pool(db))
                .table(table + "_absent")
                .createTable(false)
                .build();
        open.add(s);
        assertThatThrownBy(() -> s.read("x"))
                .isInstanceOf(LeaseStoreException.class)
                .hasMessageContaining("read failed");
    }
}
