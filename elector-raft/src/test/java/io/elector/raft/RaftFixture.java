package io.elector.raft;

import io.elector.api.ElectionSettings;
import io.elector.spi.Backend;
import io.elector.testkit.BackendFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real 3-node cluster over loopback TCP, all nodes started up front (a node not handed out still
 * votes, as a process that runs no candidate would). {@link #newBackend()} hands out node 1, 2, 3.
 * Cut off: the node's transport drops everything in and out. Crash: the node halts at once.
 */
final class RaftFixture implements BackendFixture {
    // Slower than the defaults (50 ms, 150-300 ms) so that the suite holds on a loaded machine; the
    // lease (600 ms * 0.99) stays within the suite's lease setting (1 s).
    private final LoopbackCluster cluster = new LoopbackCluster(3)
            .customize(b -> b.heartbeat(Duration.ofMillis(100))
                    .electionTimeout(Duration.ofMillis(600), Duration.ofMillis(1200)));
    private final List<RaftBackend> nodes = new ArrayList<>();
    private final Map<Backend, CuttableTransport> cuts = new IdentityHashMap<>();
    private int next;

    RaftFixture() {
        for (int i = 1; i <= 3; i++) {
            CuttableTransport[] holder = new CuttableTransport[1];
            RaftBackend b = cluster.start(i, t -> holder[0] = new CuttableTransport(t));
            nodes.add(b);
            cuts.put(b, holder[0]);
        }
    }

    @Override
    public synchronized Backend newBackend() {
        if (next >= nodes.size()) {
            throw new IllegalStateException("the cluster has " + nodes.size() + " nodes");
        }
        return nodes.get(next++);
    }

    @Override
    public int maxCandidates() {
        return nodes.size();
    }

    @Override
    public ElectionSettings settings() {
        return ElectionSettings.defaults().withLease(Duration.ofMillis(1000));
    }

    @Override
    public void cutOff(Backend backend) {
        cuts.get(backend).cut(true);
    }

    @Override
    public void restore(Backend backend) {
        cuts.get(backend).cut(false);
    }

    @Override
    public void crash(Backend backend) {
        ((RaftBackend) backend).halt();
    }

    @Override
    public Duration failoverBound() {
        return Duration.ofSeconds(5);
    }

    @Override
    public void close() {
        cluster.close();
    }
}
