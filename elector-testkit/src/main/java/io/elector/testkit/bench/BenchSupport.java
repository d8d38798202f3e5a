package io.elector.testkit.bench;

import io.elector.api.Election;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What the backends' benchmark mains share: their {@code --name value} options, the latency line
 * they print (one JSON object with min/p50/p99/max in milliseconds and the load average), and the
 * wait for a leader among in-process candidates.
 */
public final class BenchSupport {
    private BenchSupport() {}

    /** The value after {@code name} in {@code args}, or {@code def} when {@code name} is not given. */
    public static String option(String[] args, String name, String def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }

    /** Nearest-rank percentile of {@code sorted} (ascending), {@code p} in [0, 1]. */
    public static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** {@code v} with one decimal and a dot, whatever the locale. */
    public static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** The machine's {@code /proc/loadavg} line, or {@code unknown} where there is none. */
    public static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * One JSON object: {@code bench}, {@code backend}, {@code trials}, {@code min_ms}, {@code p50_ms},
     * {@code p99_ms}, {@code max_ms}, then {@code extra} (members without braces, e.g. {@code
     * "candidates":3}), then {@code loadavg}.
     *
     * @throws IllegalArgumentException if there are no samples
     */
    public static String latencyJson(String bench, String backend, List<Long> samplesNanos, String extra) {
        if (samplesNanos.isEmpty()) {
            throw new IllegalArgumentException("no samples for " + bench + " on " + backend);
        }
        long[] ns = samplesNanos.stream().mapToLong(n -> n).sorted().toArray();
        return "{\"bench\":\"" + bench + "\",\"backend\":\"" + backend + "\",\"trials\":" + ns.length
                + ",\"min_ms\":" + fmt(ns[0] / 1e6)
                + ",\"p50_ms\":" + fmt(percentile(ns, 0.50) / 1e6)
                + ",\"p99_ms\":" + fmt(percentile(ns, 0.99) / 1e6)
                + ",\"max_ms\":" + fmt(ns[ns.length - 1] / 1e6)
                + "," + extra
                + ",\"loadavg\":\"" + loadavg() + "\"}";
    }

    /** Prints {@link #latencyJson} on stdout. */
    public static void printLatency(String bench, String backend, List<Long> samplesNanos, String extra) {
        System.out.println(latencyJson(bench, backend, samplesNanos, extra));
    }

    /** The first of {@code elections} found leading, polled every millisecond up to {@code timeout}. */
    public static Election awaitAnyLeader(List<Election> elections, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - end < 0) {
            for (Election e : elections) {
                if (e.isLeader()) {
                    return e;
                }
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no leader within " + timeout);
    }
}
