package io.elector.jdbc;

import io.elector.api.ElectionSettings;
import io.elector.core.LeaseBackend;
import io.elector.spi.Backend;
import io.elector.testkit.BackendFixture;
import io.elector.testkit.TcpProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The JDBC backend as a conformance fixture: every candidate reaches the real database through its
 * own {@link TcpProxy}, so cutOff blackholes its traffic and crash resets and refuses it forever
 * (the lease stays in the table until it expires, as after a kill -9).
 */
final class JdbcFixture implements BackendFixture {
    static final Duration LEASE = Duration.ofMillis(1500);
    static final Duration STATEMENT_TIMEOUT = Duration.ofMillis(500);

    private final JdbcUri server;
    private final Map<Backend, TcpProxy> proxies = new IdentityHashMap<>();

    JdbcFixture(JdbcUri server) {
        this.server = server;
    }

    @Override
    public synchronized Backend newBackend() {
        TcpProxy proxy;
        try {
            proxy = new TcpProxy(new InetSocketAddress("127.0.0.1", Databases.port(server)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JdbcUri via = server.withJdbcUrl(Databases.viaPort(server, proxy.port()), STATEMENT_TIMEOUT);
        Backend b = LeaseBackend.of(JdbcBackend.storeFromUri(via));
        proxies.put(b, proxy);
        return b;
    }

    /** The proxy in front of {@code backend}. */
    synchronized TcpProxy proxy(Backend backend) {
        return proxies.get(backend);
    }

    @Override
    public ElectionSettings settings() {
        return ElectionSettings.defaults().withLease(LEASE);
    }

    @Override
    public void cutOff(Backend backend) {
        proxy(backend).blackhole();
    }

    @Override
    public void restore(Backend backend) {
        proxy(backend).heal();
    }

    @Override
    public void crash(Backend backend) {
        proxy(backend).cut();
    }

    @Override
    public Duration failoverBound() {
        // The lease (1.5 s) plus a retry interval, with slack for a loaded two-core machine.
        return Duration.ofSeconds(5);
    }

    @Override
    public synchronized void close() {
        for (TcpProxy p : proxies.values()) {
            p.close();
        }
        proxies.clear();
    }
}
