package io.elector.redis;

import io.elector.spi.ReleaseNotice;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.util.concurrent.EventExecutorGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription to the release channel: one pub/sub connection per store, opened on first use
 * without blocking the caller. Lettuce re-subscribes by itself after a reconnect. While the
 * subscription is down, waiting candidates still retry at their poll interval: a missed message
 * costs speed, never safety.
 */
final class ReleaseChannel {
    private static final Logger log = LoggerFactory.getLogger(ReleaseChannel.class);
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** How long close() waits for a pub/sub connection being set up. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

    private final RedisClient client;
    private final RedisURI uri;
    private final String channel;
    private final String address;
    private final EventExecutorGroup timers;
    private final List<Consumer<ReleaseNotice>> listeners = new CopyOnWriteArrayList<>();
    private StatefulRedisPubSubConnection<String, String> connection;
    private boolean started;
    private boolean closed;
    private CompletableFuture<?> pending;
    private boolean warned;

    ReleaseChannel(RedisClient client, RedisURI uri, String channel, String address, EventExecutorGroup timers) {
        this.client = client;
        this.uri = uri;
        this.channel = channel;
        this.address = address;
        this.timers = timers;
    }

    /** The message published on a release: {@code election|token}. */
    static String message(String election, long token) {
        return election + "|" + token;
    }

    /**
     * The notice in a message; a bare election name (a message without a token) gives a notice
     * without token. Election names contain no {@code |}.
     */
    static ReleaseNotice parse(String message) {
        int bar = message.lastIndexOf('|');
        if (bar > 0) {
            try {
                return ReleaseNotice.of(message.substring(0, bar), Long.parseLong(message.substring(bar + 1)));
            } catch (NumberFormatException e) {
                return ReleaseNotice.of(message);
            }
        }
        return ReleaseNotice.of(message);
    }

    /** Adds a listener for release notices; opens the subscription on first use. */
    AutoCloseable add(Consumer<ReleaseNotice> listener) {
        listeners.add(listener);
        synchronized (this) {
            if (!started && !closed) {
                started = true;
                // Off the caller's thread: Lettuce builds the connection object synchronously.
                timers.execute(this::connect);
            }
        }
        return () -> listeners.remove(listener);
    }

    private void connect() {
        CompletableFuture<StatefulRedisPubSubConnection<String, String>> connecting;
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                connecting = client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture();
            } catch (RuntimeException e) {
                // The client is shutting down ("Event executor group is terminated"): retryLater does
                // nothing once closed.
                retryLater(e);
                return;
            }
            // close() waits (bounded) for it: shutting the client down under a connection being set up
            // makes Netty log a stack trace.
            pending = connecting;
        }
        connecting
                .thenCompose(c -> {
                    c.addListener(new RedisPubSubAdapter<>() {
                        @Override
                        public void message(String ch, String message) {
                            deliver(parse(message));
                        }
                    });
                    synchronized (this) {
                        if (closed) {
                            c.closeAsync();
                            return java.util.concurrent.CompletableFuture.completedFuture(null);
                        }
                        connection = c;
                    }
                    return c.async().subscribe(channel).toCompletableFuture();
                })
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        retryLater(error);
                    }
                });
    }

    private void retryLater(Throwable error) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (connection != null) {
                connection.closeAsync();
                connection = null;
            }
            if (!warned) {
                warned = true;
                log.warn(
                        "release channel {} on {} not subscribed, retrying every {} (handoff falls back to polling): {}",
                        channel,
                        address,
                        RETRY,
                        error.toString());
            }
        }
        timers.schedule(
                () -> {
                    synchronized (this) {
                        if (!closed) {
                            connect();
                        }
                    }
                },
                RETRY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void deliver(ReleaseNotice notice) {
        for (Consumer<ReleaseNotice> l : listeners) {
            try {
                l.accept(notice);
            } catch (RuntimeException e) {
                log.warn("release listener failed for {}", notice.election(), e);
            }
        }
    }

    void close() {
        StatefulRedisPubSubConnection<String, String> c;
        CompletableFuture<?> p;
        synchronized (this) {
            closed = true;
            c = connection;
            connection = null;
            p = pending;
        }
        listeners.clear();
        if (p != null && !p.isDone()) {
            try {
                // Its completion sees 'closed' and closes the new connection itself.
                p.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // failed or still connecting: nothing more to close here
            }
        }
        if (c != null) {
            c.close();
        }
    }
}
