package io.elector.cli.run;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Registration;
import io.elector.api.Revocation;
import io.elector.cli.EventLog;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command only while this process leads one election.
 *
 * <p><b>Threads.</b> Every decision runs on one scheduler thread ({@link #lane}): leadership
 * events, the command's exit, the heartbeat tick and shutdown are enqueued there, so the state
 * below needs no locks.
 *
 * <p><b>Time.</b> Each tick (every {@link #TICK}) tells the watchdog how long the command may still
 * run: the leadership's remaining time minus the grace period and a safety margin. The watchdog
 * sends SIGTERM when that runs out and SIGKILL a grace period later, so the command is dead a
 * margin before the local deadline even if this JVM freezes or dies. When renewals stop and the
 * remaining time falls below grace + margin, this process stops the command and resigns at once.
 *
 * <p><b>Failure.</b> A watchdog that did not finish a grace period plus {@link #KILL_SLACK} after
 * the stop is killed with its command tree from here.
 */
public final class CommandSupervisor implements AutoCloseable {
    static final Duration TICK = Duration.ofMillis(100);
    static final Duration KILL_SLACK = Duration.ofMillis(500);

    private final Election election;
    private final List<String> command;
    private final Duration grace;
    private final Duration margin;
    private final OnExit onExit;
    private final Duration rerunDelay;
    private final EventLog log;
    private final ScheduledExecutorService lane;
    private final CompletableFuture<Integer> finished = new CompletableFuture<>();
    private Registration listener;

    // Lane-confined state.
    private Leadership leadership;
    private Lifeline running;
    private long runningToken;
    private boolean shuttingDown;
    private int runs;
    private volatile String configurationError;

    public CommandSupervisor(
            Election election,
            List<String> command,
            Duration grace,
            Duration margin,
            OnExit onExit,
            Duration rerunDelay,
            EventLog log) {
        this.election = election;
        this.command = List.copyOf(command);
        this.grace = grace;
        this.margin = margin;
        this.onExit = onExit;
        this.rerunDelay = rerunDelay;
        this.log = log;
        this.lane = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "elector-run");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts following the election. */
    public void start() {
        listener = election.addListener(new LeadershipListener() {
            @Override
            public void elected(Leadership l) {
                lane.execute(() -> onElected(l));
            }

            @Override
            public void revoked(Leadership l, Revocation r) {
                lane.execute(() -> onRevoked(l, r));
            }
        });
        lane.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Completes with the exit status {@code elector run} should end with (only for {@link OnExit#EXIT}). */
    public CompletableFuture<Integer> finished() {
        return finished;
    }

    /** Why {@link #finished()} completed with exit code 2, if it did. */
    public java.util.Optional<String> configurationError() {
        return java.util.Optional.ofNullable(configurationError);
    }

    /** Number of times the command was started. */
    public int runs() {
        return CompletableFuture.supplyAsync(() -> runs, lane).join();
    }

    private void onElected(Leadership l) {
        leadership = l;
        log.event("elected: election=" + l.election() + " token=" + l.fencingToken());
        if (running == null && !shuttingDown) {
            startCommand(l);
        }
    }

    private void startCommand(Leadership l) {
        Duration termIn = termIn(l);
        if (termIn.compareTo(RunCommand.MIN_SLACK) < 0) {
            // The backend's leadership lease is too short to stop the command gracefully by its
            // deadline (Raft's lease is its election timeout). A configuration error, not a loss.
            configurationError = "the leadership lease (" + l.remaining().toMillis() + " ms left at election) is too"
                    + " short for --grace " + grace.toMillis() + "ms + --margin " + margin.toMillis() + "ms + "
                    + RunCommand.MIN_SLACK.toMillis() + "ms; lower --grace or raise the lease (raft: e.g."
                    + " ?election-timeout=2s-4s&heartbeat=200ms, others: --lease)";
            resign();
            finish(io.elector.cli.Main.USAGE);
            return;
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ELECTOR_FENCING_TOKEN", Long.toString(l.fencingToken()));
        env.put("ELECTOR_ELECTION", l.election());
        env.put("ELECTOR_CANDIDATE", l.candidateId());
        try {
            Lifeline lifeline = Lifeline.start(command, env, grace, termIn, l.fencingToken());
            running = lifeline;
            runningToken = l.fencingToken();
            runs++;
            lifeline.onExit().thenAccept(status -> lane.execute(() -> onCommandExited(lifeline, status)));
            log.event("started command: token=" + l.fencingToken() + " watchdog pid=" + lifeline.pid());
        } catch (IOException e) {
            log.event("cannot start the command (is bash installed?): " + e.getMessage());
            resign();
            finish(127);
        }
    }

    private void onRevoked(Leadership l, Revocation r) {
        if (leadership == l) {
            leadership = null;
        }
        log.event("revoked: token=" + l.fencingToken() + " reason=" + r.reason());
        if (running != null && runningToken == l.fencingToken()) {
            stopCommand("leadership ended");
        }
    }

    private void tick() {
        Lifeline r = running;
        if (r == null || r.stopSent()) {
            return;
        }
        Leadership l = leadership;
        if (l == null || l.fencingToken() != runningToken || !l.isValid()) {
            stopCommand("leadership is no longer valid");
            return;
        }
        Duration termIn = termIn(l);
        if (termIn.isNegative() || termIn.isZero()) {
            log.event("lease not renewed in time (" + l.remaining().toMillis() + " ms left); stopping the command"
                    + " and resigning");
            stopCommand("lease about to expire");
            resign();
            return;
        }
        r.heartbeat(termIn);
    }

    private Duration termIn(Leadership l) {
        return l.remaining().minus(grace).minus(margin);
    }

    private void stopCommand(String why) {
        Lifeline r = running;
        if (r == null || r.stopSent()) {
            return;
        }
        log.event("stopping command (" + why + "): SIGTERM, SIGKILL after " + grace.toMillis() + " ms");
        r.stop();
        lane.schedule(
                () -> {
                    if (r.isAlive()) {
                        log.event("watchdog did not finish in time; killing the command tree");
                        r.killNow();
                    }
                },
                grace.plus(KILL_SLACK).toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void onCommandExited(Lifeline r, int status) {
        if (running != r) {
            return;
        }
        running = null;
        boolean stoppedByUs = r.stopSent();
        log.event("command exited: status=" + status + (stoppedByUs ? " (stopped)" : ""));
        if (shuttingDown) {
            finish(status);
            return;
        }
        Leadership l = leadership;
        if (stoppedByUs) {
            // A new leadership may have begun while the old command was stopping; it starts only
            // now, so that two runs of the command never overlap in this process either.
            if (l != null && l.fencingToken() != r.token() && l.isValid()) {
                startCommand(l);
            }
            return;
        }
        switch (onExit) {
            case EXIT -> {
                resign();
                finish(status);
            }
            case RESIGN -> resign();
            case RERUN -> {
                if (l != null && l.isValid()) {
                    lane.schedule(
                            () -> {
                                Leadership now = leadership;
                                if (running == null && !shuttingDown && now != null && now.isValid()) {
                                    startCommand(now);
                                }
                            },
                            rerunDelay.toMillis(),
                            TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private void resign() {
        if (leadership != null) {
            log.event("resigning: token=" + leadership.fencingToken());
        }
        election.resign();
    }

    private void finish(int status) {
        finished.complete(status);
    }

    /**
     * Stops the command (if running) and waits for it, at most a grace period plus slack; the
     * leadership is still held meanwhile so nobody else starts before the command is gone.
     */
    public void shutdown() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        lane.execute(() -> {
            shuttingDown = true;
            Lifeline r = running;
            if (r == null) {
                stopped.complete(null);
                return;
            }
            stopCommand("elector is stopping");
            r.onExit().whenComplete((s, e) -> stopped.complete(null));
        });
        try {
            // Bounded: the stop path itself kills the tree after grace + slack.
            stopped.get(grace.plus(KILL_SLACK).plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.event("command did not stop in time: " + e);
        }
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
        lane.shutdownNow();
    }
}
