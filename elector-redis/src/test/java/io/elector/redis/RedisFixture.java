package io.elector.redis;

import io.elector.api.ElectionSettings;
import io.elector.spi.Backend;
import io.elector.testkit.ProxiedBackendFixture;
import io.elector.testkit.TcpProxy;
import io.lettuce.core.RedisURI;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The real Redis as a conformance fixture. Every candidate talks to Redis through its own loopback
 * {@link TcpProxy}: a cut-off blackholes that proxy (bytes wait, commands time out), a crash resets
 * its connections for good. Each fixture uses its own key prefix.
 */
final class RedisFixture extends ProxiedBackendFixture {
    static final Duration LEASE = Duration.ofMillis(1000);
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(250);

    private final RedisStoreConfig server;

    RedisFixture() {
        this(RedisTestServer.config());
    }

    RedisFixture(RedisStoreConfig server) {
        super(new InetSocketAddress(server.uri().getHost(), server.uri().getPort()));
        this.server = server;
    }

    String keyPrefix() {
        return server.keyPrefix();
    }

    @Override
    protected Backend connect(int proxyPort) {
        RedisURI viaProxy = RedisURI.builder(server.uri())
                .withHost("127.0.0.1")
                .withPort(proxyPort)
                .build();
        return RedisBackend.create(
                new RedisStoreConfig(viaProxy, server.keyPrefix(), COMMAND_TIMEOUT, server.guardKey()));
    }

    @Override
    public ElectionSettings settings() {
        return ElectionSettings.defaults().withLease(LEASE);
    }

    @Override
    public Duration failoverBound() {
        return Duration.ofSeconds(4);
    }

    @Override
    protected void cleanUp() {
        RedisKeys.deleteWithPrefix(server.uri(), server.keyPrefix());
    }
}
