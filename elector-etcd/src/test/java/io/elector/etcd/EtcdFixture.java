package io.elector.etcd;

import io.elector.api.ElectionSettings;
import io.elector.spi.Backend;
import io.elector.testkit.ProxiedBackendFixture;
import io.elector.testkit.TcpProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;

/**
 * A real etcd as a conformance fixture. Each backend (one per simulated process) connects through
 * its own loopback {@link TcpProxy}: a cut-off blackholes it, a crash resets it for good (etcd then
 * expires its lease). Leases of 2 s; each fixture uses its own root prefix.
 */
final class EtcdFixture extends ProxiedBackendFixture {
    static final Duration TTL = Duration.ofSeconds(2);

    private final String root = "/elector-test-" + UUID.randomUUID().toString().substring(0, 8);

    EtcdFixture(int serverPort) {
        super(new InetSocketAddress("127.0.0.1", serverPort));
    }

    String root() {
        return root;
    }

    @Override
    protected Backend connect(int proxyPort) {
        return EtcdBackend.create(EtcdConfig.of("127.0.0.1:" + proxyPort)
                .withRoot(root)
                .withTtl(TTL)
                .withOperationTimeout(Duration.ofSeconds(1)));
    }

    @Override
    public ElectionSettings settings() {
        return ElectionSettings.defaults().withLease(TTL);
    }

    @Override
    public Duration failoverBound() {
        // The lease TTL, etcd's expiry sweep (every 500 ms), a watch event and a read.
        return Duration.ofSeconds(6);
    }
}
