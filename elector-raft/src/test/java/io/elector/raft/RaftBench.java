package io.elector.raft;

import io.elector.api.Election;
import io.elector.core.Elector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The embedded Raft benchmark (a main class, not a test). Prints one JSON object per run:
 *
 * <ul>
 *   <li>{@code cold_start}: 3 nodes in this JVM on loopback, from the start of building the first
 *       node to the first leader's {@code elected} callback;
 *   <li>{@code failover}: 3 JVMs; kill -9 (SIGKILL by PID) of the leader's JVM until another JVM's
 *       {@code elected} callback (both stamped with CLOCK_MONOTONIC), then the killed node restarts;
 *   <li>{@code handoff}: 3 JVMs; a {@code resign()} sent to the leader until another JVM's {@code
 *       elected} callback (includes the stdin pipe to the leader, well under a millisecond);
 *   <li>{@code idle}: 3 JVMs, 100 elections each; CPU time of each JVM (utime+stime from /proc) over
 *       two idle windows, 20 s ("early") and 150 s ("steady") after every election has a leader.
 * </ul>
 *
 * Environment: {@code BENCH} (comma list, default all), {@code TRIALS} (default 30), {@code
 * IDLE_SECONDS} (window, default 10), {@code IDLE_SETTLE_SECONDS} (default 20), {@code
 * IDLE_STEADY_SECONDS} (default 150; 0 = no steady window), {@code RAFT_PARAMS} (extra URI parameters for the JVM nodes). Run: {@code ./mvnw -q -pl elector-raft -am test-compile exec:exec}.
 */
public final class RaftBench {
    private RaftBench() {}

    private static final long RESTART_SETTLE_MS =
            Long.parseLong(System.getenv().getOrDefault("RESTART_SETTLE_MS", "3000"));

    public static void main(String[] args) throws Exception {
        Set<String> which = new HashSet<>(Arrays.asList(System.getenv()
                .getOrDefault("BENCH", "cold_start,failover,handoff,idle")
                .split(",")));
        int trials = Integer.parseInt(System.getenv().getOrDefault("TRIALS", "30"));
        int idleSeconds = Integer.parseInt(System.getenv().getOrDefault("IDLE_SECONDS", "10"));
        if (which.contains("cold_start")) {
            coldStart(Math.min(trials, 20));
        }
        if (which.contains("failover") || which.contains("handoff")) {
            failoverAndHandoff(trials, which.contains("failover"), which.contains("handoff"));
        }
        if (which.contains("idle")) {
            idle(100, idleSeconds);
        }
        System.exit(0);
    }

    private static void coldStart(int trials) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            try (LoopbackCluster cluster = new LoopbackCluster(3)) {
                List<Elector> electors = new ArrayList<>();
                List<Election> elections = new ArrayList<>();
                long t0 = System.nanoTime();
                long[] electedAt = {0};
                for (int i = 1; i <= 3; i++) {
                    Elector e = Elector.builder(cluster.start(i))
                            .candidateId("n" + i)
                            .closeBackendOnClose(false)
                            .build();
                    electors.add(e);
                    Election el = e.join("bench");
                    el.addListener(new io.elector.api.LeadershipListener() {
                        @Override
                        public void elected(io.elector.api.Leadership l) {
                            synchronized (electedAt) {
                                if (electedAt[0] == 0) {
                                    electedAt[0] = System.nanoTime();
                                }
                            }
                        }
                    });
                    elections.add(el);
                }
                for (int i = 0; i < 10_000; i++) {
                    synchronized (electedAt) {
                        if (electedAt[0] != 0) {
                            break;
                        }
                    }
                    Thread.sleep(1);
                }
                synchronized (electedAt) {
                    if (electedAt[0] != 0) {
                        ms.add((electedAt[0] - t0) / 1e6);
                    }
                }
                electors.forEach(Elector::close);
            }
        }
        print("cold_start", ms, trials, "\"nodes\":3,\"scope\":\"in-process, loopback TCP, fsync on\"");
    }

    private static void failoverAndHandoff(int trials, boolean failover, boolean handoff) throws Exception {
        try (ProcessCluster c = new ProcessCluster(3, 1, params())) {
            long spawn = System.nanoTime();
            for (int i = 1; i <= 3; i++) {
                c.start(i);
            }
            ProcessCluster.Event first = c.await(0, e -> e.kind().equals("ELECTED"), 60_000);
            if (first == null) {
                throw new IllegalStateException("no first leader within 60 s");
            }
            long lastReady = c.events().stream()
                    .filter(e -> e.kind().equals("READY"))
                    .mapToLong(ProcessCluster.Event::nanos)
                    .max()
                    .orElse(spawn);
            System.out.printf(
                    Locale.ROOT,
                    "{\"bench\":\"cold_start_jvms\",\"backend\":\"raft\",\"nodes\":3,\"spawn_to_leader_ms\":%.1f,"
                            + "\"last_ready_to_leader_ms\":%.1f,\"load\":\"%s\"}%n",
                    (first.nanos() - spawn) / 1e6,
                    (first.nanos() - lastReady) / 1e6,
                    load());
            if (failover) {
                List<Double> ms = new ArrayList<>();
                int failed = 0;
                for (int t = 0; t < trials; t++) {
                    int leader = stableLeader(c);
                    Thread.sleep(300);
                    leader = stableLeader(c);
                    int mark = c.events().size();
                    final int dead = leader;
                    long t0 = System.nanoTime();
                    java.time.LocalTime before = java.time.LocalTime.now();
                    c.kill9(leader);
                    if (System.getenv("RAFT_BENCH_TRACE") != null) {
                        System.err.println(before + " kill node " + dead + "; reaped at " + java.time.LocalTime.now());
                    }
                    ProcessCluster.Event next = c.await(
                            mark, e -> e.kind().equals("ELECTED") && e.node() != dead && e.nanos() - t0 > 0, 10_000);
                    if (next == null) {
                        failed++;
                    } else {
                        ms.add((next.nanos() - t0) / 1e6);
                    }
                    int readyMark = c.events().size();
                    c.start(dead);
                    c.await(readyMark, e -> e.kind().equals("READY") && e.node() == dead, 60_000);
                    // A JVM that just started runs the election code interpreted, loading classes
                    // on first use; let it warm up as a node that has been running a while would
                    // be (env RESTART_SETTLE_MS, default 3000; 0 measures failover right after a restart).
                    Thread.sleep(RESTART_SETTLE_MS);
                }
                print(
                        "failover",
                        ms,
                        trials,
                        "\"nodes\":3,\"jvms\":3,\"kill\":\"SIGKILL\",\"restart_settle_ms\":" + RESTART_SETTLE_MS
                                + ",\"failed\":" + failed);
            }
            if (handoff) {
                List<Double> ms = new ArrayList<>();
                int failed = 0;
                for (int t = 0; t < trials; t++) {
                    int leader = stableLeader(c);
                    Thread.sleep(200);
                    leader = stableLeader(c);
                    int mark = c.events().size();
                    final int old = leader;
                    long t0 = System.nanoTime();
                    c.command(leader, "RESIGN e0");
                    ProcessCluster.Event next = c.await(
                            mark, e -> e.kind().equals("ELECTED") && e.node() != old && e.nanos() - t0 > 0, 10_000);
                    if (next == null) {
                        failed++;
                    } else {
                        ms.add((next.nanos() - t0) / 1e6);
                    }
                }
                print("handoff", ms, trials, "\"nodes\":3,\"jvms\":3,\"failed\":" + failed);
            }
        }
    }

    private static int stableLeader(ProcessCluster c) throws InterruptedException {
        for (int i = 0; i < 2_000; i++) {
            int l = c.currentLeader("e0");
            if (l != 0) {
                return l;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no stable leader within 10 s");
    }

    private static void idle(int elections, int seconds) throws Exception {
        try (ProcessCluster c = new ProcessCluster(3, elections, params())) {
            for (int i = 1; i <= 3; i++) {
                c.start(i);
            }
            for (int i = 0; i < 6_000; i++) {
                long led = c.events().stream()
                        .filter(e -> e.kind().equals("ELECTED"))
                        .map(ProcessCluster.Event::election)
                        .distinct()
                        .count();
                if (led >= elections) {
                    break;
                }
                Thread.sleep(10);
            }
            // Two windows: "early", IDLE_SETTLE_SECONDS (default 20) after every election has a
            // leader, while the JIT is still at work (part of the per-message code still runs
            // interpreted or in C1's profiling tier, and the compiler threads are busy); and
            // "steady", IDLE_STEADY_SECONDS (default 150) after: what a running cluster costs.
            long elected = System.nanoTime();
            int settle = Integer.parseInt(System.getenv().getOrDefault("IDLE_SETTLE_SECONDS", "20"));
            int steady = Integer.parseInt(System.getenv().getOrDefault("IDLE_STEADY_SECONDS", "150"));
            idleWindow(c, elections, seconds, "early", elected, settle);
            if (steady > settle + seconds) {
                idleWindow(c, elections, seconds, "steady", elected, steady);
            }
        }
    }

    /** One CPU window starting {@code startSeconds} after {@code elected}; prints a JSON line. */
    private static void idleWindow(
            ProcessCluster c, int elections, int seconds, String phase, long elected, int startSeconds)
            throws Exception {
        long wait = elected + startSeconds * 1_000_000_000L - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        long[] before = new long[3];
        long[] jitBefore = new long[3];
        for (int i = 0; i < 3; i++) {
            before[i] = cpuTicks(c.pid(i + 1));
            jitBefore[i] = compilerTicks(c.pid(i + 1));
        }
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double wall = (System.nanoTime() - t0) / 1e9;
        List<Double> pct = new ArrayList<>();
        List<Double> jit = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pct.add((cpuTicks(c.pid(i + 1)) - before[i]) / 100.0 / wall * 100);
            jit.add((compilerTicks(c.pid(i + 1)) - jitBefore[i]) / 100.0 / wall * 100);
        }
        long t1 = System.nanoTime();
        long changes = c.events().stream()
                .filter(e ->
                        e.nanos() - t0 > 0 && e.nanos() - t1 <= 0 && !e.kind().equals("READY"))
                .count();
        System.out.printf(
                Locale.ROOT,
                "{\"bench\":\"idle\",\"phase\":\"%s\",\"backend\":\"raft\",\"params\":\"%s\",\"nodes\":3,"
                        + "\"elections\":%d,\"window_starts_s_after_elected\":%d,\"window_s\":%.1f,"
                        + "\"cpu_percent\":%.2f,\"cpu_percent_per_node\":%s,\"jit_compiler_percent_per_node\":%s,"
                        + "\"leader_changes_in_window\":%d,\"load\":\"%s\"}%n",
                phase,
                params(),
                elections,
                startSeconds,
                wall,
                pct.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                percents(pct),
                percents(jit),
                changes,
                load());
    }

    private static List<String> percents(List<Double> values) {
        return values.stream().map(p -> String.format(Locale.ROOT, "%.2f", p)).toList();
    }

    /** CPU ticks of a process's JIT compiler threads (their names start with "C1 Compiler"/"C2 Compiler"). */
    private static long compilerTicks(long pid) throws IOException {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                        ticks += ticks(Files.readString(t.resolve("stat")));
                    }
                } catch (IOException gone) {
                    // the thread ended
                }
            }
        }
        return ticks;
    }

    /** Extra URI parameters for the JVM nodes, e.g. {@code &heartbeat=100ms} (env RAFT_PARAMS). */
    private static String params() {
        return System.getenv().getOrDefault("RAFT_PARAMS", "");
    }

    /** utime + stime of a process, in clock ticks (USER_HZ = 100 on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }

    /** utime + stime from a /proc stat line (of a process or a thread). */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void print(String bench, List<Double> ms, int trials, String extra) {
        double[] v = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            System.out.printf(
                    Locale.ROOT,
                    "{\"bench\":\"%s\",\"backend\":\"raft\",\"trials\":%d,\"ok\":0,%s}%n",
                    bench,
                    trials,
                    extra);
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "{\"bench\":\"%s\",\"backend\":\"raft\",\"trials\":%d,\"ok\":%d,\"min_ms\":%.1f,\"p50_ms\":%.1f,"
                        + "\"p90_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f,%s,\"load\":\"%s\"}%n",
                bench,
                trials,
                v.length,
                v[0],
                pct(v, 0.50),
                pct(v, 0.90),
                pct(v, 0.99),
                v[v.length - 1],
                extra,
                load());
    }

    /** Nearest-rank percentile. */
    private static double pct(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static {
        // Keep the children's and this JVM's logs quiet; results go to stdout as JSON.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        TimeUnit.class.getName();
    }
}
