package io.elector.redis;

import io.elector.api.InvalidSettingException;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how a {@link RedisLeaseStore} talks to Redis. Validated when built.
 *
 * @param uri the Redis server (Lettuce's {@link RedisURI}: host, port, database, credentials, TLS)
 * @param keyPrefix prepended to every key and to the release channel; default {@value
 *     #DEFAULT_PREFIX}. Candidates of one election must use the same prefix.
 * @param commandTimeout how long one command may take before the store gives up and reports "no
 *     answer" (default 1 s); also the connect timeout. Keep it well below the lease duration.
 * @param guardKey the key that detects a Redis that lost its data (default {@value
 *     #DEFAULT_GUARD_KEY}); shared by all prefixes on one Redis database
 */
public record RedisStoreConfig(RedisURI uri, String keyPrefix, Duration commandTimeout, String guardKey) {

    public static final String DEFAULT_PREFIX = "elector:";
    public static final String DEFAULT_GUARD_KEY = "elector:restart-guard";
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(1);

    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);

    public RedisStoreConfig {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        if (keyPrefix == null || !KEY.matcher(keyPrefix).matches()) {
            throw new InvalidSettingException(
                    "redis keyPrefix must be 1-200 printable ASCII characters without spaces: " + quote(keyPrefix));
        }
        if (guardKey == null || !KEY.matcher(guardKey).matches()) {
            throw new InvalidSettingException(
                    "redis guardKey must be 1-200 printable ASCII characters without spaces: " + quote(guardKey));
        }
        if (commandTimeout.compareTo(Duration.ofMillis(10)) < 0 || commandTimeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new InvalidSettingException("redis commandTimeout must be between 10ms and 1m: " + commandTimeout);
        }
    }

    /** Defaults for everything but the server. */
    public static RedisStoreConfig of(RedisURI uri) {
        return new RedisStoreConfig(uri, DEFAULT_PREFIX, DEFAULT_COMMAND_TIMEOUT, DEFAULT_GUARD_KEY);
    }

    public RedisStoreConfig withKeyPrefix(String prefix) {
        return new RedisStoreConfig(uri, prefix, commandTimeout, guardKey);
    }

    public RedisStoreConfig withCommandTimeout(Duration timeout) {
        return new RedisStoreConfig(uri, keyPrefix, timeout, guardKey);
    }

    public RedisStoreConfig withGuardKey(String key) {
        return new RedisStoreConfig(uri, keyPrefix, commandTimeout, key);
    }

    /** The server address without credentials, for logs and errors. */
    public String address() {
        return (uri.isSsl() ? "rediss://" : "redis://") + hostForUri(uri.getHost()) + ":" + uri.getPort() + "/"
                + uri.getDatabase();
    }

    @Override
    public String toString() {
        return "RedisStoreConfig[" + address() + ", keyPrefix=" + keyPrefix + ", commandTimeout=" + commandTimeout
                + ", guardKey=" + guardKey + "]";
    }

    private static String hostForUri(String host) {
        return host != null && host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
