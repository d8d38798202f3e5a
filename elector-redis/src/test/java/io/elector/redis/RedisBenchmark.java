package io.elector.redis;

import static io.elector.testkit.bench.BenchSupport.awaitAnyLeader;
import static io.elector.testkit.bench.BenchSupport.fmt;
import static io.elector.testkit.bench.BenchSupport.loadavg;
import static io.elector.testkit.bench.BenchSupport.option;
import static io.elector.testkit.bench.BenchSupport.printLatency;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.core.Elector;
import io.elector.core.LeaseBackend;
import io.elector.testkit.bench.ChildLine;
import io.elector.testkit.bench.ChildLines;
import io.elector.testkit.bench.ChildProcess;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Redis benchmarks, printing one JSON object per run (not a test):
 *
 * <pre>
 * RedisBenchmark handoff|failover|scale|all [--url redis://host:port] [--trials N] [--elections N]
 *     [--window S] [--seed N] [--trace]
 * </pre>
 *
 * Without {@code --url} it starts its own redis-server on a free loopback port (no persistence), so
 * that the server's command counters see only this benchmark, and stops it by PID at the end.
 * Default settings everywhere (lease 5 s, renew 1 s, retry 500 ms).
 */
public final class RedisBenchmark {
    private RedisBenchmark() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "all";
        String url = option(args, "--url", null);
        int trials = Integer.parseInt(option(args, "--trials", "0"));
        int elections = Integer.parseInt(option(args, "--elections", "10000"));
        int window = Integer.parseInt(option(args, "--window", "30"));
        long seed = Long.parseLong(option(args, "--seed", Long.toString(System.nanoTime() % 100_000)));
        RedisProcess own = url == null ? RedisProcess.start() : null;
        try {
            RedisURI server = own != null
                    ? own.uri()
                    : RedisBackend.config(URI.create(url)).uri();
            if (own != null) {
                // A new server: start as if it had been up for long (the restart guard has passed).
                RedisKeys.with(server, r -> r.set(RedisStoreConfig.DEFAULT_GUARD_KEY, "0"));
            }
            String base = "redis://" + server.getHost() + ":" + server.getPort();
            if (mode.equals("handoff") || mode.equals("all")) {
                handoff(base, trials > 0 ? trials : 30, Arrays.asList(args).contains("--trace"));
            }
            if (mode.equals("failover") || mode.equals("all")) {
                failover(base, trials > 0 ? trials : 10, seed);
            }
            if (mode.equals("scale") || mode.equals("all")) {
                scale(base, server, elections, window);
            }
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    /**
     * Graceful resign: from resign() on the leader to elected() on another candidate (same JVM).
     * With {@code trace}, prints to stderr where each trial's time went (store calls, release
     * notices, the elected callback), all on this JVM's monotonic clock.
     */
    static void handoff(String base, int trials, boolean trace) throws Exception {
        URI uri = URI.create(base + "?prefix=" + RedisTestServer.uniquePrefix());
        List<Elector> electors = new ArrayList<>();
        List<Election> elections = new ArrayList<>();
        AtomicLong electedAt = new AtomicLong();
        CountDownLatch[] latch = {new CountDownLatch(1)};
        TracingLeaseStore.Trace events = new TracingLeaseStore.Trace();
        for (int i = 0; i < 3; i++) {
            String id = "h" + i;
            RedisLeaseStore store = RedisLeaseStore.create(RedisBackend.config(uri));
            Elector e = Elector.builder(
                            trace ? LeaseBackend.of(new TracingLeaseStore(store, id, events)) : LeaseBackend.of(store))
                    .candidateId(id)
                    .closeBackendOnClose(true)
                    .build();
            electors.add(e);
            Election el = e.join("handoff");
            el.addListener(new LeadershipListener() {
                @Override
                public void elected(Leadership l) {
                    electedAt.set(System.nanoTime());
                    events.add(id, "elected() called");
                    latch[0].countDown();
                }
            });
            elections.add(el);
        }
        try {
            List<Long> samples = new ArrayList<>();
            for (int t = 0; t < trials + 3; t++) {
                Election leader = awaitAnyLeader(elections, Duration.ofSeconds(15));
                latch[0] = new CountDownLatch(1);
                events.start("trial " + t + ": " + leader.candidateId() + " resign()");
                long start = System.nanoTime();
                leader.resign();
                if (!latch[0].await(15, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no new leader within 15 s of a resign");
                }
                if (t >= 3) { // the first three warm up the JIT and the connections
                    samples.add(electedAt.get() - start);
                }
                if (trace) {
                    Thread.sleep(20); // late events of this trial (the other candidate's answer)
                    System.err.print(events.drain());
                }
                Thread.sleep(50);
            }
            printLatency("handoff", "redis", samples, "\"settings\":\"defaults\",\"candidates\":3,\"processes\":1");
        } finally {
            electors.forEach(Elector::close);
        }
    }

    /** kill -9 of the leader's JVM: from the SIGKILL to ELECTED printed by another candidate JVM. */
    static void failover(String base, int trials, long seed) throws Exception {
        String uri = base + "?prefix=" + RedisTestServer.uniquePrefix();
        SplittableRandom random = new SplittableRandom(seed);
        ChildLines lines = new ChildLines();
        ChildProcess[] children = new ChildProcess[3];
        for (int i = 0; i < 3; i++) {
            children[i] = candidate(i, uri, "f" + i + "-0", "failover", 1, lines);
        }
        try {
            List<Long> samples = new ArrayList<>();
            int leader =
                    lines.nextFromOther("ELECTED", -1, Duration.ofSeconds(180)).child();
            for (int t = 0; t < trials; t++) {
                // A random phase within the renew cycle, so kills do not line up with renewals.
                Thread.sleep(1000 + random.nextInt(1000));
                long start = System.nanoTime();
                children[leader].kill();
                ChildLine next = lines.nextFromOther("ELECTED", leader, Duration.ofSeconds(30));
                samples.add(next.at() - start);
                children[leader] = candidate(leader, uri, "f" + leader + "-" + (t + 1), "failover", 1, lines);
                lines.awaitFrom("READY", leader, l -> !l.kind().equals("STATS"), Duration.ofSeconds(120));
                leader = next.child();
            }
            printLatency(
                    "failover",
                    "redis",
                    samples,
                    "\"settings\":\"defaults\",\"lease_ms\":5000,\"retry_ms\":500,\"candidates\":3,\"processes\":3,"
                            + "\"seed\":" + seed);
        } finally {
            for (ChildProcess c : children) {
                c.stop();
            }
        }
    }

    /** 10,000 elections joined by 3 processes: store calls per process per second at steady state. */
    static void scale(String base, RedisURI server, int elections, int windowSeconds) throws Exception {
        String uri = base + "?prefix=" + RedisTestServer.uniquePrefix();
        ChildLines lines = new ChildLines();
        ChildProcess[] children = new ChildProcess[3];
        long startedAt = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            children[i] = candidate(i, uri, "s" + i, "scale", elections, lines);
        }
        try {
            long[][] stats = new long[3][];
            long end = System.nanoTime() + Duration.ofSeconds(600).toNanos();
            while (true) {
                ChildLine l = lines.poll(Duration.ofSeconds(1));
                if (System.nanoTime() - end > 0) {
                    throw new IllegalStateException(
                            "elections not all led within 600 s: " + Arrays.deepToString(stats));
                }
                if (l != null && l.kind().equals("STATS")) {
                    stats[l.child()] = l.numbers();
                }
                if (stats[0] != null
                        && stats[1] != null
                        && stats[2] != null
                        && stats[0][4] + stats[1][4] + stats[2][4] == elections) {
                    break;
                }
            }
            double settleSeconds = (System.nanoTime() - startedAt) / 1e9;
            Thread.sleep(5000); // settle into steady state
            long[][] before = latest(lines, stats);
            long serverBefore = serverCalls(server);
            long[] cpuBefore = cpu(children);
            long t0 = System.nanoTime();
            Thread.sleep(windowSeconds * 1000L);
            long[][] after = latest(lines, before);
            long serverAfter = serverCalls(server);
            long[] cpuAfter = cpu(children);
            double secs = (System.nanoTime() - t0) / 1e9;
            StringBuilder perProcess = new StringBuilder();
            StringBuilder leaders = new StringBuilder();
            StringBuilder cpus = new StringBuilder();
            double max = 0;
            double maxCpu = 0;
            for (int i = 0; i < 3; i++) {
                long calls = 0;
                for (int k = 0; k < 4; k++) {
                    calls += after[i][k] - before[i][k];
                }
                double rate = calls / secs;
                double cpuPct = 100.0 * (cpuAfter[i] - cpuBefore[i]) / 1e9 / secs;
                max = Math.max(max, rate);
                maxCpu = Math.max(maxCpu, cpuPct);
                perProcess.append(i == 0 ? "" : ",").append(fmt(rate));
                leaders.append(i == 0 ? "" : ",").append(after[i][4]);
                cpus.append(i == 0 ? "" : ",").append(fmt(cpuPct));
            }
            System.out.println("{\"bench\":\"scale\",\"backend\":\"redis\",\"elections\":" + elections
                    + ",\"processes\":3,\"window_s\":" + fmt(secs)
                    + ",\"backend_requests_per_s\":" + fmt(max)
                    + ",\"requests_per_s_per_process\":[" + perProcess + "]"
                    + ",\"server_commands_per_s\":" + fmt((serverAfter - serverBefore) / secs)
                    + ",\"leaders_per_process\":[" + leaders + "]"
                    + ",\"cpu_percent\":" + fmt(maxCpu)
                    + ",\"cpu_percent_per_process\":[" + cpus + "]"
                    + ",\"all_led_after_s\":" + fmt(settleSeconds)
                    + ",\"max_elections\":" + elections
                    + ",\"loadavg\":\"" + loadavg() + "\"}");
        } finally {
            for (ChildProcess c : children) {
                c.stop();
            }
        }
    }

    private static long[][] latest(ChildLines lines, long[][] last) {
        long[][] out = last.clone();
        for (ChildLine l : lines.drain()) {
            if (l.kind().equals("STATS")) {
                out[l.child()] = l.numbers();
            }
        }
        return out;
    }

    private static long[] cpu(ChildProcess[] children) {
        long[] out = new long[children.length];
        for (int i = 0; i < children.length; i++) {
            out[i] = children[i]
                    .process()
                    .info()
                    .totalCpuDuration()
                    .map(Duration::toNanos)
                    .orElse(0L);
        }
        return out;
    }

    /** Every command the server ran, from INFO commandstats, minus the INFO calls themselves. */
    private static long serverCalls(RedisURI server) {
        String info = RedisKeys.with(server, r -> r.info("commandstats"));
        long calls = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
                String v = line.substring(line.indexOf("calls=") + 6);
                calls += Long.parseLong(v.substring(0, v.indexOf(',')));
            }
        }
        return calls;
    }

    /** A candidate JVM ({@link BenchCandidate}) as child {@code index}, joining {@code count} elections. */
    private static ChildProcess candidate(
            int index, String uri, String id, String election, int count, ChildLines lines) throws IOException {
        return ChildProcess.start(
                index,
                ChildProcess.javaCommand("512m", BenchCandidate.class, uri, id, election, Integer.toString(count)),
                lines);
    }
}
