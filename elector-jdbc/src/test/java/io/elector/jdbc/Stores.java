package io.elector.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** The three databases as parameters for store-level tests (H2 embedded in memory). */
final class Stores {
    private Stores() {}

    /** Named suppliers, so a missing server skips (or, under CI, fails) only its own case. */
    static List<Named> all() {
        return List.of(
                new Named("postgresql", Databases::postgres),
                new Named("mariadb", Databases::mysql),
                new Named("h2", () -> JdbcUri.parse("h2:mem:storetest")));
    }

    record Named(String name, Supplier<JdbcUri> uri) {
        @Override
        public String toString() {
            return name;
        }

        HikariDataSource pool() {
            return JdbcBackend.dataSource(uri.get().withJdbcUrl(uri.get().jdbcUrl(), Duration.ofSeconds(5)));
        }
    }
}
