package io.elector.cli;

import io.elector.api.LeaderInfo;
import io.elector.cli.http.Json;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code elector status}: who leads an election. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Shows the current leader of an election: candidate, fencing token, since, metadata.",
        footer = {
            "",
            "Examples:",
            "  elector status -b postgresql://127.0.0.1:5432/test?user=postgres -e nightly",
            "  elector status -b raft://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 -e weather --watch --json",
            "",
            "Exit codes: 0 a leader was found, 1 nobody leads (none seen within --timeout), 2 bad usage or"
                    + " configuration."
        })
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    BackendOption where;

    @Option(names = "--json", description = "Print JSON (one object per line with --watch).")
    boolean json;

    @Option(names = "--watch", description = "Keep printing each change of leader until interrupted.")
    boolean watch;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "3s",
            description = "How long to wait for the backend to report a leader (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "With --watch: stop after this long (default: until interrupted).")
    Duration duration;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        try (Observation o = Observation.open(where)) {
            Optional<LeaderInfo> leader = o.awaitLeader(timeout);
            if (!watch) {
                out.println(format(where.election(), leader));
                return leader.isPresent() ? Main.OK : Main.FAILED;
            }
            CountDownLatch never = new CountDownLatch(1);
            try (var reg = o.observer().watch(v -> out.println(format(where.election(), v)))) {
                if (duration != null) {
                    never.await(duration.toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    never.await();
                }
            }
            return Main.OK;
        }
    }

    private String format(String election, Optional<LeaderInfo> leader) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("election", election);
            m.put("leader", leader.map(StatusCommand::info).orElse(null));
            return Json.write(m);
        }
        return leader.map(i -> "election " + election + ": leader " + i.candidateId() + " token " + i.fencingToken()
                        + " since " + i.since() + (i.metadata().isEmpty() ? "" : " metadata " + i.metadata()))
                .orElse("election " + election + ": nobody leads");
    }

    static Map<String, Object> info(LeaderInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("candidate", i.candidateId());
        m.put("token", i.fencingToken());
        m.put("since", i.since().toString());
        m.put("metadata", i.metadata());
        return m;
    }
}
