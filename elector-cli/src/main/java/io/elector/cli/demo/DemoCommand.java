package io.elector.cli.demo;

import io.elector.cli.DurationConverter;
import io.elector.cli.Main;
import io.elector.cli.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.h2.tools.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code elector demo}: three node processes on the embedded Raft backend; the leader writes
 * weather readings fenced with its token into a shared database, the followers read them; the
 * leader is killed with SIGKILL every so often, and the demo shows the failover and a summary.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Starts --nodes node processes on the embedded Raft backend. The leader fetches weather readings and"
                    + " writes them, fenced with its token, into a shared database; followers read the latest reading.",
            "Every --kill-every the leader is killed with SIGKILL; the demo shows the failover time and the new"
                    + " leader (with a higher token) carrying on, restarts the old node as a follower, and ends with"
                    + " a summary that checks no two leaders overlapped and no stale write was accepted.",
            "Weather: OpenWeatherMap when OPENWEATHER_API_KEY is set and reachable, else a simulated station.",
            "Database: an embedded H2 server on a free loopback port, or --jdbc-url."
        },
        footer = {
            "",
            "Examples:",
            "  elector demo",
            "  elector demo --duration 60s --kill-every 15s --http",
            "  elector demo --jdbc-url 'jdbc:postgresql://127.0.0.1:5432/test?user=postgres'",
            "  OPENWEATHER_API_KEY=... elector demo --city Bergen",
            "",
            "Exit codes: 0 all checks passed, 1 a check failed, 2 bad usage."
        },
        sortOptions = false)
public final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--nodes",
            defaultValue = "3",
            description = "Node processes, 3, 5 or 7 (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
            names = "--duration",
            converter = DurationConverter.class,
            defaultValue = "25s",
            description = "How long the demo runs after the first leader is elected (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--kill-every",
            converter = DurationConverter.class,
            defaultValue = "8s",
            description = "Kill the leader this long after it was elected (default: ${DEFAULT-VALUE}).")
    Duration killEvery;

    @Option(
            names = "--interval",
            converter = DurationConverter.class,
            defaultValue = "1s",
            description = "How often the leader fetches and writes a reading (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(
            names = "--election-timeout",
            defaultValue = "150ms-300ms",
            description = "Raft election timeout range (default: ${DEFAULT-VALUE}; the heartbeat is a third of the"
                    + " minimum). Lower fails over faster but needs an unloaded machine.")
    String electionTimeout;

    @Option(names = "--jdbc-url", paramLabel = "URL", description = "Shared database (default: an embedded H2 server).")
    String jdbcUrl;

    @Option(
            names = "--city",
            defaultValue = "Oslo",
            description = "City for OpenWeatherMap (default: ${DEFAULT-VALUE}).")
    String city;

    @Option(
            names = "--weather-url",
            defaultValue = OpenWeatherMapSource.DEFAULT_BASE_URL,
            description = "OpenWeatherMap base URL (default: ${DEFAULT-VALUE}).")
    String weatherUrl;

    @Option(names = "--http", description = "Serve each node's status page (printed at start).")
    boolean http;

    @Option(names = "--dir", description = "Where node state, logs and histories go (default: a new temp directory).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (nodes != 3 && nodes != 5 && nodes != 7) {
            throw new UsageException("--nodes must be 3, 5 or 7: " + nodes);
        }
        if (duration.compareTo(Duration.ofSeconds(5)) < 0 || duration.compareTo(Duration.ofHours(24)) > 0) {
            throw new UsageException("--duration must be between 5s and 24h: " + duration);
        }
        if (killEvery.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new UsageException("--kill-every must be at least 2s: " + killEvery);
        }
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new UsageException("--interval must be at least 100ms: " + interval);
        }
        heartbeat(); // validates --election-timeout
        PrintStream out = System.out;
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("elector-demo-");
        String weather = chooseWeather(out);
        Server h2 = null;
        String url = jdbcUrl;
        if (url == null) {
            h2 = Server.createTcpServer(
                            "-tcpPort",
                            Integer.toString(freePorts(1).get(0)),
                            "-baseDir",
                            work.resolve("h2").toString(),
                            "-ifNotExists")
                    .start();
            url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/weather";
        }
        try {
            ReadingsTable table = new ReadingsTable(url);
            try {
                table.reset();
            } catch (SQLException e) {
                throw new UsageException("cannot use the database " + io.elector.cli.backend.BackendUri.redact(url)
                        + ": " + e.getMessage());
            }
            List<Integer> ports = freePorts(nodes * 2);
            Cluster cluster = new Cluster(
                    work,
                    ports.subList(0, nodes),
                    http ? ports.subList(nodes, 2 * nodes) : null,
                    url,
                    weather,
                    this,
                    out);
            out.println("Elector demo: " + nodes + " node processes elect a leader with the embedded Raft backend.");
            out.println("  weather:  "
                    + (weather.equals("simulated")
                            ? "simulated station feed (deterministic; set OPENWEATHER_API_KEY for real readings)"
                            : "OpenWeatherMap, " + city));
            out.println("  database: " + (h2 != null ? "embedded H2 server, " : "")
                    + io.elector.cli.backend.BackendUri.redact(url));
            out.println("  plan:     run " + duration.toSeconds() + " s from the first election; SIGKILL the leader "
                    + killEvery.toSeconds()
                    + " s after the first election and after each failover; restart it as a follower "
                    + Cluster.RESTART_AFTER.toSeconds() + " s later");
            if (http) {
                out.println("  status:   "
                        + cluster.httpUrls().stream().map(u -> u + "/").collect(Collectors.joining("  ")));
            }
            out.println("  files:    " + work);
            out.println();
            DemoReport report = cluster.run(duration, killEvery);
            report.print(out, table.all());
            return report.ok() ? Main.OK : Main.FAILED;
        } finally {
            if (h2 != null) {
                h2.stop();
            }
        }
    }

    String electionTimeout() {
        return electionTimeout;
    }

    String heartbeat() {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d+)ms-(\\d+)ms").matcher(electionTimeout);
        if (!m.matches()
                || Long.parseLong(m.group(1)) < 50
                || Long.parseLong(m.group(1)) > Long.parseLong(m.group(2))) {
            throw new UsageException("--election-timeout must be MINms-MAXms with 50 <= MIN <= MAX, like 150ms-300ms: "
                    + electionTimeout);
        }
        return Long.parseLong(m.group(1)) / 3 + "ms";
    }

    Duration interval() {
        return interval;
    }

    String city() {
        return city;
    }

    String weatherUrl() {
        return weatherUrl;
    }

    private String chooseWeather(PrintStream out) throws InterruptedException {
        String key = System.getenv("OPENWEATHER_API_KEY");
        if (key == null || key.isBlank()) {
            return "simulated";
        }
        try {
            new OpenWeatherMapSource(weatherUrl, key, city, Duration.ofSeconds(5)).fetch();
            return "openweathermap";
        } catch (IOException e) {
            out.println("OPENWEATHER_API_KEY is set but " + e.getMessage() + "; using the simulated station feed");
            return "simulated";
        }
    }

    /** Distinct free loopback ports (bound together, then released). */
    static List<Integer> freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free loopback ports", e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException e) {
                    // Released anyway when the process exits.
                }
            }
        }
    }

    static String secret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}
