package io.elector.raft;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.core.Elector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A profiling aid (not a test): 3 nodes in this JVM, one election; {@code TRIALS} times (default
 * 20) halts the leader's node (like a crash: its sockets close) and times until another node's
 * {@code elected}; restarts the halted node from its state. Prints the sorted times.
 */
public final class FailoverProbe {
    private FailoverProbe() {}

    public static void main(String[] args) throws Exception {
        int trials = Integer.parseInt(System.getenv().getOrDefault("TRIALS", "20"));
        List<Double> ms = new ArrayList<>();
        try (LoopbackCluster cluster = new LoopbackCluster(3)) {
            RaftBackend[] backends = new RaftBackend[4];
            Elector[] electors = new Elector[4];
            Election[] elections = new Election[4];
            AtomicLong electedAt = new AtomicLong();
            for (int i = 1; i <= 3; i++) {
                start(cluster, i, backends, electors, elections, electedAt);
            }
            for (int t = 0; t < trials; t++) {
                int leader = 0;
                for (int w = 0; w < 400 && leader == 0; w++) {
                    for (int i = 1; i <= 3; i++) {
                        if (elections[i].leadership().isPresent()) {
                            leader = i;
                        }
                    }
                    Thread.sleep(10);
                }
                if (leader == 0) {
                    System.out.println("no leader");
                    continue;
                }
                Thread.sleep(300 + (t * 37) % 100);
                electedAt.set(0);
                long t0 = System.nanoTime();
                backends[leader].halt();
                for (int w = 0; w < 3000 && electedAt.get() == 0; w++) {
                    Thread.sleep(1);
                }
                if (electedAt.get() != 0) {
                    ms.add((electedAt.get() - t0) / 1e6);
                }
                electors[leader].close();
                start(cluster, leader, backends, electors, elections, electedAt);
                Thread.sleep(500);
            }
        }
        Collections.sort(ms);
        System.out.printf(
                Locale.ROOT,
                "failover ms (%d): p50 %.1f max %.1f all %s%n",
                ms.size(),
                ms.get(ms.size() / 2),
                ms.get(ms.size() - 1),
                ms);
        System.exit(0);
    }

    private static void start(
            LoopbackCluster cluster,
            int i,
            RaftBackend[] backends,
            Elector[] electors,
            Election[] elections,
            AtomicLong electedAt) {
        backends[i] = cluster.start(i);
        electors[i] = Elector.builder(backends[i])
                .candidateId("n" + i)
                .closeBackendOnClose(true)
                .build();
        elections[i] = electors[i].join("probe");
        elections[i].addListener(new LeadershipListener() {
            @Override
            public void elected(Leadership l) {
                electedAt.compareAndSet(0, System.nanoTime());
            }
        });
    }
}
