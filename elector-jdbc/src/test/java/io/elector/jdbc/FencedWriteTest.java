package io.elector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.elector.api.Leadership;
import io.elector.api.StaleTokenException;
import io.elector.testkit.Candidate;
import io.elector.testkit.ElectionHarness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Fenced writes on each real database: a stale leader's write is refused and rolled back. */
class FencedWriteTest {
    private static H2TcpServer h2;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    private final String data = "fenced_data_" + suffix;
    private final String fence = "fence_" + suffix;

    @BeforeAll
    static void startH2() throws Exception {
        h2 = new H2TcpServer();
    }

    @AfterAll
    static void stopH2() {
        h2.close();
    }

    static List<Stores.Named> databases() {
        Supplier<JdbcUri> h2tcp = () -> JdbcUri.parse(h2.uri("fenced"));
        return List.of(Stores.all().get(0), Stores.all().get(1), new Stores.Named("h2", h2tcp));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            AutoCloseable c = open.get(i);
            if (c instanceof HikariDataSource ds) {
                try (Connection conn = ds.getConnection();
                        Statement st = conn.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS " + data);
                    st.execute("DROP TABLE IF EXISTS " + fence);
                }
            }
            c.close();
        }
    }

    private HikariDataSource setUp(Stores.Named db) throws SQLException {
        HikariDataSource ds = db.pool();
        open.add(ds);
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + data + " (id INT PRIMARY KEY, v VARCHAR(64) NOT NULL)");
            st.execute("INSERT INTO " + data + " VALUES (1, 'initial')");
        }
        return ds;
    }

    private JdbcFencedResource resource(HikariDataSource ds) throws SQLException {
        JdbcFencedResource r = JdbcFencedResource.of("weather", fence);
        try (Connection c = ds.getConnection()) {
            r.createTable(c);
        }
        return r;
    }

    private void write(HikariDataSource ds, JdbcFencedResource r, long token, String value) throws SQLException {
        try (Connection c = ds.getConnection()) {
            r.guard(token).write(c, conn -> {
                try (PreparedStatement ps = conn.prepareStatement("UPDATE " + data + " SET v = ? WHERE id = 1")) {
                    ps.setString(1, value);
                    return ps.executeUpdate();
                }
            });
        }
    }

    private String value(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT v FROM " + data + " WHERE id = 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void staleTokenIsRefusedAndItsWriteRolledBack(Stores.Named db) throws Exception {
        HikariDataSource ds = setUp(db);
        JdbcFencedResource r = resource(ds);
        write(ds, r, 5, "leader-5");
        write(ds, r, 5, "leader-5-again"); // the same leader writes twice
        write(ds, r, 6, "leader-6");
        assertThatThrownBy(() -> write(ds, r, 5, "stale"))
                .isInstanceOf(StaleTokenException.class)
                .hasMessageContaining("stale fencing token 5")
                .satisfies(e ->
                        assertThat(((StaleTokenException) e).currentToken()).isEqualTo(6));
        assertThat(value(ds)).isEqualTo("leader-6");
        try (Connection c = ds.getConnection()) {
            assertThat(r.currentToken(c)).isEqualTo(6);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anOpenOlderWriteDelaysTheNewerOneAndThenLosesForever(Stores.Named db) throws Exception {
        HikariDataSource ds = setUp(db);
        JdbcFencedResource r = resource(ds);
        write(ds, r, 1, "first");
        try (Connection old = ds.getConnection()) {
            old.setAutoCommit(false);
            r.guard(5).check(old); // leader 5 holds the guard row inside its open transaction
            CompletableFuture<Void> newer = CompletableFuture.runAsync(() -> {
                try {
                    write(ds, r, 6, "leader-6");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            assertThat(newer)
                    .as("the newer writer waits for the older transaction")
                    .isNotDone();
            try (PreparedStatement ps = old.prepareStatement("UPDATE " + data + " SET v = 'leader-5' WHERE id = 1")) {
                ps.executeUpdate();
            }
            old.commit();
            newer.get(10, TimeUnit.SECONDS);
        }
        assertThat(value(ds)).isEqualTo("leader-6");
        assertThatThrownBy(() -> write(ds, r, 5, "late")).isInstanceOf(StaleTokenException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void pausedExLeaderWriteIsRefusedAfterTheNewLeaderWrote(Stores.Named db) throws Exception {
        HikariDataSource ds = setUp(db);
        JdbcFencedResource r = resource(ds);
        JdbcFixture fixture = new JdbcFixture(db.uri().get());
        ElectionHarness harness = new ElectionHarness(fixture);
        try {
            String election = "fenced-" + suffix;
            List<Candidate> cs = harness.startCandidates(2);
            harness.join(election, cs);
            Leaders.Led led = Leaders.await(election, cs, null, Duration.ofSeconds(10));
            Candidate first = led.candidate();
            Leadership old = led.leadership();
            write(ds, r, old.fencingToken(), "by-" + first.id());
            // The leader is "paused": it can no longer reach the lease table; another takes over.
            fixture.cutOff(first.backend());
            Leaders.Led next = Leaders.await(election, cs, first, Duration.ofSeconds(10));
            Candidate second = next.candidate();
            Leadership now = next.leadership();
            assertThat(now.fencingToken()).isGreaterThan(old.fencingToken());
            write(ds, r, now.fencingToken(), "by-" + second.id());
            // The ex-leader wakes up and writes with the token it still holds.
            assertThatThrownBy(() -> write(ds, r, old.fencingToken(), "stale-by-" + first.id()))
                    .isInstanceOf(StaleTokenException.class);
            assertThat(value(ds)).isEqualTo("by-" + second.id());
            fixture.restore(first.backend());
        } finally {
            harness.close();
            fixture.close();
        }
        harness.checkHistory().assertNoViolations();
    }
}
