package io.elector.jdbc;

import io.elector.spi.LeaseStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Runs JDBC work with a hard time bound. A statement timeout alone does not bound a call: it is
 * enforced by a cancel request that a blackholed network drops, and {@code getConnection()} or a
 * socket read can hang for minutes on a half-open connection. So the work runs on a worker thread;
 * the caller waits at most the timeout, then aborts the connection (closing its socket, which ends
 * any blocked read) and reports {@link LeaseStoreException}.
 */
final class BoundedCalls implements AutoCloseable {

    /** Work on a borrowed connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;
    private final Duration timeout;
    private final ExecutorService workers;

    BoundedCalls(DataSource dataSource, Duration timeout, String name) {
        this.dataSource = dataSource;
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    Duration timeout() {
        return timeout;
    }

    /** Statement timeout in whole seconds (JDBC's unit), at least 1. */
    int queryTimeoutSeconds() {
        return (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    <T> T call(String what, Work<T> work) throws LeaseStoreException {
        AtomicReference<Connection> borrowed = new AtomicReference<>();
        Future<T> f;
        try {
            f = workers.submit(() -> {
                try (Connection c = dataSource.getConnection()) {
                    borrowed.set(c);
                    if (!c.getAutoCommit()) {
                        c.setAutoCommit(true);
                    }
                    return work.run(c);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new LeaseStoreException(what + " refused: the store is closed", e);
        }
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abortIfStillRunning(f, borrowed);
            throw new LeaseStoreException(what + " gave no answer within " + timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new LeaseStoreException(what + " failed: " + describe(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            abort(borrowed.get());
            throw new LeaseStoreException(what + " interrupted", e);
        }
    }

    /**
     * The caller has given up; the work gets one more timeout to finish (a merely slow statement
     * then keeps its connection, sparing the pool a reconnect storm on a loaded machine), after which
     * its connection is aborted: a read blocked on a blackholed socket ends.
     */
    private void abortIfStillRunning(Future<?> f, AtomicReference<Connection> borrowed) {
        Thread t = new Thread(
                () -> {
                    try {
                        f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException stillRunning) {
                        abort(borrowed.get());
                        f.cancel(true);
                    } catch (InterruptedException | ExecutionException | RuntimeException done) {
                        // Finished (or failed) on its own: nothing to abort.
                    }
                },
                "elector-jdbc-watchdog");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Aborts {@code c} on another thread without waiting: some drivers' abort waits for the lock
     * held by the very read it should end (MariaDB Connector/J does), and the caller must not block.
     */
    private void abort(Connection c) {
        if (c == null) {
            return;
        }
        Thread t = new Thread(
                () -> {
                    try {
                        c.abort(Runnable::run);
                    } catch (SQLException | RuntimeException e) {
                        try {
                            c.close();
                        } catch (SQLException | RuntimeException ignored) {
                            // Already broken; the pool evicts it.
                        }
                    }
                },
                "elector-jdbc-abort");
        t.setDaemon(true);
        t.start();
    }

    static String describe(Throwable t) {
        if (t instanceof SQLException s && s.getSQLState() != null) {
            return s.getMessage() + " (SQLState " + s.getSQLState() + ")";
        }
        return String.valueOf(t);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
