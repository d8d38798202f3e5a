package io.elector.cli.backend;

import io.elector.core.LeaseBackend;
import io.elector.redis.RedisBackend;
import io.elector.redis.RedisLeaseStore;
import io.elector.spi.Backend;
import io.elector.spi.LeaseStoreException;
import java.util.Set;

/**
 * {@code redis://} and {@code rediss://} URIs: the Redis lease store (see elector-redis's README).
 * Pings the server before returning, so a wrong address is one clear line.
 */
public final class RedisBackendProvider implements BackendProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss");
    }

    @Override
    public String example() {
        return "redis://127.0.0.1:6379";
    }

    @Override
    public Backend create(BackendUri uri, BackendOptions options) {
        RedisLeaseStore store;
        try {
            store = RedisLeaseStore.create(RedisBackend.config(uri.toUri()));
        } catch (IllegalArgumentException e) {
            throw new BackendConfigException(BackendUri.redact(e.getMessage()), e);
        }
        // Retried within the connect timeout: a cold JVM's first connection can take a while.
        long end = System.nanoTime() + options.connectTimeout().toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                store.ping();
                break;
            } catch (LeaseStoreException | RuntimeException e) {
                if (System.nanoTime() - end >= 0 || attempt >= 100) {
                    store.close();
                    throw new BackendConfigException(
                            "cannot reach Redis at " + uri.redacted() + ": " + e.getMessage(), e);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new BackendConfigException("interrupted while connecting");
                }
            }
        }
        return LeaseBackend.of(options.storeDecorator().apply(store));
    }
}
