package io.elector.zookeeper;

import io.elector.api.ElectionSettings;
import io.elector.spi.Backend;
import io.elector.testkit.ProxiedBackendFixture;
import io.elector.testkit.TcpProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;

/**
 * A real ZooKeeper server as a conformance fixture. Each candidate connects through its own
 * loopback {@link TcpProxy}: a cut-off blackholes it, a crash resets it for good (the server then
 * expires the session). Sessions of 1 s; each fixture uses its own root path.
 */
final class ZkFixture extends ProxiedBackendFixture {
    static final Duration SESSION = Duration.ofSeconds(1);

    private final String root = "/elector-test-" + UUID.randomUUID().toString().substring(0, 8);

    ZkFixture(int serverPort) {
        super(new InetSocketAddress("127.0.0.1", serverPort));
    }

    String root() {
        return root;
    }

    @Override
    protected Backend connect(int proxyPort) {
        return ZooKeeperBackend.create(ZooKeeperConfig.of("127.0.0.1:" + proxyPort)
                .withRoot(root)
                .withSessionTimeout(SESSION)
                .withConnectionTimeout(Duration.ofMillis(500)));
    }

    @Override
    public ElectionSettings settings() {
        return ElectionSettings.defaults().withLease(SESSION);
    }

    @Override
    public Duration failoverBound() {
        return Duration.ofSeconds(5);
    }
}
