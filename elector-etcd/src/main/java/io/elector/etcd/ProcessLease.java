package io.elector.etcd;

import io.elector.api.ElectionSettings;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one etcd lease of a process, shared by all its candidates in all elections, kept alive with
 * one keep-alive request every TTL / 6, and one more whenever a candidate of the process is elected (so
 * that a new leader starts with nearly a whole TTL).
 *
 * <p><b>Threads</b>: everything runs on one thread of its own, so that busy election work never
 * delays a keep-alive. The current {@link Grant} is published through a volatile field.
 *
 * <p><b>Time</b>: every grant and keep-alive records when it was <em>sent</em>; etcd refreshes the
 * lease when it receives the request, which is later, so {@code sent + TTL} is never after the
 * server's expiry. Deadlines shorten that by the drift bound ({@link Grant#deadline}).
 *
 * <p><b>Failure</b>: a keep-alive that fails or times out changes nothing; the lease is given up
 * when etcd answers that it is gone, or when its local deadline passes without a successful
 * keep-alive (the server may still hold it, so it is revoked as soon as etcd answers again). Then a
 * new lease is granted and every candidate joins again with it.
 */
final class ProcessLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProcessLease.class);
    /** The drift bound for this class's own decision to give the lease up; candidates apply their own. */
    private static final double DRIFT = ElectionSettings.DEFAULT_DRIFT;
    /** Revocations of lost leases are retried this many times, then left to expire. */
    private static final int REVOKE_ATTEMPTS = 10;

    /** A lease as this process knows it; nanos on {@link System#nanoTime()}. */
    record Grant(long id, long ttlNanos, long lastSendNanos) {
        /** When this process must consider the lease gone, given the drift bound. */
        long deadline(double drift) {
            return lastSendNanos + (long) (ttlNanos * (1.0 - drift));
        }

        Grant renewed(long sentNanos, long ttlSeconds) {
            long ttl = Math.min(ttlNanos, TimeUnit.SECONDS.toNanos(ttlSeconds));
            return new Grant(id, ttl, sentNanos);
        }

        String hex() {
            return String.format("%016x", id);
        }
    }

    /** Receives lease changes; called on the lease thread, must not block. */
    interface Listener {
        void granted(Grant grant);

        void renewed(Grant grant);

        void lost(Grant grant, String cause);
    }

    private final Lease leases;
    private final EtcdConfig config;
    private final Listener listener;
    private final ScheduledExecutorService thread;
    private final Map<Long, Integer> toRevoke = new LinkedHashMap<>();
    private final AtomicLong keepAlivesSent = new AtomicLong();
    private final AtomicLong grantsSent = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean nudged = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Grant current;
    private volatile String lastError = "no answer yet";
    private volatile boolean closed;

    ProcessLease(Lease leases, EtcdConfig config, Listener listener, String name) {
        this.leases = leases;
        this.config = config;
        this.listener = listener;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        thread.scheduleWithFixedDelay(this::tick, 0, intervalMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The keep-alive period: a sixth of the TTL (500 ms for 3 s), so that a leader's deadline is
     * never less than about 5/6 of the TTL away while etcd answers, and a blip of up to 5/6 of the
     * TTL does not cost leadership.
     */
    long intervalMillis() {
        return Math.max(50, config.ttl().toMillis() / 6);
    }

    /** The lease now, or null while there is none. */
    Grant current() {
        return current;
    }

    long keepAlivesSent() {
        return keepAlivesSent.get();
    }

    long grantsSent() {
        return grantsSent.get();
    }

    /** What went wrong with the last failed grant, for a one-line error. */
    String lastError() {
        return lastError;
    }

    /** Asks for a keep-alive now (a candidate was elected, or was told the lease is gone). */
    void keepAliveNow() {
        // Coalesced: a hundred elections won at once ask for one extra keep-alive, not a hundred.
        if (!closed && nudged.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    nudged.set(false);
                    tick();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    // ---- lease thread ----

    private void tick() {
        if (closed) {
            return;
        }
        try {
            revokeLost();
            Grant g = current;
            if (g != null && g.deadline(DRIFT) - System.nanoTime() <= 0) {
                lose(g, "no keep-alive answered within the lease TTL");
                g = null;
            }
            if (g == null) {
                grant();
            } else {
                keepAlive(g);
            }
        } catch (RuntimeException e) {
            log.warn("etcd lease upkeep failed; retrying in {} ms", intervalMillis(), e);
        }
    }

    private void grant() {
        long ttlSeconds = config.ttl().toSeconds();
        long sent = System.nanoTime();
        grantsSent.incrementAndGet();
        try {
            LeaseGrantResponse r = leases.grant(ttlSeconds, timeoutMillis(), TimeUnit.MILLISECONDS)
                    .get(timeoutMillis(), TimeUnit.MILLISECONDS);
            if (r.getTTL() <= 0) {
                log.warn("etcd granted lease {} with TTL {}; asking again", Long.toHexString(r.getID()), r.getTTL());
                return;
            }
            Grant g = new Grant(r.getID(), TimeUnit.SECONDS.toNanos(r.getTTL()), sent);
            if (r.getTTL() != ttlSeconds) {
                log.info(
                        "etcd granted TTL {} s instead of the requested {} s (the server's minimum)",
                        r.getTTL(),
                        ttlSeconds);
            }
            current = g;
            log.debug("etcd lease {} granted, TTL {} s", g.hex(), r.getTTL());
            listener.granted(g);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            lastError = String.valueOf(e.getCause().getMessage());
            log.debug("etcd lease grant failed: {}", e.getCause().toString());
        } catch (TimeoutException e) {
            lastError = "no answer within " + timeoutMillis() + " ms";
            log.debug("etcd lease grant timed out after {} ms", timeoutMillis());
        }
    }

    private void keepAlive(Grant g) {
        long sent = System.nanoTime();
        keepAlivesSent.incrementAndGet();
        // Bounded by a third of the TTL: a later answer could not keep the next deadline anyway,
        // and the next tick sends a fresh request.
        long timeout = Math.min(timeoutMillis(), Math.max(100, TimeUnit.NANOSECONDS.toMillis(g.ttlNanos()) / 3));
        try {
            LeaseKeepAliveResponse r = leases.keepAliveOnce(g.id()).get(timeout, TimeUnit.MILLISECONDS);
            if (current != g) {
                return;
            }
            if (r.getTTL() <= 0) {
                lose(g, "etcd says the lease is gone");
                grant();
                return;
            }
            Grant next = g.renewed(sent, r.getTTL());
            current = next;
            listener.renewed(next);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (notFound(e.getCause())) {
                lose(g, "etcd says the lease is gone (expired or revoked)");
                grant();
            } else {
                log.debug(
                        "etcd keep-alive of lease {} failed: {}",
                        g.hex(),
                        e.getCause().toString());
            }
        } catch (TimeoutException e) {
            log.debug("etcd keep-alive of lease {} timed out after {} ms", g.hex(), timeout);
        }
    }

    private void lose(Grant g, String cause) {
        if (current != g) {
            return;
        }
        current = null;
        log.warn("etcd lease {} lost: {}; joining again with a new lease", g.hex(), cause);
        toRevoke.put(g.id(), 0);
        listener.lost(g, cause);
    }

    /** Revokes given-up leases, so their keys go now rather than when etcd expires them. */
    private void revokeLost() {
        for (Map.Entry<Long, Integer> e : Map.copyOf(toRevoke).entrySet()) {
            long id = e.getKey();
            try {
                leases.revoke(id).get(timeoutMillis(), TimeUnit.MILLISECONDS);
                toRevoke.remove(id);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException ex) {
                if (notFound(ex.getCause()) || e.getValue() + 1 >= REVOKE_ATTEMPTS) {
                    toRevoke.remove(id);
                } else {
                    toRevoke.put(id, e.getValue() + 1);
                }
            } catch (TimeoutException ex) {
                if (e.getValue() + 1 >= REVOKE_ATTEMPTS) {
                    toRevoke.remove(id);
                } else {
                    toRevoke.put(id, e.getValue() + 1);
                }
                return; // etcd is not answering: the grant will not get through either
            }
        }
    }

    static boolean notFound(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof EtcdException ee && ee.getErrorCode() == ErrorCode.NOT_FOUND) {
                return true;
            }
            if (c.getMessage() != null && c.getMessage().contains("lease not found")) {
                return true;
            }
        }
        return false;
    }

    private long timeoutMillis() {
        return config.operationTimeout().toMillis();
    }

    /**
     * Stops the upkeep and revokes the lease, so that every key still bound to it goes at once.
     * Bounded: if the revoke takes longer than the operation timeout, etcd expires the lease
     * within its TTL anyway.
     */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        try {
            thread.awaitTermination(timeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Grant g = current;
        current = null;
        if (g != null) {
            try {
                leases.revoke(g.id()).get(timeoutMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.debug("etcd lease {} not revoked at close ({}); it expires within its TTL", g.hex(), e.toString());
            }
        }
    }
}
