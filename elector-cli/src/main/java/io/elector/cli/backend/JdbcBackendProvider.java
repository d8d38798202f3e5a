package io.elector.cli.backend;

import io.elector.core.LeaseBackend;
import io.elector.jdbc.JdbcBackend;
import io.elector.jdbc.JdbcLeaseStore;
import io.elector.jdbc.JdbcUri;
import io.elector.spi.Backend;
import io.elector.spi.LeaseStore;
import io.elector.spi.LeaseStoreException;
import java.util.Set;

/**
 * {@code postgresql://}, {@code mysql://}, {@code mariadb://} and {@code h2:} URIs: the JDBC lease
 * store (see elector-jdbc's README for the parameters). Checks that the database answers before
 * returning, so a wrong address is one clear line, not a stream of retries.
 */
public final class JdbcBackendProvider implements BackendProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("postgresql", "postgres", "mysql", "mariadb", "h2");
    }

    @Override
    public String example() {
        return "postgresql://127.0.0.1:5432/test?user=postgres";
    }

    @Override
    public Backend create(BackendUri uri, BackendOptions options) {
        JdbcUri parsed;
        try {
            parsed = JdbcUri.parse(uri.raw());
        } catch (IllegalArgumentException e) {
            throw new BackendConfigException(JdbcUri.redact(e.getMessage()), e);
        }
        JdbcLeaseStore store = JdbcBackend.storeFromUri(parsed);
        // Retried within the connect timeout: a cold JVM's first connection can take a while.
        long end = System.nanoTime() + options.connectTimeout().toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                store.read("elector-connection-check");
                break;
            } catch (LeaseStoreException | RuntimeException e) {
                if (System.nanoTime() - end >= 0 || attempt >= 100) {
                    store.close();
                    throw new BackendConfigException(
                            "cannot reach the database at " + uri.redacted() + ": "
                                    + JdbcUri.redact(String.valueOf(e.getMessage())),
                            e);
                }
                sleep(200);
            }
        }
        LeaseStore decorated = options.storeDecorator().apply(store);
        return LeaseBackend.of(decorated);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendConfigException("interrupted while connecting");
        }
    }
}
