package io.elector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code elector status} on Redis ({@code ELECTOR_REDIS_URL}, default {@code redis://127.0.0.1:6379})
 * prints its answer and nothing on stderr: a status that closes right after opening once logged a
 * Netty stack trace (the pub/sub connection was opened after the client had shut down).
 */
class RedisStatusIT {
    private static final String REDIS = System.getenv().getOrDefault("ELECTOR_REDIS_URL", "redis://127.0.0.1:6379");

    @TempDir
    Path dir;

    @BeforeAll
    static void redisIsUp() {
        URI u = URI.create(REDIS);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort()), 2_000);
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("Redis is required when CI=true: " + e.getMessage(), e);
            }
            Assumptions.abort("Redis not reachable at " + REDIS + ": " + e.getMessage());
        }
    }

    @Test
    void statusWhenNobodyLeadsPrintsNoStackTrace() throws Exception {
        String election = "redis-status-" + System.nanoTime();
        for (int i = 0; i < 3; i++) {
            try (ElectorProcess p = ElectorProcess.start(
                    dir, "status-" + i, "status", "-b", REDIS, "-e", election, "--timeout", "300ms")) {
                assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
                assertThat(p.stdout()).contains("election " + election + ": nobody leads");
                assertThat(p.stderr()).isEmpty();
            }
        }
    }
}
