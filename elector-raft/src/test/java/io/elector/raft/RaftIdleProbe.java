package io.elector.raft;

import io.elector.api.Election;
import io.elector.core.Elector;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A profiling aid (not a test): 3 Raft nodes in this JVM with {@code ELECTIONS} elections (default
 * 100); once every election has a leader, prints the CPU time of each thread group (thread name
 * without its trailing number) over {@code SECONDS} (default 10), as percent of one core, divided by
 * the 3 nodes. Run: {@code ./mvnw -q -pl elector-raft exec:exec -Dexec.mainClass=...} or from an IDE.
 */
public final class RaftIdleProbe {
    private RaftIdleProbe() {}

    private static long gcMillis() {
        long t = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, gc.getCollectionTime());
        }
        return t;
    }

    private static long allocated(ThreadMXBean mx) {
        long t = 0;
        var sun = (com.sun.management.ThreadMXBean) mx;
        for (long id : mx.getAllThreadIds()) {
            t += Math.max(0, sun.getThreadAllocatedBytes(id));
        }
        return t;
    }

    /** Voluntary + involuntary context switches of this process's threads, by thread group. */
    private static Map<String, Long> switches() throws java.io.IOException {
        Map<String, Long> out = new TreeMap<>();
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path t : tasks.toList()) {
                try {
                    String comm = java.nio.file.Files.readString(t.resolve("comm"))
                            .trim()
                            .replaceAll("[-0-9]+$", "");
                    long n = 0;
                    for (String line : java.nio.file.Files.readAllLines(t.resolve("status"))) {
                        if (line.contains("ctxt_switches")) {
                            n += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        }
                    }
                    out.merge(comm, n, Long::sum);
                } catch (java.io.IOException gone) {
                    // the thread ended
                }
            }
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        int elections = Integer.parseInt(System.getenv().getOrDefault("ELECTIONS", "100"));
        int seconds = Integer.parseInt(System.getenv().getOrDefault("SECONDS", "10"));
        int settle = Integer.parseInt(System.getenv().getOrDefault("SETTLE", "15"));
        try (LoopbackCluster cluster = new LoopbackCluster(3)) {
            List<Elector> electors = new ArrayList<>();
            List<Election> all = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                Elector e =
                        Elector.builder(cluster.start(i)).candidateId("n" + i).build();
                electors.add(e);
                for (int k = 0; k < elections; k++) {
                    all.add(e.join("e" + k));
                }
            }
            for (int i = 0; i < 600; i++) {
                long led =
                        all.stream().filter(el -> el.leadership().isPresent()).count();
                if (led >= elections) {
                    break;
                }
                Thread.sleep(50);
            }
            Thread.sleep(settle * 1000L);
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            Map<Long, Long> before = new HashMap<>();
            for (long id : mx.getAllThreadIds()) {
                before.put(id, mx.getThreadCpuTime(id));
            }
            long proc0 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            Map<String, Long> switches0 = switches();
            long gc0 = gcMillis();
            long alloc0 = allocated(mx);
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double wall = System.nanoTime() - t0;
            Map<String, Long> switches1 = switches();
            long gc1 = gcMillis();
            long alloc1 = allocated(mx);
            System.out.printf(
                    Locale.ROOT,
                    "gc: %d ms in the window; allocation: %.1f MB/s per node%n",
                    gc1 - gc0,
                    (alloc1 - alloc0) / (wall / 1e9) / 3 / 1e6);
            long proc1 = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            Map<String, Double> groups = new TreeMap<>();
            for (long id : mx.getAllThreadIds()) {
                ThreadInfo info = mx.getThreadInfo(id);
                long now = mx.getThreadCpuTime(id);
                if (info == null || now < 0) {
                    continue;
                }
                long spent = now - before.getOrDefault(id, 0L);
                String group = info.getThreadName().replaceAll("[-0-9]+$", "");
                groups.merge(group, spent / wall * 100 / 3, Double::sum);
            }
            long led = all.stream().filter(el -> el.leadership().isPresent()).count();
            System.out.printf(
                    Locale.ROOT,
                    "process: %.2f%% of a core per node; elections led: %d/%d%n",
                    (proc1 - proc0) / wall * 100 / 3,
                    led,
                    elections);
            groups.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(15)
                    .forEach(g -> System.out.printf(Locale.ROOT, "  %6.2f%%  %s%n", g.getValue(), g.getKey()));
            System.out.println("context switches per second per node, by thread group:");
            switches1.entrySet().stream()
                    .map(en -> Map.entry(en.getKey(), en.getValue() - switches0.getOrDefault(en.getKey(), 0L)))
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(10)
                    .forEach(en -> System.out.printf(
                            Locale.ROOT, "  %8.1f  %s%n", en.getValue() / (wall / 1e9) / 3, en.getKey()));
            for (Elector e : electors) {
                e.close();
            }
        }
        System.exit(0);
    }
}
