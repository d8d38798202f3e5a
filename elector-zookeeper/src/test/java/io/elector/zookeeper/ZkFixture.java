package io.elector.zookeeper;

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
 * A real ZooKeeper server as a conformance fixture. Each candidate connects through its own
 * loopback {@link TcpProxy}: a cut-off blackholes it, a crash resets it for good (the server then
 * expires the session). Sessions of 1 s; each fixture uses its own root path.
 */
final class ZkFixture implements BackendFixture {
    static final Duration SESSION = Duration.ofSeconds(1);

    private final int serverPort;
    private final String root = "/elector-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<Backend, TcpProxy> proxies = new IdentityHashMap<>();
    private final List<TcpProxy> all = new ArrayList<>();

    ZkFixture(int serverPort) {
        this.serverPort = serverPort;
    }

    String root() {
        return root;
    }

    @Override
    public synchronized Backend newBackend() {
        TcpProxy proxy;
        try {
            proxy = new TcpProxy(new InetSocketAddress("127.0.0.1", serverPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ZooKeeperBackend b = ZooKeeperBackend.create(ZooKeeperConfig.of("127.0.0.1:" + proxy.port())
                .withRoot(root)
                .withSessionTimeout(SESSION)
                .withConnectionTimeout(Duration.ofMillis(500)));
        proxies.put(b, proxy);
        all.add(proxy);
        return b;
    }

    synchronized TcpProxy proxy(Backend b) {
        return proxies.get(b);
    }

    @Override
    public ElectionSettings settings() {
        return ElectionSettings.defaults().withLease(SESSION);
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
        return Duration.ofSeconds(5);
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
