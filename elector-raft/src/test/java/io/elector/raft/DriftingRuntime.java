package io.elector.raft;

import io.elector.time.Cancellable;
import io.elector.time.DriftingTimeSource;
import io.elector.time.ElectorRuntime;
import io.elector.time.FakeClock;
import io.elector.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * One simulated process's runtime on a shared {@link FakeClock}: its clock runs at {@code rate}
 * times true time, and its timers fire when its own clock reaches their due time.
 */
final class DriftingRuntime implements ElectorRuntime {
    private final FakeClock base;
    private final double rate;
    private final TimeSource time;

    DriftingRuntime(FakeClock base, double rate) {
        this.base = base;
        this.rate = rate;
        this.time = new DriftingTimeSource(base.time(), rate, Duration.ZERO);
    }

    @Override
    public TimeSource time() {
        return time;
    }

    @Override
    public Cancellable schedule(Runnable action, long delayNanos) {
        return base.schedule(action, (long) Math.ceil(Math.max(0, delayNanos) / rate));
    }

    @Override
    public Executor loopExecutor() {
        return base.loopExecutor();
    }

    @Override
    public Executor ioExecutor() {
        return base.ioExecutor();
    }

    @Override
    public Executor callbackExecutor() {
        return base.callbackExecutor();
    }

    @Override
    public Executor workExecutor() {
        return base.workExecutor();
    }

    @Override
    public boolean allowsBlockingWaits() {
        return false;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "DriftingRuntime[rate=" + rate + "]";
    }
}
