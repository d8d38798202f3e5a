package io.elector.time;

import java.util.concurrent.Executor;

/**
 * The clocks and threads an elector runs on. Injected so that unit tests can drive everything from
 * a {@link FakeClock} without sleeping.
 *
 * <ul>
 *   <li>{@link #time()}: the clocks.
 *   <li>{@link #schedule(Runnable, long)}: timers; actions must be short and never block.
 *   <li>{@link #loopExecutor()}: runs state-machine steps; never blocks.
 *   <li>{@link #ioExecutor()}: runs blocking backend calls (JDBC statements, network requests).
 *   <li>{@link #callbackExecutor()}: runs user listeners, in order per election (see {@code
 *       SerialExecutor}).
 *   <li>{@link #workExecutor()}: runs leader-only work; each task gets its own thread so it can be
 *       interrupted.
 * </ul>
 */
public interface ElectorRuntime extends AutoCloseable {

    TimeSource time();

    /** Runs {@code action} after {@code delayNanos} (at once when {@code <= 0}) on a timer thread. */
    Cancellable schedule(Runnable action, long delayNanos);

    Executor loopExecutor();

    Executor ioExecutor();

    Executor callbackExecutor();

    Executor workExecutor();

    /**
     * False for a manual runtime ({@link FakeClock}) whose steps run only when the test drives
     * them: then nothing may block waiting for a step (a {@code close()} returns at once).
     */
    default boolean allowsBlockingWaits() {
        return true;
    }

    /** Stops the runtime's own threads. A shared runtime is closed by its owner only. */
    @Override
    void close();

    /** A runtime on the JVM's clocks with daemon threads named {@code elector-*}. */
    static ElectorRuntime system() {
        return new SystemRuntime(TimeSource.system());
    }

    /** A runtime on the given clocks (for example a skewed clock in a fault test). */
    static ElectorRuntime withTime(TimeSource time) {
        return new SystemRuntime(time);
    }
}
