package io.elector.core;

import io.elector.api.LeaderTask;
import io.elector.api.Leadership;
import io.elector.api.Schedule;
import io.elector.time.Cancellable;
import io.elector.time.ElectorRuntime;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;

/**
 * Leader-only work bound to an election: started on each {@code elected}, stopped (interrupted) on
 * each {@code revoked}. With a schedule, runs are timed by the runtime's timer (so fake clocks
 * drive them) and never overlap; no run starts once the leadership is invalid.
 */
final class LeaderWork {
    private final LeaderTask task;
    private final Schedule schedule;
    private final ElectorRuntime runtime;
    private Cycle cycle;

    LeaderWork(LeaderTask task, Schedule schedule, ElectorRuntime runtime) {
        this.task = task;
        this.schedule = schedule;
        this.runtime = runtime;
    }

    /** Loop only. */
    void start(Leadership leadership) {
        stop();
        cycle = new Cycle(leadership);
        if (schedule == null) {
            cycle.startRun(false);
        } else {
            cycle.scheduleNext(null);
        }
    }

    /**
     * Loop only. Interrupts the current run.
     *
     * @return completes when the run has left the task
     */
    CompletableFuture<Void> stop() {
        if (cycle == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = cycle.cancel();
        cycle = null;
        return done;
    }

    /** One leadership's sequence of runs. */
    private final class Cycle {
        private final Leadership leadership;
        private boolean cancelled;
        private Cancellable timer;
        private WorkRun run;
        private long lastStart;

        Cycle(Leadership leadership) {
            this.leadership = leadership;
        }

        synchronized void scheduleNext(Duration sinceLastStart) {
            if (cancelled || !leadership.isValid()) {
                return;
            }
            ZonedDateTime now = runtime.time().wallTime().atZone(schedule.zone());
            Duration delay = schedule.nextDelay(now, sinceLastStart);
            timer = runtime.schedule(() -> startRun(true), delay.toNanos());
        }

        synchronized void startRun(boolean repeat) {
            if (cancelled || !leadership.isValid()) {
                return;
            }
            lastStart = runtime.time().monotonicNanos();
            run = new WorkRun(task, leadership, repeat ? this::finished : null);
            runtime.workExecutor().execute(run);
        }

        private void finished() {
            Duration since = Duration.ofNanos(runtime.time().monotonicNanos() - lastStart);
            scheduleNext(since);
        }

        synchronized CompletableFuture<Void> cancel() {
            cancelled = true;
            if (timer != null) {
                timer.cancel();
            }
            return run != null ? run.cancel() : CompletableFuture.completedFuture(null);
        }
    }
}
