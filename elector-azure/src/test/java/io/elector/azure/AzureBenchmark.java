package io.elector.azure;

import static io.elector.testkit.bench.BenchSupport.option;
import static io.elector.testkit.bench.BenchSupport.printLatency;

import io.elector.testkit.bench.ChildLine;
import io.elector.testkit.bench.ChildLines;
import io.elector.testkit.bench.ChildProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

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
    private static final String BACKEND = "azure-blob (azurite)";

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
        ChildLines lines = new ChildLines();
        ChildProcess[] children = new ChildProcess[3];
        for (int i = 0; i < 3; i++) {
            children[i] = candidate(i, cs, container, "h" + i, "handoff", lines);
        }
        try {
            for (int i = 0; i < 3; i++) {
                lines.awaitFrom("READY", i, l -> true, Duration.ofSeconds(120));
            }
            int leader =
                    lines.nextFromOther("ELECTED", -1, Duration.ofSeconds(60)).child();
            List<Long> samples = new ArrayList<>();
            for (int t = 0; t < trials + 3; t++) {
                // Let the resigner's hold-off (2 retry intervals) pass and the new leader settle.
                Thread.sleep(1500);
                long start = System.nanoTime();
                children[leader].send("RESIGN");
                ChildLine next = lines.nextFromOther("ELECTED", leader, Duration.ofSeconds(30));
                if (t >= 3) { // the first three warm up the JIT and the connections
                    samples.add(next.at() - start);
                }
                leader = next.child();
            }
            printLatency(
                    "handoff",
                    BACKEND,
                    samples,
                    "\"lease_ms\":15000,\"renew_ms\":5000,\"retry_ms\":500,\"candidates\":3," + "\"processes\":3");
        } finally {
            for (ChildProcess c : children) {
                c.stop();
            }
        }
    }

    static void failover(String cs, String container, int trials, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        ChildLines lines = new ChildLines();
        ChildProcess[] children = new ChildProcess[3];
        for (int i = 0; i < 3; i++) {
            children[i] = candidate(i, cs, container, "f" + i + "-0", "failover", lines);
        }
        try {
            int leader =
                    lines.nextFromOther("ELECTED", -1, Duration.ofSeconds(120)).child();
            List<Long> samples = new ArrayList<>();
            for (int t = 0; t < trials; t++) {
                // A random phase within the renew cycle (5 s), so kills do not line up with renewals.
                Thread.sleep(1000 + random.nextInt(5000));
                long start = System.nanoTime();
                children[leader].kill();
                ChildLine next = lines.nextFromOther("ELECTED", leader, Duration.ofSeconds(60));
                samples.add(next.at() - start);
                children[leader] = candidate(leader, cs, container, "f" + leader + "-" + (t + 1), "failover", lines);
                lines.awaitFrom("READY", leader, l -> true, Duration.ofSeconds(120));
                leader = next.child();
            }
            printLatency(
                    "failover",
                    BACKEND,
                    samples,
                    "\"lease_ms\":15000,\"renew_ms\":5000,\"retry_ms\":500,\"candidates\":3,\"processes\":3,"
                            + "\"bound_ms\":16600,\"seed\":" + seed);
        } finally {
            for (ChildProcess c : children) {
                c.stop();
            }
        }
    }

    /**
     * A candidate JVM ({@link AzureBenchCandidate}) as child {@code index}, given the connection
     * string in {@code AZURE_STORAGE_CONNECTION_STRING}.
     */
    private static ChildProcess candidate(
            int index, String cs, String container, String id, String election, ChildLines lines) throws IOException {
        ProcessBuilder command = ChildProcess.javaCommand("256m", AzureBenchCandidate.class, container, id, election);
        command.environment().put("AZURE_STORAGE_CONNECTION_STRING", cs);
        return ChildProcess.start(index, command, lines);
    }
}
