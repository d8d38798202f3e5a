package io.elector.cli.verify;

import io.elector.api.Election;
import io.elector.api.ElectionSettings;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import io.elector.api.StaleTokenException;
import io.elector.cli.backend.BackendOptions;
import io.elector.cli.backend.BackendResolver;
import io.elector.core.Elector;
import io.elector.spi.Backend;
import io.elector.testkit.CountingLeaseStore;
import io.elector.testkit.FencedFileRegister;
import io.elector.testkit.history.HistoryRecorder;
import io.elector.testkit.history.Wall;
import io.elector.time.DriftingTimeSource;
import io.elector.time.ElectorRuntime;
import io.elector.time.TimeSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One candidate process of {@code elector verify} and {@code elector bench} (hidden). Joins the
 * election(s), writes to the fenced file while it leads, records its history, and reports
 * leadership changes on stdout: {@code ELECTED <wallNanos> <election> <token>} and {@code REVOKED
 * <wallNanos> <election> <token> <reason>}. Reads {@code resign} and {@code quit} from stdin, and
 * exits when stdin closes (its parent is gone).
 */
@Command(
        name = "verify-worker",
        hidden = true,
        description = "A candidate process driven by 'elector verify' and 'elector bench'.")
public final class VerifyWorkerCommand implements Callable<Integer> {
    /** The requests this process sends to its lease store (one batched call counts once), for STATS. */
    private static final CountingLeaseStore.Calls STORE_CALLS = new CountingLeaseStore.Calls();

    @Option(names = "--backend", required = true)
    String backend;

    @Option(names = "--election", required = true)
    String election;

    @Option(names = "--candidate", required = true)
    String candidate;

    @Option(names = "--history")
    Path history;

    @Option(names = "--fenced")
    Path fenced;

    @Option(names = "--drift-rate", defaultValue = "1.0")
    double driftRate;

    @Option(names = "--skew-ms", defaultValue = "0")
    long skewMs;

    @Option(names = "--lease-ms", defaultValue = "2000")
    long leaseMs;

    @Option(names = "--renew-ms", defaultValue = "400")
    long renewMs;

    @Option(names = "--retry-ms", defaultValue = "200")
    long retryMs;

    @Option(names = "--drift-bound", defaultValue = "0.01")
    double driftBound;

    @Option(names = "--write-every-ms", defaultValue = "50")
    long writeEveryMs;

    @Option(names = "--elections", defaultValue = "1")
    int elections;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        TimeSource time = new DriftingTimeSource(TimeSource.system(), driftRate, Duration.ofMillis(skewMs));
        ElectorRuntime runtime = ElectorRuntime.withTime(time);
        BackendOptions options =
                new BackendOptions(Duration.ofSeconds(30), store -> new CountingLeaseStore(store, STORE_CALLS));
        Backend b = BackendResolver.fromClassPath().open(backend, options);
        ElectionSettings settings = new ElectionSettings(
                Duration.ofMillis(leaseMs), Duration.ofMillis(renewMs), Duration.ofMillis(retryMs), driftBound);
        HistoryRecorder recorder =
                history != null ? HistoryRecorder.toFile(candidate, history) : HistoryRecorder.inMemory(candidate);
        FencedFileRegister register = fenced != null ? new FencedFileRegister(fenced) : null;
        List<Election> joined = new ArrayList<>();
        try (Elector elector = Elector.builder(b)
                .candidateId(candidate)
                .settings(settings)
                .runtime(runtime)
                .build()) {
            for (int i = 0; i < elections; i++) {
                String name = elections == 1 ? election : election + "-" + i;
                Election e = elector.join(name);
                joined.add(e);
                if (i == 0) {
                    recorder.record(e, time);
                    if (register != null) {
                        e.runWhileLeader(l -> writeWhileLeader(l, register, recorder));
                    }
                }
                e.addListener(new LeadershipListener() {
                    @Override
                    public void elected(Leadership l) {
                        out.println("ELECTED " + Wall.nowNanos() + " " + l.election() + " " + l.fencingToken());
                    }

                    @Override
                    public void revoked(Leadership l, Revocation r) {
                        out.println("REVOKED " + Wall.nowNanos() + " " + l.election() + " " + l.fencingToken() + " "
                                + r.reason());
                    }
                });
            }
            out.println("READY " + ProcessHandle.current().pid());
            Thread stats = new Thread(
                    () -> {
                        while (!Thread.currentThread().isInterrupted()) {
                            out.println("STATS " + Wall.nowNanos() + " " + STORE_CALLS.total());
                            try {
                                Thread.sleep(1000);
                            } catch (InterruptedException ex) {
                                return;
                            }
                        }
                    },
                    "verify-worker-stats");
            stats.setDaemon(true);
            stats.start();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("resign")) {
                    for (Election e : joined) {
                        if (e.isLeader()) {
                            e.resign();
                        }
                    }
                } else if (line.equals("quit")) {
                    break;
                }
            }
        } finally {
            recorder.close();
        }
        return 0;
    }

    private void writeWhileLeader(Leadership l, FencedFileRegister register, HistoryRecorder recorder)
            throws InterruptedException {
        long writeEvery = writeEveryMs;
        // Bounded by the leadership: interrupted on loss; the loop also checks validity.
        while (!Thread.currentThread().isInterrupted()) {
            long token = l.fencingToken();
            try {
                long at = register.guard(token).write(l.candidateId() + " token " + token);
                recorder.write(register.name(), l.candidateId(), token, true, at);
            } catch (StaleTokenException e) {
                recorder.write(register.name(), l.candidateId(), token, false);
            }
            Thread.sleep(writeEvery);
        }
    }
}
