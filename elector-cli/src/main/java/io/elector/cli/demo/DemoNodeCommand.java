package io.elector.cli.demo;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import io.elector.api.Schedule;
import io.elector.api.StaleTokenException;
import io.elector.cli.BackendOption;
import io.elector.cli.Candidacy;
import io.elector.cli.CandidateOptions;
import io.elector.cli.DurationConverter;
import io.elector.cli.EventLog;
import io.elector.cli.Main;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One node of {@code elector demo}, in its own JVM (hidden subcommand): a Raft node and candidate
 * of the {@code weather} election. As leader it fetches readings and writes them fenced with its
 * token; as follower it reads the latest reading and prints it. One line per event on stdout.
 */
@Command(name = "demo-node", hidden = true, description = "One node of 'elector demo' (started by the demo).")
public final class DemoNodeCommand implements Callable<Integer> {
    @Option(names = "--node", required = true)
    int node;

    @Option(names = "--raft", required = true, description = "raft:// URI of this node (secret from env)")
    String raft;

    @Option(names = "--election", defaultValue = "weather")
    String election;

    @Option(names = "--jdbc-url", required = true)
    String jdbcUrl;

    @Option(names = "--http")
    Integer http;

    @Option(names = "--peer-http", description = "status endpoints of all nodes")
    List<String> peers = new ArrayList<>();

    @Option(names = "--weather", defaultValue = "simulated", description = "simulated or openweathermap")
    String weather;

    @Option(names = "--weather-url", defaultValue = OpenWeatherMapSource.DEFAULT_BASE_URL)
    String weatherUrl;

    @Option(names = "--city", defaultValue = "Oslo")
    String city;

    @Option(names = "--interval", converter = DurationConverter.class, defaultValue = "1s")
    Duration interval;

    @Option(names = "--history", required = true)
    Path history;

    @Option(names = "--incarnation", defaultValue = "1", description = "how many times this node was started")
    int incarnation;

    @Override
    public Integer call() throws InterruptedException {
        String name = "node-" + node;
        EventLog log = new EventLog(System.out, name);
        WeatherSource source = weather.equals("openweathermap")
                ? new OpenWeatherMapSource(
                        weatherUrl, System.getenv("OPENWEATHER_API_KEY"), city, Duration.ofSeconds(5))
                : SimulatedStation.standard();
        ReadingsTable table = new ReadingsTable(jdbcUrl);
        DemoHistory hist = new DemoHistory(history, name + "/" + incarnation);
        Candidacy candidacy = Candidacy.join(BackendOption.of(raft, election), CandidateOptions.of(name, http));
        candidacy.server().ifPresent(s -> s.peers(peers));
        Election e = candidacy.election();
        ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-reader");
            t.setDaemon(true);
            return t;
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            reader.shutdownNow();
                            candidacy.close();
                            log.event("stopped");
                            hist.close();
                            stopped.countDown();
                        },
                        "demo-shutdown"));
        e.addListener(new LeadershipListener() {
            @Override
            public void elected(Leadership l) {
                hist.elected(l);
                log.event("elected token=" + l.fencingToken() + " (Raft term " + l.fencingToken() + ")");
            }

            @Override
            public void revoked(Leadership l, Revocation r) {
                hist.revoked(l, r);
                log.event("revoked token=" + l.fencingToken() + " reason=" + r.reason());
            }
        });
        AtomicLong seq = new AtomicLong();
        AtomicLong seqToken = new AtomicLong();
        e.scheduleWhileLeader(Schedule.fixedRate(Duration.ZERO, interval), l -> {
            if (seqToken.getAndSet(l.fencingToken()) != l.fencingToken()) {
                seq.set(0);
            }
            WeatherReading reading;
            try {
                reading = source.fetch();
            } catch (java.io.IOException ex) {
                log.event("fetch failed: " + ex.getMessage());
                return;
            }
            long n = seq.incrementAndGet();
            try {
                table.write(l.fencingToken(), n, reading, name);
                hist.write(ReadingsTable.RESOURCE, name, l.fencingToken(), true);
                log.event("wrote token=" + l.fencingToken() + " #" + n + " " + describe(reading));
            } catch (StaleTokenException ex) {
                hist.write(ReadingsTable.RESOURCE, name, l.fencingToken(), false);
                log.event("refused token=" + l.fencingToken() + " (stale: token " + ex.currentToken()
                        + " already wrote)");
            }
        });
        AtomicLong lastSeen = new AtomicLong(-1);
        reader.scheduleWithFixedDelay(
                () -> {
                    if (e.isLeader()) {
                        return;
                    }
                    try {
                        Optional<ReadingsTable.Row> row = table.latest();
                        if (row.isPresent()) {
                            long key =
                                    row.get().token() * 1_000_000L + row.get().seq();
                            if (lastSeen.getAndSet(key) != key) {
                                log.event("read token=" + row.get().token() + " #"
                                        + row.get().seq() + " by " + row.get().writtenBy() + ": "
                                        + describe(row.get().reading()));
                            }
                        }
                    } catch (SQLException ex) {
                        log.event("read failed: " + ex.getMessage());
                    }
                },
                interval.toMillis() / 2,
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
        log.event("started (pid " + ProcessHandle.current().pid() + ")"
                + candidacy.server().map(s -> " status page " + s.url() + "/").orElse(""));
        stopped.await();
        return Main.OK;
    }

    static String describe(WeatherReading r) {
        return String.format(
                Locale.ROOT,
                "%s %.1f C, humidity %d%%, observed %s [%s]",
                r.station(),
                r.temperatureC(),
                r.humidityPct(),
                r.observedAt(),
                r.source());
    }
}
