package io.elector.cli.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The candidate processes of a verify or bench run: starts, restarts and stops them, and keeps
 * track of who leads from their stdout ({@code ELECTED}/{@code REVOKED} lines).
 */
final class Cluster implements AutoCloseable {
    /** A leadership change seen on a worker's stdout. */
    record Event(String candidate, boolean elected, long wallNanos, String election, long token) {}

    private final Topology topology;
    private final Path dir;
    private final WorkerSettings settings;
    private final WorkerProcess[] workers;
    private final int[] incarnation;
    private final Map<String, Long> leaderToken = new ConcurrentHashMap<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Map<String, long[]> stats = new ConcurrentHashMap<>();
    private final Map<String, Long> readyPid = new ConcurrentHashMap<>();
    private final List<Path> histories = new CopyOnWriteArrayList<>();
    private final Consumer<String> echo;

    /** What every worker is started with. */
    record WorkerSettings(
            String election,
            long leaseMs,
            long renewMs,
            long retryMs,
            double driftBound,
            long writeEveryMs,
            int elections) {}

    Cluster(Topology topology, Path dir, WorkerSettings settings, Consumer<String> echo) {
        this.topology = topology;
        this.dir = dir;
        this.settings = settings;
        this.workers = new WorkerProcess[topology.size()];
        this.incarnation = new int[topology.size()];
        this.echo = echo;
    }

    static String candidate(int i) {
        return "c" + (i + 1);
    }

    int size() {
        return workers.length;
    }

    Topology topology() {
        return topology;
    }

    /** The run's directory (histories, logs, the report). */
    Path dir() {
        return dir;
    }

    /** Starts (or restarts) candidate {@code i} with the given clock drift rate and wall skew. */
    void start(int i, double driftRate, long skewMs) {
        String c = candidate(i);
        incarnation[i]++;
        Path history = dir.resolve("history-" + c + "-" + incarnation[i] + ".jsonl");
        histories.add(history);
        List<String> args = new ArrayList<>(List.of(
                "--backend", topology.uri(i),
                "--election", settings.election(),
                "--candidate", c,
                "--history", history.toString(),
                "--fenced", dir.resolve("fenced-resource").toString(),
                "--drift-rate", Double.toString(driftRate),
                "--skew-ms", Long.toString(skewMs),
                "--lease-ms", Long.toString(settings.leaseMs()),
                "--renew-ms", Long.toString(settings.renewMs()),
                "--retry-ms", Long.toString(settings.retryMs()),
                "--drift-bound", Double.toString(settings.driftBound()),
                "--write-every-ms", Long.toString(settings.writeEveryMs()),
                "--elections", Integer.toString(settings.elections())));
        try {
            workers[i] = WorkerProcess.start(c, args, dir.resolve("worker-" + c + ".log"), this::onLine);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker " + c, e);
        }
    }

    /** The last line a worker that already exited wrote to its log (why it could not start). */
    Optional<String> startupFailure() {
        for (int i = 0; i < workers.length; i++) {
            if (workers[i] != null && !workers[i].alive()) {
                try {
                    List<String> lines = Files.readAllLines(dir.resolve("worker-" + candidate(i) + ".log"));
                    if (!lines.isEmpty()) {
                        return Optional.of(lines.get(lines.size() - 1));
                    }
                } catch (IOException e) {
                    return Optional.of("worker " + candidate(i) + " exited");
                }
            }
        }
        return Optional.empty();
    }

    /** Waits (bounded) until candidate {@code i}'s current process has joined its elections. */
    boolean awaitReady(int i, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - end < 0) {
            Long pid = readyPid.get(candidate(i));
            if (pid != null && workers[i] != null && pid == workers[i].pid()) {
                return true;
            }
            if (workers[i] != null && !workers[i].alive()) {
                return false;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** The history files written so far (one per incarnation). */
    List<Path> histories() {
        return List.copyOf(histories);
    }

    /** The process name the history files use for candidate {@code i}'s current incarnation. */
    String processName(int i) {
        return candidate(i);
    }

    WorkerProcess worker(int i) {
        return workers[i];
    }

    private void onLine(String line) {
        String[] f = line.split(" ");
        if (f.length >= 5 && (f[1].equals("ELECTED") || f[1].equals("REVOKED"))) {
            boolean elected = f[1].equals("ELECTED");
            Event e = new Event(f[0], elected, Long.parseLong(f[2]), f[3], Long.parseLong(f[4]));
            events.add(e);
            if (e.election().equals(settings.election())) {
                if (elected) {
                    leaderToken.put(e.candidate(), e.token());
                } else {
                    leaderToken.remove(e.candidate(), e.token());
                }
            }
            if (echo != null && e.election().equals(settings.election())) {
                echo.accept(line);
            }
        } else if (f.length >= 3 && f[1].equals("READY")) {
            readyPid.put(f[0], Long.parseLong(f[2]));
        } else if (f.length >= 4 && f[1].equals("STATS")) {
            stats.put(f[0], new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
        }
    }

    /** Candidates that said they lead the main election (and have not said they stopped). */
    List<Integer> believedLeaders() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < workers.length; i++) {
            if (leaderToken.containsKey(candidate(i)) && workers[i] != null && workers[i].alive()) {
                out.add(i);
            }
        }
        return out;
    }

    /** Forgets what candidate {@code i} said (it was killed). */
    void forget(int i) {
        leaderToken.remove(candidate(i));
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    /** The last {@code STATS} line of candidate {@code i}: {wallNanos, requests}. */
    Optional<long[]> stats(int i) {
        return Optional.ofNullable(stats.get(candidate(i)));
    }

    /** Waits (bounded) until exactly one live, unpaused candidate says it leads; returns it or -1. */
    int awaitLeader(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - end < 0) {
            List<Integer> l = believedLeaders();
            if (l.size() == 1 && !workers[l.get(0)].paused()) {
                return l.get(0);
            }
            Thread.sleep(2);
        }
        return -1;
    }

    /** Waits (bounded) for an {@code ELECTED} of the main election by a candidate other than {@code not}, after {@code afterWall}. */
    Optional<Event> awaitElectedAfter(long afterWall, int not, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - end < 0) {
            for (Event e : events) {
                if (e.elected()
                        && e.election().equals(settings.election())
                        && e.wallNanos() >= afterWall
                        && (not < 0 || !e.candidate().equals(candidate(not)))) {
                    return Optional.of(e);
                }
            }
            Thread.sleep(1);
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        for (WorkerProcess w : workers) {
            if (w != null) {
                w.stop(3_000);
            }
        }
        topology.close();
    }

    static Path createDir(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
