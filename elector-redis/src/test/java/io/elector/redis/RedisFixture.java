package io.elector.redis;

import io.elector.api.ElectionSettings;
import io.elector.spi.Backend;
import io.elector.testkit.BackendFixture;
import io.elector.testkit.TcpProxy;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real Redis as a conformance fixture. Every candidate talks to Redis through its own loopback
 * {@link TcpProxy}: a cut-off blackholes that proxy (bytes wait, commands time out), a crash resets
 * its connections for good. Each fixture uses its own key prefix.
 */
final class RedisFixture implements BackendFixture {
    static final Duration LEASE = Duration.ofMillis(1000);
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(250);

    private final RedisStoreConfig server;
    private final Map<Backend, TcpProxy> proxies = new IdentityHashMap<>();
    private final List<TcpProxy> all = new ArrayList<>();

    RedisFixture() {
        this(RedisTestServer.config());
    }

    RedisFixture(RedisStoreConfig server) {
        this.server = server;
    }

    String keyPrefix() {
        return server.keyPrefix();
    }

    @Override
    public synchronized Backend newBackend() {
        TcpProxy proxy;
        try {
            proxy = new TcpProxy(
                    new InetSocketAddress(server.uri().getHost(), server.uri().getPort()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisURI viaProxy = RedisURI.builder(server.uri())
                .withHost("127.0.0.1")
                .withPort(proxy.port())
                .build();
        RedisStoreConfig config =
                new RedisStoreConfig(viaProxy, server.keyPrefix(), COMMAND_TIMEOUT, server.guardKey());
        Backend backend = RedisBackend.create(config);
        proxies.put(backend, proxy);
        all.add(proxy);
        return backend;
    }

    /** The proxy between {@code backend} and Redis, for faults the fixture contract does not name. */
    synchronized TcpProxy proxy(Backend backend) {
        return proxies.get(backend);
    }

    @Override
    public ElectionSettings settings() {
        return ElectionSettings.defaults().withLease(LEASE);
    }

    @Override
    public synchronized void cutOff(Backend backend) {
        proxies.get(backend).blackhole();
    }

    @Override
    public synchronized void restore(Backend backend) {
        proxies.get(backend).heal();
    }

    @Override
    public synchronized void crash(Backend backend) {
        proxies.get(backend).cut();
    }

    @Override
    public Duration failoverBound() {
        return Duration.ofSeconds(4);
    }

    @Override
    public synchronized void close() {
        for (TcpProxy p : all) {
            p.close();
        }
        all.clear();
        proxies.clear();
        RedisKeys.deleteWithPrefix(server.uri(), server.keyPrefix());
    }
}
