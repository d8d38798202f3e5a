package io.elector.core;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the event loop of one
 * election (and the ordered callback lane of its listeners), or a backend's own loop (the Raft
 * node's). A task that throws is logged at WARN; the lane goes on. Tasks run in bounded batches so
 * that one busy lane cannot starve the others sharing the pool.
 */
public final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
    private static final int BATCH = 256;
    private final Executor delegate;
    private final String name;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;
    private volatile Thread owner;

    public SerialExecutor(Executor delegate, String name) {
        this.delegate = delegate;
        this.name = name;
    }

    /** A lane that queues tasks but runs none until {@link #resume()}. */
    public static SerialExecutor paused(Executor delegate, String name) {
        SerialExecutor s = new SerialExecutor(delegate, name);
        s.running = true;
        return s;
    }

    /** Starts running the tasks queued while paused. */
    public void resume() {
        delegate.execute(this::drain);
    }

    @Override
    public void execute(Runnable task) {
        boolean start;
        synchronized (tasks) {
            tasks.add(task);
            start = !running;
            running = true;
        }
        if (start) {
            try {
                delegate.execute(this::drain);
            } catch (RuntimeException rejected) {
                synchronized (tasks) {
                    running = false;
                    tasks.clear();
                }
                log.debug("{}: executor rejected task (shut down)", name);
            }
        }
    }

    /**
     * Like {@link #execute}, but when the lane is idle runs the task (and whatever queues meanwhile,
     * up to one batch) on the calling thread instead of handing it to the pool. For callers whose
     * thread has nothing else to do and may be held for one batch (a connection's reader thread);
     * the order is kept either way.
     */
    public void executeHere(Runnable task) {
        boolean start;
        synchronized (tasks) {
            tasks.add(task);
            start = !running;
            running = true;
        }
        if (start) {
            drain();
        }
    }

    /** True when called from a task of this executor. */
    public boolean inLane() {
        return owner == Thread.currentThread();
    }

    private void drain() {
        owner = Thread.currentThread();
        try {
            // Bounded batch so one busy lane cannot starve others sharing the pool.
            for (int i = 0; i < BATCH; i++) {
                Runnable next;
                synchronized (tasks) {
                    next = tasks.poll();
                    if (next == null) {
                        running = false;
                        return;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException | Error e) {
                    log.warn("{}: task failed", name, e);
                }
            }
        } finally {
            owner = null;
        }
        try {
            delegate.execute(this::drain);
        } catch (RuntimeException rejected) {
            synchronized (tasks) {
                running = false;
                tasks.clear();
            }
            log.debug("{}: executor rejected task (shut down)", name);
        }
    }
}
