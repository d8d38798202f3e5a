package io.elector.spring.backend;

import io.elector.core.LeaseBackend;
import io.elector.redis.RedisBackend;
import io.elector.redis.RedisLeaseStore;
import io.elector.spi.Backend;
import io.elector.spi.LeaseStore;
import java.net.URI;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code redis://[user[:password]@]host[:port][/db]} and {@code rediss://} (TLS), through
 * elector-redis (options and credentials as {@link RedisBackend#create(URI)} documents). Loaded only
 * when elector-redis is on the class path. Opening does not wait for Redis: until it answers, the
 * engine retries and the health contributor reports it.
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
    public void validate(String uri) {
        RedisBackend.config(URI.create(uri));
    }

    @Override
    public Backend open(String uri, UnaryOperator<LeaseStore> decorator) {
        return LeaseBackend.of(decorator.apply(RedisLeaseStore.create(RedisBackend.config(URI.create(uri)))));
    }
}
