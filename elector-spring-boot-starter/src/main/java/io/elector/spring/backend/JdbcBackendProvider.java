package io.elector.spring.backend;

import io.elector.core.LeaseBackend;
import io.elector.jdbc.JdbcBackend;
import io.elector.jdbc.JdbcUri;
import io.elector.spi.Backend;
import io.elector.spi.LeaseStore;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code postgresql://}, {@code mysql://}, {@code h2:} and {@code jdbc:} URIs, through elector-jdbc
 * ({@link JdbcUri} says which forms and where credentials come from). Loaded only when elector-jdbc
 * is on the class path. The backend gets its own small pool; it does not use the application's
 * DataSource.
 */
public final class JdbcBackendProvider implements BackendProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("postgresql", "postgres", "mysql", "mariadb", "h2", "jdbc");
    }

    @Override
    public String example() {
        return "postgresql://127.0.0.1:5432/test?user=postgres";
    }

    @Override
    public void validate(String uri) {
        JdbcUri.parse(uri);
    }

    @Override
    public Backend open(String uri, UnaryOperator<LeaseStore> decorator) {
        return LeaseBackend.of(decorator.apply(JdbcBackend.storeFromUri(JdbcUri.parse(uri))));
    }
}
