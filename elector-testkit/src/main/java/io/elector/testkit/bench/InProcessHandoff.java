package io.elector.testkit.bench;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.core.Elector;
import io.elector.spi.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The in-process handoff figure: three candidates in one JVM (ids {@code h0}..{@code h2}, each with
 * a backend of its own and default settings) join one election; the leader resigns, and the time
 * from {@code resign()} to the next {@code elected()} callback is one sample. Three warm-up rounds
 * (JIT, connections) are dropped.
 */
public final class InProcessHandoff {
    private static final int WARM_UP = 3;

    private InProcessHandoff() {}

    /**
     * {@code trials} samples in nanoseconds, each round after the last waiting up to 60 s for a
     * leader and up to 30 s for the next one after a resign.
     */
    public static List<Long> measure(Supplier<Backend> backends, String election, int trials) throws Exception {
        List<Elector> electors = new ArrayList<>();
        List<Election> elections = new ArrayList<>();
        AtomicLong electedAt = new AtomicLong();
        CountDownLatch[] latch = {new CountDownLatch(1)};
        try {
            for (int i = 0; i < 3; i++) {
                Elector e = Elector.builder(backends.get())
                        .candidateId("h" + i)
                        .closeBackendOnClose(true)
                        .build();
                electors.add(e);
                Election el = e.join(election);
                el.addListener(new LeadershipListener() {
                    @Override
                    public void elected(Leadership l) {
                        electedAt.set(System.nanoTime());
                        latch[0].countDown();
                    }
                });
                elections.add(el);
            }
            List<Long> samples = new ArrayList<>();
            for (int t = 0; t < trials + WARM_UP; t++) {
                Election leader = BenchSupport.awaitAnyLeader(elections, Duration.ofSeconds(60));
                latch[0] = new CountDownLatch(1);
                long start = System.nanoTime();
                leader.resign();
                if (!latch[0].await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no new leader within 30 s of a resign");
                }
                if (t >= WARM_UP) {
                    samples.add(electedAt.get() - start);
                }
                Thread.sleep(50);
            }
            return samples;
        } finally {
            electors.forEach(Elector::close);
        }
    }
}
