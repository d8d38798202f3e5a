package io.elector.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.elector.spring.Elections;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances of the example in one JVM on one database: only the leader writes readings, and
 * after the leader's context closes the other one writes, with a greater fencing token. The rows
 * in the table are the evidence: per instance, one token per leadership, and no row with a token
 * older than one already written.
 */
abstract class ScheduledJobContract {
    private final List<ConfigurableApplicationContext> started = new ArrayList<>();

    /** Elector backend URI of the database. */
    abstract String electorBackend();

    /** JDBC URL, user and password of the same database for Spring's DataSource. */
    abstract String[] dataSource();

    private ConfigurableApplicationContext start(String id) {
        String[] ds = dataSource();
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(WeatherApplication.class)
                .web(WebApplicationType.NONE)
                .run(
                        "--elector.backend=" + electorBackend(),
                        "--elector.candidate-id=" + id,
                        "--elector.lease-duration=3s",
                        "--spring.datasource.url=" + ds[0],
                        "--spring.datasource.username=" + ds[1],
                        "--spring.datasource.password=" + ds[2],
                        "--weather.rate=50ms");
        started.add(ctx);
        return ctx;
    }

    @AfterEach
    void closeAll() {
        started.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void onlyTheLeaderWritesAndTheOtherTakesOverWithAGreaterToken() throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        ConfigurableApplicationContext a = start("a-" + run);
        ConfigurableApplicationContext b = start("b-" + run);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> a.getBean(ReadingWriter.class).written()
                                + b.getBean(ReadingWriter.class).written()
                        >= 5);
        ConfigurableApplicationContext leader = a.getBean(ReadingWriter.class).written() > 0 ? a : b;
        ConfigurableApplicationContext follower = leader == a ? b : a;
        assertThat(follower.getBean(ReadingWriter.class).written()).isZero();
        assertThat(leader.getBean(Elections.class).isLeader("weather-writer")).isTrue();
        String leaderId = leader.getBean(Elections.class).candidateId();
        String followerId = follower.getBean(Elections.class).candidateId();

        leader.close();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> follower.getBean(ReadingWriter.class).written() >= 3);

        List<long[]> rows = rows(run); // [token, 0 = leader's row / 1 = follower's row]
        assertThat(rows).isNotEmpty();
        long oldToken =
                rows.stream().filter(r -> r[1] == 0).mapToLong(r -> r[0]).max().orElseThrow();
        long newToken =
                rows.stream().filter(r -> r[1] == 1).mapToLong(r -> r[0]).min().orElseThrow();
        assertThat(newToken).isGreaterThan(oldToken);
        assertThat(rows.stream()
                        .filter(r -> r[1] == 0)
                        .mapToLong(r -> r[0])
                        .distinct()
                        .count())
                .isEqualTo(1);
        // In insertion order (written_at), tokens never go back.
        long max = 0;
        for (long[] r : rows) {
            assertThat(r[0]).isGreaterThanOrEqualTo(max);
            max = r[0];
        }
        assertThat(leaderId).isNotEqualTo(followerId);
    }

    private List<long[]> rows(String run) throws SQLException {
        String[] ds = dataSource();
        try (Connection c = DriverManager.getConnection(ds[0], ds[1], ds[2]);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT token, written_by FROM reading WHERE written_by LIKE ? ORDER BY written_at, token")) {
            ps.setString(1, "%-" + run);
            List<long[]> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new long[] {rs.getLong(1), 0});
                    out.get(out.size() - 1)[1] = rs.getString(2).startsWith("a-") ? 0 : 1;
                }
            }
            // Re-label: rows of whichever instance wrote first are the old leader's.
            if (!out.isEmpty() && out.get(0)[1] == 1) {
                out.forEach(r -> r[1] = 1 - r[1]);
            }
            return out;
        }
    }
}
