package io.elector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.core.Elector;
import io.elector.core.LeaseBackend;
import io.elector.testkit.Handoffs;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graceful handoff through named-lock release hints on the real MariaDB/MySQL ({@code
 * ELECTOR_MYSQL_URL}), with a retry interval so long (10 s: the next poll comes 8-12 s after the
 * last) that only a hint explains a takeover within seconds; also back again while the first
 * candidate is still inside its 20 s hold-off after its own resign. Two processes are two stores on
 * their own pools.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MariaDbHandoffTest {

    private final String table = "elector_mhandoff_" + Long.toString(System.nanoTime() % 1_000_000L, 36);
    private final List<Elector> electors = new ArrayList<>();
    private final List<JdbcLeaseStore> stores = new ArrayList<>();
    private JdbcUri uri;

    @AfterEach
    void closeAll() throws Exception {
        for (Elector e : electors) {
            e.close();
        }
        if (uri != null) {
            try (Connection c = DriverManager.getConnection(uri.jdbcUrl(), Databases.props(uri))) {
                c.createStatement().execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    private Election join(String candidate) {
        HikariDataSource pool = JdbcBackend.dataSource(uri);
        JdbcLeaseStore store =
                JdbcLeaseStore.builder(pool).table(table).closing(pool).build();
        stores.add(store);
        Elector e = Elector.builder(LeaseBackend.of(store))
                .candidateId(candidate)
                .settings(Handoffs.SLOW_POLL)
                .closeBackendOnClose(true)
                .build();
        electors.add(e);
        return e.join("handoff");
    }

    /** Waits until {@code store}'s waiter on the election blocks in GET_LOCK (the holder has its lock). */
    private static void awaitBlocking(JdbcLeaseStore store) {
        await("waiter blocking in GET_LOCK").atMost(Duration.ofSeconds(10)).until(() -> {
            NamedLockHints h = store.lockHints();
            return h != null && h.blocking().contains("handoff");
        });
    }

    @Test
    void aCandidateThatResignedTakesOverAtOnceWhenTheNextLeaderResigns() throws Exception {
        uri = Databases.mysql();
        Election a = join("a");
        Leadership la = Handoffs.awaitLeadership(a, Duration.ofSeconds(10));
        Election b = join("b");
        // b's first attempt has found a holding the lease (its next poll is 8-12 s away) and watches it.
        await().atMost(Duration.ofSeconds(5)).until(() -> b.leader().isPresent());
        awaitBlocking(stores.get(1));
        Leadership lb = Handoffs.handOver(la, a, b);
        // a stays out for two retry intervals (20 s) after its resign and makes no acquire, but it
        // watches the election from its own release on: once b holds the hint lock and lets go, the
        // hint carries the row's token (b's, greater than a's) and a takes over at once.
        awaitBlocking(stores.get(0));
        Leadership again = Handoffs.handOver(lb, b, a);
        assertThat(again.fencingToken()).isGreaterThan(lb.fencingToken());
    }
}
