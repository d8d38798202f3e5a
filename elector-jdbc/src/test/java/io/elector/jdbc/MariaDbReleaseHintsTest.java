package io.elector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.elector.api.Election;
import io.elector.api.ElectionSettings;
import io.elector.core.Elector;
import io.elector.core.LeaseBackend;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Named-lock release hints on the real MariaDB ({@code ELECTOR_MYSQL_URL}): two processes are two
 * stores on their own pools and hint connections. Waiting candidates retry every 5 s here, so a
 * handover well within a second comes from the hint (the notice counter shows it was used).
 */
class MariaDbReleaseHintsTest {
    /** A retry interval far above the handover bound asserted below. */
    private static final ElectionSettings SLOW_POLL = ElectionSettings.defaults()
            .withLeaseDuration(Duration.ofSeconds(10))
            .withRenewInterval(Duration.ofSeconds(1))
            .withRetryInterval(Duration.ofSeconds(5));

    private static final Duration HANDOVER_BOUND = Duration.ofSeconds(1);

    private final String prefix = "hint-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    private final String table = "elector_hint_" + Long.toString(System.nanoTime() % 1_000_000L, 36);
    private final List<Elector> electors = new ArrayList<>();
    private final List<JdbcLeaseStore> stores = new ArrayList<>();
    private JdbcUri uri;

    @BeforeEach
    void server() {
        uri = Databases.mysql();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (Elector e : electors) {
            e.close();
        }
        try (Connection c = connect()) {
            c.createStatement().execute("DROP TABLE IF EXISTS " + table);
        }
    }

    private JdbcLeaseStore store(UnaryOperator<JdbcLeaseStore.Builder> config) {
        HikariDataSource pool = JdbcBackend.dataSource(uri);
        JdbcLeaseStore s = config.apply(
                        JdbcLeaseStore.builder(pool).table(table).closing(pool))
                .build();
        stores.add(s);
        return s;
    }

    private Elector elector(JdbcLeaseStore store, String id) {
        Elector e = Elector.builder(LeaseBackend.of(store))
                .candidateId(id)
                .settings(SLOW_POLL)
                .closeBackendOnClose(true)
                .build();
        electors.add(e);
        return e;
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(uri.jdbcUrl(), Databases.props(uri));
    }

    private boolean lockUsed(String election) throws Exception {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            ps.setString(1, NamedLockHints.lockName(table, election));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                rs.getLong(1);
                return !rs.wasNull();
            }
        }
    }

    private static void awaitLeader(Election e, Duration max) {
        await("leader of " + e.name())
                .atMost(max)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> isLeader(e));
    }

    private static boolean isLeader(Election e) {
        return e.leadership().map(l -> l.isValid()).orElse(false);
    }

    /** Waits until {@code waiter}'s process watches {@code election} with a GET_LOCK in progress. */
    private static void awaitBlocked(JdbcLeaseStore waiter, String election) {
        await("a waiter blocked on " + election)
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> waiter.lockHints() != null
                        && waiter.lockHints().blocking().contains(election));
    }

    @Test
    void resignIsNoticedByAWaitingProcessWellBeforeItsRetryInterval() throws Exception {
        String election = prefix + "-resign";
        JdbcLeaseStore sa = store(b -> b);
        JdbcLeaseStore sb = store(b -> b);
        Election a = elector(sa, "a").join(election);
        awaitLeader(a, Duration.ofSeconds(10));
        await("a's lock")
                .atMost(Duration.ofSeconds(10))
                .until(() -> sa.lockHints() != null
                        && sa.lockHints().lockedForTests().contains(election));
        assertThat(lockUsed(election)).isTrue();

        Election b = elector(sb, "b").join(election);
        awaitBlocked(sb, election);
        assertThat(isLeader(b)).isFalse();
        long noticesBefore = sb.lockHints().notices();

        long t0 = System.nanoTime();
        a.resign();
        awaitLeader(b, Duration.ofSeconds(15));
        Duration handover = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(handover)
                .as("handover after resign, with a 5 s retry interval")
                .isLessThan(HANDOVER_BOUND);
        assertThat(sb.lockHints().notices()).isGreaterThan(noticesBefore);
        // The new leader holds the lock now, the old one let go and waits in turn.
        await("b's lock")
                .atMost(Duration.ofSeconds(5))
                .until(() -> sb.lockHints().lockedForTests().contains(election));
        assertThat(sa.lockHints().lockedForTests()).doesNotContain(election);
        assertThat(isLeader(a)).isFalse();
    }

    @Test
    void beyondTheWaiterCapElectionsFallBackToPolling() throws Exception {
        String e1 = prefix + "-cap1";
        String e2 = prefix + "-cap2";
        JdbcLeaseStore sa = store(b -> b);
        JdbcLeaseStore sb = store(b -> b.releaseHintWaiters(1));
        Elector ea = elector(sa, "a");
        Election a1 = ea.join(e1);
        Election a2 = ea.join(e2);
        awaitLeader(a1, Duration.ofSeconds(10));
        awaitLeader(a2, Duration.ofSeconds(10));
        await("a's locks")
                .atMost(Duration.ofSeconds(10))
                .until(() -> sa.lockHints() != null
                        && sa.lockHints().lockedForTests().containsAll(List.of(e1, e2)));

        Elector eb = elector(sb, "b");
        Election b1 = eb.join(e1);
        Election b2 = eb.join(e2);
        await("one waiter")
                .atMost(Duration.ofSeconds(15))
                .until(() -> sb.lockHints() != null && sb.lockHints().blocking().size() == 1);
        // Both elections were seen held (several acquire rounds), still only one is watched.
        Thread.sleep(SLOW_POLL.retryInterval().toMillis() * 13 / 10);
        assertThat(sb.lockHints().watching()).hasSize(1);
        String watched = sb.lockHints().watching().iterator().next();
        String polled = watched.equals(e1) ? e2 : e1;
        Election aWatched = watched.equals(e1) ? a1 : a2;
        Election aPolled = watched.equals(e1) ? a2 : a1;
        Election bWatched = watched.equals(e1) ? b1 : b2;
        Election bPolled = watched.equals(e1) ? b2 : b1;

        // The unwatched election is handed over by polling (a holds off for two retries): no notice.
        long notices = sb.lockHints().notices();
        aPolled.resign();
        awaitLeader(bPolled, SLOW_POLL.retryInterval().multipliedBy(2));
        assertThat(isLeader(aPolled)).isFalse();
        assertThat(sb.lockHints().notices()).isEqualTo(notices);

        // The watched one is handed over at once, by a notice.
        long t0 = System.nanoTime();
        aWatched.resign();
        awaitLeader(bWatched, Duration.ofSeconds(15));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(HANDOVER_BOUND);
        assertThat(sb.lockHints().notices()).isGreaterThan(notices);
        await("b's locks")
                .atMost(Duration.ofSeconds(5))
                .until(() -> sb.lockHints().lockedForTests().containsAll(List.of(watched, polled)));
    }

    @Test
    void closeLeavesNoLockAndNoThreadBehind() throws Exception {
        String election = prefix + "-close";
        JdbcLeaseStore sa = store(b -> b);
        JdbcLeaseStore sb = store(b -> b);
        Elector ea = elector(sa, "a");
        Election a = ea.join(election);
        awaitLeader(a, Duration.ofSeconds(10));
        Elector eb = elector(sb, "b");
        eb.join(election);
        awaitBlocked(sb, election);
        assertThat(lockUsed(election)).isTrue();
        assertThat(hintThreads()).isNotEmpty();

        eb.close();
        ea.close();

        assertThat(hintThreads()).as("hint threads after close").isEmpty();
        // The holder released the lock before its connection closed; nobody holds it now.
        assertThat(lockUsed(election)).isFalse();
        assertThat(sessionsWaitingOn(election)).isZero();
    }

    @Test
    void aFreedLockIsNotATakeoverWhileTheLeaseIsValid() throws Exception {
        String election = prefix + "-killed";
        JdbcLeaseStore sa = store(b -> b);
        JdbcLeaseStore sb = store(b -> b);
        Election a = elector(sa, "a").join(election);
        awaitLeader(a, Duration.ofSeconds(10));
        Election b = elector(sb, "b").join(election);
        awaitBlocked(sb, election);
        long token = a.leadership().orElseThrow().fencingToken();
        long notices = sb.lockHints().notices();
        long holderSession = lockHolder(election);

        // The leader's lock session ends (as after a crash, a proxy timeout or an operator's KILL)
        // while its lease is valid: the waiter is told, retries, finds the lease held and waits.
        try (Connection c = connect()) {
            c.createStatement().execute("KILL CONNECTION " + holderSession);
        }
        await("the notice")
                .atMost(Duration.ofSeconds(5))
                .until(() -> sb.lockHints().notices() > notices);
        Thread.sleep(1_000);
        assertThat(isLeader(b)).isFalse();
        assertThat(isLeader(a)).isTrue();
        assertThat(a.leadership().orElseThrow().fencingToken()).isEqualTo(token);

        // The holder notices its dead connection (a ping every 5 s) and takes the lock again.
        await("the lock taken again")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> lockHolder(election) > 0 && lockHolder(election) != holderSession);
        awaitBlocked(sb, election);
        long t0 = System.nanoTime();
        a.resign();
        awaitLeader(b, Duration.ofSeconds(15));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(HANDOVER_BOUND);
    }

    @Test
    void aLeaderThatLosesItsLeaseLetsGoOfItsLock() throws Exception {
        String election = prefix + "-lost";
        JdbcLeaseStore sa = store(b -> b);
        Election a = elector(sa, "a").join(election);
        awaitLeader(a, Duration.ofSeconds(10));
        await("a's lock").atMost(Duration.ofSeconds(10)).until(() -> lockUsed(election));
        // An operator hands the lease to someone else: a's next renewal finds it gone.
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE " + table + " SET holder = 'operator', token = token + 1 WHERE election = ?")) {
            ps.setString(1, election);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        await("a steps down").atMost(Duration.ofSeconds(10)).until(() -> !isLeader(a));
        await("a's lock released").atMost(Duration.ofSeconds(5)).until(() -> !lockUsed(election));
        assertThat(sa.lockHints().lockedForTests()).doesNotContain(election);
    }

    @Test
    void withoutHintConnectionsAResignIsHandedOverByPolling() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String refused = Databases.viaPort(uri, closedPort);
        NamedLockHints.Connector nowhere = () -> DriverManager.getConnection(refused, Databases.props(uri));
        String election = prefix + "-nohint";
        JdbcLeaseStore sa = store(b -> b.hintConnections(nowhere));
        JdbcLeaseStore sb = store(b -> b.hintConnections(nowhere));
        Election a = elector(sa, "a").join(election);
        awaitLeader(a, Duration.ofSeconds(10));
        Election b = elector(sb, "b").join(election);
        await("b sees a lead")
                .atMost(Duration.ofSeconds(15))
                .until(() -> b.leader().isPresent());
        a.resign();
        awaitLeader(b, SLOW_POLL.retryInterval().multipliedBy(2));
        assertThat(isLeader(a)).isFalse();
        assertThat(sb.lockHints().notices()).isZero();
        assertThat(sa.lockHints().lockedForTests()).isEmpty();
    }

    private long lockHolder(String election) throws Exception {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            ps.setString(1, NamedLockHints.lockName(table, election));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private List<String> hintThreads() {
        List<String> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (t.isAlive()
                    && (n.equals("elector-jdbc-locks-" + table) || n.startsWith("elector-jdbc-wait-" + prefix))) {
                out.add(n);
            }
        }
        return out;
    }

    private long sessionsWaitingOn(String election) throws Exception {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()")) {
            ps.setString(1, "%" + NamedLockHints.lockName(table, election) + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
