package io.elector.jdbc;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Benchmarks of the JDBC backend with candidates in separate JVMs ({@link BenchCandidate}); prints
 * one JSON object per run. Not a test: figures go to the module README with the command.
 *
 * <pre>
 * failover --uri U [--trials 20] [--lease-ms 0|N] [--timeout-ms 2000]   kill -9 the leader, time to the next elected
 * resign   --uri U [--trials 20] [--lease-ms 0|N]                        leader resigns, time to the next elected
 * scale    --uri U [--elections 10000] [--processes 3] [--measure-s 30]  steady-state statements/s and CPU
 * </pre>
 *
 * {@code --lease-ms 0} means the stated defaults (lease 5 s, renew 1 s, retry 500 ms); N means lease
 * N ms with renew N/5 and retry N/10. Every wait is bounded; children are stopped by their PID.
 */
public final class JdbcBenchmark {
    private final Map<String, String> opts;
    private final String uri;
    private final Path logs;
    private final List<Child> children = new ArrayList<>();
    private int nextId = 1;

    private JdbcBenchmark(Map<String, String> opts) throws IOException {
        this.opts = opts;
        this.uri = opts.getOrDefault("uri", Databases.PG_DEFAULT);
        this.logs = Files.createTempDirectory("elector-jdbc-bench");
    }

    /** One candidate JVM and what its stdout said last. */
    private final class Child {
        final String id;
        final Process process;
        volatile long electedMicros;
        volatile boolean leader;
        volatile long resigningMicros;
        volatile long[] stats; // held, lost, statements, cpuNanos, micros

        Child(String id, Process process) {
            this.id = id;
            this.process = process;
            Thread reader = new Thread(this::read, "bench-reader-" + id);
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] f = line.split(" ");
                    switch (f[0]) {
                        case "ELECTED" -> {
                            electedMicros = Long.parseLong(f[3]);
                            leader = true;
                        }
                        case "REVOKED" -> leader = false;
                        case "RESIGNING" -> resigningMicros = Long.parseLong(f[1]);
                        case "STATS" ->
                            stats = new long[] {
                                Long.parseLong(f[1]),
                                Long.parseLong(f[2]),
                                Long.parseLong(f[3]),
                                Long.parseLong(f[4]),
                                Long.parseLong(f[5])
                            };
                        default -> {}
                    }
                }
            } catch (IOException | RuntimeException e) {
                // The child died (killed on purpose): nothing more to read.
            }
        }

        void send(String command) throws IOException {
            OutputStream o = process.getOutputStream();
            o.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
        }

        void kill9() {
            // Process.destroyForcibly sends SIGKILL on Unix: no shutdown hooks, no release.
            process.destroyForcibly();
        }
    }

    private Child start(int elections, long leaseMs, long timeoutMs, boolean verbose, String heap) throws IOException {
        String id = "b" + (nextId++);
        List<String> cmd = List.of(
                new File(System.getProperty("java.home"), "bin/java").getPath(),
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                BenchCandidate.class.getName(),
                uri,
                id,
                String.valueOf(elections),
                String.valueOf(leaseMs),
                String.valueOf(timeoutMs),
                String.valueOf(verbose));
        Process p = new ProcessBuilder(cmd)
                .redirectError(logs.resolve(id + ".err").toFile())
                .start();
        Child c = new Child(id, p);
        children.add(c);
        return c;
    }

    private void stopAll() {
        for (Child c : children) {
            if (c.process.isAlive()) {
                try {
                    c.send("QUIT");
                } catch (IOException ignored) {
                    // Already gone.
                }
            }
        }
        for (Child c : children) {
            try {
                if (!c.process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    c.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.process.destroyForcibly();
            }
        }
    }

    private static long nowMicros() {
        return BenchCandidate.micros();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The single alive leader, waiting at most {@code maxMs}; null if none. */
    private Child awaitLeader(List<Child> among, long afterMicros, long maxMs) {
        long end = System.nanoTime() + maxMs * 1_000_000;
        while (System.nanoTime() - end < 0) {
            Child found = null;
            int n = 0;
            for (Child c : among) {
                if (c.process.isAlive() && c.leader && c.electedMicros > afterMicros) {
                    found = c;
                    n++;
                }
            }
            if (n == 1) {
                return found;
            }
            sleep(2);
        }
        return null;
    }

    /** Waits (bounded) until a new child has joined and reported, then lets its JVM warm up for 2 s. */
    private static void awaitUp(Child c) {
        long end = System.nanoTime() + 60_000_000_000L;
        while (c.stats == null && System.nanoTime() - end < 0) {
            sleep(50);
        }
        sleep(2000);
    }

    private long lease() {
        return Long.parseLong(opts.getOrDefault("lease-ms", "0"));
    }

    private String settingsJson() {
        long l = lease();
        long lease = l == 0 ? 5000 : l;
        long renew = l == 0 ? 1000 : l / 5;
        long retry = l == 0 ? 500 : l / 10;
        return "\"lease_ms\":" + lease + ",\"renew_ms\":" + renew + ",\"retry_ms\":" + retry;
    }

    private void failover(boolean resign) throws IOException {
        int trials = Integer.parseInt(opts.getOrDefault("trials", "20"));
        long timeout = Long.parseLong(opts.getOrDefault("timeout-ms", lease() == 0 ? "2000" : "250"));
        long waitMs = (lease() == 0 ? 5000 : lease()) * 4 + 10_000;
        List<Child> pool = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pool.add(start(1, lease(), timeout, true, "128m"));
        }
        for (Child c : pool) {
            awaitUp(c);
        }
        List<Double> samples = new ArrayList<>();
        int failures = 0;
        for (int t = 0; t < trials; t++) {
            Child leader = awaitLeader(pool, 0, waitMs + 20_000);
            if (leader == null) {
                failures++;
                continue;
            }
            // Let it lead for a random part of a few renew intervals, so the kill falls anywhere in the cycle.
            long renewMs = (lease() == 0 ? 1000 : lease() / 5);
            sleep(renewMs + ThreadLocalRandom.current().nextLong(renewMs * 2));
            if (!leader.process.isAlive() || !leader.leader) {
                t--;
                continue;
            }
            long t0;
            if (resign) {
                leader.resigningMicros = 0;
                leader.send("RESIGN");
                long end = System.nanoTime() + 5_000_000_000L;
                while (leader.resigningMicros == 0 && System.nanoTime() - end < 0) {
                    sleep(1);
                }
                t0 = leader.resigningMicros;
            } else {
                t0 = nowMicros();
                leader.kill9();
            }
            List<Child> others = new ArrayList<>(pool);
            others.remove(leader);
            Child next = awaitLeader(others, t0, waitMs);
            if (t0 == 0 || next == null) {
                failures++;
            } else {
                samples.add((next.electedMicros - t0) / 1000.0);
            }
            if (!resign) {
                pool.remove(leader);
                Child fresh = start(1, lease(), timeout, true, "128m");
                pool.add(fresh);
                awaitUp(fresh);
            }
        }
        stopAll();
        print(
                (resign ? "resign" : "failover"),
                samples,
                failures,
                resign ? "graceful resign" : "kill -9 of the leader JVM");
    }

    private void print(String bench, List<Double> samples, int failures, String what) throws IOException {
        samples.sort(Double::compare);
        int n = samples.size();
        String json = String.format(
                Locale.ROOT,
                "{\"bench\":\"%s\",\"backend\":\"%s\",\"what\":\"%s\",\"trials\":%d,\"failed_trials\":%d,"
                        + "\"min_ms\":%.1f,\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f,%s,\"load\":\"%s\","
                        + "\"samples_ms\":%s}",
                bench,
                JdbcUri.parse(uri).kind(),
                what,
                n,
                failures,
                n == 0 ? Double.NaN : samples.get(0),
                n == 0 ? Double.NaN : samples.get((n - 1) / 2),
                n == 0 ? Double.NaN : samples.get(Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)),
                n == 0 ? Double.NaN : samples.get(n - 1),
                settingsJson(),
                loadAverage(),
                samples.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList());
        System.out.println(json);
    }

    private static String loadAverage() throws IOException {
        Path p = Path.of("/proc/loadavg");
        return Files.exists(p) ? Files.readString(p).trim() : "n/a";
    }

    private void scale() throws IOException {
        int elections = Integer.parseInt(opts.getOrDefault("elections", "10000"));
        int processes = Integer.parseInt(opts.getOrDefault("processes", "3"));
        long measureS = Long.parseLong(opts.getOrDefault("measure-s", "30"));
        List<Child> pool = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            pool.add(start(elections, lease(), 2000, false, "512m"));
        }
        // Wait (bounded) until every election is led and has stayed so for 5 s.
        long end = System.nanoTime() + 600_000_000_000L;
        long stableSince = 0;
        while (System.nanoTime() - end < 0) {
            long held = 0;
            for (Child c : pool) {
                held += c.stats == null ? 0 : c.stats[0];
            }
            if (held == elections) {
                if (stableSince == 0) {
                    stableSince = System.nanoTime();
                } else if (System.nanoTime() - stableSince > 5_000_000_000L) {
                    break;
                }
            } else {
                stableSince = 0;
            }
            sleep(200);
        }
        long settledMs = (System.nanoTime() - (end - 600_000_000_000L)) / 1_000_000;
        List<long[]> before = new ArrayList<>();
        for (Child c : pool) {
            before.add(c.stats);
        }
        sleep(measureS * 1000);
        StringBuilder per = new StringBuilder();
        long heldAfter = 0;
        boolean kept = true;
        double maxRate = 0;
        double maxCpu = 0;
        for (int i = 0; i < pool.size(); i++) {
            long[] a = before.get(i);
            long[] b = pool.get(i).stats;
            double secs = (b[4] - a[4]) / 1e6;
            double rate = (b[2] - a[2]) / secs;
            double cpu = (b[3] - a[3]) / (secs * 1e9) * 100;
            heldAfter += b[0];
            kept &= b[1] == a[1];
            maxRate = Math.max(maxRate, rate);
            maxCpu = Math.max(maxCpu, cpu);
            per.append(i == 0 ? "" : ",")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"held\":%d,\"lost_in_window\":%d,\"statements_per_s\":%.2f,\"cpu_percent\":%.2f}",
                            b[0],
                            b[1] - a[1],
                            rate,
                            cpu));
        }
        stopAll();
        System.out.println(String.format(
                Locale.ROOT,
                "{\"bench\":\"scale\",\"backend\":\"%s\",\"elections\":%d,\"processes\":%d,\"settled_ms\":%d,"
                        + "\"measure_s\":%d,\"all_leases_kept\":%b,\"held_after\":%d,"
                        + "\"backend_requests_per_s\":%.2f,\"cpu_percent\":%.2f,\"max_elections\":%d,%s,"
                        + "\"per_process\":[%s],\"load\":\"%s\"}",
                JdbcUri.parse(uri).kind(),
                elections,
                processes,
                settledMs,
                measureS,
                kept && heldAfter == elections,
                heldAfter,
                maxRate,
                maxCpu,
                elections,
                settingsJson(),
                per,
                loadAverage()));
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: JdbcBenchmark failover|resign|scale --uri URI [--trials N] [--lease-ms N]"
                    + " [--elections N] [--processes N] [--measure-s N]");
            System.exit(2);
        }
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        JdbcBenchmark b = new JdbcBenchmark(opts);
        try {
            switch (args[0]) {
                case "failover" -> b.failover(false);
                case "resign" -> b.failover(true);
                case "scale" -> b.scale();
                default -> {
                    System.err.println("unknown benchmark: " + args[0]);
                    System.exit(2);
                }
            }
        } finally {
            b.stopAll();
        }
        System.exit(0);
    }
}
