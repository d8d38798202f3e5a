package io.elector.redis;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.core.Elector;
import io.elector.core.LeaseBackend;
import io.lettuce.core.RedisURI;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
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
            print("handoff", samples, "\"settings\":\"defaults\",\"candidates\":3,\"processes\":1");
        } finally {
            electors.forEach(Elector::close);
        }
    }

    private static Election awaitAnyLeader(List<Election> elections, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < 100_000 && System.nanoTime() - end < 0; i++) {
            for (Election e : elections) {
                if (e.isLeader()) {
                    return e;
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no leader within " + timeout);
    }

    /** kill -9 of the leader's JVM: from the SIGKILL to ELECTED printed by another candidate JVM. */
    static void failover(String base, int trials, long seed) throws Exception {
        String uri = base + "?prefix=" + RedisTestServer.uniquePrefix();
        SplittableRandom random = new SplittableRandom(seed);
        BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
        Child[] children = new Child[3];
        for (int i = 0; i < 3; i++) {
            children[i] = Child.start(i, uri, "f" + i + "-0", "failover", 1, lines);
        }
        try {
            List<Long> samples = new ArrayList<>();
            int leader = awaitElected(lines, -1, Duration.ofSeconds(180)).child;
            for (int t = 0; t < trials; t++) {
                // A random phase within the renew cycle, so kills do not line up with renewals.
                Thread.sleep(1000 + random.nextInt(1000));
                long start = System.nanoTime();
                children[leader].kill();
                Line next = awaitElected(lines, leader, Duration.ofSeconds(30));
                samples.add(next.at - start);
                children[leader] = Child.start(leader, uri, "f" + leader + "-" + (t + 1), "failover", 1, lines);
                awaitReady(lines, leader, Duration.ofSeconds(120));
                leader = next.child;
            }
            print(
                    "failover",
                    samples,
                    "\"settings\":\"defaults\",\"lease_ms\":5000,\"retry_ms\":500,\"candidates\":3,\"processes\":3,"
                            + "\"seed\":" + seed);
        } finally {
            for (Child c : children) {
                c.stop();
            }
        }
    }

    /** 10,000 elections joined by 3 processes: store calls per process per second at steady state. */
    static void scale(String base, RedisURI server, int elections, int windowSeconds) throws Exception {
        String uri = base + "?prefix=" + RedisTestServer.uniquePrefix();
        BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
        Child[] children = new Child[3];
        long startedAt = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            children[i] = Child.start(i, uri, "s" + i, "scale", elections, lines);
        }
        try {
            long[][] stats = new long[3][];
            long end = System.nanoTime() + Duration.ofSeconds(600).toNanos();
            while (true) {
                Line l = lines.poll(1, TimeUnit.SECONDS);
                if (System.nanoTime() - end > 0) {
                    throw new IllegalStateException(
                            "elections not all led within 600 s: " + Arrays.deepToString(stats));
                }
                if (l != null && l.kind.equals("STATS")) {
                    stats[l.child] = l.numbers;
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
            for (Child c : children) {
                c.stop();
            }
        }
    }

    private static long[][] latest(BlockingQueue<Line> lines, long[][] last) {
        long[][] out = last.clone();
        List<Line> drained = new ArrayList<>();
        lines.drainTo(drained);
        for (Line l : drained) {
            if (l.kind.equals("STATS")) {
                out[l.child] = l.numbers;
            }
        }
        return out;
    }

    private static long[] cpu(Child[] children) {
        long[] out = new long[children.length];
        for (int i = 0; i < children.length; i++) {
            out[i] = children[i]
                    .process
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

    private static Line awaitElected(BlockingQueue<Line> lines, int notChild, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - end < 0) {
            Line l = lines.poll(100, TimeUnit.MILLISECONDS);
            if (l != null && l.kind.equals("ELECTED") && l.child != notChild) {
                return l;
            }
        }
        throw new IllegalStateException("no ELECTED within " + timeout);
    }

    private static void awaitReady(BlockingQueue<Line> lines, int child, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        List<Line> keep = new ArrayList<>();
        try {
            while (System.nanoTime() - end < 0) {
                Line l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l == null) {
                    continue;
                }
                if (l.kind.equals("READY") && l.child == child) {
                    return;
                }
                if (!l.kind.equals("STATS")) {
                    keep.add(l);
                }
            }
            throw new IllegalStateException("child " + child + " not READY within " + timeout);
        } finally {
            lines.addAll(keep);
        }
    }

    private static void print(String bench, List<Long> samplesNanos, String extra) {
        long[] ms = samplesNanos.stream().mapToLong(n -> n).sorted().toArray();
        System.out.println("{\"bench\":\"" + bench + "\",\"backend\":\"redis\",\"trials\":" + ms.length
                + ",\"min_ms\":" + fmt(ms[0] / 1e6)
                + ",\"p50_ms\":" + fmt(percentile(ms, 0.50) / 1e6)
                + ",\"p99_ms\":" + fmt(percentile(ms, 0.99) / 1e6)
                + ",\"max_ms\":" + fmt(ms[ms.length - 1] / 1e6)
                + "," + extra
                + ",\"loadavg\":\"" + loadavg() + "\"}");
    }

    /** Nearest-rank percentile. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String option(String[] args, String name, String def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }

    /** A line printed by a child, stamped with the parent's monotonic clock on receipt. */
    record Line(int child, String kind, long at, long[] numbers) {}

    /** A candidate JVM ({@link BenchCandidate}). */
    static final class Child {
        final int index;
        final Process process;

        private Child(int index, Process process) {
            this.index = index;
            this.process = process;
        }

        static Child start(int index, String uri, String id, String election, int count, BlockingQueue<Line> lines)
                throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(
                            java,
                            "-Xmx512m",
                            "-XX:+UseSerialGC",
                            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                            "-cp",
                            System.getProperty("java.class.path"),
                            BenchCandidate.class.getName(),
                            uri,
                            id,
                            election,
                            Integer.toString(count))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader r =
                                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                            String s;
                            while ((s = r.readLine()) != null) {
                                long at = System.nanoTime();
                                String[] parts = s.split(" ");
                                long[] numbers = new long[0];
                                if (parts[0].equals("STATS")) {
                                    numbers = Arrays.stream(parts, 1, parts.length)
                                            .mapToLong(Long::parseLong)
                                            .toArray();
                                }
                                lines.add(new Line(index, parts[0], at, numbers));
                            }
                        } catch (IOException e) {
                            // child gone
                        }
                    },
                    "child-" + index);
            reader.setDaemon(true);
            reader.start();
            return new Child(index, p);
        }

        /** kill -9 (SIGKILL to its PID). */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        /** Closes its stdin so it exits by itself, then kills it by PID if it has not within 5 s. */
        void stop() throws InterruptedException {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // already gone
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
