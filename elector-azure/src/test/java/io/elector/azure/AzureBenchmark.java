package io.elector.azure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Azure Blob lease benchmarks on Azurite, printing one JSON object per run (not a test):
 *
 * <pre>
 * AzureBenchmark handoff|failover|all [--trials N] [--seed N]
 * </pre>
 *
 * Three candidate JVMs ({@link AzureBenchCandidate}) with {@link AzureBackend#defaultSettings()}
 * (lease 15 s, renew 5 s, retry 500 ms ± 20%). It starts its own Azurite on a free loopback port
 * (stopped by PID at the end), or uses {@code ELECTOR_AZURE_CONNECTION_STRING}.
 *
 * <ul>
 *   <li>handoff: the parent tells the leader's JVM to resign; time from sending the command to
 *       {@code ELECTED} printed by another JVM.
 *   <li>failover: SIGKILL of the leader's JVM; time from the kill to {@code ELECTED} printed by
 *       another JVM.
 * </ul>
 */
public final class AzureBenchmark {
    private AzureBenchmark() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "all";
        int trials = Integer.parseInt(option(args, "--trials", "0"));
        long seed = Long.parseLong(option(args, "--seed", Long.toString(System.nanoTime() % 100_000)));
        String env = System.getenv(AzureTestServer.CONNECTION_ENV);
        AzuriteProcess own = env == null || env.isBlank() ? AzuriteProcess.start() : null;
        String cs = own != null ? own.connectionString() : env;
        String container = AzureTestServer.uniqueContainer();
        try {
            if (mode.equals("handoff") || mode.equals("all")) {
                handoff(cs, container, trials > 0 ? trials : 30);
            }
            if (mode.equals("failover") || mode.equals("all")) {
                failover(cs, container, trials > 0 ? trials : 10, seed);
            }
        } finally {
            try (TestBlobs blobs = new TestBlobs(cs, container)) {
                blobs.deleteContainer();
            }
            if (own != null) {
                own.close();
            }
        }
    }

    static void handoff(String cs, String container, int trials) throws Exception {
        BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
        Child[] children = new Child[3];
        for (int i = 0; i < 3; i++) {
            children[i] = Child.start(i, cs, container, "h" + i, "handoff", lines);
        }
        try {
            for (int i = 0; i < 3; i++) {
                awaitKind(lines, "READY", i, Duration.ofSeconds(120));
            }
            int leader = awaitElected(lines, -1, Duration.ofSeconds(60)).child;
            List<Long> samples = new ArrayList<>();
            for (int t = 0; t < trials + 3; t++) {
                // Let the resigner's hold-off (2 retry intervals) pass and the new leader settle.
                Thread.sleep(1500);
                long start = System.nanoTime();
                children[leader].send("RESIGN");
                Line next = awaitElected(lines, leader, Duration.ofSeconds(30));
                if (t >= 3) { // the first three warm up the JIT and the connections
                    samples.add(next.at - start);
                }
                leader = next.child;
            }
            print(
                    "handoff",
                    samples,
                    "\"lease_ms\":15000,\"renew_ms\":5000,\"retry_ms\":500,\"candidates\":3," + "\"processes\":3");
        } finally {
            for (Child c : children) {
                c.stop();
            }
        }
    }

    static void failover(String cs, String container, int trials, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
        Child[] children = new Child[3];
        for (int i = 0; i < 3; i++) {
            children[i] = Child.start(i, cs, container, "f" + i + "-0", "failover", lines);
        }
        try {
            int leader = awaitElected(lines, -1, Duration.ofSeconds(120)).child;
            List<Long> samples = new ArrayList<>();
            for (int t = 0; t < trials; t++) {
                // A random phase within the renew cycle (5 s), so kills do not line up with renewals.
                Thread.sleep(1000 + random.nextInt(5000));
                long start = System.nanoTime();
                children[leader].kill();
                Line next = awaitElected(lines, leader, Duration.ofSeconds(60));
                samples.add(next.at - start);
                children[leader] = Child.start(leader, cs, container, "f" + leader + "-" + (t + 1), "failover", lines);
                awaitKind(lines, "READY", leader, Duration.ofSeconds(120));
                leader = next.child;
            }
            print(
                    "failover",
                    samples,
                    "\"lease_ms\":15000,\"renew_ms\":5000,\"retry_ms\":500,\"candidates\":3,\"processes\":3,"
                            + "\"bound_ms\":16600,\"seed\":" + seed);
        } finally {
            for (Child c : children) {
                c.stop();
            }
        }
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

    private static void awaitKind(BlockingQueue<Line> lines, String kind, int child, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        List<Line> keep = new ArrayList<>();
        try {
            while (System.nanoTime() - end < 0) {
                Line l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l == null) {
                    continue;
                }
                if (l.kind.equals(kind) && l.child == child) {
                    return;
                }
                keep.add(l);
            }
            throw new IllegalStateException("child " + child + " not " + kind + " within " + timeout);
        } finally {
            lines.addAll(keep);
        }
    }

    private static void print(String bench, List<Long> samplesNanos, String extra) {
        long[] ms = samplesNanos.stream().mapToLong(n -> n).sorted().toArray();
        System.out.println("{\"bench\":\"" + bench + "\",\"backend\":\"azure-blob (azurite)\",\"trials\":" + ms.length
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
    record Line(int child, String kind, long at) {}

    /** A candidate JVM ({@link AzureBenchCandidate}). */
    static final class Child {
        final int index;
        final Process process;

        private Child(int index, Process process) {
            this.index = index;
            this.process = process;
        }

        static Child start(
                int index, String cs, String container, String id, String election, BlockingQueue<Line> lines)
                throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder pb = new ProcessBuilder(
                            java,
                            "-Xmx256m",
                            "-XX:+UseSerialGC",
                            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                            "-cp",
                            System.getProperty("java.class.path"),
                            AzureBenchCandidate.class.getName(),
                            container,
                            id,
                            election)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("AZURE_STORAGE_CONNECTION_STRING", cs);
            Process p = pb.start();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader r =
                                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                            String s;
                            while ((s = r.readLine()) != null) {
                                long at = System.nanoTime();
                                lines.add(new Line(index, s.split(" ")[0], at));
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

        void send(String command) throws IOException {
            OutputStream o = process.getOutputStream();
            o.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
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
