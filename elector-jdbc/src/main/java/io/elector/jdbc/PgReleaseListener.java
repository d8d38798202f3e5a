package io.elector.jdbc;

import io.elector.spi.ReleaseNotice;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs for release notifications on PostgreSQL so that waiting candidates retry at once after a
 * resign instead of at their next poll. One thread and one connection per store; it reconnects
 * with a capped backoff after any failure. Notifications are only a hint: a missed one costs a
 * poll interval, never safety.
 */
final class PgReleaseListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgReleaseListener.class);
    private static final int POLL_MILLIS = 250;

    private final DataSource dataSource;
    private final String channel;
    private final Consumer<ReleaseNotice> sink;
    private final Thread thread;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Connection current;

    PgReleaseListener(DataSource dataSource, String channel, Consumer<ReleaseNotice> sink) {
        this.dataSource = dataSource;
        this.channel = channel;
        this.sink = sink;
        this.thread = new Thread(this::run, "elector-jdbc-listen-" + channel);
        this.thread.setDaemon(true);
    }

    /**
     * The notice in a NOTIFY payload, {@code election|token} ({@link LeaseStatements#release}); a
     * bare election name (an older version's payload) gives a notice without token. Election names
     * contain no {@code |}.
     */
    static ReleaseNotice parse(String payload) {
        int bar = payload.lastIndexOf('|');
        if (bar > 0) {
            try {
                return ReleaseNotice.of(payload.substring(0, bar), Long.parseLong(payload.substring(bar + 1)));
            } catch (NumberFormatException e) {
                return ReleaseNotice.of(payload);
            }
        }
        return ReleaseNotice.of(payload);
    }

    void start() {
        thread.start();
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    private void run() {
        int failures = 0;
        while (!isClosed()) {
            try (Connection c = dataSource.getConnection()) {
                current = c;
                try (Statement st = c.createStatement()) {
                    st.setQueryTimeout(5);
                    st.execute("LISTEN " + channel);
                }
                failures = 0;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!isClosed()) {
                    PGNotification[] batch = pg.getNotifications(POLL_MILLIS);
                    if (batch != null) {
                        for (PGNotification n : batch) {
                            sink.accept(parse(n.getParameter()));
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (isClosed()) {
                    return;
                }
                failures++;
                log.debug("LISTEN {} failed ({} in a row), reconnecting: {}", channel, failures, e.toString());
            } finally {
                current = null;
            }
            long backoff = Math.min(5_000, 100L << Math.min(failures, 6));
            try {
                if (closed.await(backoff, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed.countDown();
        Connection c = current;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // Closing anyway.
            }
        }
        try {
            // Bounded: the loop checks the latch at least every POLL_MILLIS.
            thread.join(Duration.ofSeconds(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
