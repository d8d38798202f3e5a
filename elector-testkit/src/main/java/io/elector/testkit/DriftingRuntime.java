package io.elector.testkit;

import io.elector.time.Cancellable;
import io.elector.time.DriftingTimeSource;
import io.elector.time.ElectorRuntime;
import io.elector.time.FakeClock;
import io.elector.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * A simulated process whose clock runs at {@code rate} times true time, on top of a shared {@link
 * FakeClock} that stands for real time: its monotonic readings drift, and its timers fire when its
 * own clock (not the true one) reaches their due time.
 */
public final class DriftingRuntime implements ElectorRuntime {
    private final FakeClock truth;
    private final DriftingTimeSource time;
    private final double rate;

    public DriftingRuntime(FakeClock truth, double rate, Duration wallSkew) {
        this.truth = truth;
        this.rate = rate;
        this.time = new DriftingTimeSource(truth.time(), rate, wallSkew);
    }

    @Override
    public TimeSource time() {
        return time;
    }

    @Override
    public Cancellable schedule(Runnable action, long delayNanos) {
        // delayNanos of this clock pass in delayNanos / rate of true time; round up so it is never early.
        return truth.schedule(action, (long) Math.ceil(Math.max(0, delayNanos) / rate));
    }

    @Override
    public Executor loopExecutor() {
        return truth.loopExecutor();
    }

    @Override
    public Executor ioExecutor() {
        return truth.ioExecutor();
    }

    @Override
    public Executor callbackExecutor() {
        return truth.callbackExecutor();
    }

    @Override
    public Executor workExecutor() {
        return truth.workExecutor();
    }

    @Override
    public boolean allowsBlockingWaits() {
        return false;
    }

    @Override
    public void close() {}
}
