package io.elector.raft;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's event loop: runs tasks one at a time, in order, on the runtime's loop executor (a
 * real thread pool, or the fake clock's queue in unit tests). A task that throws is logged at WARN
 * and the loop goes on.
 */
final class Lane implements Executor {
    private static final Logger log = LoggerFactory.getLogger(Lane.class);
    private final Executor delegate;
    private final String name;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;
    private volatile Thread owner;

    Lane(Executor delegate, String name) {
        this.delegate = delegate;
        this.name = name;
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
     * Like {@link #execute}, but when the lane is idle runs it (and whatever queues meanwhile, up to
     * one batch) on the calling thread instead of waking a pool thread. For callers whose thread
     * has nothing else to do and may be held for one batch; order is kept either way.
     */
    void executeHere(Runnable task) {
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

    /** True when called from a task of this lane. */
    boolean inLane() {
        return owner == Thread.currentThread();
    }

    private void drain() {
        owner = Thread.currentThread();
        try {
            // Bounded batch so one busy lane cannot starve others sharing the pool.
            for (int i = 0; i < 256; i++) {
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
        }
    }
}
