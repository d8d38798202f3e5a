package io.elector.redis;

import static org.assertj.core.api.Assertions.fail;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis the tests use: {@code ELECTOR_REDIS_URL} or {@code redis://127.0.0.1:6379}. When it is
 * not reachable a test is skipped with a message, unless {@code CI=true}: then it fails.
 */
final class RedisTestServer {
    static final String URL_ENV = "ELECTOR_REDIS_URL";

    private RedisTestServer() {}

    static URI uri() {
        String url = System.getenv(URL_ENV);
        return URI.create(url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url);
    }

    /** The server's config, after checking it answers PING (skip or fail as described above). */
    static RedisStoreConfig config() {
        RedisStoreConfig config = RedisBackend.config(uri());
        String problem = ping(config.uri());
        if (problem != null) {
            String msg = "Redis not reachable at " + RedisBackend.redacted(uri()) + " (set " + URL_ENV
                    + " to point elsewhere): " + problem;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
        return config.withKeyPrefix(uniquePrefix());
    }

    static String uniquePrefix() {
        return "elector-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    static String ping(RedisURI uri) {
        RedisURI u = RedisURI.builder(uri).withTimeout(Duration.ofSeconds(2)).build();
        RedisClient client = RedisClient.create(u);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return "PONG".equals(c.sync().ping()) ? null : "no PONG";
        } catch (RuntimeException e) {
            return e.toString();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
