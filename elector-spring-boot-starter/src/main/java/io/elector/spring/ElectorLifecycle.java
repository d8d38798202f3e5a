package io.elector.spring;

import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Joins the elections when the context starts and resigns them on a graceful shutdown.
 *
 * <p>Phase {@value #PHASE} ({@code SmartLifecycle.DEFAULT_PHASE - 4096}): lower than the embedded
 * web server's lifecycles (start at {@code DEFAULT_PHASE - 2048}, graceful shutdown at {@code
 * DEFAULT_PHASE - 1024}), so the instance is a candidate before it serves traffic and keeps
 * leading while in-flight requests drain; it resigns after that, before the beans are destroyed
 * (a data source used by leader-only work is still open). {@code @Scheduled} tasks are cancelled
 * earlier still (on {@code ContextClosedEvent}).
 *
 * <p>Starting never blocks: joining is asynchronous. Stopping waits at most {@code
 * elector.shutdown-timeout} for running {@link LeaderOnly} calls, then resigns.
 */
public class ElectorLifecycle implements SmartLifecycle, DisposableBean {
    /** The lifecycle phase; see the class comment. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final Elections elections;
    private final Supplier<Collection<String>> names;
    private final Duration shutdownTimeout;
    private volatile boolean running;

    /**
     * @param elections the elections to start and stop
     * @param names election names to join at the start (from {@link LeaderOnly} methods and
     *     configuration)
     * @param shutdownTimeout how long stopping waits for leader-only calls
     */
    public ElectorLifecycle(Elections elections, Supplier<Collection<String>> names, Duration shutdownTimeout) {
        this.elections = elections;
        this.names = names;
        this.shutdownTimeout = shutdownTimeout;
    }

    @Override
    public void start() {
        for (String n : names.get()) {
            elections.register(n);
        }
        elections.restart();
        running = true;
    }

    @Override
    public void stop() {
        elections.stop(shutdownTimeout);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public void destroy() {
        stop();
        elections.closeObservers();
    }
}
