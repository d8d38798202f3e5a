package io.elector.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.function.Function;

/** Direct access to the test server, for setup, inspection and cleanup. */
final class RedisKeys {
    private RedisKeys() {}

    static <T> T with(RedisURI uri, Function<RedisCommands<String, String>, T> action) {
        RedisClient client = RedisClient.create(
                RedisURI.builder(uri).withTimeout(Duration.ofSeconds(5)).build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return action.apply(c.sync());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    static long pttl(RedisURI uri, String key) {
        Long v = with(uri, r -> r.pttl(key));
        return v;
    }

    static String get(RedisURI uri, String key) {
        String v = with(uri, r -> r.get(key));
        return v;
    }

    /** Deletes the keys a test left under its own prefix (bounded: at most 10,000 scan pages). */
    static void deleteWithPrefix(RedisURI uri, String prefix) {
        try {
            with(uri, r -> {
                ScanCursor cursor = ScanCursor.INITIAL;
                for (int page = 0; page < 10_000 && !cursor.isFinished(); page++) {
                    KeyScanCursor<String> keys = r.scan(
                            cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
                    if (!keys.getKeys().isEmpty()) {
                        r.unlink(keys.getKeys().toArray(String[]::new));
                    }
                    cursor = keys;
                }
                return null;
            });
        } catch (RuntimeException e) {
            // Cleanup only: a server that went away takes its keys with it.
        }
    }
}
