package io.elector.etcd;

import static io.elector.testkit.bench.BenchSupport.option;
import static io.elector.testkit.bench.BenchSupport.printLatency;

import io.elector.testkit.bench.ChildLine;
import io.elector.testkit.bench.ChildLines;
import io.elector.testkit.bench.ChildProcess;
import io.elector.testkit.bench.InProcessHandoff;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * etcd benchmarks, one JSON object per run (not a test):
 *
 * <pre>
 * EtcdBenchmark handoff|failover|etcdctl|all [--trials N] [--etcdctl-trials N] [--seed N]
 * </pre>
 *
 * Starts one private etcd with etcd's default timing (heartbeat 100 ms, election timeout 1 s) on
 * free loopback ports, or uses {@code ELECTOR_ETCD_ENDPOINTS}. {@code handoff}: 3 candidates in
 * one JVM, time from a resign to the next {@code elected}. {@code failover}: kills (SIGKILL, by PID)
 * the leader's JVM among 3 candidate JVMs with our defaults (TTL 3 s). {@code etcdctl}: the peer
 * figure, two {@code etcdctl elect} processes with etcdctl's defaults (a 60 s session) on the same
 * etcd, the leader's etcdctl killed with SIGKILL, timed until the other prints that it leads.
 */
public final class EtcdBenchmark {
    private EtcdBenchmark() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "all";
        int trials = Integer.parseInt(option(args, "--trials", "0"));
        int etcdctlTrials = Integer.parseInt(option(args, "--etcdctl-trials", "10"));
        long seed = Long.parseLong(option(args, "--seed", Long.toString(System.nanoTime() % 100_000)));
        String external = System.getenv("ELECTOR_ETCD_ENDPOINTS");
        EtcdProcess etcd = external == null || external.isBlank() ? EtcdProcess.start(true) : null;
        String endpoint = etcd != null ? etcd.endpoint() : external.trim();
        try {
            if (mode.equals("handoff") || mode.equals("all")) {
                handoff(endpoint, trials > 0 ? trials : 30);
            }
            if (mode.equals("failover") || mode.equals("all")) {
                failover(endpoint, trials > 0 ? trials : 10, seed);
            }
            if ((mode.equals("etcdctl") || mode.equals("all")) && etcdctlTrials > 0) {
                etcdctl(endpoint, etcdctlTrials, seed);
            }
        } finally {
            if (etcd != null) {
                etcd.close();
            }
        }
    }

    static void handoff(String endpoint, int trials) throws Exception {
        List<Long> samples =
                InProcessHandoff.measure(() -> EtcdBackend.create(EtcdConfig.of(endpoint)), "bench-handoff", trials);
        printLatency(
                "handoff", "etcd", samples, "\"settings\":\"defaults (TTL 3 s)\",\"candidates\":3,\"processes\":1");
    }

    static void failover(String endpoint, int trials, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        ChildLines lines = new ChildLines();
        String election = "bench-failover";
        ChildProcess[] children = new ChildProcess[3];
        for (int i = 0; i < 3; i++) {
            children[i] = candidate(i, endpoint, "f" + i + "-0", election, lines);
        }
        try {
            List<Long> samples = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                lines.awaitFromOther("READY", -1, Duration.ofSeconds(180));
            }
            int leader =
                    lines.awaitFromOther("ELECTED", -1, Duration.ofSeconds(180)).child();
            for (int t = 0; t < trials; t++) {
                Thread.sleep(1000 + random.nextInt(1000));
                long start = System.nanoTime();
                children[leader].kill();
                ChildLine next = lines.awaitFromOther("ELECTED", leader, Duration.ofSeconds(120));
                samples.add(next.at() - start);
                children[leader] = candidate(leader, endpoint, "f" + leader + "-" + (t + 1), election, lines);
                ChildLine ready = lines.awaitFromOther("READY", -1, Duration.ofSeconds(120));
                if (ready.child() != leader) {
                    throw new IllegalStateException("unexpected READY from " + ready.child());
                }
                leader = next.child();
            }
            printLatency(
                    "failover",
                    "etcd",
                    samples,
                    "\"settings\":\"defaults (TTL 3 s, keep-alive every 500 ms)\",\"candidates\":3,\"processes\":3,"
                            + "\"seed\":" + seed + ",\"etcd\":\"heartbeat 100 ms, election timeout 1 s\"");
        } finally {
            for (ChildProcess c : children) {
                c.stop();
            }
        }
    }

    /** A candidate JVM ({@link EtcdBenchCandidate}) as child {@code index}. */
    private static ChildProcess candidate(int index, String endpoint, String id, String election, ChildLines lines)
            throws IOException {
        return ChildProcess.start(
                index, ChildProcess.javaCommand("256m", EtcdBenchCandidate.class, endpoint, id, election), lines);
    }

    /**
     * {@code etcdctl elect} as child {@code index}: it prints the leader key once it leads, so its
     * first line is ELECTED.
     */
    private static ChildProcess etcdctlElect(
            int index, String binary, String endpoint, String election, String value, ChildLines lines)
            throws IOException {
        ProcessBuilder command = new ProcessBuilder(binary, "--endpoints=" + endpoint, "elect", election, value)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        return ChildProcess.startFirstLineAs(index, command, lines, "ELECTED");
    }

    /** The peer: {@code etcdctl elect} (etcd's concurrency.Election, 60 s session) killed with SIGKILL. */
    static void etcdctl(String endpoint, int trials, long seed) throws Exception {
        String binary = etcdctlBinary();
        if (binary == null) {
            System.out.println("{\"bench\":\"failover\",\"backend\":\"etcdctl-elect\",\"error\":\"etcdctl not found"
                    + " (apt-get install -y etcd-client)\"}");
            return;
        }
        SplittableRandom random = new SplittableRandom(seed);
        ChildLines lines = new ChildLines();
        String election = "bench-etcdctl-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        ChildProcess[] children = new ChildProcess[2];
        try (Client client = Client.builder().endpoints("http://" + endpoint).build()) {
            children[0] = etcdctlElect(0, binary, endpoint, election, "p0-0", lines);
            int leader =
                    lines.awaitFromOther("ELECTED", -1, Duration.ofSeconds(60)).child();
            children[1] = etcdctlElect(1, binary, endpoint, election, "p1-0", lines);
            List<Long> samples = new ArrayList<>();
            for (int t = 0; t < trials; t++) {
                // Both campaigns must be in (two keys) before the leader dies.
                awaitKeys(client, election, 2, Duration.ofSeconds(30));
                Thread.sleep(1000 + random.nextInt(1000));
                long start = System.nanoTime();
                children[leader].kill();
                ChildLine next = lines.awaitFromOther("ELECTED", leader, Duration.ofSeconds(180));
                samples.add(next.at() - start);
                children[leader] =
                        etcdctlElect(leader, binary, endpoint, election, "p" + leader + "-" + (t + 1), lines);
                leader = next.child();
            }
            printLatency(
                    "failover",
                    "etcdctl-elect",
                    samples,
                    "\"settings\":\"etcdctl 3.4 defaults (concurrency session TTL 60 s)\",\"candidates\":2,"
                            + "\"processes\":2,\"seed\":" + seed
                            + ",\"etcd\":\"heartbeat 100 ms, election timeout 1 s\"");
        } finally {
            for (ChildProcess c : children) {
                if (c != null) {
                    c.kill();
                }
            }
        }
    }

    private static void awaitKeys(Client client, String election, int n, Duration timeout) throws Exception {
        ByteSequence prefix = ByteSequence.from(election + "/", StandardCharsets.UTF_8);
        long end = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < 10_000 && System.nanoTime() - end < 0; i++) {
            long count = client.getKVClient()
                    .get(
                            prefix,
                            GetOption.builder()
                                    .isPrefix(true)
                                    .withCountOnly(true)
                                    .build())
                    .get(5, TimeUnit.SECONDS)
                    .getCount();
            if (count >= n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("fewer than " + n + " etcdctl campaigns within " + timeout);
    }

    private static String etcdctlBinary() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            java.io.File f = new java.io.File(d, "etcdctl");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }
}
