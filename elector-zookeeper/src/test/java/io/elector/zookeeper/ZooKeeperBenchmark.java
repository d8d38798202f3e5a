package io.elector.zookeeper;

import static io.elector.testkit.bench.BenchSupport.option;
import static io.elector.testkit.bench.BenchSupport.printLatency;

import io.elector.testkit.bench.ChildLine;
import io.elector.testkit.bench.ChildLines;
import io.elector.testkit.bench.ChildProcess;
import io.elector.testkit.bench.InProcessHandoff;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
        List<Long> samples =
                InProcessHandoff.measure(() -> ZooKeeperBackend.create(ZooKeeperConfig.of(connect)), "handoff", trials);
        printLatency("handoff", "zookeeper", samples, "\"settings\":\"defaults\",\"candidates\":3,\"processes\":1");
    }

    static void failover(String mode, String connect, int trials, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        ChildLines lines = new ChildLines();
        String election = mode + "-failover";
        ChildProcess[] children = new ChildProcess[3];
        for (int i = 0; i < 3; i++) {
            children[i] = candidate(i, mode, connect, mode + i + "-0", election, lines);
        }
        try {
            List<Long> samples = new ArrayList<>();
            int leader =
                    lines.awaitFromOther("ELECTED", -1, Duration.ofSeconds(180)).child();
            for (int t = 0; t < trials; t++) {
                Thread.sleep(1000 + random.nextInt(1000));
                long start = System.nanoTime();
                children[leader].kill();
                ChildLine next = lines.awaitFromOther("ELECTED", leader, Duration.ofSeconds(120));
                samples.add(next.at() - start);
                children[leader] = candidate(leader, mode, connect, mode + leader + "-" + (t + 1), election, lines);
                ChildLine ready = lines.awaitFromOther("READY", -1, Duration.ofSeconds(120));
                if (ready.child() != leader) {
                    throw new IllegalStateException("unexpected READY from " + ready.child());
                }
                leader = next.child();
            }
            String backend = mode.equals("latch") ? "zookeeper-curator-leaderlatch" : "zookeeper";
            String settings = mode.equals("latch")
                    ? "\"settings\":\"Curator defaults (session 60 s requested, negotiated to the server's max 40 s)\""
                    : "\"settings\":\"defaults (session 4 s)\"";
            printLatency(
                    "failover",
                    backend,
                    samples,
                    settings + ",\"candidates\":3,\"processes\":3,\"seed\":" + seed + ",\"server_tick_ms\":2000");
        } finally {
            for (ChildProcess c : children) {
                c.stop();
            }
        }
    }

    /** A candidate JVM ({@link ZkBenchCandidate}) as child {@code index}. */
    private static ChildProcess candidate(
            int index, String mode, String connect, String id, String election, ChildLines lines) throws IOException {
        return ChildProcess.start(
                index, ChildProcess.javaCommand("256m", ZkBenchCandidate.class, mode, connect, id, election), lines);
    }
}
