package io.elector.cli.verify;

import io.elector.cli.DurationConverter;
import io.elector.cli.UsageException;
import io.elector.testkit.history.Wall;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code elector bench failover|handoff|steady|scale}: the numbers, measured on separate candidate
 * processes, printed as one JSON object per run.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measures failover, graceful handoff, steady-state load and scale on a backend.",
        footer = {
            "",
            "  failover  kill -9 of the leader's process until another process leads (p50, p99, max over --trials)",
            "  handoff   resign until the next leader (p50, p99, max over --trials)",
            "  steady    backend requests per second and CPU per process with --elections held",
            "  scale     the most elections per process held with every renewal on time (tries 100..--elections)",
            "",
            "Examples:",
            "  elector bench failover --backend raft --trials 30 --json",
            "  elector bench handoff --backend redis://127.0.0.1:6379 --trials 50 --json",
            "  elector bench steady --backend postgresql://127.0.0.1:5432/test?user=postgres --elections 1000 --json",
            "",
            "Exit codes: 0 measured, 1 the bench failed (no leader in time), 2 bad usage."
        })
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "failover, handoff, steady or scale")
    String which;

    @Option(
            names = {"-b", "--backend"},
            required = true,
            description = "raft (a local cluster) or a server URI.")
    String backend;

    @Option(names = "--nodes", defaultValue = "3", description = "Candidate processes (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
            names = "--trials",
            defaultValue = "20",
            description = "Trials for failover and handoff (default ${DEFAULT-VALUE}).")
    int trials;

    @Option(
            names = "--elections",
            defaultValue = "100",
            description = "Elections per process for steady; the largest tried for scale (default ${DEFAULT-VALUE}).")
    int elections;

    @Option(
            names = "--window",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Measuring window of steady and scale (default ${DEFAULT-VALUE}).")
    Duration window;

    @Option(
            names = "--lease",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Lease of lease-style backends (default ${DEFAULT-VALUE}, the library default).")
    Duration lease;

    @Option(names = "--json", description = "Print one JSON object per run.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (trials < 1 || trials > 10_000) {
            throw new UsageException("--trials must be between 1 and 10000: " + trials);
        }
        if (elections < 1 || elections > 100_000) {
            throw new UsageException("--elections must be between 1 and 100000: " + elections);
        }
        Path dir = Files.createTempDirectory("elector-bench-");
        String result = switch (which) {
            case "failover" -> latency(dir, true);
            case "handoff" -> latency(dir, false);
            case "steady" -> steady(dir, elections);
            case "scale" -> scale(dir);
            default ->
                throw new UsageException("unknown bench '" + which + "'; known: failover, handoff, steady, scale");
        };
        PrintWriter o = spec.commandLine().getOut();
        if (result == null) {
            spec.commandLine().getErr().println("elector bench: no leader within 60 s; see the worker logs in " + dir);
            return 1;
        }
        o.println(result);
        o.flush();
        return 0;
    }

    private Cluster.WorkerSettings settings(int k) {
        long l = lease.toMillis();
        // The library defaults: renew = lease / 5, retry = lease / 10.
        return new Cluster.WorkerSettings("bench", l, l / 5, l / 10, 0.01, 1_000, k);
    }

    private String latency(Path dir, boolean kill) throws Exception {
        Topology t = Topology.create(backend, nodes, dir);
        List<Double> samples = new ArrayList<>();
        try (Cluster c = new Cluster(t, dir, settings(1), null)) {
            for (int i = 0; i < nodes; i++) {
                c.start(i, 1.0, 0);
            }
            for (int i = 0; i < nodes; i++) {
                if (!c.awaitReady(i, Duration.ofSeconds(90))) {
                    return null;
                }
            }
            for (int trial = 0; trial < trials; trial++) {
                int leader = c.awaitLeader(Duration.ofSeconds(60));
                if (leader < 0) {
                    return null;
                }
                Thread.sleep(300); // let renewals and heartbeats settle
                long t0 = Wall.nowNanos();
                if (kill) {
                    c.worker(leader).kill();
                    c.forget(leader);
                } else {
                    c.worker(leader).send("resign");
                }
                Optional<Cluster.Event> next = c.awaitElectedAfter(t0, leader, Duration.ofSeconds(60));
                if (next.isEmpty()) {
                    return null;
                }
                samples.add((next.get().wallNanos() - t0) / 1e6);
                if (kill) {
                    c.start(leader, 1.0, 0);
                    if (!c.awaitReady(leader, Duration.ofSeconds(90))) {
                        return null;
                    }
                }
                if (!json) {
                    spec.commandLine()
                            .getErr()
                            .printf(Locale.ROOT, "trial %d: %.1f ms%n", trial + 1, samples.get(samples.size() - 1));
                }
            }
        }
        Percentiles p = new Percentiles(samples);
        return String.format(
                Locale.ROOT,
                "{\"bench\":\"%s\",\"backend\":\"%s\",\"nodes\":%d,\"trials\":%d,\"lease_ms\":%s,\"min_ms\":%s,\"p50_ms\":%s,\"p99_ms\":%s,\"max_ms\":%s}",
                kill ? "failover" : "handoff",
                t.kind,
                nodes,
                p.count(),
                t.raft ? "null" : Long.toString(lease.toMillis()),
                Percentiles.ms(p.min()),
                Percentiles.ms(p.at(50)),
                Percentiles.ms(p.at(99)),
                Percentiles.ms(p.max()));
    }

    /** Runs K elections per process; returns the JSON, or null when the leaders did not settle. */
    private String steady(Path dir, int k) throws Exception {
        Measured m = measure(dir, k);
        if (m == null) {
            return null;
        }
        return String.format(
                Locale.ROOT,
                "{\"bench\":\"steady\",\"backend\":\"%s\",\"nodes\":%d,\"elections\":%d,\"window_s\":%d,\"backend_requests_per_s\":%s,"
                        + "\"cpu_percent\":%s,\"losses\":%d}",
                m.kind,
                nodes,
                k,
                window.toSeconds(),
                m.requestsPerS < 0 ? "null" : String.format(Locale.ROOT, "%.2f", m.requestsPerS),
                String.format(Locale.ROOT, "%.2f", m.cpuPercent),
                m.losses);
    }

    private String scale(Path dir) throws Exception {
        int best = 0;
        String last = "";
        for (int k : new int[] {100, 1_000, 2_500, 5_000, 10_000, 20_000, 50_000, 100_000}) {
            if (k > elections) {
                break;
            }
            Measured m = measure(Files.createDirectories(dir.resolve("k" + k)), k);
            if (m == null || m.losses > 0) {
                break;
            }
            best = k;
            last = String.format(
                    Locale.ROOT,
                    ",\"backend_requests_per_s\":%s,\"cpu_percent\":%.2f",
                    m.requestsPerS < 0 ? "null" : String.format(Locale.ROOT, "%.2f", m.requestsPerS),
                    m.cpuPercent);
        }
        return String.format(
                Locale.ROOT,
                "{\"bench\":\"scale\",\"backend\":\"%s\",\"nodes\":%d,\"max_elections\":%d,\"tried_up_to\":%d%s}",
                backendKind(),
                nodes,
                best,
                elections,
                last);
    }

    private String backendKind() {
        int colon = backend.indexOf(':');
        return colon < 0 ? backend : backend.substring(0, colon);
    }

    private record Measured(String kind, double requestsPerS, double cpuPercent, int losses) {}

    private Measured measure(Path dir, int k) throws Exception {
        Topology t = Topology.create(backend, nodes, dir);
        try (Cluster c = new Cluster(t, dir, settings(k), null)) {
            for (int i = 0; i < nodes; i++) {
                c.start(i, 1.0, 0);
            }
            // Warm up: every election has a leader (each ELECTED counts once), bounded by 120 s.
            long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() - end < 0 && distinctLed(c) < k) {
                Thread.sleep(100);
            }
            if (distinctLed(c) < k) {
                return null;
            }
            Thread.sleep(2_000);
            long ticks = 100; // USER_HZ on Linux
            long[] cpu0 = new long[nodes];
            long[] req0 = new long[nodes];
            for (int i = 0; i < nodes; i++) {
                cpu0[i] = c.worker(i).cpuTicks();
                req0[i] = c.stats(i).map(s -> s[1]).orElse(-1L);
            }
            int revokedBefore = revocations(c);
            long w0 = System.nanoTime();
            Thread.sleep(window.toMillis());
            double secs = (System.nanoTime() - w0) / 1e9;
            double cpu = 0;
            double req = 0;
            boolean counted = true;
            for (int i = 0; i < nodes; i++) {
                cpu += (c.worker(i).cpuTicks() - cpu0[i]) / (double) ticks / secs * 100;
                long r1 = c.stats(i).map(s -> s[1]).orElse(-1L);
                counted &= r1 >= 0 && req0[i] >= 0;
                req += (r1 - req0[i]) / secs;
            }
            // Raft and push-style backends do not count store requests: report null.
            boolean leaseStyle = !t.raft && counted && req > 0;
            return new Measured(t.kind, leaseStyle ? req / nodes : -1, cpu / nodes, revocations(c) - revokedBefore);
        }
    }

    private static int distinctLed(Cluster c) {
        return (int) c.events().stream()
                .filter(Cluster.Event::elected)
                .map(Cluster.Event::election)
                .distinct()
                .count();
    }

    private static int revocations(Cluster c) {
        return (int) c.events().stream().filter(e -> !e.elected()).count();
    }
}
