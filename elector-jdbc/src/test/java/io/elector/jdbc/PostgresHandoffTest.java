package io.elector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.core.Elector;
import io.elector.core.LeaseBackend;
import io.elector.spi.ReleaseNotice;
import io.elector.testkit.Handoffs;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graceful handoff through LISTEN/NOTIFY on the real PostgreSQL ({@code ELECTOR_PG_URL}), with a
 * retry interval so long (10 s: the next poll comes 8-12 s after the last) that only a release
 * notice explains a takeover within seconds. Two processes are two stores on their own pools.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PostgresHandoffTest {

    private final String table = "elector_handoff_" + Long.toString(System.nanoTime() % 1_000_000L, 36);
    private final List<Elector> electors = new ArrayList<>();
    private JdbcUri uri;

    @AfterEach
    void closeAll() throws Exception {
        for (Elector e : electors) {
            e.close();
        }
        if (uri != null) {
            try (Connection c = connect()) {
                c.createStatement().execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(uri.jdbcUrl(), Databases.props(uri));
    }

    private Election join(String candidate) {
        HikariDataSource pool = JdbcBackend.dataSource(uri);
        JdbcLeaseStore store =
                JdbcLeaseStore.builder(pool).table(table).closing(pool).build();
        Elector e = Elector.builder(LeaseBackend.of(store))
                .candidateId(candidate)
                .settings(Handoffs.SLOW_POLL)
                .closeBackendOnClose(true)
                .build();
        electors.add(e);
        return e.join("handoff");
    }

    /** Waits until {@code n} sessions LISTEN on this table's channel (each store listens in the background). */
    private void awaitListeners(int n) {
        String channel = ("elector_" + table).toLowerCase(Locale.ROOT);
        await("listeners on " + channel).atMost(Duration.ofSeconds(10)).until(() -> {
            try (Connection c = connect();
                    PreparedStatement ps =
                            c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE query = ?")) {
                ps.setString(1, "LISTEN " + channel);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) >= n;
                }
            }
        });
    }

    @Test
    void aCandidateThatResignedTakesOverAtOnceWhenTheNextLeaderResigns() throws Exception {
        uri = Databases.postgres();
        Election a = join("a");
        Leadership la = Handoffs.awaitLeadership(a, Duration.ofSeconds(10));
        Election b = join("b");
        // b's first attempt has found a holding the lease: its next poll is 8-12 s away.
        await().atMost(Duration.ofSeconds(5)).until(() -> b.leader().isPresent());
        awaitListeners(2);
        Leadership lb = Handoffs.handOver(la, a, b);
        // a stays out for two retry intervals (20 s) after its resign unless someone else has led
        // since and let go, as b now does: the NOTIFY carries b's token, and a takes over at once.
        Leadership again = Handoffs.handOver(lb, b, a);
        assertThat(again.fencingToken()).isGreaterThan(lb.fencingToken());
    }

    @Test
    void notifyPayloadsNameTheElectionAndTheToken() {
        assertThat(PgReleaseListener.parse("weather-writer|42")).isEqualTo(ReleaseNotice.of("weather-writer", 42));
        // An older version's payload (the bare name) still wakes waiters, without a token.
        assertThat(PgReleaseListener.parse("weather-writer")).isEqualTo(ReleaseNotice.of("weather-writer"));
        assertThat(PgReleaseListener.parse("e|x")).isEqualTo(ReleaseNotice.of("e|x"));
    }
}
