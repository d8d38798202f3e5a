package io.elector.etcd;

import io.elector.api.ElectionSettings;
import io.elector.spi.Backend;
import io.elector.testkit.BackendFixture;
import io.elector.testkit.TcpProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real etcd as a conformance fixture. Each backend (one per simulated process) connects through
 * its own loopback {@link TcpProxy}: a cut-off blackholes it, a crash resets it for good (etcd then
 * expires its lease). Leases of 2 s; each fixture uses its own root prefix.
 */
final class EtcdFixture implements BackendFixture {
    static final Duration TTL = Duration.ofSeconds(2);

    private final int serverPort;
    private final String root = "/elector-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<Backend, TcpProxy> proxies = new IdentityHashMap<>();
    private final List<TcpProxy> all = new ArrayList<>();

    EtcdFixture(int serverPort) {
        this.serverPort = serverPort;
    }

    String root() {
        return root;
    }

    EtcdConfig config(int port) {
        return EtcdConfig.of("127.0.0.1:" + port)
                .withRoot(root)
                .withTtl(TTL)
                .withOperationTimeout(Duration.ofSeconds(1));
    }

    @Override
    public synchronized Backend newBackend() {
        TcpProxy proxy;
        try {
            proxy = new TcpProxy(new InetSocketAddress("127.0.0.1", serverPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EtcdBackend b = EtcdBackend.create(config(proxy.port()));
        proxies.put(b, proxy);
        all.add(proxy);
        return b;
    }

    synchronized TcpProxy proxy(Backend b) {
        return proxies.get(b);
    }

    @Override
    public ElectionSettings settings() {
        return ElectionSettings.defaults().withLease(TTL);
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
        // The lease TTL, etcd's expiry sweep (every 500 ms), a watch event and a read.
        return Duration.ofSeconds(6);
    }

    @Override
    public synchronized void close() {
        for (TcpProxy p : all) {
            p.close();
        }
        all.clear();
        proxies.clear();
    }
}
