package io.elector.redis;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import io.elector.core.Elector;
import io.elector.core.LeaseBackend;
import io.elector.testkit.CountingLeaseStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One benchmark candidate process: {@code BenchCandidate <redis-uri> <id> <election-prefix> <count>}.
 * Joins {@code count} elections with the default settings and reports on stdout: {@code ELECTED
 * name token} / {@code REVOKED name token} (single election), and once a second {@code STATS
 * acquires renews releases reads leaders} (store calls so far). Exits when stdin closes, so it
 * never outlives the benchmark.
 */
public final class BenchCandidate {
    private BenchCandidate() {}

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        String id = args[1];
        String prefix = args[2];
        int count = Integer.parseInt(args[3]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        CountingLeaseStore store = new CountingLeaseStore(RedisLeaseStore.create(RedisBackend.config(uri)));
        AtomicInteger leaders = new AtomicInteger();
        try (Elector elector = Elector.builder(LeaseBackend.of(store))
                .candidateId(id)
                .closeBackendOnClose(true)
                .build()) {
            List<Election> elections = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = count == 1 ? prefix : prefix + "-" + i;
                Election e = elector.join(name);
                e.addListener(new LeadershipListener() {
                    @Override
                    public void elected(Leadership l) {
                        leaders.incrementAndGet();
                        if (count == 1) {
                            out.println("ELECTED " + name + " " + l.fencingToken());
                        }
                    }

                    @Override
                    public void revoked(Leadership l, Revocation r) {
                        leaders.decrementAndGet();
                        if (count == 1) {
                            out.println("REVOKED " + name + " " + l.fencingToken());
                        }
                    }
                });
                elections.add(e);
            }
            out.println("READY");
            Thread stats = new Thread(
                    () -> {
                        while (!Thread.currentThread().isInterrupted()) {
                            CountingLeaseStore.Calls calls = store.calls();
                            out.println("STATS " + calls.acquires() + " " + calls.renews() + " " + calls.releases()
                                    + " " + calls.reads() + " " + leaders.get());
                            try {
                                Thread.sleep(1000);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "stats");
            stats.setDaemon(true);
            stats.start();
            // Lives until the parent closes stdin (or dies).
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // no commands yet
            }
        }
    }
}
