package io.elector.core;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the event loop of one
 * election (and the ordered callback lane of its listeners). A task that throws is logged at WARN;
 * the lane goes on.
 */
final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
    private final Executor delegate;
    private final String name;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;
    private volatile Thread owner;

    SerialExecutor(Executor delegate, String name) {
        this.delegate = delegate;
        this.name = name;
    }

    /** A lane that queues tasks but runs none until {@link #resume()}. */
    static SerialExecutor paused(Executor delegate, String name) {
        SerialExecutor s = new SerialExecutor(delegate, name);
        s.running = true;
        return s;
    }

    /** Starts running the tasks queued while paused. */
    void resume() {
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

    /** True when called from a task of this executor. */
    boolean inLane() {
        return owner == Thread.currentThread();
    }

    private void drain() {
        owner = Thread.currentThread();
        try {
            // Bounded batch so one busy lane cannot starve others sharing the pool.
            for (int i = 0; i < 1024; i++) {
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
        delegate.execute(this::drain);
    }
}
