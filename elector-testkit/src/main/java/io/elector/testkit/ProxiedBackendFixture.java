package io.elector.testkit;

import io.elector.spi.Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BackendFixture} for a server reached over TCP: every candidate connects through its own
 * loopback {@link TcpProxy}, so a cut-off blackholes that proxy (bytes wait, the candidate sees
 * nothing), a restore forwards again, and a crash resets its connections and refuses new ones for
 * good (the server then sees the client gone). Subclasses say how a backend connects to a given
 * port, which settings the suite uses and how long a failover may take.
 */
public abstract class ProxiedBackendFixture implements BackendFixture {
    private final InetSocketAddress server;
    private final Map<Backend, TcpProxy> proxies = new IdentityHashMap<>();
    private final List<TcpProxy> all = new ArrayList<>();

    /** @param server the real server's loopback address */
    protected ProxiedBackendFixture(InetSocketAddress server) {
        this.server = server;
    }

    /** A backend that connects to {@code 127.0.0.1:proxyPort} as if that were the server. */
    protected abstract Backend connect(int proxyPort);

    /** Called by {@link #close()} after the proxies are closed (remove test keys, paths...). */
    protected void cleanUp() {}

    @Override
    public final synchronized Backend newBackend() {
        TcpProxy proxy;
        try {
            proxy = new TcpProxy(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.add(proxy);
        Backend backend = connect(proxy.port());
        proxies.put(backend, proxy);
        return backend;
    }

    /** The proxy between {@code backend} and the server, for faults the fixture contract does not name. */
    public final synchronized TcpProxy proxy(Backend backend) {
        return proxies.get(backend);
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
    public final synchronized void close() {
        for (TcpProxy p : all) {
            p.close();
        }
        all.clear();
        proxies.clear();
        cleanUp();
    }
}
