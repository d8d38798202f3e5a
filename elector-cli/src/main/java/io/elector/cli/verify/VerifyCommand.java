package io.elector.cli.verify;

import io.elector.cli.DurationConverter;
import io.elector.cli.UsageException;
import io.elector.cli.backend.BackendResolver;
import io.elector.cli.backend.BackendUri;
import io.elector.testkit.history.HistoryChecker;
import io.elector.testkit.history.HistoryRecord;
import io.elector.testkit.history.HistoryRecorder;
import io.elector.testkit.history.HistoryReport;
import io.elector.testkit.history.Wall;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code elector verify}: a Jepsen-style run on one machine. N candidate processes do fenced
 * writes while they lead; a seeded fault injector kills, pauses, partitions and restarts them with
 * drifting and skewed clocks; at the end the history checker judges every leadership and write.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Runs candidate processes under injected faults and checks every leadership and fenced write.",
        footer = {
            "",
            "Faults: kill (kill -9, then restart), pause (SIGSTOP longer than the lease, then SIGCONT),",
            "partition (a proxy holds the candidate's traffic to the backend or to its Raft peers),",
            "clock (every (re)start gets a drift rate within the bound and a wall skew of minutes),",
            "restart (the backend: with --restart-command for a server; Raft nodes restart with kill).",
            "ZooKeeper: the session timeout in the URI (default 4s) is the lease; 'elector zk-server' runs a",
            "local server and 'elector zk-server --restart --dir D' restarts it (see elector-cli's README).",
            "",
            "Examples:",
            "  elector verify --backend raft --duration 30s",
            "  elector verify --backend postgresql://127.0.0.1:5432/test?user=postgres --faults kill,partition",
            "  elector verify --backend redis://127.0.0.1:6379 --duration 10m --seed 42 --out verify-redis",
            "  elector verify --backend zookeeper://127.0.0.1:21810/elector-verify --duration 10m \\",
            "      --restart-command 'elector zk-server --restart --dir /tmp/elector-zk'",
            "",
            "Exit codes: 0 no violation, 1 violations found (listed), 2 bad usage."
        })
public final class VerifyCommand implements Callable<Integer> {
    enum Fault {
        KILL,
        PAUSE,
        PARTITION,
        CLOCK,
        RESTART
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-b", "--backend"},
            required = true,
            description = "raft (a local cluster) or a server URI.")
    String backend;

    @Option(names = "--nodes", defaultValue = "3", description = "Candidate processes (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
            names = "--duration",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long to inject faults (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--faults",
            defaultValue = "kill,pause,partition,clock,restart",
            split = ",",
            description = "Fault kinds (default ${DEFAULT-VALUE}).")
    List<String> faults;

    @Option(names = "--seed", description = "Seed of the fault schedule (default: random, printed).")
    Long seed;

    @Option(
            names = "--lease",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "Lease of lease-style backends (default ${DEFAULT-VALUE}); for zookeeper:// the URI's"
                    + " sessionTimeout is the lease.")
    Duration lease;

    @Option(
            names = "--drift-bound",
            defaultValue = "0.01",
            description = "Clock drift bound (default ${DEFAULT-VALUE}).")
    double driftBound;

    @Option(
            names = "--liveness-bound",
            converter = DurationConverter.class,
            description =
                    "Longest allowed time without a leader after a fault heals (default: 2 x lease + 2 s; raft: 3 s).")
    Duration livenessBound;

    @Option(
            names = "--restart-command",
            description = "Shell command that restarts the backend server (for the restart fault).")
    String restartCommand;

    @Option(names = "--out", description = "Directory for histories and the report (default: ./elector-verify-<time>).")
    Path out;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        EnumSet<Fault> kinds = parseFaults();
        if (nodes < 2 || nodes > 9) {
            throw new UsageException("--nodes must be between 2 and 9: " + nodes);
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(24)) > 0) {
            throw new UsageException("--duration must be between 1s and 24h: " + duration);
        }
        long s = seed != null ? seed : new SplittableRandom().nextLong();
        SplittableRandom rnd = new SplittableRandom(s);
        Path dir = Cluster.createDir(
                out != null
                        ? out
                        : Path.of("elector-verify-"
                                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        PrintWriter o = spec.commandLine().getOut();
        Topology topology = Topology.create(backend, nodes, dir);
        if (!topology.networked && kinds.remove(Fault.PARTITION) && !json) {
            o.println("elector verify: partition does not apply to " + topology.kind + " (no network to cut); skipped");
        }
        // A backend whose own settings decide the lease (a ZooKeeper session) sizes the faults with it.
        Optional<Duration> fixed = topology.raft ? Optional.empty() : fixedLease(backend);
        Duration effectiveLease = fixed.orElse(lease);
        long leaseMs = effectiveLease.toMillis();
        Duration bound = livenessBound != null
                ? livenessBound
                : topology.raft
                        ? Duration.ofSeconds(3)
                        : effectiveLease.multipliedBy(2).plusSeconds(2);
        Cluster.WorkerSettings ws = new Cluster.WorkerSettings(
                "verify", leaseMs, Math.max(50, leaseMs / 5), Math.max(20, leaseMs / 10), driftBound, 20, 1);
        if (!json) {
            o.printf(
                    "elector verify: backend %s, %d candidates, %s of faults %s, seed %d%n",
                    topology.kind, nodes, duration, kinds, s);
            if (fixed.isPresent()) {
                o.printf(
                        "elector verify: the backend's session timeout (%d ms) is the lease: --lease does not apply;"
                                + " liveness bound %d ms%n",
                        leaseMs, bound.toMillis());
            }
            o.flush();
        }
        FaultLog faultLog = new FaultLog();
        HistoryRecorder harness = HistoryRecorder.toFile("harness", dir.resolve("history-harness.jsonl"));
        long runStart = Wall.nowNanos();
        try (Cluster cluster = new Cluster(topology, dir, ws, null)) {
            for (int i = 0; i < nodes; i++) {
                startWithClock(cluster, i, kinds, rnd);
            }
            for (int i = 0; i < nodes; i++) {
                if (!cluster.awaitReady(i, Duration.ofSeconds(90))) {
                    String why = cluster.startupFailure().orElse("see the worker logs in " + dir.toAbsolutePath());
                    spec.commandLine()
                            .getErr()
                            .println("elector verify: candidate " + Cluster.candidate(i) + " did not start: " + why);
                    return why.contains("unknown backend") || why.contains("cannot") ? 2 : 1;
                }
            }
            if (cluster.awaitLeader(Duration.ofSeconds(30)) < 0) {
                String why = cluster.startupFailure().orElse("see the worker logs in " + dir.toAbsolutePath());
                spec.commandLine().getErr().println("elector verify: no leader within 30 s: " + why);
                return why.contains("unknown backend") || why.contains("cannot") ? 2 : 1;
            }
            long end = System.nanoTime() + duration.toNanos();
            for (int step = 0; step < 100_000 && System.nanoTime() - end < 0; step++) {
                Thread.sleep(rnd.nextLong(500, 2_000));
                injectOne(cluster, kinds, rnd, faultLog, harness, leaseMs);
            }
            // Let the last fault heal and a leader settle before stopping.
            Thread.sleep(bound.toMillis());
        } finally {
            harness.close();
        }
        long runEnd = Wall.nowNanos();
        List<HistoryRecord> records = HistoryChecker.read(listHistories(dir));
        HistoryReport report = HistoryChecker.standard().check(records);
        VerifyResult result = VerifyResult.judge(topology.kind, nodes, s, report, faultLog, bound, runStart, runEnd);
        Path html = dir.resolve("report.html");
        Files.writeString(html, HtmlReport.render(result, records, faultLog, runStart, runEnd));
        if (json) {
            o.println(result.toJson(html));
        } else {
            o.print(result.summary(html));
        }
        o.flush();
        return result.violations().isEmpty() ? 0 : 1;
    }

    /** The lease the backend's own settings impose (empty: lease-style, {@code --lease} applies). */
    private static Optional<Duration> fixedLease(String backend) {
        BackendUri uri = BackendUri.parse(backend);
        return BackendResolver.fromClassPath().provider(uri).fixedLease(uri);
    }

    private EnumSet<Fault> parseFaults() {
        EnumSet<Fault> kinds = EnumSet.noneOf(Fault.class);
        for (String f : faults) {
            try {
                kinds.add(Fault.valueOf(f.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("unknown fault '" + f + "'; known: kill, pause, partition, clock, restart");
            }
        }
        if (kinds.isEmpty()) {
            throw new UsageException("--faults must name at least one fault");
        }
        return kinds;
    }

    private void startWithClock(Cluster cluster, int i, EnumSet<Fault> kinds, SplittableRandom rnd) {
        double rate = 1.0;
        long skew = 0;
        if (kinds.contains(Fault.CLOCK)) {
            rate = 1 + (rnd.nextDouble() * 2 - 1) * driftBound;
            skew = rnd.nextLong(-300_000, 300_000);
        }
        cluster.start(i, rate, skew);
    }

    private void injectOne(
            Cluster cluster,
            EnumSet<Fault> kinds,
            SplittableRandom rnd,
            FaultLog log,
            HistoryRecorder harness,
            long leaseMs)
            throws Exception {
        List<Fault> options = new ArrayList<>(kinds);
        options.remove(Fault.CLOCK);
        if (options.isEmpty()) {
            options.add(Fault.KILL); // clock alone: restarts give new clocks
        }
        Fault f = options.get(rnd.nextInt(options.size()));
        List<Integer> leaders = cluster.believedLeaders();
        int target = !leaders.isEmpty() && rnd.nextInt(4) != 0 ? leaders.get(0) : rnd.nextInt(cluster.size());
        boolean wasLeader = leaders.contains(target);
        String c = Cluster.candidate(target);
        switch (f) {
            case KILL, CLOCK -> {
                long at = Wall.nowNanos();
                cluster.worker(target).kill();
                harness.killed(cluster.processName(target));
                cluster.forget(target);
                Thread.sleep(rnd.nextLong(200, 1_500));
                startWithClock(cluster, target, kinds, rnd);
                // Healed once the process is back in its election (a JVM start is not instant).
                cluster.awaitReady(target, Duration.ofSeconds(60));
                log.add(new FaultLog.Entry("kill", c, wasLeader, at, Wall.nowNanos()));
            }
            case PAUSE -> {
                long at = Wall.nowNanos();
                cluster.worker(target).pause();
                Thread.sleep((long) (leaseMs * rnd.nextDouble(1.2, 2.0)) + 300);
                cluster.worker(target).resume();
                log.add(new FaultLog.Entry("pause", c, wasLeader, at, Wall.nowNanos()));
            }
            case PARTITION -> {
                long at = Wall.nowNanos();
                boolean hold = rnd.nextBoolean();
                if (hold) {
                    cluster.topology().blackhole(target);
                } else {
                    cluster.topology().cut(target);
                }
                Thread.sleep((long) (leaseMs * rnd.nextDouble(0.5, 2.5)) + 300);
                cluster.topology().heal(target);
                log.add(new FaultLog.Entry(
                        hold ? "partition(hold)" : "partition(cut)", c, wasLeader, at, Wall.nowNanos()));
            }
            case RESTART -> {
                long at = Wall.nowNanos();
                if (restartCommand != null) {
                    // Its output goes to a file: a server it starts in the background must not hold our stdout.
                    java.io.File restartLog =
                            cluster.dir().resolve("restart-command.log").toFile();
                    Process p = new ProcessBuilder("sh", "-c", restartCommand)
                            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(restartLog))
                            .redirectError(ProcessBuilder.Redirect.appendTo(restartLog))
                            .start();
                    if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                    log.add(new FaultLog.Entry("backend restart", "backend", false, at, Wall.nowNanos()));
                } else {
                    // No way to restart the server: restart every candidate process in turn instead.
                    for (int i = 0; i < cluster.size(); i++) {
                        cluster.worker(i).kill();
                        harness.killed(cluster.processName(i));
                        cluster.forget(i);
                        startWithClock(cluster, i, kinds, rnd);
                    }
                    for (int i = 0; i < cluster.size(); i++) {
                        cluster.awaitReady(i, Duration.ofSeconds(60));
                    }
                    log.add(new FaultLog.Entry("restart all candidates", "all", true, at, Wall.nowNanos()));
                }
            }
        }
    }

    private static List<Path> listHistories(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("history-"))
                    .sorted()
                    .toList();
        }
    }
}
