package io.elector.time;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads: one timer thread (short actions only), a small loop pool for state machines, a cached
 * pool for blocking backend calls, a cached pool for user callbacks and one for leader-only work.
 * All are daemon threads so that an elector never keeps a JVM alive.
 */
final class SystemRuntime implements ElectorRuntime {
    private final TimeSource time;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService loop;
    private final ExecutorService io;
    private final ExecutorService callbacks;
    private final ExecutorService work;

    SystemRuntime(TimeSource time) {
        this.time = time;
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("elector-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.loop = Executors.newFixedThreadPool(2, daemon("elector-loop"));
        this.io = Executors.newCachedThreadPool(daemon("elector-io"));
        this.callbacks = Executors.newCachedThreadPool(daemon("elector-callback"));
        this.work = Executors.newCachedThreadPool(daemon("elector-work"));
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public TimeSource time() {
        return time;
    }

    @Override
    public Cancellable schedule(Runnable action, long delayNanos) {
        if (timer.isShutdown()) {
            return () -> {};
        }
        ScheduledFuture<?> f = timer.schedule(action, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public Executor loopExecutor() {
        return loop;
    }

    @Override
    public Executor ioExecutor() {
        return io;
    }

    @Override
    public Executor callbackExecutor() {
        return callbacks;
    }

    @Override
    public Executor workExecutor() {
        return work;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        loop.shutdown();
        io.shutdown();
        callbacks.shutdown();
        work.shutdownNow();
    }
}
