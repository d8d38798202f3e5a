package io.elector.core;

import io.elector.api.LeaderTask;
import io.elector.api.Leadership;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a leader task on its own thread; {@link #cancel()} interrupts it. The lock makes sure
 * an interrupt never reaches a pooled thread after the run has left it.
 */
final class WorkRun implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(WorkRun.class);
    private final LeaderTask task;
    private final Leadership leadership;
    private final Runnable onFinish;
    private Thread thread;
    private boolean cancelled;
    private boolean finished;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    WorkRun(LeaderTask task, Leadership leadership, Runnable onFinish) {
        this.task = task;
        this.leadership = leadership;
        this.onFinish = onFinish;
    }

    @Override
    public void run() {
        synchronized (this) {
            if (cancelled || !leadership.isValid()) {
                finished = true;
                done.complete(null);
                return;
            }
            thread = Thread.currentThread();
        }
        try {
            task.run(leadership);
        } catch (InterruptedException e) {
            log.debug("leader task for {} interrupted", leadership);
        } catch (Exception | Error e) {
            if (isCancelled()) {
                log.debug("leader task for {} ended after cancellation", leadership, e);
            } else {
                log.warn("leader task for {} failed", leadership, e);
            }
        } finally {
            synchronized (this) {
                thread = null;
                finished = true;
                Thread.interrupted();
            }
            done.complete(null);
        }
        if (onFinish != null) {
            onFinish.run();
        }
    }

    synchronized boolean isCancelled() {
        return cancelled;
    }

    synchronized boolean isFinished() {
        return finished;
    }

    /**
     * Interrupts the run if it is running; prevents it from starting otherwise.
     *
     * @return completes when the run has left the task (at once if it never started)
     */
    CompletableFuture<Void> cancel() {
        synchronized (this) {
            cancelled = true;
            if (thread != null) {
                thread.interrupt();
            } else if (!finished) {
                // Not started: it will see the flag and never run the task.
                finished = true;
                done.complete(null);
            }
        }
        return done;
    }
}
