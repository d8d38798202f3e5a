package io.elector.cli.backend;

import io.elector.spi.Backend;
import io.elector.zookeeper.ZooKeeperBackend;
import io.elector.zookeeper.ZooKeeperConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code zookeeper://host:port[,host:port...][/root][?sessionTimeout=4s&connectionTimeout=2s]}: the
 * ZooKeeper backend (see elector-zookeeper's README). Waits for a connection before returning, so a
 * wrong address is one clear line within the connect timeout. The session is the lease: {@code
 * --lease} does not apply; {@code sessionTimeout} does.
 */
public final class ZooKeeperBackendProvider implements BackendProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("zookeeper");
    }

    @Override
    public String example() {
        return "zookeeper://127.0.0.1:2181/elector";
    }

    @Override
    public Optional<Duration> fixedLease(BackendUri uri) {
        return Optional.of(config(uri).sessionTimeout());
    }

    @Override
    public Backend create(BackendUri uri, BackendOptions options) {
        ZooKeeperConfig config = config(uri);
        String refused = allRefuse(config.connectString());
        if (refused != null) {
            // Nothing listens: say so now rather than after the whole connect timeout.
            throw new BackendConfigException(
                    "cannot reach ZooKeeper at " + uri.redacted() + ": connection refused (" + refused + ")");
        }
        ZooKeeperBackend backend = ZooKeeperBackend.create(config);
        boolean connected;
        try {
            connected = backend.awaitConnected(options.connectTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeBounded(backend);
            throw new BackendConfigException("interrupted while connecting to ZooKeeper");
        }
        if (!connected) {
            closeBounded(backend);
            throw new BackendConfigException("cannot reach ZooKeeper at " + uri.redacted() + ": no connection within "
                    + options.connectTimeout().toMillis() + " ms");
        }
        return backend;
    }

    /**
     * Closes {@code backend} waiting at most a second: closing a ZooKeeper client whose server
     * accepted the TCP connection but never answered waits for a close-session reply until the
     * client's own time-out (seconds), which the user should not wait for.
     */
    private static void closeBounded(ZooKeeperBackend backend) {
        Thread t = new Thread(backend::close, "elector-zk-close");
        t.setDaemon(true);
        t.start();
        try {
            t.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One plain TCP connect (at most 1 s) to each server: the refusal message when every one of them
     * refuses, else null (a server answers, or one cannot tell yet: the ZooKeeper client decides).
     */
    static String allRefuse(String connectString) {
        StringBuilder refused = new StringBuilder();
        for (String hostPort : connectString.split(",")) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                return null;
            }
            String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1_000);
                return null;
            } catch (ConnectException e) {
                refused.append(refused.length() == 0 ? "" : ", ")
                        .append(host)
                        .append(':')
                        .append(port);
            } catch (IOException | IllegalArgumentException e) {
                return null;
            }
        }
        return refused.length() == 0 ? null : refused.toString();
    }

    private static ZooKeeperConfig config(BackendUri uri) {
        try {
            return ZooKeeperBackend.config(uri.toUri());
        } catch (IllegalArgumentException e) {
            throw new BackendConfigException(BackendUri.redact(e.getMessage()), e);
        }
    }
}
