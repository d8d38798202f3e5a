package io.elector.cli.run;

import io.elector.api.ElectionSettings;
import io.elector.cli.BackendOption;
import io.elector.cli.Candidacy;
import io.elector.cli.CandidateOptions;
import io.elector.cli.DurationConverter;
import io.elector.cli.EventLog;
import io.elector.cli.UsageException;
import io.elector.cli.backend.BackendResolver;
import io.elector.cli.backend.BackendUri;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code elector run}: runs a command only while this process leads an election. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs COMMAND only while this process leads the election. COMMAND gets ELECTOR_FENCING_TOKEN,"
                    + " ELECTOR_ELECTION and ELECTOR_CANDIDATE in its environment.",
            "When leadership is lost, or the lease is about to run out without renewal, COMMAND's process group"
                    + " gets SIGTERM, then SIGKILL after --grace, before the lease deadline. A watchdog process"
                    + " does this even when 'elector' itself is killed (kill -9) or frozen.",
            "COMMAND runs in its own process group with stdin from /dev/null. Needs bash."
        },
        footer = {
            "",
            "Examples:",
            "  elector run -b postgresql://127.0.0.1:5432/test?user=postgres -e report -- ./make-report.sh",
            "  elector run -b raft://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003?node=2 -e ingest \\",
            "      --on-exit rerun --http 8081 -- java -jar ingest.jar",
            "",
            "Exit codes:",
            "  N    with --on-exit exit (the default): COMMAND's own exit status (128+n if killed by signal n)",
            "  2    bad usage or configuration (unknown scheme, malformed URI, unreachable server, no COMMAND)",
            "  3    not elected within --acquire-timeout",
            "  127  COMMAND could not be started",
            "  143  'elector' got SIGTERM (130: SIGINT); COMMAND was stopped first, then leadership released"
        },
        sortOptions = false)
public final class RunCommand implements Callable<Integer> {
    /** Exit code when not elected within {@code --acquire-timeout}. */
    public static final int NOT_ELECTED = 3;

    static final Duration MIN_SLACK = Duration.ofMillis(200);

    @Mixin
    BackendOption where;

    @Mixin
    CandidateOptions who;

    @Option(
            names = "--on-exit",
            paramLabel = "ACTION",
            defaultValue = "exit",
            description = "When COMMAND exits on its own while leader: exit (resign, exit with its status), resign"
                    + " (resign, stay a candidate, run again when elected), rerun (stay leader, start it again)."
                    + " Default: ${DEFAULT-VALUE}.")
    String onExit;

    @Option(
            names = "--grace",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "1s",
            description = "Time between SIGTERM and SIGKILL (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(
            names = "--margin",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "250ms",
            description = "COMMAND is dead at least this long before the lease deadline (default: ${DEFAULT-VALUE}).")
    Duration margin;

    @Option(
            names = "--rerun-delay",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "1s",
            description = "With --on-exit rerun: pause before starting COMMAND again (default: ${DEFAULT-VALUE}).")
    Duration rerunDelay;

    @Option(
            names = "--acquire-timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Give up (exit 3) if not elected within this time; default: wait forever.")
    Duration acquireTimeout;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments, after '--'.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        OnExit action = parseOnExit(onExit);
        validateTiming();
        Candidacy candidacy = Candidacy.join(where, who);
        EventLog log =
                new EventLog(System.err, "elector " + candidacy.election().candidateId());
        candidacy.server().ifPresent(s -> log.event("status page at " + s.url() + "/"));
        CommandSupervisor supervisor =
                new CommandSupervisor(candidacy.election(), command, grace, margin, action, rerunDelay, log);
        Thread hook = new Thread(
                () -> {
                    // SIGTERM/SIGINT: the command goes first, while we still hold the leadership.
                    supervisor.shutdown();
                    candidacy.close();
                    supervisor.close();
                },
                "elector-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        log.event("candidate in election '" + candidacy.election().name() + "' on " + candidacy.backendRedacted());
        supervisor.start();
        try {
            if (acquireTimeout != null
                    && candidacy.election().awaitLeadership(acquireTimeout).isEmpty()) {
                log.event("not elected within " + acquireTimeout.toMillis() + " ms; giving up");
                return NOT_ELECTED;
            }
            int status = supervisor.finished().get();
            if (supervisor.configurationError().isPresent()) {
                throw new UsageException(supervisor.configurationError().get());
            }
            return status;
        } catch (ExecutionException e) {
            throw e;
        } finally {
            if (!isShuttingDown(hook)) {
                supervisor.shutdown();
                candidacy.close();
                supervisor.close();
            }
        }
    }

    private static boolean isShuttingDown(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    private static OnExit parseOnExit(String value) {
        return switch (value) {
            case "exit" -> OnExit.EXIT;
            case "resign" -> OnExit.RESIGN;
            case "rerun" -> OnExit.RERUN;
            default -> throw new UsageException("--on-exit must be exit, resign or rerun: '" + value + "'");
        };
    }

    /** The command must be stopped by the deadline even right after a renewal: grace + margin must fit. */
    private void validateTiming() {
        if (grace.isNegative() || margin.isNegative()) {
            throw new UsageException("--grace and --margin must not be negative");
        }
        // A backend whose own settings decide the lease (a ZooKeeper session) is checked against that.
        BackendUri uri = BackendUri.parse(where.backend());
        Optional<Duration> fixed = BackendResolver.fromClassPath().provider(uri).fixedLease(uri);
        Duration lease = fixed.orElse(who.lease());
        ElectionSettings s = ElectionSettings.defaults().withLease(lease);
        Duration afterRenew = Duration.ofNanos((long) (s.leaseDuration().toNanos() * (1 - s.clockDriftBound())))
                .minus(s.renewInterval());
        Duration slack = afterRenew.minus(grace).minus(margin);
        if (slack.compareTo(MIN_SLACK) < 0) {
            throw new UsageException("--grace " + grace.toMillis() + "ms plus --margin " + margin.toMillis()
                    + "ms must leave at least " + MIN_SLACK.toMillis() + "ms of the " + afterRenew.toMillis()
                    + "ms a " + (fixed.isPresent() ? "session" : "lease") + " of " + lease.toMillis()
                    + "ms has left after a renewal; "
                    + (fixed.isPresent() ? "raise the backend's session timeout" : "raise --lease")
                    + " or lower --grace");
        }
    }
}
