package io.elector.zookeeper;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.core.Elector;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * ZooKeeper benchmarks, one JSON object per run (not a test):
 *
 * <pre>
 * ZooKeeperBenchmark handoff|failover|latch|all [--trials N] [--latch-trials N] [--seed N]
 * </pre>
 *
 * Starts one in-process ZooKeeper server with ZooKeeper's default tickTime (2000 ms, so sessions
 * are bounded to [4 s, 40 s]) on a free loopback port. {@code failover} kills (SIGKILL, by PID) the
 * leader's JVM among 3 candidate JVMs with our defaults; {@code latch} does the same with Apache
 * Curator's LeaderLatch and Curator's default client settings, on the same server.
 */
public final class ZooKeeperBenchmark {
    private ZooKeeperBenchmark() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "all";
        int trials = Integer.parseInt(option(args, "--trials", "0"));
        int latchTrials = Integer.parseInt(option(args, "--latch-trials", "3"));
        long seed = Long.parseLong(option(args, "--seed", Long.toString(System.nanoTime() % 100_000)));
        File dir = Files.createTempDirectory("elector-zk-bench-").toFile();
        InstanceSpec spec = new InstanceSpec(
                dir, InstanceSpec.getRandomPort(), -1, -1, true, 1, 2000, -1, Map.of("clientPortAddress", "127.0.0.1"));
        try (TestingServer server = new TestingServer(spec, true)) {
            String connect = "127.0.0.1:" + server.getPort();
            if (mode.equals("handoff") || mode.equals("all")) {
                handoff(connect, trials > 0 ? trials : 30);
            }
            if (mode.equals("failover") || mode.equals("all")) {
                failover("elector", connect, trials > 0 ? trials : 10, seed);
            }
            if (mode.equals("latch") || mode.equals("all")) {
                failover("latch", connect, latchTrials, seed);
            }
        }
    }

    static void handoff(String connect, int trials) throws Exception {
        List<Elector> electors = new ArrayList<>();
        List<Election> elections = new ArrayList<>();
        AtomicLong electedAt = new AtomicLong();
        CountDownLatch[] latch = {new CountDownLatch(1)};
        for (int i = 0; i < 3; i++) {
            Elector e = Elector.builder(ZooKeeperBackend.create(ZooKeeperConfig.of(connect)))
                    .candidateId("h" + i)
                    .closeBackendOnClose(true)
                    .build();
            electors.add(e);
            Election el = e.join("handoff");
            el.addListener(new LeadershipListener() {
                @Override
                public void elected(Leadership l) {
                    electedAt.set(System.nanoTime());
                    latch[0].countDown();
                }
            });
            elections.add(el);
        }
        try {
            List<Long> samples = new ArrayList<>();
            for (int t = 0; t < trials + 3; t++) {
                Election leader = awaitAnyLeader(elections, Duration.ofSeconds(60));
                latch[0] = new CountDownLatch(1);
                long start = System.nanoTime();
                leader.resign();
                if (!latch[0].await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no new leader within 30 s of a resign");
                }
                if (t >= 3) {
                    samples.add(electedAt.get() - start);
                }
                Thread.sleep(50);
            }
            print("handoff", "zookeeper", samples, "\"settings\":\"defaults\",\"candidates\":3,\"processes\":1");
        } finally {
            electors.forEach(Elector::close);
        }
    }

    static void failover(String mode, String connect, int trials, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
        String election = mode + "-failover";
        Child[] children = new Child[3];
        for (int i = 0; i < 3; i++) {
            children[i] = Child.start(i, mode, connect, mode + i + "-0", election, lines);
        }
        try {
            List<Long> samples = new ArrayList<>();
            int leader = await(lines, "ELECTED", -1, Duration.ofSeconds(180)).child;
            for (int t = 0; t < trials; t++) {
                Thread.sleep(1000 + random.nextInt(1000));
                long start = System.nanoTime();
                children[leader].kill();
                Line next = await(lines, "ELECTED", leader, Duration.ofSeconds(120));
                samples.add(next.at - start);
                children[leader] = Child.start(leader, mode, connect, mode + leader + "-" + (t + 1), election, lines);
                Line ready = await(lines, "READY", -1, Duration.ofSeconds(120));
                if (ready.child != leader) {
                    throw new IllegalStateException("unexpected READY from " + ready.child);
                }
                leader = next.child;
            }
            String backend = mode.equals("latch") ? "zookeeper-curator-leaderlatch" : "zookeeper";
            String settings = mode.equals("latch")
                    ? "\"settings\":\"Curator defaults (session 60 s requested, negotiated to the server's max 40 s)\""
                    : "\"settings\":\"defaults (session 4 s)\"";
            print(
                    "failover",
                    backend,
                    samples,
                    settings + ",\"candidates\":3,\"processes\":3,\"seed\":" + seed + ",\"server_tick_ms\":2000");
        } finally {
            for (Child c : children) {
                c.stop();
            }
        }
    }

    private static Election awaitAnyLeader(List<Election> elections, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < 1_000_000 && System.nanoTime() - end < 0; i++) {
            for (Election e : elections) {
                if (e.isLeader()) {
                    return e;
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no leader within " + timeout);
    }

    private static Line await(BlockingQueue<Line> lines, String kind, int notChild, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        List<Line> keep = new ArrayList<>();
        try {
            while (System.nanoTime() - end < 0) {
                Line l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l == null) {
                    continue;
                }
                if (l.kind.equals(kind) && l.child != notChild) {
                    return l;
                }
                if (!l.kind.equals("REVOKED") && !(l.kind.equals("ELECTED") && l.child == notChild)) {
                    keep.add(l);
                }
            }
            throw new IllegalStateException("no " + kind + " within " + timeout);
        } finally {
            lines.addAll(keep);
        }
    }

    private static void print(String bench, String backend, List<Long> samplesNanos, String extra) {
        long[] ms = samplesNanos.stream().mapToLong(n -> n).sorted().toArray();
        System.out.println("{\"bench\":\"" + bench + "\",\"backend\":\"" + backend + "\",\"trials\":" + ms.length
                + ",\"min_ms\":" + fmt(ms[0] / 1e6)
                + ",\"p50_ms\":" + fmt(percentile(ms, 0.50) / 1e6)
                + ",\"p99_ms\":" + fmt(percentile(ms, 0.99) / 1e6)
                + ",\"max_ms\":" + fmt(ms[ms.length - 1] / 1e6)
                + "," + extra
                + ",\"loadavg\":\"" + loadavg() + "\"}");
    }

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

    record Line(int child, String kind, long at) {}

    static final class Child {
        final Process process;

        private Child(Process process) {
            this.process = process;
        }

        static Child start(
                int index, String mode, String connect, String id, String election, BlockingQueue<Line> lines)
                throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(
                            java,
                            "-Xmx256m",
                            "-XX:+UseSerialGC",
                            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                            "-cp",
                            System.getProperty("java.class.path"),
                            ZkBenchCandidate.class.getName(),
                            mode,
                            connect,
                            id,
                            election)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader r =
                                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                            String s;
                            while ((s = r.readLine()) != null) {
                                lines.add(new Line(index, s.split(" ")[0], System.nanoTime()));
                            }
                        } catch (IOException e) {
                            // child gone
                        }
                    },
                    "child-" + index);
            reader.setDaemon(true);
            reader.start();
            return new Child(p);
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        void stop() throws InterruptedException {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // gone
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
