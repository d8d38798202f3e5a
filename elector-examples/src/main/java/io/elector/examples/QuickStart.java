package io.elector.examples;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import io.elector.api.Schedule;
import io.elector.api.StaleTokenException;
import io.elector.core.Elector;
import io.elector.memory.InMemoryBackend;
import io.elector.memory.InMemoryFencedRegister;
import io.elector.memory.InMemoryLeaseStore;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's API example: three candidates in one JVM compete for {@code weather-writer}; the
 * leader writes readings into a fenced register with its token; the leader resigns and another
 * takes over with a higher token; a write with the old token is refused.
 */
public final class QuickStart {
    private QuickStart() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(System.out) ? 0 : 1);
    }

    /** Runs the example, printing one line per event; true if everything behaved as promised. */
    public static boolean run(PrintStream out) throws Exception {
        InMemoryLeaseStore store = new InMemoryLeaseStore(); // one shared store = the "database"
        InMemoryFencedRegister<String> readings = new InMemoryFencedRegister<>("latest-reading");
        List<Elector> electors = new ArrayList<>();
        List<Election> elections = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                // --- README example start ---
                Elector elector = Elector.builder(InMemoryBackend.on(store))
                        .candidateId("node-" + i)
                        .build();
                Election election = elector.join("weather-writer");
                election.addListener(new LeadershipListener() {
                    @Override
                    public void elected(Leadership l) {
                        out.println(l.candidateId() + " elected, fencing token " + l.fencingToken());
                    }

                    @Override
                    public void revoked(Leadership l, Revocation r) {
                        out.println(l.candidateId() + " stepped down (" + r.reason() + ")");
                    }
                });
                election.scheduleWhileLeader(
                        Schedule.fixedRate(Duration.ZERO, Duration.ofMillis(200)),
                        l -> readings.guard(l)
                                .set("21.5C written by " + l.candidateId() + " with token " + l.fencingToken()));
                // --- README example end ---
                electors.add(elector);
                elections.add(election);
            }
            Leadership first = awaitAnyLeader(elections);
            Thread.sleep(500);
            out.println("reading: " + readings.value().orElse("(none)"));
            elections.stream()
                    .filter(e -> e.isLeader())
                    .findFirst()
                    .orElseThrow()
                    .resign()
                    .toCompletableFuture()
                    .join();
            Leadership second = awaitAnyLeader(elections);
            Thread.sleep(500);
            out.println("reading: " + readings.value().orElse("(none)"));
            boolean refused;
            try {
                readings.guard(first).set("stale write from a paused ex-leader");
                refused = false;
            } catch (StaleTokenException e) {
                out.println("refused: " + e.getMessage());
                refused = true;
            }
            boolean ok = second.fencingToken() > first.fencingToken()
                    && refused
                    && readings.value().orElse("").contains("token " + second.fencingToken());
            out.println(ok ? "OK: tokens increased and the stale write was refused" : "FAILED");
            return ok;
        } finally {
            for (Elector e : electors) {
                e.close();
            }
        }
    }

    private static Leadership awaitAnyLeader(List<Election> elections) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() - end < 0) {
            for (Election e : elections) {
                var l = e.awaitLeadership(Duration.ofMillis(20));
                if (l.isPresent()) {
                    return l.get();
                }
            }
        }
        throw new IllegalStateException("no leader within 10 s");
    }
}
