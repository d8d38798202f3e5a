package io.elector.raft;

import io.elector.testkit.history.HistoryRecorder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A Raft cluster of separate JVMs ({@link RaftNodeProcess}) on loopback, with harness verbs: kill
 * -9, SIGSTOP/SIGCONT, restart with the same state directory, resign. Processes are always
 * stopped by their PID. Every event line of every process is kept with the node that printed it.
 */
public final class ProcessCluster implements AutoCloseable {
    /** One line printed by a node. */
    public record Event(int node, String kind, String election, long token, long nanos, String rest) {}

    private final LoopbackCluster addresses;
    private final String query;
    private final int elections;
    private final Path historyDir;
    private final Map<Integer, Process> processes = new ConcurrentHashMap<>();
    private final Map<Integer, Writer> stdins = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> runs = new ConcurrentHashMap<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Path> histories = new CopyOnWriteArrayList<>();
    private final HistoryRecorder harness;

    /**
     * @param query extra URI parameters, e.g. {@code &heartbeat=100ms&election-timeout=600ms-1200ms}
     */
    public ProcessCluster(int size, int elections, String query) {
        this.addresses = new LoopbackCluster(size);
        this.query = query;
        this.elections = elections;
        this.historyDir = addresses.root.resolve("history");
        Path harnessFile = historyDir.resolve("harness.jsonl");
        this.harness = HistoryRecorder.toFile("harness", harnessFile);
        histories.add(harnessFile);
    }

    public int size() {
        return addresses.peers.size();
    }

    String uri(int node) {
        String hosts = addresses.peers.values().stream()
                .map(a -> a.getHostString() + ":" + a.getPort())
                .collect(Collectors.joining(","));
        return "raft://" + hosts + "?node=" + node + "&state=" + addresses.root.resolve("node-" + node) + query;
    }

    /** Starts node {@code node} (again, with its state directory, if it ran before). */
    public void start(int node) {
        int run = runs.merge(node, 1, Integer::sum);
        String name = "n" + node + "-run" + run;
        Path history = historyDir.resolve(name + ".jsonl");
        histories.add(history);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(
                List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        // Extra JVM options for the node processes (e.g. a profiler), space-separated.
        String extra = System.getenv().getOrDefault("RAFT_NODE_JVM_OPTS", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(Arrays.asList(extra.split("\\s+")));
        }
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                RaftNodeProcess.class.getName(),
                uri(node),
                name,
                history.toString(),
                Integer.toString(elections)));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("ELECTOR_RAFT_SECRET", LoopbackCluster.SECRET);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            Files.createDirectories(historyDir);
            Process p = pb.start();
            processes.put(node, p);
            stdins.put(node, new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
            Thread t = new Thread(() -> pump(node, p), "node-" + node + "-stdout");
            t.setDaemon(true);
            t.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pump(int node, Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(" ");
                if (f[0].equals("READY")) {
                    events.add(new Event(node, "READY", "", 0, System.nanoTime(), f[1]));
                } else if (f.length >= 4) {
                    events.add(new Event(
                            node, f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), f.length > 4 ? f[4] : ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process died; its events so far are kept
        }
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** Waits (bounded) for an event matching {@code p} among those from index {@code from}. */
    public Event await(int from, Predicate<Event> p, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int i = from;
        for (int guard = 0; guard < 1_000_000; guard++) {
            List<Event> now = events;
            for (; i < now.size(); i++) {
                if (p.test(now.get(i))) {
                    return now.get(i);
                }
            }
            if (System.nanoTime() - end > 0) {
                return null;
            }
            Thread.sleep(1);
        }
        return null;
    }

    /** The node whose latest ELECTED/REVOKED event for {@code election} is an ELECTED, if any. */
    public int currentLeader(String election) {
        Map<Integer, String> last = new java.util.HashMap<>();
        for (Event e : events) {
            if (e.kind().equals("READY")) {
                last.remove(e.node()); // a restarted process starts as a follower
            } else if (e.election().equals(election)
                    && (e.kind().equals("ELECTED") || e.kind().equals("REVOKED"))) {
                last.put(e.node(), e.kind());
            }
        }
        List<Integer> leaders = last.entrySet().stream()
                .filter(x -> x.getValue().equals("ELECTED") && isAlive(x.getKey()))
                .map(Map.Entry::getKey)
                .toList();
        return leaders.size() == 1 ? leaders.get(0) : 0;
    }

    public boolean isAlive(int node) {
        Process p = processes.get(node);
        return p != null && p.isAlive();
    }

    public long pid(int node) {
        return processes.get(node).pid();
    }

    /** kill -9 by PID; waits (bounded) until the process is gone. */
    public void kill9(int node) throws InterruptedException {
        Process p = processes.get(node);
        // SIGKILL to this PID, sent directly (no helper process, so the benchmark clock starts true).
        p.destroyForcibly();
        // The checker ends the killed process's open leadership here.
        harness.killed("n" + node + "-run" + runs.get(node));
        p.waitFor(10, TimeUnit.SECONDS);
    }

    public void stop(int node) {
        signal(pid(node), "STOP");
    }

    public void cont(int node) {
        signal(pid(node), "CONT");
    }

    private static void signal(long pid, String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a command line to a node's stdin. */
    public void command(int node, String line) {
        try {
            Writer w = stdins.get(node);
            w.write(line + "\n");
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The history files of every run of every node. */
    public List<Path> histories() {
        return List.copyOf(histories);
    }

    @Override
    public void close() {
        for (Map.Entry<Integer, Process> e : processes.entrySet()) {
            Process p = e.getValue();
            if (p.isAlive()) {
                try {
                    signal(p.pid(), "CONT");
                    command(e.getKey(), "EXIT");
                    if (!p.waitFor(5, TimeUnit.SECONDS)) {
                        signal(p.pid(), "KILL");
                        p.waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (RuntimeException | InterruptedException ex) {
                    if (p.isAlive()) {
                        signal(p.pid(), "KILL");
                    }
                }
            }
        }
        harness.close();
        addresses.close();
    }

    /** Keeps the history files (they are deleted with the cluster's directory on close). */
    public List<io.elector.testkit.history.HistoryRecord> readHistory() {
        return io.elector.testkit.history.HistoryChecker.read(histories());
    }
}
