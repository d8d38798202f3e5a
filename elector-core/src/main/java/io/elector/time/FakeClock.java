package io.elector.time;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic runtime for unit tests: time moves only when the test calls {@link
 * #advance(Duration)}, and every timer, loop step, backend call and callback runs on the calling
 * thread, in order. Leader-only work runs on real threads (it is user code that may block) unless
 * a test replaces {@link #workExecutor()}.
 *
 * <p>The monotonic clock starts wherever the test asks; {@link #nearOverflow()} starts one minute
 * before {@code Long.MAX_VALUE} so that code comparing {@code a > b} instead of {@code a - b > 0}
 * fails.
 *
 * <p>To model a clock that drifts, wrap {@link #time()} in {@link DriftingTimeSource}.
 *
 * <p>Not thread-safe for concurrent {@code advance} calls; schedule and execute may be called from
 * any thread.
 */
public final class FakeClock implements ElectorRuntime {
    private final Object lock = new Object();
    private long nanos;
    private Instant wall;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> {
        int c = Long.compare(a.due - b.due, 0);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    });
    private final Queue<Runnable> ready = new ArrayDeque<>();
    private final AtomicLong seq = new AtomicLong();
    private final Executor queued = this::enqueue;
    private final Executor work = r -> {
        Thread t = new Thread(r, "fake-clock-work");
        t.setDaemon(true);
        t.start();
    };

    private static final class Timer {
        final long due;
        final long seq;
        final Runnable action;
        boolean cancelled;

        Timer(long due, long seq, Runnable action) {
            this.due = due;
            this.seq = seq;
            this.action = action;
        }
    }

    private FakeClock(long startNanos, Instant startWall) {
        this.nanos = startNanos;
        this.wall = startWall;
    }

    /** A clock starting at the given monotonic reading and wall time. */
    public static FakeClock startingAt(long monotonicNanos, Instant wall) {
        return new FakeClock(monotonicNanos, wall);
    }

    /** A clock one minute before the monotonic counter overflows. */
    public static FakeClock nearOverflow() {
        return new FakeClock(Long.MAX_VALUE - Duration.ofMinutes(1).toNanos(), Instant.parse("2030-01-01T00:00:00Z"));
    }

    /** A clock at a seeded random monotonic start (any sign), for property-style tests. */
    public static FakeClock seeded(long seed) {
        return new FakeClock(new SplittableRandom(seed).nextLong(), Instant.parse("2030-01-01T00:00:00Z"));
    }

    @Override
    public TimeSource time() {
        return timeSource;
    }

    private final TimeSource timeSource = new TimeSource() {
        @Override
        public long monotonicNanos() {
            synchronized (lock) {
                return nanos;
            }
        }

        @Override
        public Instant wallTime() {
            synchronized (lock) {
                return wall;
            }
        }
    };

    /** Current monotonic reading. */
    public long nanos() {
        return timeSource.monotonicNanos();
    }

    @Override
    public Cancellable schedule(Runnable action, long delayNanos) {
        Timer t;
        synchronized (lock) {
            t = new Timer(nanos + Math.max(0, delayNanos), seq.incrementAndGet(), action);
            timers.add(t);
        }
        return () -> {
            synchronized (lock) {
                t.cancelled = true;
                timers.remove(t);
            }
        };
    }

    private void enqueue(Runnable r) {
        synchronized (lock) {
            ready.add(r);
        }
    }

    @Override
    public Executor loopExecutor() {
        return queued;
    }

    @Override
    public Executor ioExecutor() {
        return queued;
    }

    @Override
    public Executor callbackExecutor() {
        return queued;
    }

    @Override
    public Executor workExecutor() {
        return work;
    }

    /** Runs every queued step and every timer due now, until nothing is left to run now. */
    public void runPending() {
        for (int guard = 0; guard < 1_000_000; guard++) {
            Runnable next;
            synchronized (lock) {
                next = ready.poll();
                if (next == null) {
                    Timer t = timers.peek();
                    if (t != null && t.due - nanos <= 0) {
                        timers.poll();
                        next = t.action;
                    }
                }
            }
            if (next == null) {
                return;
            }
            next.run();
        }
        throw new IllegalStateException(
                "runPending: more than 1,000,000 steps; a loop reschedules itself at zero delay");
    }

    /**
     * Moves time forward by {@code d}, firing timers in due order at their due time, and running
     * queued steps after each.
     */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("advance: negative duration " + d);
        }
        long target;
        synchronized (lock) {
            target = nanos + d.toNanos();
        }
        runPending();
        for (int guard = 0; guard < 10_000_000; guard++) {
            synchronized (lock) {
                Timer t = timers.peek();
                if (t == null || t.due - target > 0) {
                    long delta = target - nanos;
                    nanos = target;
                    wall = wall.plusNanos(delta);
                    break;
                }
                long delta = t.due - nanos;
                if (delta > 0) {
                    nanos = t.due;
                    wall = wall.plusNanos(delta);
                }
            }
            runPending();
        }
        runPending();
    }

    /**
     * Moves time forward by {@code d} without running anything: the model of a thread that is busy
     * (a slow store call, a GC pause) while time passes. Timers that came due run at the next
     * {@link #runPending()} or {@link #advance}.
     */
    public void elapse(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("elapse: negative duration " + d);
        }
        synchronized (lock) {
            nanos += d.toNanos();
            wall = wall.plus(d);
        }
    }

    /** Moves the wall clock only (a wall-clock step, as NTP might make); monotonic time is unchanged. */
    public void stepWall(Duration d) {
        synchronized (lock) {
            wall = wall.plus(d);
        }
    }

    @Override
    public boolean allowsBlockingWaits() {
        return false;
    }

    @Override
    public void close() {
        synchronized (lock) {
            timers.clear();
            ready.clear();
        }
    }
}
