package io.elector.azure;

import io.elector.api.ElectionSettings;
import io.elector.spi.Backend;
import io.elector.testkit.BackendFixture;
import io.elector.testkit.TcpProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Azurite (or {@code ELECTOR_AZURE_CONNECTION_STRING}) as a conformance fixture. Every candidate
 * talks to the blob service through its own loopback {@link TcpProxy}: a cut-off blackholes it
 * (requests time out), a crash resets its connections for good. Each fixture uses its own container,
 * deleted on close. The lease is Azure's shortest, 15 s (the suite takes the fixture's settings).
 */
final class AzureFixture implements BackendFixture {
    static final Duration REQUEST_TIMEOUT = Duration.ofMillis(1000);

    private final String connectionString;
    private final String container;
    private final Map<Backend, TcpProxy> proxies = new IdentityHashMap<>();
    private final List<TcpProxy> all = new ArrayList<>();
    private final List<Backend> backends = new ArrayList<>();

    AzureFixture() {
        this(AzureTestServer.connectionString());
    }

    AzureFixture(String connectionString) {
        this.connectionString = connectionString;
        this.container = AzureTestServer.uniqueContainer();
    }

    String container() {
        return container;
    }

    String connectionString() {
        return connectionString;
    }

    /** A config straight to the service (no proxy), for checks and cleanup. */
    AzureStoreConfig directConfig() {
        return AzureStoreConfig.connectionString(connectionString)
                .withContainer(container)
                .withRequestTimeout(REQUEST_TIMEOUT);
    }

    @Override
    public synchronized Backend newBackend() {
        TcpProxy proxy;
        try {
            proxy = new TcpProxy(AzureTestServer.address(connectionString));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AzureStoreConfig config = AzureStoreConfig.connectionString(
                        AzureTestServer.viaPort(connectionString, proxy.port()))
                .withContainer(container)
                .withRequestTimeout(REQUEST_TIMEOUT);
        Backend backend = AzureBackend.create(config);
        proxies.put(backend, proxy);
        all.add(proxy);
        backends.add(backend);
        return backend;
    }

    synchronized TcpProxy proxy(Backend backend) {
        return proxies.get(backend);
    }

    @Override
    public ElectionSettings settings() {
        return AzureBackend.defaultSettings();
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
        // lease 15 s + one retry interval, with room for a loaded machine
        return Duration.ofSeconds(20);
    }

    @Override
    public Duration handoverBound() {
        return Duration.ofSeconds(3);
    }

    @Override
    public synchronized void close() {
        for (TcpProxy p : all) {
            p.close();
        }
        all.clear();
        proxies.clear();
        try (TestBlobs blobs = new TestBlobs(connectionString, container)) {
            blobs.deleteContainer();
        }
    }
}
