package io.elector.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Addresses, secret and state directories of a test cluster on free loopback ports. */
final class LoopbackCluster implements AutoCloseable {
    static final String SECRET = "test-cluster-secret-0123456789";

    final Map<Integer, InetSocketAddress> peers = new LinkedHashMap<>();
    final Path root;
    private UnaryOperator<RaftBackend.Builder> customize = UnaryOperator.identity();
    private final List<RaftBackend> started = new ArrayList<>();

    LoopbackCluster(int size) {
        try {
            root = Files.createTempDirectory("elector-raft-test");
            for (int i = 1; i <= size; i++) {
                peers.put(i, new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Applies {@code c} to every node's builder (timing, preferred leader...). */
    LoopbackCluster customize(UnaryOperator<RaftBackend.Builder> c) {
        this.customize = c;
        return this;
    }

    RaftBackend.Builder builder(int node) {
        return customize.apply(
                RaftBackend.builder().nodeId(node).peers(peers).secret(SECRET).stateDir(root.resolve("node-" + node)));
    }

    RaftBackend start(int node) {
        return track(builder(node).build());
    }

    RaftBackend start(int node, UnaryOperator<Transport> wrapper) {
        return track(builder(node).wrapTransport(wrapper).build());
    }

    RaftBackend track(RaftBackend b) {
        synchronized (started) {
            started.add(b);
        }
        return b;
    }

    @Override
    public void close() {
        synchronized (started) {
            for (RaftBackend b : started) {
                b.close();
            }
            started.clear();
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort cleanup of a temp directory
        }
    }
}
