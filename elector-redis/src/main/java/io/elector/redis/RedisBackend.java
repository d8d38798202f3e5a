package io.elector.redis;

import io.elector.core.LeaseBackend;
import io.elector.spi.Backend;
import io.elector.spi.LeaseStoreException;
import java.net.URI;
import java.util.Map;

/**
 * Entry points for the Redis backend.
 *
 * <pre>{@code
 * Backend backend = RedisBackend.create(URI.create("redis://127.0.0.1:6379"));
 * try (Elector elector = Elector.builder(backend).candidateId("node-1").build()) { ... }
 * }</pre>
 */
public final class RedisBackend {
    private RedisBackend() {}

    /**
     * A backend for an Elector URI: {@code redis://[user[:password]@]host[:port][/database]} or
     * {@code rediss://} (TLS), with options {@code ?prefix=elector:&timeout=1s&guardKey=...
     * &clientName=...}. Without a password in the URI, {@code ELECTOR_REDIS_PASSWORD} (and {@code
     * ELECTOR_REDIS_USERNAME}) from the environment are used. The password is never logged.
     *
     * @throws io.elector.api.InvalidSettingException if the URI is malformed, naming what is wrong
     */
    public static Backend create(URI uri) {
        return create(config(uri));
    }

    /**
     * A backend for a config; closing the backend closes its store and connections. It connects on
     * first use, so it can be created while Redis is down.
     */
    public static Backend create(RedisStoreConfig config) {
        return LeaseBackend.of(RedisLeaseStore.create(config));
    }

    /**
     * As {@link #create(URI)}, but first checks within the command timeout that the server answers
     * and accepts the credentials (for a command line that must fail fast on a wrong address).
     *
     * @throws LeaseStoreException naming the address (never the password) and what went wrong
     */
    public static Backend createVerified(URI uri) throws LeaseStoreException {
        RedisLeaseStore store = RedisLeaseStore.create(config(uri));
        try {
            store.ping();
        } catch (LeaseStoreException | RuntimeException e) {
            store.close();
            throw e;
        }
        return LeaseBackend.of(store);
    }

    /** Parses an Elector URI into a config (see {@link #create(URI)}), reading the environment. */
    public static RedisStoreConfig config(URI uri) {
        return config(uri, System.getenv());
    }

    /** As {@link #config(URI)}, with an explicit environment. */
    public static RedisStoreConfig config(URI uri, Map<String, String> env) {
        return RedisUris.parse(uri, env);
    }

    /** The URI with its password masked, for messages. */
    public static String redacted(URI uri) {
        return RedisUris.redacted(uri);
    }
}
